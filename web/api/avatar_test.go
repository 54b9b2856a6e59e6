package api

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func pngBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// putRaw sends a raw body with the given content type.
func (e *tenv) putRaw(t testing.TB, c client, path string, body []byte, ctype string) resp {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), "PUT", path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: c.cookie})
	rec := httptest.NewRecorder()
	e.api.Handler().ServeHTTP(rec, req)
	return resp{Code: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()}
}

func TestAvatar(t *testing.T) {
	ce := newCourseEnv(t)
	e := ce.tenv
	admin := e.setup(t)
	img := pngBytes(t)

	for _, tc := range []struct {
		name   string
		body   []byte
		status int
	}{
		{"text is refused as unsupported", []byte("hello, I am not an image at all"), 415},
		{"HTML is refused as unsupported", []byte("<html><script>alert(1)</script></html>"), 415},
		{"SVG is refused as unsupported", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`), 415},
		{"an empty body is invalid", nil, 400},
		{"more than 2 MiB is too large", append(append([]byte{}, img...), make([]byte, 2<<20)...), 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.putRaw(t, admin, "/api/v1/me/avatar", tc.body, "image/png").want(t, tc.status).problem(t)
		})
	}
	var me User
	t.Run("a PNG is stored content-addressed, as an upload", func(t *testing.T) {
		e.putRaw(t, admin, "/api/v1/me/avatar", img, "application/octet-stream").want(t, 200).json(t, &me)
		if !strings.HasPrefix(me.AvatarURL, "/api/v1/users/") {
			t.Fatalf("avatar_url = %q", me.AvatarURL)
		}
		files, _ := filepath.Glob(filepath.Join(ce.uploadDir, "*", "*"))
		if len(files) != 1 {
			t.Fatalf("upload files = %v", files)
		}
		if got, _ := os.ReadFile(files[0]); !bytes.Equal(got, img) {
			t.Fatal("stored bytes differ")
		}
	})
	t.Run("signed-in users get it with type and cache headers", func(t *testing.T) {
		r := e.do(t, admin, "GET", me.AvatarURL, nil).want(t, 200)
		if r.Header.Get("Content-Type") != "image/png" || !bytes.Equal(r.Body, img) {
			t.Fatalf("Content-Type %q, %d bytes", r.Header.Get("Content-Type"), len(r.Body))
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "private") || !strings.Contains(cc, "immutable") {
			t.Fatalf("Cache-Control = %q", cc)
		}
		e.do(t, admin, "GET", me.AvatarURL, nil, "If-None-Match", r.Header.Get("ETag")).want(t, 304)
	})
	t.Run("anonymous callers do not", func(t *testing.T) {
		e.do(t, anon, "GET", me.AvatarURL, nil).want(t, 401)
	})
	t.Run("deleting removes it", func(t *testing.T) {
		var u User
		e.do(t, admin, "DELETE", "/api/v1/me/avatar", nil).want(t, 200).json(t, &u)
		if u.AvatarURL != "" {
			t.Fatalf("avatar_url = %q", u.AvatarURL)
		}
		e.do(t, admin, "GET", "/api/v1/users/"+itoa(me.ID)+"/avatar", nil).want(t, 404).problem(t)
	})
}
