package api

import (
	"net/http"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// setSessionCookie hands the browser its session token.
func (a *API) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   int(a.auth.SessionAbsoluteTTL().Seconds()),
		HttpOnly: true,
		Secure:   a.secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

// clearSessionCookie tells the browser to forget the session.
func (a *API) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   a.secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

func (a *API) getOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(a.openapi)
	return nil
}

func (a *API) getSite(w http.ResponseWriter, r *http.Request) error {
	set, err := a.auth.Settings(r.Context())
	if err != nil {
		return err
	}
	needed, err := a.auth.SetupNeeded(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, SiteInfo{SiteName: set.SiteName, SignupPolicy: set.SignupPolicy,
		SignupDomain: set.SignupDomain, SetupNeeded: needed})
}

// setDeviceCookie marks this browser as one u signed in on (see
// DeviceCookie). A failure is logged: the sign-in itself succeeded.
func (a *API) setDeviceCookie(w http.ResponseWriter, r *http.Request, u *lms.User) {
	tok, err := a.auth.DeviceToken(r.Context(), u.ID)
	if err != nil {
		a.log.Warn().Err(err).Int64("user_id", u.ID).Msg("issuing a device cookie")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     DeviceCookie,
		Value:    tok,
		Path:     Prefix + "/auth/login",
		MaxAge:   int(auth.DeviceTokenTTL.Seconds()),
		HttpOnly: true,
		Secure:   a.secure || r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
}

// signedIn answers a new session: cookies plus {"user": ...}.
func (a *API) signedIn(w http.ResponseWriter, r *http.Request, status int, u *lms.User, token string) error {
	a.setSessionCookie(w, r, token)
	a.setDeviceCookie(w, r, u)
	infoFrom(r.Context()).userID = u.ID
	return writeJSON(w, status, UserEnvelope{User: toUser(u)})
}

func (a *API) postSetup(w http.ResponseWriter, r *http.Request) error {
	var req SetupRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	u, token, err := a.auth.Setup(r.Context(), req.Token, auth.NewUser{Email: req.Email, Username: req.Username,
		Name: req.Name, Password: req.Password})
	if err != nil {
		return err
	}
	return a.signedIn(w, r, http.StatusCreated, u, token)
}

func (a *API) postLogin(w http.ResponseWriter, r *http.Request) error {
	var req LoginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	if c, err := r.Cookie(DeviceCookie); err == nil {
		client := lms.ClientFrom(ctx)
		client.Device = c.Value
		ctx = lms.WithClient(ctx, client)
	}
	u, token, err := a.auth.Login(ctx, req.Login, req.Password)
	if err != nil {
		return err
	}
	return a.signedIn(w, r, http.StatusOK, u, token)
}

func (a *API) postLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := a.auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	a.clearSessionCookie(w, r)
	return noContent(w)
}

func (a *API) postSignup(w http.ResponseWriter, r *http.Request) error {
	var req SignupRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	u, token, err := a.auth.Signup(r.Context(), auth.NewUser{Email: req.Email, Username: req.Username,
		Name: req.Name, Password: req.Password})
	if err != nil {
		return err
	}
	return a.signedIn(w, r, http.StatusCreated, u, token)
}

func (a *API) getInvite(w http.ResponseWriter, r *http.Request) error {
	inv, err := a.auth.LookupInvite(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	set, err := a.auth.Settings(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, InviteInfo{Email: inv.Email, Role: inv.Role, ExpiresAt: inv.ExpiresAt,
		SiteName: set.SiteName})
}

func (a *API) postAcceptInvite(w http.ResponseWriter, r *http.Request) error {
	var req AcceptInviteRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	u, token, err := a.auth.AcceptInvite(r.Context(), r.PathValue("token"), auth.NewUser{Username: req.Username,
		Name: req.Name, Password: req.Password})
	if err != nil {
		return err
	}
	return a.signedIn(w, r, http.StatusCreated, u, token)
}
