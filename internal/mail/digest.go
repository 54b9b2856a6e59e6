package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// The daily digest: the notifications of kinds a person gets "in the
// digest" are batched into one email a day, sent at DigestHour in their
// time zone (later when their quiet hours still run then). Each day's
// digest covers the notifications since the previous day's DigestHour, up
// to this day's: consecutive digests tile time, so each notification is in
// exactly one.
//
// A digest is a durable job per person and day (DigestJobKind, key
// "mail.digest:<user>:<date>"), scheduled by PlanDigest in the transaction
// of the first notification that needs it: nobody with nothing new has a
// job. The job claims "digest:<date>" for the person
// (ClaimNotificationOnce) in the transaction that queues the email, so a
// job that runs again (a lease that ran out, another node, a restart)
// sends nothing twice.
const (
	// DigestJobKind is the kind of the digest jobs.
	DigestJobKind = "mail.digest"
	// DigestHour is the local hour digests are sent at.
	DigestHour = 7
	// maxDigestItems bounds the notifications one digest lists.
	maxDigestItems = 100
	// digestPage is how many notifications a digest reads at a time.
	digestPage = 100
)

// DigestStore is what digests need of the store (a store bound to a
// transaction in InTx).
type DigestStore interface {
	InTx(ctx context.Context, fn func(DigestStore) error) error
	UserByID(ctx context.Context, id int64) (*lms.User, error)
	CourseByID(ctx context.Context, id int64) (*lms.Course, error)
	GetNotifySettings(ctx context.Context, userID int64) (lms.NotifySettings, error)
	ListNotifications(ctx context.Context, f lms.NotificationFilter) ([]*lms.Notification, error)
	ClaimNotificationOnce(ctx context.Context, userID int64, key string, at time.Time) (bool, error)
	jobs.ScheduleStore
}

// digestJob is a digest job's payload: whose, which day, and the span of
// time it covers.
type digestJob struct {
	UserID int64     `json:"user_id"`
	Date   string    `json:"date"` // the local date, 2006-01-02
	From   time.Time `json:"from"` // the previous day's DigestHour (included)
	To     time.Time `json:"to"`   // this day's (excluded)
}

// digestSlot returns the digest that covers a notification made at t for
// a person with settings st.
func digestSlot(st lms.NotifySettings, t time.Time) digestJob {
	local := t.In(st.Location())
	y, m, d := local.Date()
	to := time.Date(y, m, d, DigestHour, 0, 0, 0, local.Location())
	if !to.After(local) {
		to = time.Date(y, m, d+1, DigestHour, 0, 0, 0, local.Location())
	}
	ty, tm, td := to.Date()
	from := time.Date(ty, tm, td-1, DigestHour, 0, 0, 0, local.Location())
	return digestJob{Date: to.Format(time.DateOnly), From: from.UTC(), To: to.UTC()}
}

// PlanDigest makes sure the digest that will list a notification made at
// now for userID is scheduled (through sch: the notification's
// transaction). Planning a day's digest again changes nothing.
func PlanDigest(ctx context.Context, sch *jobs.Scheduler, userID int64, st lms.NotifySettings, now time.Time) error {
	dj := digestSlot(st, now)
	dj.UserID = userID
	key := fmt.Sprintf("%s:%d:%s", DigestJobKind, userID, dj.Date)
	err := sch.Schedule(ctx, DigestJobKind, key, st.QuietUntil(dj.To), dj)
	if lms.IsCode(err, lms.ECONFLICT) {
		// That digest runs now: only a clock behind another node's gets
		// here; the notification stays in the app.
		return nil
	}
	return err
}

// Digests sends the daily digests.
type Digests struct {
	store DigestStore
	links *Links
	now   func() time.Time
}

// NewDigests returns the digest sender; clock nil means time.Now.
func NewDigests(st DigestStore, l *Links, clock func() time.Time) *Digests {
	if clock == nil {
		clock = time.Now
	}
	return &Digests{store: st, links: l, now: clock}
}

// HandleJob sends one person's digest of one day (jobs.Handler): nothing
// when it was sent already, when nothing of a kind they still get in the
// digest happened (muted courses left out), or when they have no address.
func (d *Digests) HandleJob(ctx context.Context, j *lms.Job) error {
	var dj digestJob
	if err := json.Unmarshal(j.Payload, &dj); err != nil || dj.UserID == 0 {
		return jobs.Permanent(fmt.Errorf("mail: payload of %s: %v", j.Key, err))
	}
	return d.store.InTx(ctx, func(tx DigestStore) error {
		u, err := tx.UserByID(ctx, dj.UserID)
		if lms.IsCode(err, lms.ENOTFOUND) {
			return nil
		}
		if err != nil || u.Email == "" || u.Disabled {
			return err
		}
		st, err := tx.GetNotifySettings(ctx, u.ID)
		if err != nil {
			return err
		}
		items, more, err := digestItems(ctx, tx, u.ID, st, dj)
		if err != nil || len(items) == 0 {
			return err
		}
		if first, err := tx.ClaimNotificationOnce(ctx, u.ID, "digest:"+dj.Date, d.now()); err != nil || !first {
			return err
		}
		m, err := d.message(ctx, tx, u, st, dj, items, more)
		if err != nil {
			return err
		}
		return Queue(ctx, jobs.NewScheduler(tx, d.now), fmt.Sprintf("%s:digest:%d:%s", JobKind, u.ID, dj.Date),
			time.Time{}, m)
	})
}

// digestItems returns the notifications the digest dj lists, oldest first
// (at most maxDigestItems), and whether there were more.
func digestItems(ctx context.Context, st DigestStore, userID int64, set lms.NotifySettings, dj digestJob) ([]*lms.Notification, bool, error) {
	var out []*lms.Notification
	more := false
	before := int64(0)
	for {
		page, err := st.ListNotifications(ctx, lms.NotificationFilter{UserID: userID, BeforeID: before, Limit: digestPage})
		if err != nil {
			return nil, false, err
		}
		for _, n := range page {
			if n.CreatedAt.Before(dj.From) {
				slices.Reverse(out)
				return out, more, nil
			}
			if !n.CreatedAt.Before(dj.To) || set.Pref(n.Kind).Email != lms.EmailDigest ||
				set.Muted(lms.PayloadCourseID(payloadOf(n))) {
				continue
			}
			if len(out) == maxDigestItems {
				more = true
				continue
			}
			out = append(out, n)
		}
		if len(page) < digestPage {
			slices.Reverse(out)
			return out, more, nil
		}
		before = page[len(page)-1].ID
	}
}

// digestGroup is one course's part of a digest.
type digestGroup struct {
	title string
	lines []digestLine
}

// digestLine is one notification in a digest.
type digestLine struct{ text, url, when string }

// message writes the digest email: the notifications grouped by course
// (in the order their courses first appear), each with its time and link.
func (d *Digests) message(ctx context.Context, st DigestStore, u *lms.User, set lms.NotifySettings, dj digestJob,
	items []*lms.Notification, more bool) (Message, error) {
	var groups []*digestGroup
	byCourse := map[int64]*digestGroup{}
	for _, n := range items {
		p := payloadOf(n)
		id := lms.PayloadCourseID(p)
		g := byCourse[id]
		if g == nil {
			title := "Other"
			if id != 0 {
				title, _ = p["course_title"].(string)
				if title == "" {
					c, err := st.CourseByID(ctx, id)
					switch {
					case err == nil:
						title = c.Title
					case !lms.IsCode(err, lms.ENOTFOUND):
						return Message{}, err
					default:
						title = "A course"
					}
				}
			}
			g = &digestGroup{title: title}
			byCourse[id] = g
			groups = append(groups, g)
		}
		link, _ := p["link"].(string)
		g.lines = append(g.lines, digestLine{text: lms.NotificationText(n.Kind, p), url: d.links.publicURL + link,
			when: n.CreatedAt.In(set.Location()).Format("Mon 15:04")})
	}
	day := dj.To.In(set.Location()).Format("Monday 2 January")
	subject := fmt.Sprintf("Your Lyceum digest for %s: %d new", day, len(items))
	if more {
		subject += "+"
	}
	unsub, prefs := d.links.PageURL(u.ID, lms.NotifyDigest), d.links.SettingsURL()
	since := "What happened since " + dj.From.In(set.Location()).Format("Monday 2 January, 15:04") + ":"
	var text, body strings.Builder
	fmt.Fprintf(&text, "%s\n", since)
	fmt.Fprintf(&body, "<p>%s</p>", html.EscapeString(since))
	for _, g := range groups {
		fmt.Fprintf(&text, "\n%s\n", g.title)
		fmt.Fprintf(&body, "<h3>%s</h3><ul>", html.EscapeString(g.title))
		for _, l := range g.lines {
			fmt.Fprintf(&text, "- %s (%s)\n  %s\n", l.text, l.when, l.url)
			fmt.Fprintf(&body, `<li><a href="%s">%s</a> <span style="color:#666">%s</span></li>`,
				html.EscapeString(l.url), html.EscapeString(l.text), html.EscapeString(l.when))
		}
		body.WriteString("</ul>")
	}
	if more {
		fmt.Fprintf(&text, "\nAnd more: see all your notifications at %s/notifications\n", d.links.publicURL)
		fmt.Fprintf(&body, `<p><a href="%s/notifications">And more: see all your notifications</a></p>`,
			html.EscapeString(d.links.publicURL))
	}
	fmt.Fprintf(&text, "\n--\nStop the daily digest: %s\nChoose what you are emailed about: %s\n", unsub, prefs)
	body.WriteString(footerHTML("Stop the daily digest", unsub, prefs))
	return Message{To: u.Email, Subject: subject, Text: text.String(), HTML: body.String(),
		Unsubscribe: d.links.OneClickURL(u.ID, lms.NotifyDigest)}, nil
}
