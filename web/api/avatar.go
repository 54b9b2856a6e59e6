package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// avatarMaxAge: avatar URLs carry the picture's upload id (content-
// addressed), so a response for a matching ?v= may be cached for a year.
const avatarMaxAge = 365 * 24 * time.Hour

// Profile pictures are uploads (the course Uploads service stores, serves
// and sweeps them); the account keeps the upload's URL.

// errNoUploads answers the avatar routes on a site without the course
// services.
func errNoUploads() error {
	return lms.Errorf(lms.EUNAVAILABLE, "Uploads are not configured on this site.")
}

func (a *API) putAvatar(w http.ResponseWriter, r *http.Request) error {
	if a.courses == nil {
		return errNoUploads()
	}
	body := http.MaxBytesReader(w, r.Body, course.MaxAvatarBytes+1)
	up, err := a.courses.Uploads.SaveAvatar(r.Context(), caller(r), body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return lms.Errorf(lms.ETOOLARGE, "The image must be at most %d bytes.", course.MaxAvatarBytes)
		}
		if e, ok := err.(*lms.Error); ok && e.Code == lms.EINVALID && e.Field == "file" {
			return lms.Errorf(lms.EINVALID, "The request body is empty; send the image bytes.")
		}
		return err
	}
	u, err := a.auth.SetAvatar(r.Context(), caller(r), course.UploadURL(up.ID))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toUser(u))
}

func (a *API) deleteAvatar(w http.ResponseWriter, r *http.Request) error {
	if a.courses == nil {
		return errNoUploads()
	}
	u, err := a.auth.SetAvatar(r.Context(), caller(r), "")
	if err != nil {
		return err
	}
	if err := a.courses.Uploads.DropAvatar(r.Context(), caller(r)); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toUser(u))
}

func (a *API) getAvatar(w http.ResponseWriter, r *http.Request) error {
	if a.courses == nil {
		return errNoUploads()
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := a.auth.User(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	uploadID, ok := avatarUpload(u.AvatarPath)
	if !ok {
		return lms.Errorf(lms.ENOTFOUND, "This user has no avatar.")
	}
	up, f, err := a.courses.Uploads.OpenUpload(r.Context(), caller(r), uploadID)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	h := w.Header()
	h.Set("Content-Type", up.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+up.Hash+`"`)
	if r.URL.Query().Get("v") == strconv.FormatInt(uploadID, 10) {
		h.Set("Cache-Control", fmt.Sprintf("private, max-age=%d, immutable", int(avatarMaxAge.Seconds())))
	} else {
		h.Set("Cache-Control", "private, no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

// avatarUpload returns the upload id of an account's avatar path.
func avatarUpload(p string) (int64, bool) {
	rest, ok := strings.CutPrefix(p, course.UploadURLPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}
