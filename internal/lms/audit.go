package lms

import "time"

// Audit actions. Keep them stable: they are stored and filtered on.
const (
	AuditLogin          = "auth.login"
	AuditLoginFailed    = "auth.login_failed"
	AuditLogout         = "auth.logout"
	AuditPasswordChange = "auth.password_changed"
	AuditSetup          = "site.setup"
	AuditUserCreate     = "user.create"
	AuditUserImport     = "user.import"
	AuditUserUpdate     = "user.update"
	AuditUserDelete     = "user.delete"
	AuditUserDisable    = "user.disable"
	AuditUserEnable     = "user.enable"
	AuditRoleChange     = "user.role_change"
	AuditInviteCreate   = "invite.create"
	AuditInviteAccept   = "invite.accept"
	AuditInviteRevoke   = "invite.revoke"
	AuditSignup         = "auth.signup"
	AuditSettingsChange = "settings.change"
	AuditTokenCreate    = "token.create"
	AuditTokenRevoke    = "token.revoke"

	// Course actions (internal/course).
	AuditCourseUpdate    = "course.update"           // settings, visibility, catalogue, join settings
	AuditCourseDelete    = "course.delete"           // the course and everything in it
	AuditEnrol           = "course.enrol"            // someone enrolled (or approved) by staff, or a roster
	AuditUnenrol         = "course.unenrol"          // a member removed, or who left
	AuditCourseRole      = "course.role"             // a member's course role changed
	AuditContentDelete   = "course.content_delete"   // a module, lesson, forum, room or group deleted
	AuditModeratorDelete = "course.moderator_delete" // staff deleted someone else's post, thread or message
	AuditMute            = "course.mute"             // a member muted (or unmuted) in a room
)

// AuditEntry records who did what, when, and from where.
type AuditEntry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id,omitzero"` // 0 for anonymous (e.g. a failed login)
	ActorName string    `json:"actor_name"`        // filled by the store from users, or the login attempted
	Action    string    `json:"action"`
	Target    string    `json:"target"` // e.g. "user:42", "settings"
	IP        string    `json:"ip"`
	Detail    string    `json:"detail"` // short human-readable detail (JSON allowed)
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	ActorID  int64  // 0 for any
	Action   string // exact action or a prefix ending in "." (e.g. "auth."); "" for any
	BeforeID int64  // cursor: only entries with ID < BeforeID; 0 for the newest
	Limit    int
}
