// Package store is Lyceum's storage contract: one small interface per area,
// implemented by the PostgreSQL backend (store/postgres) and the embedded
// SQLite backend (store/sqlite), and checked by one conformance suite
// (store/storetest) that both backends run.
//
// Conventions every backend follows:
//   - Not found is lms.ENOTFOUND; a unique violation (email, username) is
//     lms.ECONFLICT; every other failure is wrapped with %w.
//   - Times are stored and returned in UTC with at least millisecond precision.
//   - Lists are bounded by lms.ClampLimit.
//   - Strings are stored and returned verbatim (no trimming, no escaping).
package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Users stores accounts.
type Users interface {
	// CreateUser inserts u and sets u.ID, CreatedAt and UpdatedAt.
	// Email and username are unique case-insensitively (ECONFLICT).
	CreateUser(ctx context.Context, u *lms.User) error
	// UserByID returns the user (ENOTFOUND if none).
	UserByID(ctx context.Context, id int64) (*lms.User, error)
	// UserByLogin finds a user by email or username, case-insensitively.
	UserByLogin(ctx context.Context, login string) (*lms.User, error)
	// UsersByLogins returns the users whose email or username is one of
	// logins, case-insensitively, each once, ordered by id (for imports:
	// one query instead of one per row). Callers pass at most
	// MaxLoginsPerLookup logins.
	UsersByLogins(ctx context.Context, logins []string) ([]*lms.User, error)
	// UpdateUser saves Email, Username, Name, Role, Disabled, AvatarPath and
	// PasswordHash of u and sets UpdatedAt.
	UpdateUser(ctx context.Context, u *lms.User) error
	// DeleteUser removes the user and everything that belongs only to them
	// (sessions, tokens). Audit entries keep the actor id and name.
	DeleteUser(ctx context.Context, id int64) error
	// ListUsers returns the matching users ordered by id and the total count.
	ListUsers(ctx context.Context, f lms.UserFilter) ([]*lms.User, int, error)
	// CountUsers returns the number of users (0 means the site needs setup).
	CountUsers(ctx context.Context) (int, error)
	// CountAdmins returns the number of enabled administrators.
	CountAdmins(ctx context.Context) (int, error)
	// TouchLogin sets LastLoginAt.
	TouchLogin(ctx context.Context, id int64, at time.Time) error
}

// MaxLoginsPerLookup bounds the logins of one UsersByLogins call.
const MaxLoginsPerLookup = 500

// Sessions stores signed-in browsers by token hash.
type Sessions interface {
	// CreateSession inserts s and sets s.ID.
	CreateSession(ctx context.Context, s *lms.Session) error
	// SessionByTokenHash returns the session (ENOTFOUND if none).
	SessionByTokenHash(ctx context.Context, hash []byte) (*lms.Session, error)
	// TouchSession sets LastSeenAt.
	TouchSession(ctx context.Context, id int64, at time.Time) error
	// ListSessions returns a page of a user's sessions, newest first.
	ListSessions(ctx context.Context, userID int64, p lms.Page) ([]*lms.Session, error)
	// DeleteSession removes one session of a user (ENOTFOUND if it is not theirs).
	DeleteSession(ctx context.Context, userID, id int64) error
	// DeleteUserSessions removes all of a user's sessions except exceptID (0: all)
	// and returns the ids removed.
	DeleteUserSessions(ctx context.Context, userID, exceptID int64) ([]int64, error)
	// DeleteExpiredSessions removes sessions whose ExpiresAt is before now or
	// whose LastSeenAt is before idleBefore, and returns how many.
	DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int, error)
}

// APITokens stores personal access tokens by hash.
type APITokens interface {
	// CreateAPIToken inserts t and sets t.ID (and CreatedAt when zero).
	CreateAPIToken(ctx context.Context, t *lms.APIToken) error
	// APITokenByHash returns the token (ENOTFOUND if none); expiry is the
	// caller's to check.
	APITokenByHash(ctx context.Context, hash []byte) (*lms.APIToken, error)
	// ListAPITokens returns a page of a user's tokens, newest first.
	ListAPITokens(ctx context.Context, userID int64, p lms.Page) ([]*lms.APIToken, error)
	// DeleteAPIToken removes one token of a user (ENOTFOUND if it is not theirs).
	DeleteAPIToken(ctx context.Context, userID, id int64) error
	// TouchAPIToken sets LastUsedAt (ENOTFOUND if the token is gone).
	TouchAPIToken(ctx context.Context, id int64, at time.Time) error
}

// Invites stores sign-up invitations by hash.
type Invites interface {
	// CreateInvite inserts inv and sets inv.ID (and CreatedAt when zero).
	CreateInvite(ctx context.Context, inv *lms.Invite) error
	// InviteByHash returns the invite (ENOTFOUND if none).
	InviteByHash(ctx context.Context, hash []byte) (*lms.Invite, error)
	// ListInvites returns a page of the invites, newest first.
	ListInvites(ctx context.Context, p lms.Page) ([]*lms.Invite, error)
	// DeleteInvite removes an invite (ENOTFOUND if none).
	DeleteInvite(ctx context.Context, id int64) error
	// AcceptInvite marks the invite accepted; ECONFLICT if it already was.
	AcceptInvite(ctx context.Context, id int64, at time.Time) error
}

// Settings stores the site settings and small named values (e.g. the
// one-time setup token hash).
type Settings interface {
	// GetSettings returns the saved settings, or lms.DefaultSettings().
	GetSettings(ctx context.Context) (lms.Settings, error)
	// PutSettings saves s; a zero s.UpdatedAt is stored as now.
	PutSettings(ctx context.Context, s lms.Settings) error
	// GetValue returns a named value (ENOTFOUND if unset).
	GetValue(ctx context.Context, key string) (string, error)
	// PutValue sets a named value, replacing any previous one.
	PutValue(ctx context.Context, key, value string) error
	// DeleteValueIf removes key only if it currently holds value, and reports
	// whether it did: the atomic "use once" for single-use tokens.
	DeleteValueIf(ctx context.Context, key, value string) (bool, error)
	// EnsureValue sets key to value unless it already holds one, and returns
	// the value it holds afterwards: of concurrent callers (on any node) the
	// first wins and all get its value (e.g. a generated site secret).
	EnsureValue(ctx context.Context, key, value string) (string, error)
}

// Audit stores the append-only audit log.
type Audit interface {
	// AppendAudit inserts e and sets e.ID, e.At (when zero) and
	// e.ActorName (when empty: the actor's username). The name is stored
	// with the entry so it outlives the user.
	AppendAudit(ctx context.Context, e *lms.AuditEntry) error
	// ListAudit returns entries newest first (by id), with ActorName
	// filled: the actor's current username, else the stored name.
	ListAudit(ctx context.Context, f lms.AuditFilter) ([]*lms.AuditEntry, error)
}

// Store is everything a backend provides.
type Store interface {
	Users
	Sessions
	APITokens
	Invites
	Settings
	Audit
	LoginThrottle
	Courses
	Catalog
	Enrollments
	Content
	Uploads
	Progress
	Discussions
	Rooms
	Notifications
	Outbox
	Assess
	Assignments
	Gradebook
	Jobs
	VideoSessions
	LiveQuizzes
	Calendar
	Privacy
	Reports
	Announcements
	// InTx runs fn with a Store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(Store) error) error
	// Ping checks the database is reachable (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// MigrationState is one schema migration as a backend reports it (for the
// `lyceum migrate status` command and start-up logs).
type MigrationState struct {
	Version   int64     // the migration's version number (file name prefix)
	Name      string    // the migration's file name, e.g. "00001_init.sql"
	Applied   bool      // whether the database has it
	AppliedAt time.Time // when it was applied (UTC); zero when pending
}

// Outbox stores announcements of stored changes until they are announced
// live (see lms.Announcement): services append them inside the transaction
// of the change; a relay on every node announces and deletes them.
type Outbox interface {
	// AppendOutbox inserts a and sets a.ID (and CreatedAt when zero).
	AppendOutbox(ctx context.Context, a *lms.Announcement) error
	// PendingOutbox returns up to limit announcements created at or before
	// before, oldest first.
	PendingOutbox(ctx context.Context, before time.Time, limit int) ([]*lms.Announcement, error)
	// DeleteOutbox removes the announcements with these ids; ids that are
	// gone already are ignored.
	DeleteOutbox(ctx context.Context, ids []int64) error
}
