// Package app holds the browser app's static files: the single-page app
// (Preact + htm as vendored ES modules, no build step) embedded into the
// binary, and the HTTP handler that serves them.
//
// The handler serves /static/... with strong content-hash ETags and
// revalidation, and answers every other non-API path with index.html so the
// app's own router can show the page (or its "page not found" view).
package app

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed static
var embedded embed.FS

// ContentSecurityPolicy is the policy the app is written for: no inline
// scripts or styles, everything from the same origin, images also from
// blob: (the avatar preview) and data: URLs. The handler sets it on
// index.html unless a middleware already set a Content-Security-Policy.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const (
	// staticPrefix is the URL path under which the files are served.
	staticPrefix = "/static/"
	// indexName is the app's entry page, served for every app route.
	indexName = "index.html"
	// cacheStatic lets browsers and proxies keep assets but revalidate them
	// each time (cheap: a 304 thanks to the ETag). File names carry no hash,
	// so a max-age would serve stale modules after an upgrade.
	cacheStatic = "public, no-cache"
	// cacheIndex keeps the entry page fresh.
	cacheIndex = "no-cache"
	// gzipMinBytes is the smallest file worth compressing.
	gzipMinBytes = 1024
	// etagHashBytes is how many bytes of the SHA-256 go into an ETag.
	etagHashBytes = 16
)

// FS returns the app's files rooted at the static directory (so "index.html"
// and "js/main.js" are top-level names).
func FS() fs.FS {
	sub, err := fs.Sub(embedded, "static")
	if err != nil { // cannot happen: "static" is a valid, embedded path
		panic(fmt.Sprintf("app: %v", err))
	}
	return sub
}

// Handler returns the handler for the browser app: GET/HEAD /static/<file>
// serves the embedded files; any other path except /api and /api/... serves
// index.html (the SPA routes). Content hashes are computed once, here.
func Handler() http.Handler {
	h, err := newHandler(FS())
	if err != nil { // cannot happen with the embedded files
		panic(fmt.Sprintf("app: %v", err))
	}
	return h
}

// asset is one file, ready to serve.
type asset struct {
	body   []byte
	gz     []byte // gzip-compressed body; nil when not worth it
	ctype  string
	etag   string // strong ETag of body
	gzEtag string // strong ETag of gz
}

// handler serves the files loaded at construction; it is read-only afterwards.
type handler struct {
	assets map[string]*asset // by path relative to the static directory
	index  *asset
}

func newHandler(fsys fs.FS) (*handler, error) {
	h := &handler{assets: make(map[string]*asset)}
	zw, err := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression) // reused: its state is large
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		a, err := newAsset(zw, name, body)
		if err != nil {
			return err
		}
		h.assets[name] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	h.index = h.assets[indexName]
	if h.index == nil {
		return nil, fmt.Errorf("load static files: %s missing", indexName)
	}
	return h, nil
}

func newAsset(zw *gzip.Writer, name string, body []byte) (*asset, error) {
	a := &asset{body: body, ctype: contentType(name), etag: etagOf(body, "")}
	if len(body) < gzipMinBytes || !compressible(a.ctype) {
		return a, nil
	}
	var buf bytes.Buffer
	zw.Reset(&buf)
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("gzip %s: %w", name, err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip %s: %w", name, err)
	}
	if buf.Len() < len(body)*9/10 {
		a.gz = buf.Bytes()
		a.gzEtag = etagOf(body, "-gz")
	}
	return a, nil
}

func etagOf(body []byte, suffix string) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:etagHashBytes]) + suffix + `"`
}

// contentType fixes the types the app relies on (browsers refuse modules
// served with a wrong type), independent of the host's mime tables.
func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".webp":
		return "image/webp"
	case ".woff2":
		return "font/woff2"
	case ".md":
		return "text/markdown; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if strings.HasPrefix(path.Base(name), "LICENSE") {
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "image/svg+xml")
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "/api" || strings.HasPrefix(p, "/api/") {
		notFoundProblem(w)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if name, ok := strings.CutPrefix(p, staticPrefix); ok {
		a := h.assets[name]
		if a == nil || !fs.ValidPath(name) {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		serve(w, r, a, cacheStatic)
		return
	}
	hdr := w.Header()
	if hdr.Get("Content-Security-Policy") == "" {
		hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	}
	if hdr.Get("Referrer-Policy") == "" {
		hdr.Set("Referrer-Policy", "same-origin")
	}
	serve(w, r, h.index, cacheIndex)
}

// serve writes a (possibly compressed) asset, or 304 when the client's copy
// is current.
func serve(w http.ResponseWriter, r *http.Request, a *asset, cacheControl string) {
	body, etag := a.body, a.etag
	hdr := w.Header()
	if a.gz != nil {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = a.gz, a.gzEtag
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	hdr.Set("ETag", etag)
	hdr.Set("Cache-Control", cacheControl)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		hdr.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Type", a.ctype)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body) // a failed write means the client went away
	}
}

// etagMatches reports whether an If-None-Match header matches etag, using
// the weak comparison RFC 9110 prescribes for If-None-Match.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for cand := range strings.SplitSeq(header, ",") {
		cand = strings.TrimSpace(cand)
		if cand == "*" || strings.TrimPrefix(cand, "W/") == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
}

// notFoundProblem answers unknown /api paths the way the API does, so API
// clients never receive the app's HTML.
func notFoundProblem(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(`{"type":"https://lyceum.dev/problems/not_found","title":"Not found",` +
		`"status":404,"code":"not_found","detail":"no such API endpoint"}`))
}
