package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Avatar rules.
const (
	maxAvatarBytes = 2 << 20 // 2 MiB
	avatarDir      = "avatars"
	avatarDirPerm  = 0o750
	avatarFilePerm = 0o640
	// avatarMaxAge: avatar URLs carry the content hash, so a response for a
	// matching ?v= may be cached for a year.
	avatarMaxAge = 365 * 24 * time.Hour
)

// avatarTypes maps the sniffed content types we accept to file extensions.
var avatarTypes = map[string]string{
	"image/png":  "png",
	"image/jpeg": "jpg",
	"image/gif":  "gif",
	"image/webp": "webp",
}

var avatarContentTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
}

func (a *API) putAvatar(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAvatarBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return lms.Errorf(lms.ETOOLARGE, "The image must be at most %d bytes.", maxAvatarBytes)
		}
		return lms.Errorf(lms.EINVALID, "The image could not be read.")
	}
	if len(body) == 0 {
		return lms.Errorf(lms.EINVALID, "The request body is empty; send the image bytes.")
	}
	ext, ok := avatarTypes[http.DetectContentType(body)]
	if !ok {
		return lms.Errorf(lms.EUNSUPPORTED, "The avatar must be a PNG, JPEG, GIF or WebP image.")
	}
	sum := sha256.Sum256(body)
	rel := path.Join(avatarDir, hex.EncodeToString(sum[:])+"."+ext)
	if err := a.writeFileAtomic(rel, body); err != nil {
		return err
	}
	u, err := a.auth.SetAvatar(r.Context(), caller(r), rel)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toUser(u))
}

// writeFileAtomic writes data to DataDir/rel via a temporary file and rename,
// so readers never see a partial image. Files are content-addressed, so an
// existing file is left as is.
func (a *API) writeFileAtomic(rel string, data []byte) error {
	dst := filepath.Join(a.dataDir, filepath.FromSlash(rel))
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, avatarDirPerm); err != nil {
		return fmt.Errorf("api: avatar dir: %w", err)
	}
	f, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("api: avatar temp file: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("api: write avatar: %w", err)
	}
	if err := f.Chmod(avatarFilePerm); err != nil {
		f.Close()
		return fmt.Errorf("api: chmod avatar: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("api: close avatar: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("api: rename avatar: %w", err)
	}
	return nil
}

func (a *API) deleteAvatar(w http.ResponseWriter, r *http.Request) error {
	// The content-addressed file may be shared with another user, so it stays.
	u, err := a.auth.SetAvatar(r.Context(), caller(r), "")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toUser(u))
}

func (a *API) getAvatar(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := a.auth.User(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	notFound := lms.Errorf(lms.ENOTFOUND, "This user has no avatar.")
	rel := u.AvatarPath
	ctype, ok := avatarContentTypes[path.Ext(rel)]
	if rel == "" || !ok || path.Dir(rel) != avatarDir || strings.Contains(path.Base(rel), "..") {
		return notFound
	}
	data, err := os.ReadFile(filepath.Join(a.dataDir, filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		return notFound
	}
	if err != nil {
		return fmt.Errorf("api: read avatar: %w", err)
	}
	hash := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("ETag", `"`+hash+`"`)
	if v := r.URL.Query().Get("v"); v != "" && strings.HasPrefix(hash, v) {
		h.Set("Cache-Control", fmt.Sprintf("private, max-age=%d, immutable", int(avatarMaxAge.Seconds())))
	} else {
		h.Set("Cache-Control", "private, no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	return nil
}
