// Package privacy owns a person's rights over their data: downloading all
// of it (JSON and their files, as one zip), asking for their account's
// deletion, and administrators anonymising an account. Anonymising keeps
// what the account wrote for others (posts, chat messages, course
// announcements: the course's conversation and news), under "Deleted
// user", and removes the rest that is only the person's; their grades,
// submissions and quiz attempts are kept or removed by the site's
// retention setting. Every such action is in the audit log.
//
// Permission: a person exports only their own data and asks only for their
// own deletion; only enabled administrators see the requests, change the
// retention setting and anonymise (never themselves or another
// administrator: demote first).
package privacy

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Store is what the service reads and writes.
type Store interface {
	store.Privacy
	UserByID(ctx context.Context, id int64) (*lms.User, error)
	SubmissionVersions(ctx context.Context, submissionID int64) ([]*lms.SubmissionVersion, error)
	GetValue(ctx context.Context, key string) (string, error)
	PutValue(ctx context.Context, key, value string) error
	AppendAudit(ctx context.Context, e *lms.AuditEntry) error
}

// TxStore is a Store that runs functions in one transaction.
type TxStore interface {
	Store
	// InTx runs fn with a Store bound to one transaction; fn's error rolls
	// it back.
	InTx(ctx context.Context, fn func(Store) error) error
}

// FromStore adapts a store.Store to TxStore.
func FromStore(st store.Store) TxStore { return txAdapter{st} }

type txAdapter struct{ store.Store }

func (a txAdapter) InTx(ctx context.Context, fn func(Store) error) error {
	return a.Store.InTx(ctx, func(s store.Store) error { return fn(txAdapter{s}) })
}

// Files opens an upload's content (assign.DirFiles does).
type Files interface {
	Open(ctx context.Context, u *lms.Upload) (io.ReadCloser, error)
}

// Sessions hears that an anonymised account's sessions and tokens are gone,
// so its live connections close (auth.Events does: rooms implements it).
type Sessions interface {
	SessionsRevoked(ctx context.Context, userID int64, sessionIDs []int64)
}

// Params are a Service's dependencies.
type Params struct {
	Store TxStore
	Files Files
	// Sessions closes an anonymised account's live connections (nil: none
	// to close).
	Sessions Sessions
	Logger   zerolog.Logger
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
}

// Service implements the privacy rights.
type Service struct {
	store TxStore
	files Files
	live  Sessions
	log   zerolog.Logger
	now   func() time.Time
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.Store == nil || p.Files == nil {
		return nil, fmt.Errorf("privacy: Params.Store and Files are required")
	}
	s := &Service{store: p.Store, files: p.Files, live: p.Sessions, log: p.Logger, now: p.Clock}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// retentionKey names the retention setting among the site's values.
const retentionKey = "privacy.keep_grades"

func requireUser(u *lms.User) error {
	if u == nil || u.Disabled {
		return lms.Errorf(lms.EUNAUTHORIZED, "Sign in first.")
	}
	return nil
}

func requireAdmin(u *lms.User) error {
	if err := requireUser(u); err != nil {
		return err
	}
	if !u.IsAdmin() {
		return lms.Errorf(lms.EFORBIDDEN, "Only administrators may do this.")
	}
	return nil
}

// audit appends an entry about target by actor in st.
func (s *Service) audit(ctx context.Context, st Store, actor *lms.User, action string, target int64, detail string) error {
	return st.AppendAudit(ctx, &lms.AuditEntry{At: s.now().UTC(), ActorID: actor.ID, Action: action,
		Target: fmt.Sprintf("user:%d", target), IP: lms.ClientFrom(ctx).IP, Detail: detail})
}

// DeletionInput is a deletion request's reason (optional).
type DeletionInput struct {
	Reason string `json:"reason,omitempty"`
}

// RequestDeletion records that the caller asks for their account's
// deletion (asking again replaces the reason).
func (s *Service) RequestDeletion(ctx context.Context, actor *lms.User, in DeletionInput) (*lms.DeletionRequest, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(strings.ReplaceAll(in.Reason, "\r\n", "\n"))
	if err := lms.CheckText("reason", strings.ReplaceAll(reason, "\n", " "), lms.MaxDeletionReason, false); err != nil {
		return nil, err
	}
	r := &lms.DeletionRequest{UserID: actor.ID, Reason: reason, CreatedAt: s.now().UTC(), Username: actor.Username,
		Name: actor.Name}
	err := s.store.InTx(ctx, func(st Store) error {
		if err := st.PutDeletionRequest(ctx, r); err != nil {
			return err
		}
		return s.audit(ctx, st, actor, lms.AuditDeletionRequest, actor.ID, "")
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// MyDeletionRequest returns the caller's request (ENOTFOUND if none).
func (s *Service) MyDeletionRequest(ctx context.Context, actor *lms.User) (*lms.DeletionRequest, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	return s.store.DeletionRequestOf(ctx, actor.ID)
}

// WithdrawDeletion takes the caller's request back (ENOTFOUND if none).
func (s *Service) WithdrawDeletion(ctx context.Context, actor *lms.User) error {
	if err := requireUser(actor); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(st Store) error {
		if err := st.DeleteDeletionRequest(ctx, actor.ID); err != nil {
			return err
		}
		return s.audit(ctx, st, actor, lms.AuditDeletionWithdraw, actor.ID, "")
	})
}

// DeletionRequests lists the open requests, oldest first (administrators).
func (s *Service) DeletionRequests(ctx context.Context, actor *lms.User) ([]*lms.DeletionRequest, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.ListDeletionRequests(ctx)
}

// Retention returns the retention setting (administrators). Unset, grades
// are kept: schools usually must keep their records.
func (s *Service) Retention(ctx context.Context, actor *lms.User) (lms.Retention, error) {
	if err := requireAdmin(actor); err != nil {
		return lms.Retention{}, err
	}
	return s.retention(ctx, s.store)
}

func (s *Service) retention(ctx context.Context, st Store) (lms.Retention, error) {
	v, err := st.GetValue(ctx, retentionKey)
	switch {
	case lms.IsCode(err, lms.ENOTFOUND):
		return lms.Retention{KeepGrades: true}, nil
	case err != nil:
		return lms.Retention{}, err
	}
	return lms.Retention{KeepGrades: v != "0"}, nil
}

// RetentionPatch changes the fields it sets of the retention setting.
type RetentionPatch struct {
	KeepGrades *bool `json:"keep_grades,omitempty"`
}

// PatchRetention changes the retention setting (administrators; audited).
func (s *Service) PatchRetention(ctx context.Context, actor *lms.User, p RetentionPatch) (lms.Retention, error) {
	if err := requireAdmin(actor); err != nil {
		return lms.Retention{}, err
	}
	var out lms.Retention
	err := s.store.InTx(ctx, func(st Store) error {
		r, err := s.retention(ctx, st)
		if err != nil {
			return err
		}
		if p.KeepGrades == nil || *p.KeepGrades == r.KeepGrades {
			out = r
			return nil
		}
		r.KeepGrades = *p.KeepGrades
		v := "0"
		if r.KeepGrades {
			v = "1"
		}
		if err := st.PutValue(ctx, retentionKey, v); err != nil {
			return err
		}
		out = r
		return st.AppendAudit(ctx, &lms.AuditEntry{At: s.now().UTC(), ActorID: actor.ID, Action: lms.AuditRetentionChange,
			Target: "settings", IP: lms.ClientFrom(ctx).IP, Detail: fmt.Sprintf(`{"keep_grades":%v}`, r.KeepGrades)})
	})
	return out, err
}

// Anonymised is the outcome of Anonymise.
type Anonymised struct {
	UserID     int64 `json:"user_id"`
	GradesKept bool  `json:"grades_kept"`
}

// Anonymise turns a user's account into "Deleted user" (administrators;
// audited): see store.Privacy.AnonymiseUser. Grades, submissions and
// attempts follow the retention setting.
func (s *Service) Anonymise(ctx context.Context, actor *lms.User, userID int64) (*Anonymised, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if userID == actor.ID {
		return nil, lms.Errorf(lms.ECONFLICT, "You cannot anonymise your own account.")
	}
	var out *Anonymised
	err := s.store.InTx(ctx, func(st Store) error {
		u, err := st.UserByID(ctx, userID)
		if lms.IsCode(err, lms.ENOTFOUND) {
			return lms.Errorf(lms.ENOTFOUND, "User not found.")
		} else if err != nil {
			return err
		}
		if u.Role == lms.SiteAdmin {
			return lms.Errorf(lms.ECONFLICT, "Administrators cannot be anonymised: make them a plain user first.")
		}
		r, err := s.retention(ctx, st)
		if err != nil {
			return err
		}
		if err := st.AnonymiseUser(ctx, userID, r.KeepGrades, s.now().UTC()); err != nil {
			return err
		}
		out = &Anonymised{UserID: userID, GradesKept: r.KeepGrades}
		return s.audit(ctx, st, actor, lms.AuditAnonymise, userID, fmt.Sprintf(`{"grades_kept":%v}`, r.KeepGrades))
	})
	if err != nil {
		return nil, err
	}
	if s.live != nil {
		s.live.SessionsRevoked(ctx, userID, nil)
	}
	return out, nil
}
