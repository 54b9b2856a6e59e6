package api

import (
	"net/http"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/userimport"
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
	// Deprecated names the route that replaces this one ("PATCH /api/v1/...").
	// A deprecated route still answers for this release (the browser app
	// no longer uses it) and is marked deprecated in the OpenAPI document.
	Deprecated string
	// CachedAuth authenticates through the auth service's cache: only the
	// WebSocket upgrade, whose sockets the same announcements close that
	// drop revoked credentials from the cache.
	CachedAuth bool
}

// pageParams are the query parameters of every list that can grow
// (docs/api.md, "Pagination").
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
		{Method: "GET", Path: p + "/password-links/{token}", Summary: "Look up a one-time set-password link", Auth: authPublic,
			Resp: PasswordLinkInfo{}, Status: 200, Handler: a.getPasswordLink},
		{Method: "POST", Path: p + "/password-links/{token}", Summary: "Set your password with a one-time link and sign in", Auth: authPublic,
			Req: SetPasswordRequest{}, Resp: UserEnvelope{}, Status: 200, Handler: a.postPasswordLink},

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
			Resp: SessionList{}, Status: 200, Handler: a.getSessions,
			Query: pageParams},
		{Method: "DELETE", Path: p + "/me/sessions/{id}", Summary: "Revoke one of your sessions", Auth: authUser,
			Status: 204, Handler: a.deleteSession},
		{Method: "GET", Path: p + "/me/tokens", Summary: "Your API tokens", Auth: authUser,
			Resp: APITokenList{}, Status: 200, Handler: a.getTokens,
			Query: pageParams},
		{Method: "POST", Path: p + "/me/tokens", Summary: "Create an API token (shown once)", Auth: authUser,
			Req: CreateTokenRequest{}, Resp: CreatedToken{}, Status: 201, Handler: a.postToken},
		{Method: "DELETE", Path: p + "/me/tokens/{id}", Summary: "Revoke an API token", Auth: authUser,
			Status: 204, Handler: a.deleteToken},
		{Method: "GET", Path: p + "/me/courses", Summary: "Your courses with your progress and unread messages", Auth: authUser,
			Resp: MyCourseList{}, Status: 200, Handler: a.getMyCourses,
			Query: pageParams},

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
			Resp: InviteList{}, Status: 200, Handler: a.getInvites,
			Query: pageParams},
		{Method: "POST", Path: p + "/admin/invites", Summary: "Invite someone by email", Auth: authAdmin,
			Req: CreateInviteRequest{}, Resp: CreatedInvite{}, Status: 201, Handler: a.postInvite},
		{Method: "DELETE", Path: p + "/admin/invites/{id}", Summary: "Revoke an invitation", Auth: authAdmin,
			Status: 204, Handler: a.deleteInvite},
		{Method: "GET", Path: p + "/admin/settings", Summary: "Site settings", Auth: authAdmin,
			Resp: SettingsBody{}, Status: 200, Handler: a.getSettings},
		{Method: "PATCH", Path: p + "/admin/settings", Summary: "Change some of the site settings", Auth: authAdmin,
			Req: auth.SettingsPatch{}, Resp: SettingsBody{}, Status: 200, Handler: a.patchSettings},
		{Method: "PUT", Path: p + "/admin/settings", Summary: "Replace the site settings", Auth: authAdmin,
			Req: SettingsBody{}, Resp: SettingsBody{}, Status: 200, Handler: a.putSettings,
			Deprecated: "PATCH " + p + "/admin/settings"},
		{Method: "GET", Path: p + "/admin/audit", Summary: "The audit log, newest first", Auth: authAdmin,
			Resp: AuditList{}, Status: 200, Handler: a.getAudit,
			Query: append([]queryParam{{"action", "string", "exact action or a prefix ending in '.'"},
				{"actor_id", "integer", "only this actor"}}, pageParams...)},
	}
	if a.imports != nil {
		rs = append(rs, route{Method: "POST", Path: p + "/admin/users/import",
			Summary: "Import users from CSV (a preview with dry_run=1)", Auth: authAdmin,
			ReqType: "text/csv", Resp: userimport.Report{}, Status: 200, Handler: a.postUserImport,
			Query: []queryParam{{"dry_run", "string", "1: only a preview, nothing is written"},
				{"valid_only", "string", "1: import the valid rows and skip the others (else any problem imports nothing)"},
				{"existing", "string", "skip (default) or update existing accounts"}}})
	}
	if a.courses != nil {
		rs = append(rs, a.courseRoutes()...)
	}
	if a.courses != nil && a.assess != nil {
		rs = append(rs, a.assessRoutes()...)
	}
	if a.assign != nil && a.grades != nil {
		rs = append(rs, a.gradeRoutes()...)
	}
	if a.courses != nil && a.quiz != nil {
		rs = append(rs, a.liveQuizRoutes()...)
	}
	if a.calendar != nil {
		rs = append(rs, a.calendarRoutes()...)
	}
	if a.privacy != nil {
		rs = append(rs, a.privacyRoutes()...)
	}
	if a.reports != nil {
		rs = append(rs, a.reportRoutes()...)
	}
	if a.courses != nil && a.courses.Announcements != nil {
		rs = append(rs, a.announcementRoutes()...)
	}
	rs = append(rs, a.mailRoutes()...)
	if a.ws != nil {
		rs = append(rs, route{Method: "GET", Path: p + "/ws", Summary: "WebSocket upgrade (see docs/protocol.md)",
			Auth: authUser, Status: 101, CachedAuth: true, Handler: func(w http.ResponseWriter, r *http.Request) error {
				a.ws.ServeHTTP(w, r)
				return nil
			}})
	}
	return rs
}

// courseRoutes lists the routes served by course.Service (docs/api.md,
// sections Courses to Notifications). Every one is for signed-in users; the
// service decides per course (404 outside, 403 without the right).
func (a *API) courseRoutes() []route {
	p := Prefix
	c := p + "/courses/{id}"
	return append([]route{
		// Courses.
		{Method: "GET", Path: p + "/courses", Summary: "Your courses (administrators: every course)", Auth: authUser,
			Resp: CourseList{}, Status: 200, Handler: a.getCourses,
			Query: append([]queryParam{{"q", "string", "matches title and code"},
				{"visibility", "string", "draft, published or archived"}}, pageParams...)},
		{Method: "POST", Path: p + "/courses", Summary: "Create a course (you become its instructor)", Auth: authUser,
			Req: course.CourseInput{}, Resp: course.CourseView{}, Status: 201, Handler: a.postCourse},
		{Method: "GET", Path: c, Summary: "A course", Auth: authUser,
			Resp: course.CourseView{}, Status: 200, Handler: a.getCourse},
		{Method: "PATCH", Path: c, Summary: "Change a course's details", Auth: authUser,
			Req: CoursePatch{}, Resp: course.CourseView{}, Status: 200, Handler: a.patchCourse},
		{Method: "DELETE", Path: c, Summary: "Delete a course and everything in it", Auth: authUser,
			Status: 204, Handler: a.deleteCourse},
		{Method: "POST", Path: c + "/visibility", Summary: "Publish, archive or un-publish a course", Auth: authUser,
			Req: VisibilityRequest{}, Resp: course.CourseView{}, Status: 200, Handler: a.postVisibility,
			Deprecated: "PATCH " + c},
		{Method: "PUT", Path: c + "/join", Summary: "Configure the join code", Auth: authUser,
			Req: course.JoinSettings{}, Resp: course.CourseView{}, Status: 200, Handler: a.putJoin,
			Deprecated: "PATCH " + c},
		{Method: "POST", Path: p + "/join", Summary: "Join a course with its join code", Auth: authUser,
			Req: JoinRequest{}, Resp: lms.Enrollment{}, Status: 200, Handler: a.postJoin},
		{Method: "GET", Path: p + "/admin/course-settings", Summary: "Who may create courses", Auth: authAdmin,
			Resp: CourseSettingsBody{}, Status: 200, Handler: a.getCourseSettings},
		{Method: "PATCH", Path: p + "/admin/course-settings", Summary: "Set who may create courses", Auth: authAdmin,
			Req: CourseSettingsPatch{}, Resp: CourseSettingsBody{}, Status: 200, Handler: a.patchCourseSettings},
		{Method: "PUT", Path: p + "/admin/course-settings", Summary: "Set who may create courses", Auth: authAdmin,
			Req: CourseSettingsBody{}, Resp: CourseSettingsBody{}, Status: 200, Handler: a.putCourseSettings,
			Deprecated: "PATCH " + p + "/admin/course-settings"},

		// People and groups.
		{Method: "GET", Path: c + "/members", Summary: "A course's members", Auth: authUser,
			Resp: EnrollmentList{}, Status: 200, Handler: a.getMembers,
			Query: append([]queryParam{{"role", "string", "instructor, ta or learner"},
				{"status", "string", "active or pending"}, {"group_id", "integer", "only this group"}}, pageParams...)},
		{Method: "POST", Path: c + "/members", Summary: "Enrol an existing user", Auth: authUser,
			Req: EnrolRequest{}, Resp: lms.Enrollment{}, Status: 201, Handler: a.postMember},
		{Method: "PATCH", Path: c + "/members/{user_id}", Summary: "Change a member's role or group", Auth: authUser,
			Req: course.MemberPatch{}, Resp: lms.Enrollment{}, Status: 200, Handler: a.patchMember},
		{Method: "DELETE", Path: c + "/members/{user_id}", Summary: "Remove a member", Auth: authUser,
			Status: 204, Handler: a.deleteMember},
		{Method: "POST", Path: c + "/members/{user_id}/approve", Summary: "Approve a pending join", Auth: authUser,
			Resp: lms.Enrollment{}, Status: 200, Handler: a.postApprove},
		{Method: "PUT", Path: c + "/members/{user_id}/group", Summary: "Put a member into a group (0: none)", Auth: authUser,
			Req: GroupChoice{}, Status: 204, Handler: a.putMemberGroup, Deprecated: "PATCH " + c + "/members/{user_id}"},
		{Method: "POST", Path: c + "/leave", Summary: "Leave a course", Auth: authUser,
			Status: 204, Handler: a.postLeave},
		{Method: "POST", Path: c + "/roster", Summary: "Import a CSV roster (preview unless apply=1)", Auth: authUser,
			ReqType: "text/csv", Resp: course.RosterReport{}, Status: 200, Handler: a.postRoster,
			Query: []queryParam{{"apply", "string", "1 to apply; otherwise a preview"}}},
		{Method: "GET", Path: c + "/groups", Summary: "A course's groups", Auth: authUser,
			Resp: GroupList{}, Status: 200, Handler: a.getGroups,
			Query: pageParams},
		{Method: "POST", Path: c + "/groups", Summary: "Create a group", Auth: authUser,
			Req: GroupRequest{}, Resp: lms.Group{}, Status: 201, Handler: a.postGroup},
		{Method: "PATCH", Path: c + "/my-group", Summary: "Join a self-select group (0: leave)", Auth: authUser,
			Req: GroupChoice{}, Status: 204, Handler: a.putMyGroup},
		{Method: "PUT", Path: c + "/my-group", Summary: "Join a self-select group (0: leave)", Auth: authUser,
			Req: GroupChoice{}, Status: 204, Handler: a.putMyGroup, Deprecated: "PATCH " + c + "/my-group"},
		{Method: "PATCH", Path: p + "/groups/{id}", Summary: "Change a group", Auth: authUser,
			Req: course.GroupPatch{}, Resp: lms.Group{}, Status: 200, Handler: a.patchGroup},
		{Method: "PUT", Path: p + "/groups/{id}", Summary: "Change a group", Auth: authUser,
			Req: GroupRequest{}, Resp: lms.Group{}, Status: 200, Handler: a.putGroup, Deprecated: "PATCH " + p + "/groups/{id}"},
		{Method: "DELETE", Path: p + "/groups/{id}", Summary: "Delete a group", Auth: authUser,
			Status: 204, Handler: a.deleteGroup},

		// Modules and lessons.
		{Method: "GET", Path: c + "/outline", Summary: "A course's modules and lessons as you see them", Auth: authUser,
			Resp: course.Outline{}, Status: 200, Handler: a.getOutline},
		{Method: "PUT", Path: c + "/layout", Summary: "Reorder modules and lessons (409 when stale)", Auth: authUser,
			Req: LayoutRequest{}, Resp: course.Outline{}, Status: 200, Handler: a.putLayout},
		{Method: "GET", Path: c + "/search", Summary: "Search lesson titles and text", Auth: authUser,
			Resp: LessonList{}, Status: 200, Handler: a.getSearch,
			Query: []queryParam{{"q", "string", "the words to find"}, {"limit", "integer", "1..200 (default 50)"}}},
		{Method: "POST", Path: c + "/modules", Summary: "Add a module", Auth: authUser,
			Req: TitleRequest{}, Resp: lms.Module{}, Status: 201, Handler: a.postModule},
		{Method: "PATCH", Path: p + "/modules/{id}", Summary: "Rename a module", Auth: authUser,
			Req: TitleRequest{}, Resp: lms.Module{}, Status: 200, Handler: a.patchModule},
		{Method: "DELETE", Path: p + "/modules/{id}", Summary: "Delete a module and its lessons", Auth: authUser,
			Status: 204, Handler: a.deleteModule},
		{Method: "POST", Path: p + "/modules/{id}/lessons", Summary: "Add a lesson", Auth: authUser,
			Req: course.LessonInput{}, Resp: lms.Lesson{}, Status: 201, Handler: a.postLesson},
		{Method: "GET", Path: p + "/lessons/{id}", Summary: "A lesson with its body (records that you opened it)", Auth: authUser,
			Resp: course.LessonState{}, Status: 200, Handler: a.getLesson},
		{Method: "PATCH", Path: p + "/lessons/{id}", Summary: "Change a lesson", Auth: authUser,
			Req: course.LessonPatch{}, Resp: lms.Lesson{}, Status: 200, Handler: a.patchLesson},
		{Method: "PUT", Path: p + "/lessons/{id}", Summary: "Save a lesson", Auth: authUser,
			Req: course.LessonInput{}, Resp: lms.Lesson{}, Status: 200, Handler: a.putLesson, Deprecated: "PATCH " + p + "/lessons/{id}"},
		{Method: "DELETE", Path: p + "/lessons/{id}", Summary: "Delete a lesson", Auth: authUser,
			Status: 204, Handler: a.deleteLesson},
		{Method: "POST", Path: p + "/markdown/preview", Summary: "Render Markdown as lessons and posts are rendered", Auth: authUser,
			Req: MarkdownRequest{}, Resp: MarkdownPreview{}, Status: 200, Handler: a.postMarkdownPreview},

		// Uploads.
		{Method: "POST", Path: c + "/uploads", Summary: "Upload a file (raw body or multipart file part)", Auth: authUser,
			ReqType: "application/octet-stream", Resp: UploadInfo{}, Status: 201, Handler: a.postUpload,
			Query: []queryParam{{"name", "string", "the file name (raw bodies)"}}},
		{Method: "GET", Path: p + "/uploads/{id}", Summary: "An uploaded file (range requests supported)", Auth: authUser,
			RespType: "application/octet-stream", Status: 200, Handler: a.getUpload},

		// Progress.
		{Method: "POST", Path: p + "/lessons/{id}/heartbeat", Summary: "Add time spent on a lesson", Auth: authUser,
			Req: HeartbeatRequest{}, Resp: lms.LessonProgress{}, Status: 200, Handler: a.postHeartbeat},
		{Method: "POST", Path: p + "/lessons/{id}/complete", Summary: "Mark a lesson complete (or not)", Auth: authUser,
			Req: CompleteRequest{}, Resp: lms.LessonProgress{}, Status: 200, Handler: a.postComplete},
		{Method: "GET", Path: c + "/progress", Summary: "Your progress (or a learner's, for staff)", Auth: authUser,
			Resp: lms.CourseProgress{}, Status: 200, Handler: a.getProgress,
			Query: []queryParam{{"user_id", "integer", "another learner (view_grades)"}}},
		{Method: "GET", Path: c + "/progress/report", Summary: "Every learner's progress", Auth: authUser,
			Resp: course.ProgressReport{}, Status: 200, Handler: a.getProgressReport},
		{Method: "GET", Path: c + "/progress/report.csv", Summary: "Every learner's progress as CSV", Auth: authUser,
			RespType: "text/csv", Status: 200, Handler: a.getProgressCSV},
		{Method: "GET", Path: c + "/attendance", Summary: "Who attended the course's live sessions (from, to: RFC 3339, optional)", Auth: authUser,
			Resp: course.AttendanceReport{}, Status: 200, Handler: a.getAttendance},
		{Method: "GET", Path: c + "/attendance.csv", Summary: "Live session attendance as CSV, one row per stay", Auth: authUser,
			RespType: "text/csv", Status: 200, Handler: a.getAttendanceCSV},

		// Discussion.
		{Method: "GET", Path: c + "/forums", Summary: "A course's forums", Auth: authUser,
			Resp: ForumList{}, Status: 200, Handler: a.getForums,
			Query: pageParams},
		{Method: "POST", Path: c + "/forums", Summary: "Add a forum", Auth: authUser,
			Req: ForumRequest{}, Resp: lms.Forum{}, Status: 201, Handler: a.postForum},
		{Method: "PATCH", Path: p + "/forums/{id}", Summary: "Change a forum", Auth: authUser,
			Req: course.ForumPatch{}, Resp: lms.Forum{}, Status: 200, Handler: a.patchForum},
		{Method: "PUT", Path: p + "/forums/{id}", Summary: "Change a forum", Auth: authUser,
			Req: ForumRequest{}, Resp: lms.Forum{}, Status: 200, Handler: a.putForum, Deprecated: "PATCH " + p + "/forums/{id}"},
		{Method: "DELETE", Path: p + "/forums/{id}", Summary: "Delete a forum", Auth: authUser,
			Status: 204, Handler: a.deleteForum},
		{Method: "GET", Path: p + "/forums/{id}/threads", Summary: "A forum's threads", Auth: authUser,
			Resp: ThreadList{}, Status: 200, Handler: a.getThreads, Query: pageParams},
		{Method: "POST", Path: p + "/forums/{id}/threads", Summary: "Open a thread", Auth: authUser,
			Req: NewThreadRequest{}, Resp: course.ThreadView{}, Status: 201, Handler: a.postThread},
		{Method: "GET", Path: p + "/threads/{id}", Summary: "A thread with its posts (marks it read)", Auth: authUser,
			Resp: course.ThreadView{}, Status: 200, Handler: a.getThread},
		{Method: "PATCH", Path: p + "/threads/{id}", Summary: "Pin or lock a thread (moderators) or mark its answer", Auth: authUser,
			Req: course.ThreadPatch{}, Resp: lms.Thread{}, Status: 200, Handler: a.patchThread},
		{Method: "DELETE", Path: p + "/threads/{id}", Summary: "Delete a thread", Auth: authUser,
			Status: 204, Handler: a.deleteThread},
		{Method: "POST", Path: p + "/threads/{id}/answer", Summary: "Mark a reply as the answer (0 clears)", Auth: authUser,
			Req: AnswerRequest{}, Resp: lms.Thread{}, Status: 200, Handler: a.postAnswer, Deprecated: "PATCH " + p + "/threads/{id}"},
		{Method: "POST", Path: p + "/threads/{id}/posts", Summary: "Reply in a thread", Auth: authUser,
			Req: ReplyRequest{}, Resp: lms.Post{}, Status: 201, Handler: a.postReply},
		{Method: "PATCH", Path: p + "/posts/{id}", Summary: "Edit your post", Auth: authUser,
			Req: PostEditRequest{}, Resp: lms.Post{}, Status: 200, Handler: a.patchPost},
		{Method: "DELETE", Path: p + "/posts/{id}", Summary: "Delete a post (tombstone)", Auth: authUser,
			Status: 204, Handler: a.deletePost},
		{Method: "POST", Path: p + "/posts/{id}/reactions", Summary: "React to a post", Auth: authUser,
			Req: ReactionRequest{}, Status: 204, Handler: a.postPostReaction},
		{Method: "DELETE", Path: p + "/posts/{id}/reactions/{emoji}", Summary: "Take back your reaction to a post", Auth: authUser,
			Status: 204, Handler: a.deletePostReaction},

		// Rooms.
		{Method: "GET", Path: c + "/rooms", Summary: "The rooms you may see, with unread counts", Auth: authUser,
			Resp: RoomList{}, Status: 200, Handler: a.getRooms,
			Query: pageParams},
		{Method: "POST", Path: c + "/rooms", Summary: "Add a room", Auth: authUser,
			Req: RoomRequest{}, Resp: lms.Room{}, Status: 201, Handler: a.postRoom},
		{Method: "GET", Path: p + "/rooms/{id}", Summary: "A room and your standing in it", Auth: authUser,
			Resp: RoomInfo{}, Status: 200, Handler: a.getRoom},
		{Method: "PATCH", Path: p + "/rooms/{id}", Summary: "Rename a room", Auth: authUser,
			Req: RoomRenameRequest{}, Resp: lms.Room{}, Status: 200, Handler: a.patchRoom},
		{Method: "DELETE", Path: p + "/rooms/{id}", Summary: "Delete a room and its history", Auth: authUser,
			Status: 204, Handler: a.deleteRoom},
		{Method: "GET", Path: p + "/rooms/{id}/messages", Summary: "A page of a room's history, oldest first", Auth: authUser,
			Resp: MessagePage{}, Status: 200, Handler: a.getMessages,
			Query: []queryParam{{"before", "integer", "messages older than this id"},
				{"after", "integer", "messages newer than this id"}, {"limit", "integer", "1..100 (default 50)"}}},
		{Method: "POST", Path: p + "/rooms/{id}/messages", Summary: "Send a message (201 stored, 200 seen key)", Auth: authUser,
			Req: SendMessageRequest{}, Resp: lms.Message{}, Status: 201, Handler: a.postMessage},
		{Method: "PATCH", Path: p + "/rooms/{id}/read", Summary: "Move your read position", Auth: authUser,
			Req: ReadRequest{}, Resp: lms.ReadState{}, Status: 200, Handler: a.putRead},
		{Method: "PUT", Path: p + "/rooms/{id}/read", Summary: "Move your read position", Auth: authUser,
			Req: ReadRequest{}, Resp: lms.ReadState{}, Status: 200, Handler: a.putRead, Deprecated: "PATCH " + p + "/rooms/{id}/read"},
		{Method: "POST", Path: p + "/rooms/{id}/mutes", Summary: "Mute a member for a while (0 lifts)", Auth: authUser,
			Req: MuteRequest{}, Status: 204, Handler: a.postMute},
		{Method: "DELETE", Path: p + "/rooms/{id}/mutes/{user_id}", Summary: "Lift a member's mute", Auth: authUser,
			Status: 204, Handler: a.deleteMute},
		{Method: "PATCH", Path: p + "/messages/{id}", Summary: "Edit your message", Auth: authUser,
			Req: MessageEditRequest{}, Resp: lms.Message{}, Status: 200, Handler: a.patchMessage},
		{Method: "DELETE", Path: p + "/messages/{id}", Summary: "Delete a message (tombstone)", Auth: authUser,
			Status: 204, Handler: a.deleteMessage},
		{Method: "POST", Path: p + "/messages/{id}/reactions", Summary: "React to a message", Auth: authUser,
			Req: ReactionRequest{}, Status: 204, Handler: a.postMessageReaction},
		{Method: "DELETE", Path: p + "/messages/{id}/reactions/{emoji}", Summary: "Take back your reaction to a message", Auth: authUser,
			Status: 204, Handler: a.deleteMessageReaction},
		{Method: "GET", Path: p + "/messages/{id}/seen", Summary: "Who has read a message", Auth: authUser,
			Resp: course.SeenBy{}, Status: 200, Handler: a.getSeenBy},

		// Notifications.
		{Method: "GET", Path: p + "/me/notifications", Summary: "Your notifications, newest first", Auth: authUser,
			Resp: NotificationList{}, Status: 200, Handler: a.getNotifications,
			Query: append([]queryParam{{"unread", "string", "1: only unread ones"}}, pageParams...)},
		{Method: "POST", Path: p + "/me/notifications/read", Summary: "Mark notifications read", Auth: authUser,
			Req: MarkReadRequest{}, Resp: MarkedCount{}, Status: 200, Handler: a.postNotificationsRead},
		{Method: "POST", Path: p + "/me/notifications/{id}/read", Summary: "Mark one notification read", Auth: authUser,
			Status: 204, Handler: a.postNotificationRead},
		{Method: "GET", Path: p + "/me/notification-settings", Summary: "Your notification settings", Auth: authUser,
			Resp: NotifySettingsBody{}, Status: 200, Handler: a.getNotifySettings},
		{Method: "PUT", Path: p + "/me/notification-settings", Summary: "Replace your notification settings", Auth: authUser,
			Req: lms.NotifySettings{}, Resp: NotifySettingsBody{}, Status: 200, Handler: a.putNotifySettings},
	}, a.catalogRoutes()...)
}
