package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/mail"
	"github.com/lyceumhq/lyceum/internal/store"
)

// emailParts are what the API serves about email: unsubscribe links (they
// keep working with email turned off) and the administrators' page.
type emailParts struct {
	links *mail.Links
	admin *mail.Admin
}

// useEmail turns email on when SMTP is configured: the notifications of a
// kind a person gets "at once" are queued as send jobs (held to the end of
// their quiet hours), those they get in the digest plan that day's digest
// job, and r sends both. Without SMTP nothing is queued. Either way it
// returns the unsubscribe links, signed with the site's secret (made by
// the first node that starts, shared by all), and the admin page's
// service; clock nil means time.Now.
func (n *node) useEmail(ctx context.Context, st store.Store, r *jobs.Runner, notes *course.Notifications,
	clock func() time.Time) (*emailParts, error) {
	if clock == nil {
		clock = time.Now
	}
	fresh := make([]byte, mail.MinSecretLen)
	_, _ = rand.Read(fresh) // crypto/rand.Read never fails
	v, err := st.EnsureValue(ctx, mail.SecretKey, hex.EncodeToString(fresh))
	if err != nil {
		return nil, fmt.Errorf("mail: the unsubscribe secret: %w", err)
	}
	secret, err := hex.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("mail: the stored unsubscribe secret is not hex: %w", err)
	}
	links, err := mail.NewLinks(secret, n.cfg.PublicURL, clock)
	if err != nil {
		return nil, err
	}
	parts := &emailParts{links: links, admin: mail.NewAdmin(n.cfg.Mail, store.Scope[mail.AdminStore](st), clock)}
	if !n.cfg.Mail.Enabled() {
		n.log.Info().Msg("email is off: no SMTP server is configured (LYCEUM_SMTP_HOST)")
		return parts, nil
	}
	s, err := mail.NewSender(n.cfg.Mail)
	if err != nil {
		return nil, err
	}
	r.Register(mail.JobKind, s.HandleJob)
	r.Register(mail.DigestJobKind, mail.NewDigests(store.Scope[mail.DigestStore](st), links, clock).HandleJob)
	notes.UseEmail(mailQueue{links: links, clock: clock})
	return parts, nil
}

// mailQueue writes a notification's email as a send job, or plans the
// digest that will list it, in the notification's transaction.
type mailQueue struct {
	links *mail.Links
	clock func() time.Time
}

// QueueEmail queues the email of n to its user (or plans their digest).
func (q mailQueue) QueueEmail(ctx context.Context, tx course.NotificationsStore, n *lms.Notification,
	p map[string]any, settings lms.NotifySettings) error {
	sch, ok := tx.(jobs.ScheduleStore)
	users, ok2 := tx.(interface {
		UserByID(ctx context.Context, id int64) (*lms.User, error)
	})
	if !ok || !ok2 {
		return nil
	}
	if settings.Pref(n.Kind).Email == lms.EmailDigest {
		return mail.PlanDigest(ctx, jobs.NewScheduler(sch, q.clock), n.UserID, settings, n.CreatedAt)
	}
	u, err := users.UserByID(ctx, n.UserID)
	if err != nil || u.Email == "" || u.Disabled {
		return err
	}
	return mail.Queue(ctx, jobs.NewScheduler(sch, q.clock), fmt.Sprintf("%s:notification:%d", mail.JobKind, n.ID),
		settings.QuietUntil(n.CreatedAt), mail.NotificationMessage(q.links, u, n, p))
}
