package main

import (
	"context"
	"fmt"
	"html"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/mail"
)

// useEmail turns email on when SMTP is configured: the notifications of a
// kind a person gets "at once" are queued as send jobs (held to the end of
// their quiet hours) and r sends them. Without SMTP nothing is queued.
func (n *node) useEmail(r *jobs.Runner, notes *course.Notifications) error {
	if !n.cfg.Mail.Enabled() {
		n.log.Info().Msg("email is off: no SMTP server is configured (LYCEUM_SMTP_HOST)")
		return nil
	}
	s, err := mail.NewSender(n.cfg.Mail)
	if err != nil {
		return err
	}
	r.Register(mail.JobKind, s.HandleJob)
	notes.UseEmail(mailQueue{publicURL: n.cfg.PublicURL})
	return nil
}

// mailQueue writes a notification's email as a send job in the
// notification's transaction.
type mailQueue struct{ publicURL string }

// QueueEmail queues the email of n to its user.
func (q mailQueue) QueueEmail(ctx context.Context, tx course.NotificationsStore, n *lms.Notification,
	p map[string]any, settings lms.NotifySettings) error {
	sch, ok := tx.(jobs.ScheduleStore)
	users, ok2 := tx.(interface {
		UserByID(ctx context.Context, id int64) (*lms.User, error)
	})
	if !ok || !ok2 {
		return nil
	}
	u, err := users.UserByID(ctx, n.UserID)
	if err != nil || u.Email == "" || u.Disabled {
		return err
	}
	text := lms.NotificationText(n.Kind, p)
	link, _ := p["link"].(string)
	prefs := q.publicURL + "/notifications/settings"
	m := mail.Message{To: u.Email, Subject: text,
		Text: fmt.Sprintf("%s\n\n%s%s\n\nChoose what you are emailed about: %s\n", text, q.publicURL, link, prefs),
		HTML: fmt.Sprintf(`<p>%s</p><p><a href="%s">Open it in Lyceum</a></p><p style="color:#666">`+
			`<a href="%s">Choose what you are emailed about</a></p>`,
			html.EscapeString(text), html.EscapeString(q.publicURL+link), html.EscapeString(prefs))}
	return mail.Queue(ctx, jobs.NewScheduler(sch, nil), fmt.Sprintf("%s:notification:%d", mail.JobKind, n.ID),
		settings.QuietUntil(n.CreatedAt), m)
}
