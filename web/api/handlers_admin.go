package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

func (a *API) getUsers(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := offsetPage(r)
	if err != nil {
		return err
	}
	users, total, err := a.auth.ListUsers(r.Context(), caller(r), lms.UserFilter{Query: r.URL.Query().Get("q"), Limit: limit,
		Offset: offset})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, UserList{Items: toUsers(users), Total: total,
		NextCursor: nextOffset(offset, len(users), total)})
}

func (a *API) postUser(w http.ResponseWriter, r *http.Request) error {
	var req CreateUserRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	u, err := a.auth.CreateUser(r.Context(), caller(r), auth.NewUser{Email: req.Email, Username: req.Username, Name: req.Name,
		Password: req.Password, Role: req.Role})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toUser(u))
}

func (a *API) patchUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req UpdateUserRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	u, err := a.auth.UpdateUser(r.Context(), caller(r), id, auth.UserPatch{Name: req.Name, Role: req.Role, Disabled: req.Disabled})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toUser(u))
}

func (a *API) deleteUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.auth.DeleteUser(r.Context(), caller(r), id); err != nil {
		return err
	}
	return noContent(w)
}

func (a *API) getInvites(w http.ResponseWriter, r *http.Request) error {
	p, err := listPage(r)
	if err != nil {
		return err
	}
	invs, err := a.auth.ListInvites(r.Context(), caller(r), withNext(p))
	if err != nil {
		return err
	}
	invs, next := cutPage(p, invs)
	return writeJSON(w, http.StatusOK, InviteList{Items: invs, NextCursor: next})
}

func (a *API) postInvite(w http.ResponseWriter, r *http.Request) error {
	var req CreateInviteRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	maxHours := int(auth.MaxInviteTTL.Hours())
	if req.ExpiresInHours < 0 || req.ExpiresInHours > maxHours {
		return lms.FieldError("expires_in_hours", "expires_in_hours must be from 1 to %d.", maxHours)
	}
	token, inv, err := a.auth.CreateInvite(r.Context(), caller(r), req.Email, req.Role, time.Duration(req.ExpiresInHours)*time.Hour)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, CreatedInvite{URL: a.publicURL + "/invite/" + token, Invite: inv})
}

func (a *API) deleteInvite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.auth.RevokeInvite(r.Context(), caller(r), id); err != nil {
		return err
	}
	return noContent(w)
}

func (a *API) getSettings(w http.ResponseWriter, r *http.Request) error {
	set, err := a.auth.Settings(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsBody(set))
}

func (a *API) patchSettings(w http.ResponseWriter, r *http.Request) error {
	var req auth.SettingsPatch
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	set, err := a.auth.PatchSettings(r.Context(), caller(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsBody(set))
}

// putSettings replaces the settings (deprecated: PATCH); without
// course_creators who may create courses is kept.
func (a *API) putSettings(w http.ResponseWriter, r *http.Request) error {
	var req SettingsBody
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	p := auth.SettingsPatch{SiteName: &req.SiteName, SignupPolicy: &req.SignupPolicy, SignupDomain: &req.SignupDomain}
	if req.CourseCreators != "" {
		creators := string(req.CourseCreators)
		p.CourseCreators = &creators
	}
	set, err := a.auth.PatchSettings(r.Context(), caller(r), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsBody(set))
}

// settingsBody is the API's view of the site settings.
func settingsBody(set lms.Settings) SettingsBody {
	creators := course.CreatorsAnyone
	if course.CreatorPolicy(set.CourseCreators) == course.CreatorsAdmins {
		creators = course.CreatorsAdmins
	}
	return SettingsBody{SiteName: set.SiteName, SignupPolicy: set.SignupPolicy, SignupDomain: set.SignupDomain,
		CourseCreators: creators}
}

func (a *API) getAudit(w http.ResponseWriter, r *http.Request) error {
	limit, err := pageLimit(r)
	if err != nil {
		return err
	}
	before, err := pageCursor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := lms.AuditFilter{Action: q.Get("action"), BeforeID: before, Limit: limit}
	if len(f.Action) > auth.MaxNameChars {
		return lms.FieldError("action", "The action filter is too long.")
	}
	if s := q.Get("actor_id"); s != "" {
		if f.ActorID, err = strconv.ParseInt(s, 10, 64); err != nil || f.ActorID <= 0 {
			return lms.FieldError("actor_id", "actor_id must be a user id.")
		}
	}
	entries, err := a.auth.ListAudit(r.Context(), caller(r), f)
	if err != nil {
		return err
	}
	out := AuditList{Items: orEmpty(entries)}
	if len(entries) == limit {
		out.NextCursor = encodeCursor(entries[len(entries)-1].ID)
	}
	return writeJSON(w, http.StatusOK, out)
}
