package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// maxJSONBody bounds JSON request bodies.
const maxJSONBody = 1 << 20 // 1 MiB

// decodeJSON reads r's body into dst: application/json only (415), at most
// maxJSONBody (413), valid UTF-8, no unknown fields, no trailing data (400).
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return lms.Errorf(lms.EUNSUPPORTED, "The request body must be application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return lms.Errorf(lms.ETOOLARGE, "The request body must be at most %d bytes.", maxJSONBody)
		}
		return lms.Errorf(lms.EINVALID, "The request body could not be read.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return lms.Errorf(lms.EINVALID, "The request body is empty.")
	}
	if !utf8.Valid(body) {
		return lms.Errorf(lms.EINVALID, "The request body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return lms.Errorf(lms.EINVALID, "The request body has data after the JSON value.")
	}
	return nil
}

// jsonError turns a decoding error into a helpful EINVALID.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return lms.Errorf(lms.EINVALID, "The request body is not valid JSON (at byte %d).", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		return &lms.Error{Code: lms.EINVALID, Field: field,
			Message: fmt.Sprintf("The field %q must be of type %s.", field, typ.Type.String())}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return lms.Errorf(lms.EINVALID, "The request body is not valid JSON (it ends early).")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &lms.Error{Code: lms.EINVALID, Field: field, Message: fmt.Sprintf("Unknown field %q.", field)}
	default:
		return lms.Errorf(lms.EINVALID, "The request body is not valid JSON.")
	}
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("api: encode response: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
	return nil
}

// orEmpty returns s, or an empty slice when s is nil: lists are written as
// [], never null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// pathID parses the {name} wildcard as a positive id (404 otherwise).
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, lms.Errorf(lms.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// pageLimit parses ?limit= (1..lms.MaxPageSize, default lms.DefaultPageSize).
func pageLimit(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return lms.DefaultPageSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > lms.MaxPageSize {
		return 0, lms.FieldError("limit", "The limit must be a number from 1 to %d.", lms.MaxPageSize)
	}
	return n, nil
}

// Cursors are opaque to clients: base64url of "c1:<number>".
const cursorVersion = "c1:"

func encodeCursor(n int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorVersion + strconv.FormatInt(n, 10)))
}

// pageCursor parses ?cursor= (0 when absent).
func pageCursor(r *http.Request) (int64, error) {
	s := r.URL.Query().Get("cursor")
	if s == "" {
		return 0, nil
	}
	bad := lms.FieldError("cursor", "The cursor is not valid.")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !bytes.HasPrefix(b, []byte(cursorVersion)) {
		return 0, bad
	}
	n, err := strconv.ParseInt(string(b[len(cursorVersion):]), 10, 64)
	if err != nil || n <= 0 {
		return 0, bad
	}
	return n, nil
}
