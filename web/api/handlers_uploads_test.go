package api

import (
	"bytes"
	"io/fs"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// storedFiles counts the files under the upload directory.
func (e *cenv) storedFiles(t *testing.T) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(e.uploadDir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUploadRefusals(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	learner := w.people[roleLearner].c
	path := "/api/v1/courses/" + id(w.a.ID) + "/uploads"
	before := e.storedFiles(t)
	bigPNG := append(append([]byte{}, dotPNG...), make([]byte, testUploadLimit)...)
	for _, tc := range []struct {
		name, ctype string
		body        []byte
		status      int
	}{
		{"image over its limit is too large", "image/png", bigPNG, http.StatusRequestEntityTooLarge},
		{"body over the request limit is too large", "text/plain", bytes.Repeat([]byte("a"), 5*testUploadLimit), http.StatusRequestEntityTooLarge},
		{"html is refused whatever the header says", "image/png", []byte("<html><script>alert(1)</script></html>"), http.StatusUnsupportedMediaType},
		{"an executable is refused", "application/octet-stream", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), http.StatusUnsupportedMediaType},
		{"an empty body is invalid", "image/png", nil, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.raw(t, learner, "POST", path+"?name=evil.png", tc.ctype, tc.body).want(t, tc.status)
			r.problem(t)
		})
	}
	t.Run("a form without a file part is invalid", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("other", "x")
		_ = mw.Close()
		e.raw(t, learner, "POST", path, mw.FormDataContentType(), buf.Bytes()).want(t, http.StatusBadRequest)
	})
	if after := e.storedFiles(t); after != before {
		t.Errorf("refused uploads left files behind: %d -> %d", before, after)
	}
	t.Run("svg is kept as inert text", func(t *testing.T) {
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
		up := decode[UploadInfo](t, e.raw(t, learner, "POST", path+"?name=x.svg", "image/svg+xml", svg).want(t, http.StatusCreated))
		r := e.do(t, learner, "GET", up.URL, nil).want(t, http.StatusOK)
		if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); !strings.HasPrefix(ct, "text/plain") ||
			!strings.HasPrefix(cd, "attachment") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("svg served as %q, %q", ct, cd)
		}
	})
}

func TestUploadMultipartAndServe(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	learner := w.people[roleLearner].c
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("note", "first part is skipped")
	fw, _ := mw.CreateFormFile("file", "notes.txt")
	_, _ = fw.Write([]byte("plain text notes\n"))
	_ = mw.Close()
	up := decode[UploadInfo](t, e.raw(t, learner, "POST", "/api/v1/courses/"+id(w.a.ID)+"/uploads",
		mw.FormDataContentType(), buf.Bytes()).want(t, http.StatusCreated))
	if up.Name != "notes.txt" || !strings.HasPrefix(up.ContentType, "text/plain") || up.Size != 17 {
		t.Fatalf("upload = %+v", up)
	}
	// The owner may fetch it before anything references it; others may not.
	e.do(t, learner, "GET", up.URL, nil).want(t, http.StatusOK)
	e.do(t, w.people[roleTA].c, "GET", up.URL, nil).want(t, http.StatusNotFound)

	r := e.do(t, w.people[roleLearner].c, "GET", "/api/v1/uploads/"+id(w.upload.ID), nil, "Range", "bytes=1-3").
		want(t, http.StatusPartialContent)
	if string(r.Body) != "PNG" {
		t.Errorf("range body = %q", r.Body)
	}
	for h, want := range map[string]string{"Content-Type": "image/png", "Cache-Control": "private, max-age=3600",
		"X-Content-Type-Options": "nosniff", "Content-Range": "bytes 1-3/" + id(int64(len(dotPNG)))} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	etag := r.Header.Get("ETag")
	e.do(t, learner, "GET", "/api/v1/uploads/"+id(w.upload.ID), nil, "If-None-Match", etag).want(t, http.StatusNotModified)
	e.do(t, w.people[roleOutsider].c, "GET", "/api/v1/uploads/"+id(w.upload.ID), nil).want(t, http.StatusNotFound)
}
