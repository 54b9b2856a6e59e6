package app

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// sharedHandler builds the handler once for the tests that only read it
// (building hashes and compresses every file).
var sharedHandler = sync.OnceValue(Handler)

// do sends one request through Handler and returns the recorded response.
func do(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func readEmbedded(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(FS(), name)
	if err != nil {
		t.Fatalf("read embedded %s: %v", name, err)
	}
	return b
}

func TestStaticAssets(t *testing.T) {
	h := sharedHandler()
	tests := []struct {
		path, file, ctype string
	}{
		{"/static/js/main.js", "js/main.js", "text/javascript; charset=utf-8"},
		{"/static/vendor/htm.module.js", "vendor/htm.module.js", "text/javascript; charset=utf-8"},
		{"/static/app.css", "app.css", "text/css; charset=utf-8"},
		{"/static/favicon.svg", "favicon.svg", "image/svg+xml"},
		{"/static/vendor/LICENSE-preact", "vendor/LICENSE-preact", "text/plain; charset=utf-8"},
	}
	for _, tc := range tests {
		t.Run("serves "+tc.path, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, tc.path, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tc.ctype)
			}
			if got := rec.Header().Get("Cache-Control"); got != cacheStatic {
				t.Errorf("Cache-Control = %q, want %q", got, cacheStatic)
			}
			if et := rec.Header().Get("ETag"); !strings.HasPrefix(et, `"`) || !strings.HasSuffix(et, `"`) || len(et) < 10 {
				t.Errorf("ETag = %q, want a strong quoted tag", et)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			if !bytes.Equal(rec.Body.Bytes(), readEmbedded(t, tc.file)) {
				t.Error("body differs from the embedded file")
			}
		})
	}
}

func TestConditionalRequests(t *testing.T) {
	h := sharedHandler()
	first := do(t, h, http.MethodGet, "/static/js/main.js", nil)
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	t.Run("matching tag gives 304 without body", func(t *testing.T) {
		rec := do(t, h, http.MethodGet, "/static/js/main.js", map[string]string{"If-None-Match": etag})
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Fatalf("status %d, body %d bytes; want 304 and empty", rec.Code, rec.Body.Len())
		}
		if rec.Header().Get("ETag") != etag {
			t.Errorf("304 ETag = %q, want %q", rec.Header().Get("ETag"), etag)
		}
	})
	t.Run("weak form and lists match", func(t *testing.T) {
		rec := do(t, h, http.MethodGet, "/static/js/main.js", map[string]string{"If-None-Match": `"other", W/` + etag})
		if rec.Code != http.StatusNotModified {
			t.Fatalf("status = %d, want 304", rec.Code)
		}
	})
	t.Run("other tag gives 200", func(t *testing.T) {
		rec := do(t, h, http.MethodGet, "/static/js/main.js", map[string]string{"If-None-Match": `"stale"`})
		if rec.Code != http.StatusOK {
			t.Fatalf("status = %d, want 200", rec.Code)
		}
	})
	t.Run("tag is stable across handlers", func(t *testing.T) {
		again := do(t, Handler(), http.MethodGet, "/static/js/main.js", nil)
		if again.Header().Get("ETag") != etag {
			t.Errorf("ETag changed: %q then %q", etag, again.Header().Get("ETag"))
		}
	})
	t.Run("index page revalidates too", func(t *testing.T) {
		idx := do(t, h, http.MethodGet, "/login", nil)
		rec := do(t, h, http.MethodGet, "/admin/users", map[string]string{"If-None-Match": idx.Header().Get("ETag")})
		if rec.Code != http.StatusNotModified {
			t.Fatalf("status = %d, want 304", rec.Code)
		}
	})
}

func TestGzip(t *testing.T) {
	h := sharedHandler()
	const p = "/static/vendor/preact.module.js"
	plain := do(t, h, http.MethodGet, p, nil)
	gz := do(t, h, http.MethodGet, p, map[string]string{"Accept-Encoding": "br, gzip"})
	if gz.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", gz.Header().Get("Content-Encoding"))
	}
	if !strings.Contains(gz.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary = %q, want Accept-Encoding", gz.Header().Get("Vary"))
	}
	if gz.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("gzip and identity representations share an ETag")
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatalf("gzip reader: %v", err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	if !bytes.Equal(body, plain.Body.Bytes()) {
		t.Error("gunzipped body differs")
	}
	t.Run("q=0 refuses gzip", func(t *testing.T) {
		rec := do(t, h, http.MethodGet, p, map[string]string{"Accept-Encoding": "gzip;q=0"})
		if rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("Content-Encoding = %q, want none", rec.Header().Get("Content-Encoding"))
		}
	})
}

func TestAppRoutesServeIndex(t *testing.T) {
	h := sharedHandler()
	index := readEmbedded(t, indexName)
	for _, p := range []string{"/", "/login", "/setup?token=abc", "/invite/xyz", "/admin/users", "/no/such/page", "/static"} {
		t.Run("serves index for "+p, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, p, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache", got)
			}
			if got := rec.Header().Get("Content-Security-Policy"); got != ContentSecurityPolicy {
				t.Errorf("CSP = %q", got)
			}
			if !bytes.Equal(rec.Body.Bytes(), index) {
				t.Error("body is not index.html")
			}
		})
	}
	t.Run("keeps a CSP set by middleware", func(t *testing.T) {
		const outer = "default-src 'none'"
		mw := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", outer)
			h.ServeHTTP(w, r)
		})
		rec := do(t, mw, http.MethodGet, "/", nil)
		if got := rec.Header().Values("Content-Security-Policy"); len(got) != 1 || got[0] != outer {
			t.Errorf("CSP = %q, want only %q", got, outer)
		}
	})
	t.Run("HEAD has headers and no body", func(t *testing.T) {
		rec := do(t, h, http.MethodHead, "/profile", nil)
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" {
			t.Errorf("status %d, body %d bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
		}
	})
}

func TestNotServed(t *testing.T) {
	h := sharedHandler()
	tests := []struct {
		name, method, path string
		status             int
		ctype              string
	}{
		{"unknown API path is a JSON problem", http.MethodGet, "/api/v1/nope", http.StatusNotFound, "application/problem+json"},
		{"bare /api is a JSON problem", http.MethodGet, "/api", http.StatusNotFound, "application/problem+json"},
		{"API POST is a JSON problem", http.MethodPost, "/api/v1/x", http.StatusNotFound, "application/problem+json"},
		{"missing asset is 404", http.MethodGet, "/static/js/missing.js", http.StatusNotFound, "text/plain; charset=utf-8"},
		{"directory is 404", http.MethodGet, "/static/js", http.StatusNotFound, "text/plain; charset=utf-8"},
		{"static root is 404", http.MethodGet, "/static/", http.StatusNotFound, "text/plain; charset=utf-8"},
		{"POST to a page is 405", http.MethodPost, "/login", http.StatusMethodNotAllowed, "text/plain; charset=utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, tc.method, tc.path, nil)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d", rec.Code, tc.status)
			}
			if got := rec.Header().Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tc.ctype)
			}
		})
	}
}

var (
	importRe     = regexp.MustCompile(`(?:from\s*|import\s*\(\s*)"(\.{1,2}/[^"]+)"`)
	staticRefRe  = regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)
	inlineJSRe   = regexp.MustCompile(`<script(?:\s[^>]*)?>`)
	styleAttrRe  = regexp.MustCompile(`\sstyle=`)
	inlineEvtRe  = regexp.MustCompile(`<[^>]+\son[a-z]+="`)
	styleBlockRe = regexp.MustCompile(`<style[\s>]`)
)

// TestModuleGraph checks that every relative import in the app's modules
// and every /static reference in index.html names an embedded file, so a
// typo cannot break the app in the browser only.
func TestModuleGraph(t *testing.T) {
	fsys := FS()
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".js" {
			return err
		}
		src := readEmbedded(t, name)
		for _, m := range importRe.FindAllSubmatch(src, -1) {
			target := path.Join(path.Dir(name), string(m[1]))
			if _, err := fs.Stat(fsys, target); err != nil {
				t.Errorf("%s imports %s: %v", name, m[1], err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	index := readEmbedded(t, indexName)
	for _, m := range staticRefRe.FindAllSubmatch(index, -1) {
		if _, err := fs.Stat(fsys, strings.TrimPrefix(string(m[1]), "/static/")); err != nil {
			t.Errorf("index.html references %s: %v", m[1], err)
		}
	}
}

// TestNoInlineCode keeps the app compatible with the strict CSP: no inline
// scripts, style blocks, style attributes or inline event handlers.
func TestNoInlineCode(t *testing.T) {
	fsys := FS()
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(name, "vendor/") {
			return err
		}
		ext := path.Ext(name)
		if ext != ".html" && ext != ".js" {
			return nil
		}
		src := readEmbedded(t, name)
		if ext == ".html" {
			for _, tag := range inlineJSRe.FindAll(src, -1) {
				if !bytes.Contains(tag, []byte(" src=")) {
					t.Errorf("%s: inline script %s", name, tag)
				}
			}
		}
		for _, re := range []*regexp.Regexp{styleAttrRe, inlineEvtRe, styleBlockRe} {
			if loc := re.FindIndex(src); loc != nil {
				t.Errorf("%s: CSP-incompatible markup near %q", name, src[loc[0]:min(loc[1]+20, len(src))])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
