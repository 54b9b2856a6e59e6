package lms

import "time"

// SiteRole is a user's role on the whole site.
type SiteRole string

// Site roles.
const (
	SiteAdmin SiteRole = "admin" // manages users, settings and sees the audit log
	SiteUser  SiteRole = "user"  // everyone else
)

// Valid reports whether r is a known site role.
func (r SiteRole) Valid() bool { return r == SiteAdmin || r == SiteUser }

// User is a person with an account.
type User struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Username     string    `json:"username"`
	Name         string    `json:"name"`
	Role         SiteRole  `json:"role"`
	Disabled     bool      `json:"disabled"`
	AvatarPath   string    `json:"-"` // relative path of the avatar file in the data dir; "" when none
	PasswordHash string    `json:"-"` // argon2id PHC string; never serialised
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	LastLoginAt  time.Time `json:"last_login_at,omitzero"`
}

// IsAdmin reports whether u is an enabled site administrator.
func (u *User) IsAdmin() bool { return u != nil && !u.Disabled && u.Role == SiteAdmin }

// UserFilter selects users in a list.
type UserFilter struct {
	Query  string // matched case-insensitively against email, username and name; "" for all
	Limit  int    // at most this many; the store clamps to [1, MaxPageSize]
	Offset int    // skip this many
}

// Session is a signed-in browser. The token itself is never stored, only its
// SHA-256 hash.
type Session struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	TokenHash  []byte    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"` // absolute expiry
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
}

// APIToken is a personal access token used as "Authorization: Bearer".
type APIToken struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	Name       string    `json:"name"`
	Prefix     string    `json:"prefix"` // first characters of the token, shown to recognise it
	TokenHash  []byte    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"` // zero: never
}

// Invite lets a person create an account in a closed site. Only the token's
// hash is stored.
type Invite struct {
	ID         int64     `json:"id"`
	Email      string    `json:"email"`
	Role       SiteRole  `json:"role"`
	TokenHash  []byte    `json:"-"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
}

// SignupPolicy says who may create an account.
type SignupPolicy string

// Sign-up policies.
const (
	SignupClosed SignupPolicy = "closed" // only admins create users or send invites
	SignupOpen   SignupPolicy = "open"   // anyone may register (optionally restricted by email domain)
)

// Valid reports whether p is a known policy.
func (p SignupPolicy) Valid() bool { return p == SignupClosed || p == SignupOpen }

// Settings are the site-wide settings an administrator edits.
type Settings struct {
	SiteName     string       `json:"site_name"`
	SignupPolicy SignupPolicy `json:"signup_policy"`
	SignupDomain string       `json:"signup_domain"` // with SignupOpen: only emails @this domain; "" for any
	// CourseCreators says who may create courses: CreatorsAnyone or CreatorsAdmins.
	CourseCreators string    `json:"course_creators"`
	UpdatedAt      time.Time `json:"updated_at,omitzero"`
}

// DefaultSettings are used until an administrator saves settings.
func DefaultSettings() Settings {
	return Settings{SiteName: "Lyceum", SignupPolicy: SignupClosed, CourseCreators: CreatorsAnyone}
}

// Who may create courses (Settings.CourseCreators).
const (
	CreatorsAnyone = "anyone" // every signed-in user may create a course and becomes its instructor
	CreatorsAdmins = "admins" // only site administrators
)

// MaxPageSize bounds every list; DefaultPageSize is used when none is given.
const (
	MaxPageSize     = 200
	DefaultPageSize = 50
)

// ClampLimit returns limit bounded to [1, MaxPageSize], DefaultPageSize for <= 0.
func ClampLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultPageSize
	case limit > MaxPageSize:
		return MaxPageSize
	default:
		return limit
	}
}
