package api

import (
	"net/http"
)

// authLevel says who may call a route.
type authLevel int

const (
	authPublic authLevel = iota // anyone
	authUser                    // signed-in users (401 otherwise)
	authAdmin                   // enabled administrators (401 anonymous, 403 others)
)

// String names the level in the OpenAPI document.
func (l authLevel) String() string {
	switch l {
	case authUser:
		return "user"
	case authAdmin:
		return "admin"
	default:
		return "public"
	}
}

// queryParam documents a query parameter.
type queryParam struct {
	Name, Type, Description string
}

// route is one row of the route table: the mux and the OpenAPI document are
// both built from it.
type route struct {
	Method  string
	Path    string // ServeMux pattern path with {wildcards}
	Summary string
	Auth    authLevel
	Req     any    // zero value of the JSON request body type; nil for none
	ReqType string // non-JSON request body media type (e.g. "image/*"); "" for JSON
	Resp    any    // zero value of the JSON response type; nil for none
	// RespType is a non-JSON response media type ("" for JSON).
	RespType string
	Status   int // success status
	Query    []queryParam
	Handler  func(http.ResponseWriter, *http.Request) error
}

var pageParams = []queryParam{
	{"limit", "integer", "page size, 1..200 (default 50)"},
	{"cursor", "string", "next_cursor of the previous page"},
}

// routeTable lists every API route.
func (a *API) routeTable() []route {
	p := Prefix
	rs := []route{
		{Method: "GET", Path: p + "/openapi.json", Summary: "This API's OpenAPI 3.1 document", Auth: authPublic,
			RespType: "application/json", Status: 200, Handler: a.getOpenAPI},
		{Method: "GET", Path: p + "/site", Summary: "Public site information", Auth: authPublic,
			Resp: SiteInfo{}, Status: 200, Handler: a.getSite},
		{Method: "POST", Path: p + "/setup", Summary: "Create the first administrator with the setup token", Auth: authPublic,
			Req: SetupRequest{}, Resp: UserEnvelope{}, Status: 201, Handler: a.postSetup},
		{Method: "POST", Path: p + "/auth/login", Summary: "Sign in", Auth: authPublic,
			Req: LoginRequest{}, Resp: UserEnvelope{}, Status: 200, Handler: a.postLogin},
		{Method: "POST", Path: p + "/auth/logout", Summary: "Sign out (revokes the session)", Auth: authPublic,
			Status: 204, Handler: a.postLogout},
		{Method: "POST", Path: p + "/auth/signup", Summary: "Create an account (when sign-up is open)", Auth: authPublic,
			Req: SignupRequest{}, Resp: UserEnvelope{}, Status: 201, Handler: a.postSignup},
		{Method: "GET", Path: p + "/invites/{token}", Summary: "Look up an invitation", Auth: authPublic,
			Resp: InviteInfo{}, Status: 200, Handler: a.getInvite},
		{Method: "POST", Path: p + "/invites/{token}/accept", Summary: "Accept an invitation and create the account", Auth: authPublic,
			Req: AcceptInviteRequest{}, Resp: UserEnvelope{}, Status: 201, Handler: a.postAcceptInvite},

		{Method: "GET", Path: p + "/me", Summary: "The signed-in user", Auth: authUser,
			Resp: User{}, Status: 200, Handler: a.getMe},
		{Method: "PATCH", Path: p + "/me", Summary: "Change your profile", Auth: authUser,
			Req: ProfileRequest{}, Resp: User{}, Status: 200, Handler: a.patchMe},
		{Method: "POST", Path: p + "/me/password", Summary: "Change your password (revokes your other sessions)", Auth: authUser,
			Req: PasswordRequest{}, Status: 204, Handler: a.postPassword},
		{Method: "PUT", Path: p + "/me/avatar", Summary: "Upload your avatar (PNG, JPEG, GIF or WebP, at most 2 MiB)", Auth: authUser,
			ReqType: "image/*", Resp: User{}, Status: 200, Handler: a.putAvatar},
		{Method: "DELETE", Path: p + "/me/avatar", Summary: "Remove your avatar", Auth: authUser,
			Resp: User{}, Status: 200, Handler: a.deleteAvatar},
		{Method: "GET", Path: p + "/users/{id}/avatar", Summary: "A user's avatar image", Auth: authUser,
			RespType: "image/*", Status: 200, Handler: a.getAvatar},
		{Method: "GET", Path: p + "/me/sessions", Summary: "Your signed-in sessions", Auth: authUser,
			Resp: SessionList{}, Status: 200, Handler: a.getSessions},
		{Method: "DELETE", Path: p + "/me/sessions/{id}", Summary: "Revoke one of your sessions", Auth: authUser,
			Status: 204, Handler: a.deleteSession},
		{Method: "GET", Path: p + "/me/tokens", Summary: "Your API tokens", Auth: authUser,
			Resp: APITokenList{}, Status: 200, Handler: a.getTokens},
		{Method: "POST", Path: p + "/me/tokens", Summary: "Create an API token (shown once)", Auth: authUser,
			Req: CreateTokenRequest{}, Resp: CreatedToken{}, Status: 201, Handler: a.postToken},
		{Method: "DELETE", Path: p + "/me/tokens/{id}", Summary: "Revoke an API token", Auth: authUser,
			Status: 204, Handler: a.deleteToken},
		{Method: "GET", Path: p + "/me/courses", Summary: "Your courses", Auth: authUser,
			Resp: CourseList{}, Status: 200, Handler: a.getMyCourses},

		{Method: "GET", Path: p + "/admin/users", Summary: "List users", Auth: authAdmin,
			Resp: UserList{}, Status: 200, Handler: a.getUsers,
			Query: append([]queryParam{{"q", "string", "matches email, username and name"}}, pageParams...)},
		{Method: "POST", Path: p + "/admin/users", Summary: "Create a user", Auth: authAdmin,
			Req: CreateUserRequest{}, Resp: User{}, Status: 201, Handler: a.postUser},
		{Method: "PATCH", Path: p + "/admin/users/{id}", Summary: "Change a user's name, role or disabled flag", Auth: authAdmin,
			Req: UpdateUserRequest{}, Resp: User{}, Status: 200, Handler: a.patchUser},
		{Method: "DELETE", Path: p + "/admin/users/{id}", Summary: "Delete a user", Auth: authAdmin,
			Status: 204, Handler: a.deleteUser},
		{Method: "GET", Path: p + "/admin/invites", Summary: "List invitations", Auth: authAdmin,
			Resp: InviteList{}, Status: 200, Handler: a.getInvites},
		{Method: "POST", Path: p + "/admin/invites", Summary: "Invite someone by email", Auth: authAdmin,
			Req: CreateInviteRequest{}, Resp: CreatedInvite{}, Status: 201, Handler: a.postInvite},
		{Method: "DELETE", Path: p + "/admin/invites/{id}", Summary: "Revoke an invitation", Auth: authAdmin,
			Status: 204, Handler: a.deleteInvite},
		{Method: "GET", Path: p + "/admin/settings", Summary: "Site settings", Auth: authAdmin,
			Resp: SettingsBody{}, Status: 200, Handler: a.getSettings},
		{Method: "PUT", Path: p + "/admin/settings", Summary: "Change the site settings", Auth: authAdmin,
			Req: SettingsBody{}, Resp: SettingsBody{}, Status: 200, Handler: a.putSettings},
		{Method: "GET", Path: p + "/admin/audit", Summary: "The audit log, newest first", Auth: authAdmin,
			Resp: AuditList{}, Status: 200, Handler: a.getAudit,
			Query: append([]queryParam{{"action", "string", "exact action or a prefix ending in '.'"},
				{"actor_id", "integer", "only this actor"}}, pageParams...)},
	}
	if a.ws != nil {
		rs = append(rs, route{Method: "GET", Path: p + "/ws", Summary: "WebSocket upgrade (see docs/protocol.md)",
			Auth: authUser, Status: 101, Handler: func(w http.ResponseWriter, r *http.Request) error {
				a.ws.ServeHTTP(w, r)
				return nil
			}})
	}
	return rs
}
