package main

import (
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

// TestNotificationEmailIsSentOnlyWhenEmailIsOn: with SMTP configured a grade
// notification is emailed (both bodies, the deep link, the settings and
// unsubscribe links, the List-Unsubscribe headers);
// without it, nothing is queued or sent.
func TestNotificationEmailIsSentOnlyWhenEmailIsOn(t *testing.T) {
	in := mailtest.Start(t)
	host, port, _ := net.SplitHostPort(in.Addr)
	for _, on := range []bool{true, false} {
		st := storetest.SQLiteAt(t, filepath.Join(t.TempDir(), "lyceum.db"))
		clock := testenv.NewClock(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
		notes := course.NewNotifications(course.Base{Logger: zerolog.Nop(), Clock: clock.Now, Access: course.NewLoader(st)},
			store.Scope[course.NotificationsStore](st))
		r, err := jobs.New(jobs.Params{Store: st, Clock: clock.Now, Logger: zerolog.Nop(), Registerer: prometheus.NewRegistry()})
		if err != nil {
			t.Fatal(err)
		}
		cfg := &Config{PublicURL: "https://lyceum.example"}
		if on {
			cfg.Mail = mail.Config{Host: host, TLS: mail.TLSNone, From: "Lyceum <lyceum@school.example>"}
			cfg.Mail.Port, _ = strconv.Atoi(port)
		}
		n := &node{cfg: cfg, log: zerolog.Nop()}
		if _, err := n.useEmail(t.Context(), st, r, notes, clock.Now); err != nil {
			t.Fatal(err)
		}
		u := &lms.User{Email: "lin@school.example", Username: "lin", Name: "Lin", Role: lms.SiteUser}
		if err := st.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		notes.Notify(t.Context(), u.ID, lms.NotifyGrade, map[string]any{"course_id": 3, "title": "Lab report",
			"source": "assignment", "source_id": 4})
		before := len(in.Messages())
		if _, err := r.Poll(t.Context()); err != nil {
			t.Fatal(err)
		}
		got := in.Messages()[before:]
		if !on {
			if len(got) != 0 {
				t.Fatalf("email off, yet %d sent", len(got))
			}
			continue
		}
		if len(got) != 1 {
			t.Fatalf("%d emails, want 1", len(got))
		}
		e, err := mailtest.Parse(got[0])
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(e.Header.Get("Subject"))
		if e.Header.Get("To") != "<lin@school.example>" || subject != "Your grade for “Lab report” is available" {
			t.Errorf("headers: %v (subject %q)", e.Header, subject)
		}
		for part, wants := range map[string][]string{
			"text": {e.Text, "\nhttps://lyceum.example/courses/3/assignments/4", "https://lyceum.example/notifications/settings",
				"https://lyceum.example/unsubscribe?t="},
			"html":                  {e.HTML, `href="https://lyceum.example/courses/3/assignments/4"`, `href="https://lyceum.example/unsubscribe?t=`},
			"List-Unsubscribe":      {e.Header.Get("List-Unsubscribe"), "<https://lyceum.example/api/v1/unsubscribe?t="},
			"List-Unsubscribe-Post": {e.Header.Get("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click"},
		} {
			for _, want := range wants[1:] {
				if !strings.Contains(wants[0], want) {
					t.Errorf("the email's %s lacks %q:\n%s", part, want, got[0])
				}
			}
		}
	}
}
