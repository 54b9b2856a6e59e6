package api

import (
	"net/http"
	"time"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/lms"
)

func (a *API) getMe(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, toUser(caller(r)))
}

func (a *API) patchMe(w http.ResponseWriter, r *http.Request) error {
	var req ProfileRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	u, err := a.auth.UpdateProfile(r.Context(), caller(r), auth.ProfilePatch{Name: req.Name, Email: req.Email, Username: req.Username})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toUser(u))
}

func (a *API) postPassword(w http.ResponseWriter, r *http.Request) error {
	var req PasswordRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := a.auth.ChangePassword(r.Context(), caller(r), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return noContent(w)
}

func (a *API) getSessions(w http.ResponseWriter, r *http.Request) error {
	p, err := listPage(r)
	if err != nil {
		return err
	}
	ss, err := a.auth.ListSessions(r.Context(), caller(r), withNext(p))
	if err != nil {
		return err
	}
	ss, next := cutPage(p, ss)
	var current int64
	if cur := lms.SessionFrom(r.Context()); cur != nil {
		current = cur.ID
	}
	out := SessionList{Items: make([]Session, 0, len(ss)), NextCursor: next}
	for _, s := range ss {
		out.Items = append(out.Items, Session{ID: s.ID, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt,
			ExpiresAt: s.ExpiresAt, IP: s.IP, UserAgent: s.UserAgent, Current: s.ID == current})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) deleteSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.auth.RevokeSession(r.Context(), caller(r), id); err != nil {
		return err
	}
	if cur := lms.SessionFrom(r.Context()); cur != nil && cur.ID == id {
		a.clearSessionCookie(w, r)
	}
	return noContent(w)
}

func (a *API) getTokens(w http.ResponseWriter, r *http.Request) error {
	p, err := listPage(r)
	if err != nil {
		return err
	}
	ts, err := a.auth.ListAPITokens(r.Context(), caller(r), withNext(p))
	if err != nil {
		return err
	}
	ts, next := cutPage(p, ts)
	return writeJSON(w, http.StatusOK, APITokenList{Items: ts, NextCursor: next})
}

func (a *API) postToken(w http.ResponseWriter, r *http.Request) error {
	var req CreateTokenRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.ExpiresInDays < 0 || req.ExpiresInDays > auth.MaxAPITokenTTLDays {
		return lms.FieldError("expires_in_days", "expires_in_days must be from 1 to %d (or absent for no expiry).",
			auth.MaxAPITokenTTLDays)
	}
	token, t, err := a.auth.CreateAPIToken(r.Context(), caller(r), req.Name, time.Duration(req.ExpiresInDays)*24*time.Hour)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, CreatedToken{Token: token, APIToken: t})
}

func (a *API) deleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.auth.RevokeAPIToken(r.Context(), caller(r), id); err != nil {
		return err
	}
	return noContent(w)
}
