package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Run checks that the stores open returns keep the store.Store contract.
// open must return a fresh, empty, migrated store that is closed when t
// ends. Every subtest opens its own store and runs in parallel with the
// others.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	groups := []struct {
		name  string
		tests map[string]func(*testing.T, store.Store)
	}{
		{"users", userTests},
		{"sessions", sessionTests},
		{"api_tokens", tokenTests},
		{"invites", inviteTests},
		{"settings", settingsTests},
		{"audit", auditTests},
		{"login_throttle", throttleTests},
		{"tx", txTests},
		{"courses", courseTests},
		{"course_patch", coursePatchTests},
		{"catalog", catalogTests},
		{"enrollments", enrollmentTests},
		{"content", contentTests},
		{"uploads", uploadTests},
		{"upload_owners", uploadOwnerTests},
		{"progress", progressTests},
		{"discussions", discussionTests},
		{"pages", pageTests},
		{"rooms", roomTests},
		{"notifications", notificationTests},
		{"notify_settings", notifySettingsTests},
		{"outbox", outboxTests},
		{"assess", assessTests},
		{"assignments", assignmentTests},
		{"assignment_extensions", extensionTests},
		{"gradebook", gradebookTests},
		{"jobs", jobTests},
		{"video", videoTests},
		{"live_quiz", liveQuizTests},
		{"calendar", calendarTests},
		{"privacy", privacyTests},
		{"announcements", announcementTests},
		{"report_aggregates", reportAggregateTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for name, fn := range g.tests {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					fn(t, open(t))
				})
			}
		})
	}
}

// ms is the precision every backend keeps.
const ms = time.Millisecond

// base is a fixed instant for test data: UTC, whole milliseconds.
var base = time.Date(2026, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

// newUser creates a user named n (email n@example.com, username n).
func newUser(t *testing.T, s store.Store, n string) *lms.User {
	t.Helper()
	u := &lms.User{Email: n + "@example.com", Username: n, Name: "Name " + n, Role: lms.SiteUser,
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser(%s): %v", n, err)
	}
	return u
}

// newSession creates a session of userID with the token hash h.
func newSession(t *testing.T, s store.Store, userID int64, h string, created time.Time) *lms.Session {
	t.Helper()
	x := &lms.Session{UserID: userID, TokenHash: []byte(h), CreatedAt: created, LastSeenAt: created,
		ExpiresAt: created.Add(30 * 24 * time.Hour), IP: "192.0.2.1", UserAgent: "test"}
	if err := s.CreateSession(t.Context(), x); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return x
}

// wantCode fails t unless err carries code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := lms.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

// noErr fails t on err.
func noErr(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// diff fails t when got and want differ.
func diff(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// ctxOf is t.Context with a bound, so a hung backend fails instead of
// blocking the whole test binary.
func ctxOf(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// ids returns the ids of list, in order.
func ids[T any](list []T, id func(T) int64) []int64 {
	out := make([]int64, len(list))
	for i, x := range list {
		out[i] = id(x)
	}
	return out
}

func userID(u *lms.User) int64        { return u.ID }
func sessionID(x *lms.Session) int64  { return x.ID }
func auditID(e *lms.AuditEntry) int64 { return e.ID }

// label numbers things created in a loop.
func label(prefix string, i int) string { return fmt.Sprintf("%s%02d", prefix, i) }
