package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// TestLegacyAvatarsMoveIntoTheUploadStore starts from a data directory of a
// release that kept avatars under DATA_DIR/avatars: the pictures become
// uploads, readable by others, and a missing file leaves no broken link.
func TestLegacyAvatarsMoveIntoTheUploadStore(t *testing.T) {
	ctx, dir := t.Context(), t.TempDir()
	st := storetest.SQLite(t)
	svc, err := auth.New(ctx, auth.Params{Store: st, Logger: zerolog.Nop(), Hash: auth.CheapHashParams()})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := course.NewServices(course.Params{Store: st, Logger: zerolog.Nop(),
		Uploads: course.UploadParams{Dir: filepath.Join(dir, "uploads")}})
	if err != nil {
		t.Fatal(err)
	}
	pic := []byte("\x89PNG\r\n\x1a\n" + "\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	if err := os.MkdirAll(filepath.Join(dir, "avatars"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "avatars", "abc.png"), pic, 0o640); err != nil {
		t.Fatal(err)
	}
	users := map[string]*lms.User{}
	for name, p := range map[string]string{"ann": "avatars/abc.png", "bob": "avatars/gone.png", "cid": ""} {
		u := &lms.User{Email: name + "@example.org", Username: name, Name: name, Role: lms.SiteUser, AvatarPath: p}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		users[name] = u
	}
	for range 2 { // a second start finds nothing left to move
		if err := importLegacyAvatars(ctx, st, cs.Uploads, svc, dir, zerolog.Nop()); err != nil {
			t.Fatal(err)
		}
	}
	ann, _ := st.UserByID(ctx, users["ann"].ID)
	bob, _ := st.UserByID(ctx, users["bob"].ID)
	if ann.AvatarPath == "" || ann.AvatarPath[:len(course.UploadURLPrefix)] != course.UploadURLPrefix || bob.AvatarPath != "" {
		t.Fatalf("avatar paths after the import: ann %q, bob %q", ann.AvatarPath, bob.AvatarPath)
	}
	var id int64
	if _, err := fmt.Sscan(ann.AvatarPath[len(course.UploadURLPrefix):], &id); err != nil {
		t.Fatal(err)
	}
	_, f, err := cs.Uploads.OpenUpload(ctx, users["cid"], id) // anyone signed in sees avatars
	if err != nil {
		t.Fatalf("another user opens the moved avatar: %v", err)
	}
	defer f.Close()
	got, _ := io.ReadAll(f)
	if !bytes.Equal(got, pic) {
		t.Fatal("the moved avatar's bytes differ")
	}
}
