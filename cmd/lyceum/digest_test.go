package main

import (
	"context"
	"encoding/hex"
	"mime"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/mail"
	"github.com/lyceumhq/lyceum/internal/mail/mailtest"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// digestNode is one node's notifications and job runner over a shared
// database, emailing through the test inbox.
type digestNode struct {
	st    store.Store
	notes *course.Notifications
	r     *jobs.Runner
}

// newDigestNode starts a node over open() (a new connection to the shared
// database, as a restarted or another node has) with the test clock.
func newDigestNode(t *testing.T, open func() store.Store, clock *testenv.Clock, in *mailtest.Inbox) *digestNode {
	t.Helper()
	st := open()
	host, port, _ := net.SplitHostPort(in.Addr)
	cfg := &Config{PublicURL: "https://lyceum.example",
		Mail: mail.Config{Host: host, TLS: mail.TLSNone, From: "Lyceum <lyceum@school.example>"}}
	cfg.Mail.Port, _ = strconv.Atoi(port)
	notes := course.NewNotifications(course.Base{Logger: zerolog.Nop(), Clock: clock.Now, Access: course.NewLoader(st)},
		store.Scope[course.NotificationsStore](st))
	r, err := jobs.New(jobs.Params{Store: st, Clock: clock.Now, Logger: zerolog.Nop(), Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&node{cfg: cfg, log: zerolog.Nop()}).useEmail(t.Context(), st, r, notes, clock.Now); err != nil {
		t.Fatal(err)
	}
	return &digestNode{st: st, notes: notes, r: r}
}

// pollNodes runs every due job on the nodes, in turns, until none is left.
func pollNodes(t *testing.T, nodes ...*digestNode) {
	t.Helper()
	for range 20 {
		ran := 0
		for _, n := range nodes {
			k, err := n.r.Poll(context.WithoutCancel(t.Context()))
			if err != nil {
				t.Fatal(err)
			}
			ran += k
		}
		if ran == 0 {
			return
		}
	}
	t.Fatal("the runners kept finding jobs")
}

// eachDigestBackend runs fn on SQLite and (LYCEUM_TEST_DATABASE_URL set)
// PostgreSQL; open gives a new connection to one shared database.
func eachDigestBackend(t *testing.T, fn func(t *testing.T, open func() store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "lyceum.db")
		fn(t, func() store.Store { return storetest.SQLiteAt(t, path) })
	})
	t.Run("postgres", func(t *testing.T) {
		url := storetest.PostgresURL(t)
		fn(t, func() store.Store { return storetest.PostgresAt(t, url) })
	})
}

// digestUser adds a user with settings st.
func digestUser(t *testing.T, n *digestNode, name string, st lms.NotifySettings) *lms.User {
	t.Helper()
	u := &lms.User{Email: name + "@school.example", Username: name, Name: name, Role: lms.SiteUser}
	if err := n.st.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if _, err := n.notes.SaveNotifySettings(t.Context(), u, st); err != nil {
		t.Fatal(err)
	}
	return u
}

// emailsTo returns the inbox's emails to addr, taken apart.
func emailsTo(t *testing.T, in *mailtest.Inbox, addr string) []*mailtest.Email {
	t.Helper()
	var out []*mailtest.Email
	for _, raw := range in.Messages() {
		e, err := mailtest.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if e.Header.Get("To") == "<"+addr+">" {
			out = append(out, e)
		}
	}
	return out
}

// TestDailyDigestOncePerPersonAndDayAtSevenLocal: lin (in Paris) gets her
// digest-kind notifications of a day in one email at 07:00 Paris time,
// grouped by course, with both bodies and the digest's unsubscribe link,
// once whatever runs the job again (two nodes, a node that restarts, a
// handler run twice); what is emailed at once stays out of it; nothing is
// sent on a day with nothing new, nor to kim, who turned that email off
// before the digest went out.
func TestDailyDigestOncePerPersonAndDayAtSevenLocal(t *testing.T) {
	eachDigestBackend(t, func(t *testing.T, open func() store.Store) {
		in := mailtest.Start(t)
		clock := testenv.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)) // 11:00 in Paris
		a, b := newDigestNode(t, open, clock, in), newDigestNode(t, open, clock, in)
		paris := lms.DefaultNotifySettings()
		paris.TimeZone = "Europe/Paris"
		lin := digestUser(t, a, "lin", paris)
		kim := digestUser(t, a, "kim", lms.DefaultNotifySettings())
		ctx := t.Context()
		physics := map[string]any{"course_id": 1, "course_title": "Physics", "thread_id": 7, "title": "Optics",
			"by_name": "Sam"}
		a.notes.Notify(ctx, lin.ID, lms.NotifyReply, physics)
		b.notes.Notify(ctx, lin.ID, lms.NotifyLessonReleased, map[string]any{"course_id": 2, "course_title": "Chemistry",
			"lesson_id": 3, "title": "Acids"})
		a.notes.Notify(ctx, lin.ID, lms.NotifyGrade, map[string]any{"course_id": 1, "course_title": "Physics", "title": "Lab"})
		a.notes.Notify(ctx, kim.ID, lms.NotifyReply, physics)
		pollNodes(t, a, b)
		if got := emailsTo(t, in, "lin@school.example"); len(got) != 1 || !strings.Contains(got[0].Text, "grade") {
			t.Fatalf("before the digest lin has %d emails, want the grade's alone", len(got))
		}
		off := lms.DefaultNotifySettings()
		off.Kinds = map[string]lms.KindPref{lms.NotifyReply: {InApp: true, Email: lms.EmailOff}}
		if _, err := a.notes.SaveNotifySettings(ctx, kim, off); err != nil {
			t.Fatal(err)
		}

		clock.Set(time.Date(2026, 3, 3, 5, 59, 0, 0, time.UTC)) // 06:59 in Paris
		pollNodes(t, a, b)
		if got := emailsTo(t, in, "lin@school.example"); len(got) != 1 {
			t.Fatalf("a digest before 07:00: %d emails", len(got))
		}
		clock.Set(time.Date(2026, 3, 3, 6, 0, 0, 0, time.UTC)) // 07:00 in Paris
		a = newDigestNode(t, open, clock, in)                  // a restarts
		pollNodes(t, a, b)
		got := emailsTo(t, in, "lin@school.example")
		if len(got) != 2 {
			t.Fatalf("lin has %d emails at 07:00, want the grade and one digest", len(got))
		}
		d := got[1]
		subject, _ := new(mime.WordDecoder).DecodeHeader(d.Header.Get("Subject"))
		if subject != "Your Lyceum digest for Tuesday 3 March: 2 new" {
			t.Errorf("digest subject %q", subject)
		}
		for part, body := range map[string]string{"text": d.Text, "html": d.HTML} {
			for _, want := range []string{"What happened since Monday 2 March, 07:00:", "Physics", "Sam replied to your post in “Optics”", "Chemistry",
				"A new lesson is available: “Acids”", "https://lyceum.example/courses/2/lessons/3",
				"https://lyceum.example/unsubscribe?t=", "https://lyceum.example/notifications/settings"} {
				if !strings.Contains(body, want) {
					t.Errorf("the digest's %s lacks %q:\n%s", part, want, body)
				}
			}
			if strings.Contains(body, "grade") {
				t.Errorf("the digest's %s lists the grade, emailed at once", part)
			}
		}
		if !strings.Contains(d.Header.Get("List-Unsubscribe"), "/api/v1/unsubscribe?t=") {
			t.Errorf("digest headers: %v", d.Header)
		}
		if n := len(emailsTo(t, in, "kim@school.example")); n != 0 {
			t.Errorf("kim, who turned reply emails off, got %d", n)
		}

		// The same day's job run again (a lost lease): nothing more.
		again := &lms.Job{Kind: mail.DigestJobKind, Key: "again",
			Payload: []byte(`{"user_id":` + strconv.FormatInt(lin.ID, 10) + `,"date":"2026-03-03",` +
				`"from":"2026-03-02T06:00:00Z","to":"2026-03-03T06:00:00Z"}`)}
		secret, err := b.st.GetValue(ctx, mail.SecretKey)
		if err != nil {
			t.Fatal(err)
		}
		key, _ := hex.DecodeString(secret)
		links, err := mail.NewLinks(key, "https://lyceum.example", clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		h := mail.NewDigests(store.Scope[mail.DigestStore](b.st), links, clock.Now)
		if err := h.HandleJob(ctx, again); err != nil {
			t.Fatal(err)
		}
		pollNodes(t, a, b)
		if n := len(emailsTo(t, in, "lin@school.example")); n != 2 {
			t.Fatalf("after the job ran again lin has %d emails", n)
		}

		// After 07:00 a reply waits for tomorrow's digest; the day after
		// that, with nothing new, nothing is sent.
		clock.Set(time.Date(2026, 3, 3, 6, 30, 0, 0, time.UTC))
		a.notes.Notify(ctx, lin.ID, lms.NotifyReply, physics)
		pollNodes(t, a, b)
		clock.Set(time.Date(2026, 3, 4, 6, 0, 0, 0, time.UTC))
		pollNodes(t, a, b)
		clock.Set(time.Date(2026, 3, 5, 6, 0, 0, 0, time.UTC))
		pollNodes(t, a, b)
		got = emailsTo(t, in, "lin@school.example")
		if len(got) != 3 || !strings.Contains(got[2].Text, "Optics") || strings.Contains(got[2].Text, "Acids") {
			t.Fatalf("lin has %d emails after three days, want one more digest with the new reply alone", len(got))
		}
	})
}
