package storetest

import (
	"fmt"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var uploadOwnerTests = map[string]func(*testing.T, store.Store){
	"an upload is usable by its owners and in the courses that use it": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		ann, bob, cid := newUser(t, s, "ann"), newUser(t, s, "bob"), newUser(t, s, "cid")
		a, b := newCourse(t, s, "a", ann.ID), newCourse(t, s, "b", bob.ID)
		u := &lms.Upload{Hash: "h1", Path: "p1", ContentType: "image/png", Size: 1, OwnerID: ann.ID}
		noErr(t, s.CreateUpload(ctx, u), "CreateUpload")
		noErr(t, s.AddUploadOwner(ctx, u.ID, ann.ID), "AddUploadOwner")
		noErr(t, s.AddUploadOwner(ctx, u.ID, ann.ID), "AddUploadOwner again")
		usable := func(user *lms.User, c *lms.Course) bool {
			t.Helper()
			var courseID int64
			if c != nil {
				courseID = c.ID
			}
			ok, err := s.UploadUsableBy(ctx, u.ID, user.ID, courseID)
			noErr(t, err, "UploadUsableBy")
			return ok
		}
		if !usable(ann, b) || usable(bob, b) || usable(bob, nil) {
			t.Fatal("only the owner may use a fresh upload")
		}
		noErr(t, s.SetUploadRefs(ctx, a.ID, "lesson:1", []int64{u.ID}), "SetUploadRefs")
		if !usable(cid, a) || usable(cid, b) {
			t.Fatal("an upload course A uses is usable in A only")
		}
		noErr(t, s.AddUploadOwner(ctx, u.ID, bob.ID), "AddUploadOwner bob") // bob uploaded the same bytes
		if !usable(bob, b) {
			t.Fatal("a second uploader may use the file")
		}
		wantCode(t, s.AddUploadOwner(ctx, 9999, bob.ID), lms.ENOTFOUND)
	},
	"refs in no course keep an upload from the sweep and go with the user": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		ann := newUser(t, s, "ann")
		u := &lms.Upload{Hash: "h2", Path: "p2", ContentType: "image/png", Size: 1, OwnerID: ann.ID, CreatedAt: base}
		noErr(t, s.CreateUpload(ctx, u), "CreateUpload")
		noErr(t, s.SetUploadRefs(ctx, 0, fmt.Sprintf("avatar:%d", ann.ID), []int64{u.ID}), "SetUploadRefs avatar")
		refs, err := s.UploadRefs(ctx, u.ID)
		noErr(t, err, "UploadRefs")
		if len(refs) != 1 {
			t.Fatalf("refs = %v", refs)
		}
		list, err := s.UnreferencedUploads(ctx, base.AddDate(1, 0, 0), 10)
		noErr(t, err, "UnreferencedUploads")
		if len(list) != 0 {
			t.Fatalf("an avatar was to be swept: %+v", list)
		}
		noErr(t, s.DeleteUser(ctx, ann.ID), "DeleteUser")
		list, err = s.UnreferencedUploads(ctx, base.AddDate(1, 0, 0), 10)
		noErr(t, err, "UnreferencedUploads")
		if len(list) != 1 {
			t.Fatalf("a deleted user's avatar is kept: %+v", list)
		}
	},
}
