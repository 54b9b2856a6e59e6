package api

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// User is a user as the API shows it.
type User struct {
	ID          int64        `json:"id"`
	Email       string       `json:"email"`
	Username    string       `json:"username"`
	Name        string       `json:"name"`
	Role        lms.SiteRole `json:"role"`
	Disabled    bool         `json:"disabled"`
	AvatarURL   string       `json:"avatar_url,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	LastLoginAt time.Time    `json:"last_login_at,omitzero"`
}

// avatarVersionChars of the avatar file's hash name go into avatar_url, so
// a new picture gets a new URL and the old one may be cached forever.
const avatarVersionChars = 16

func toUser(u *lms.User) User {
	out := User{ID: u.ID, Email: u.Email, Username: u.Username, Name: u.Name, Role: u.Role, Disabled: u.Disabled,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, LastLoginAt: u.LastLoginAt}
	if u.AvatarPath != "" {
		v := strings.TrimSuffix(path.Base(u.AvatarPath), path.Ext(u.AvatarPath))
		if len(v) > avatarVersionChars {
			v = v[:avatarVersionChars]
		}
		out.AvatarURL = fmt.Sprintf("%s/users/%d/avatar?v=%s", Prefix, u.ID, v)
	}
	return out
}

func toUsers(us []*lms.User) []User {
	out := make([]User, 0, len(us))
	for _, u := range us {
		out = append(out, toUser(u))
	}
	return out
}

// UserEnvelope wraps the user answered by setup, login, sign-up and invite acceptance.
type UserEnvelope struct {
	User User `json:"user"`
}

// SiteInfo is what anyone may know about the site.
type SiteInfo struct {
	SiteName     string           `json:"site_name"`
	SignupPolicy lms.SignupPolicy `json:"signup_policy"`
	SignupDomain string           `json:"signup_domain"`
	SetupNeeded  bool             `json:"setup_needed"`
}

// SetupRequest creates the first administrator.
type SetupRequest struct {
	Token    string `json:"token"`
	Email    string `json:"email"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// LoginRequest signs in with an email address or username.
type LoginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// SignupRequest creates an account when sign-up is open.
type SignupRequest struct {
	Email    string `json:"email"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// InviteInfo describes an open invitation to its recipient.
type InviteInfo struct {
	Email     string       `json:"email"`
	Role      lms.SiteRole `json:"role"`
	ExpiresAt time.Time    `json:"expires_at"`
	SiteName  string       `json:"site_name"`
}

// AcceptInviteRequest creates the invited account.
type AcceptInviteRequest struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// ProfileRequest changes the caller's profile; absent fields stay.
type ProfileRequest struct {
	Name     *string `json:"name,omitempty"`
	Email    *string `json:"email,omitempty"`
	Username *string `json:"username,omitempty"`
}

// PasswordRequest changes the caller's password.
type PasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// Session is a signed-in browser of the caller.
type Session struct {
	ID         int64     `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

// SessionList is a page of the caller's sessions, newest first.
type SessionList struct {
	Items      []Session `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// APITokenList is a page of the caller's API tokens, newest first.
type APITokenList struct {
	Items      []*lms.APIToken `json:"items"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// CreateTokenRequest creates an API token; without expires_in_days it never expires.
type CreateTokenRequest struct {
	Name          string `json:"name"`
	ExpiresInDays int    `json:"expires_in_days,omitempty"`
}

// CreatedToken carries a new API token, shown only this once.
type CreatedToken struct {
	Token    string        `json:"token"`
	APIToken *lms.APIToken `json:"api_token"`
}

// MyCourse is one of the caller's courses on the dashboard: the course,
// the caller's progress in it and their unread chat messages.
type MyCourse struct {
	*course.CourseView
	Progress *lms.CourseProgress `json:"progress"`
	Unread   int                 `json:"unread"` // unread messages over the rooms the caller may see
}

// MyCourseList is a page of the caller's own courses.
type MyCourseList struct {
	Items      []MyCourse `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
	// CanCreate says whether the caller may create courses (a site setting).
	CanCreate bool `json:"can_create"`
}

// UserList is a page of users.
type UserList struct {
	Items      []User `json:"items"`
	Total      int    `json:"total"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// CreateUserRequest creates an account (administrators).
type CreateUserRequest struct {
	Email    string       `json:"email"`
	Username string       `json:"username"`
	Name     string       `json:"name"`
	Password string       `json:"password"`
	Role     lms.SiteRole `json:"role,omitempty"`
}

// UpdateUserRequest changes a user (administrators); absent fields stay.
type UpdateUserRequest struct {
	Name     *string       `json:"name,omitempty"`
	Role     *lms.SiteRole `json:"role,omitempty"`
	Disabled *bool         `json:"disabled,omitempty"`
}

// InviteList is a page of the invitations, newest first.
type InviteList struct {
	Items      []*lms.Invite `json:"items"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

// CreateInviteRequest invites someone by email; the invitation is valid for
// expires_in_hours (default 168).
type CreateInviteRequest struct {
	Email          string       `json:"email"`
	Role           lms.SiteRole `json:"role,omitempty"`
	ExpiresInHours int          `json:"expires_in_hours,omitempty"`
}

// CreatedInvite carries the invitation link, shown only this once.
type CreatedInvite struct {
	URL    string      `json:"url"`
	Invite *lms.Invite `json:"invite"`
}

// SettingsBody are the editable site settings. A PUT without
// course_creators keeps who may create courses as it is.
type SettingsBody struct {
	SiteName       string               `json:"site_name"`
	SignupPolicy   lms.SignupPolicy     `json:"signup_policy"`
	SignupDomain   string               `json:"signup_domain"`
	CourseCreators course.CreatorPolicy `json:"course_creators,omitempty"`
}

// AuditList is a page of audit entries, newest first.
type AuditList struct {
	Items      []*lms.AuditEntry `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
}
