package api

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/userimport"
)

// maxUserImportRequest bounds a user import request's body: the file's own
// limit plus room for multipart framing.
const maxUserImportRequest = userimport.MaxFileBytes + 64<<10

// csvMediaTypes are the raw body types a CSV upload may be sent as
// (browsers and spreadsheets label CSV files differently).
var csvMediaTypes = []string{"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"}

// csvBody returns the CSV file of an import request, the raw body or the
// "file" part of a multipart form. The request is bounded to limit bytes;
// reading past it fails with ETOOLARGE naming fileLimit, the file's own
// limit.
func csvBody(w http.ResponseWriter, r *http.Request, limit int64, fileLimit int) (io.Reader, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	f, err := fileBody(r, csvMediaTypes...)
	if err != nil {
		return nil, err
	}
	return limitedFile{f, fileLimit}, nil
}

// limitedFile turns the request limit's error into ETOOLARGE.
type limitedFile struct {
	r     io.Reader
	limit int
}

func (f limitedFile) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = lms.Errorf(lms.ETOOLARGE, "The file must be at most %d bytes.", f.limit)
	}
	return n, err
}

// queryFlag reports whether the query parameter is "1" or "true".
func queryFlag(r *http.Request, name string) bool {
	v := r.URL.Query().Get(name)
	return v == "1" || v == "true"
}

// PasswordLinkInfo describes a valid set-password link.
type PasswordLinkInfo struct {
	Username  string    `json:"username"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	ExpiresAt time.Time `json:"expires_at"`
	SiteName  string    `json:"site_name"`
}

// SetPasswordRequest sets the password with a set-password link.
type SetPasswordRequest struct {
	Password string `json:"password"`
}

// postUserImport imports users from a CSV file (see userimport.Import).
func (a *API) postUserImport(w http.ResponseWriter, r *http.Request) error {
	body, err := csvBody(w, r, maxUserImportRequest, userimport.MaxFileBytes)
	if err != nil {
		return err
	}
	rep, err := a.imports.Import(r.Context(), caller(r), body, userimport.Options{DryRun: queryFlag(r, "dry_run"),
		ValidOnly: queryFlag(r, "valid_only"), Existing: r.URL.Query().Get("existing")})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (a *API) getPasswordLink(w http.ResponseWriter, r *http.Request) error {
	u, exp, err := a.auth.LookupPasswordLink(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	set, err := a.auth.Settings(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, PasswordLinkInfo{Username: u.Username, Name: u.Name, Email: u.Email,
		ExpiresAt: exp, SiteName: set.SiteName})
}

func (a *API) postPasswordLink(w http.ResponseWriter, r *http.Request) error {
	var req SetPasswordRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	u, token, err := a.auth.UsePasswordLink(r.Context(), r.PathValue("token"), req.Password)
	if err != nil {
		return err
	}
	return a.signedIn(w, r, http.StatusOK, u, token)
}
