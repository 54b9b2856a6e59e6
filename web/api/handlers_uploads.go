package api

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"os"
	"strings"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// postUpload stores a file sent as the raw body (?name= names it) or as
// the "file" part of a multipart form, streaming it to the course service
// under a size limit. The type is sniffed from the content by the service;
// the Content-Type header only chooses between raw and multipart.
func (a *API) postUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, a.maxUpload)
	name := r.URL.Query().Get("name")
	body := r.Body
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		part, fname, err := formFile(r)
		if err != nil {
			return err
		}
		if name == "" {
			name = fname
		}
		u, err := a.courses.Uploads.SaveUpload(r.Context(), caller(r), id, name, part)
		return a.uploaded(w, u, err)
	}
	u, err := a.courses.Uploads.SaveUpload(r.Context(), caller(r), id, name, body)
	return a.uploaded(w, u, err)
}

// uploaded answers a SaveUpload outcome; a body past the request limit is
// ETOOLARGE.
func (a *API) uploaded(w http.ResponseWriter, u *lms.Upload, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &lms.Error{Code: lms.ETOOLARGE, Field: "file",
			Message: fmt.Sprintf("The upload is too large: at most %d MiB.", a.maxUpload>>20)}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, UploadInfo{Upload: u, URL: course.UploadURL(u.ID)})
}

// getUpload serves an upload with range requests to those who may see it.
func (a *API) getUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, f, err := a.courses.Uploads.OpenUpload(r.Context(), caller(r), id)
	return serveUpload(w, r, u, f, err)
}

// serveUpload answers an opened upload (closing f) with range requests,
// or the error from opening it.
func serveUpload(w http.ResponseWriter, r *http.Request, u *lms.Upload, f *os.File, err error) error {
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat upload %d: %w", u.ID, err)
	}
	h := w.Header()
	h.Set("Content-Type", u.ContentType)
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+u.Hash+`"`)
	disp := "inline"
	if !strings.HasPrefix(u.ContentType, "image/") && !strings.HasPrefix(u.ContentType, "video/") &&
		!strings.HasPrefix(u.ContentType, "audio/") {
		disp = "attachment"
	}
	if u.Name != "" {
		h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": u.Name}))
	} else {
		h.Set("Content-Disposition", disp)
	}
	http.ServeContent(w, r, "", st.ModTime(), f)
	return nil
}
