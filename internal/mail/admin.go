package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// AuditRetry is the audit action of an administrator sending a failed
// email again.
const AuditRetry = "mail.retry"

// AdminStore is what the administrators' email page needs of the store.
type AdminStore interface {
	InTx(ctx context.Context, fn func(AdminStore) error) error
	ListFailedJobs(ctx context.Context, f store.FailedJobFilter) ([]*lms.Job, error)
	AppendAudit(ctx context.Context, e *lms.AuditEntry) error
	jobs.ScheduleStore
}

// Admin answers the administrators' email page: whether email is on, and
// the emails that could not be sent, which they may send again.
type Admin struct {
	cfg   Config
	store AdminStore
	now   func() time.Time
}

// NewAdmin returns the service for the SMTP settings cfg (email off when
// not enabled); clock nil means time.Now.
func NewAdmin(cfg Config, st AdminStore, clock func() time.Time) *Admin {
	if clock == nil {
		clock = time.Now
	}
	return &Admin{cfg: cfg, store: st, now: clock}
}

// Status is how email is set up, as administrators see it: never the
// password.
type Status struct {
	Enabled bool   `json:"enabled"`
	Host    string `json:"host,omitempty"`
	Port    int    `json:"port,omitempty"`
	TLS     string `json:"tls,omitempty"`
	From    string `json:"from,omitempty"`
	// Auth says whether the node signs in to the server (as User).
	Auth bool   `json:"auth"`
	User string `json:"user,omitempty"`
}

// FailedEmail is an email the job runner gave up on.
type FailedEmail struct {
	ID        int64     `json:"id"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	LastError string    `json:"last_error"`
	Attempts  int       `json:"attempts"`
	FailedAt  time.Time `json:"failed_at"`
	CreatedAt time.Time `json:"created_at"`
}

// Status returns how email is set up (administrators only).
func (a *Admin) Status(actor *lms.User) (Status, error) {
	if _, err := auth.RequireAdmin(actor); err != nil {
		return Status{}, err
	}
	if !a.cfg.Enabled() {
		return Status{}, nil
	}
	port, tls := a.cfg.Port, a.cfg.TLS
	if tls == "" {
		tls = TLSStartTLS
	}
	if port == 0 {
		port = map[bool]int{true: 465, false: 587}[tls == TLSImplicit]
	}
	return Status{Enabled: true, Host: a.cfg.Host, Port: port, TLS: tls, From: a.cfg.From, Auth: a.cfg.User != "",
		User: a.cfg.User}, nil
}

// FailedEmails returns a page of the emails that could not be sent, most
// recent failure first (administrators only).
func (a *Admin) FailedEmails(ctx context.Context, actor *lms.User, p lms.Page) ([]FailedEmail, error) {
	if _, err := auth.RequireAdmin(actor); err != nil {
		return nil, err
	}
	list, err := a.store.ListFailedJobs(ctx, store.FailedJobFilter{Kind: JobKind, Limit: p.Limit, Offset: p.Offset})
	if err != nil {
		return nil, err
	}
	out := make([]FailedEmail, 0, len(list))
	for _, j := range list {
		out = append(out, failedEmail(j))
	}
	return out, nil
}

// failedEmail reads a failed send job.
func failedEmail(j *lms.Job) FailedEmail {
	var m Message
	_ = json.Unmarshal(j.Payload, &m) // an unreadable payload shows empty
	return FailedEmail{ID: j.ID, To: m.To, Subject: m.Subject, LastError: j.LastError, Attempts: j.Attempts,
		FailedAt: j.FailedAt, CreatedAt: j.CreatedAt}
}

// Retry sends the failed email id again now, with fresh attempts
// (administrators only; audited): ENOTFOUND when no failed email has that
// id (it was retried already, or sent).
func (a *Admin) Retry(ctx context.Context, actor *lms.User, id int64) (FailedEmail, error) {
	if _, err := auth.RequireAdmin(actor); err != nil {
		return FailedEmail{}, err
	}
	var out FailedEmail
	err := a.store.InTx(ctx, func(tx AdminStore) error {
		list, err := tx.ListFailedJobs(ctx, store.FailedJobFilter{Kind: JobKind, ID: id, Limit: 1})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return lms.Errorf(lms.ENOTFOUND, "No failed email has id %d: it may have been sent again already.", id)
		}
		j := list[0]
		out = failedEmail(j)
		now := a.now()
		if err := tx.ScheduleJob(ctx, &lms.Job{Kind: j.Kind, Key: j.Key, Payload: j.Payload, RunAt: now}, now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &lms.AuditEntry{At: now.UTC(), ActorID: actor.ID, Action: AuditRetry,
			Target: fmt.Sprintf("job:%d", j.ID), IP: lms.ClientFrom(ctx).IP, Detail: out.To})
	})
	return out, err
}
