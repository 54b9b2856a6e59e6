package mail_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/mail"
	"github.com/lyceumhq/lyceum/internal/mail/mailtest"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

func config(t *testing.T, in *mailtest.Inbox) mail.Config {
	t.Helper()
	host, port, err := net.SplitHostPort(in.Addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return mail.Config{Host: host, Port: p, TLS: mail.TLSNone, From: "Lyceum <lyceum@school.example>"}
}

func TestSendHasBothBodiesAndUnsubscribeHeaders(t *testing.T) {
	in := mailtest.Start(t)
	s, err := mail.NewSender(config(t, in))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), mail.Message{To: "lin@school.example", Subject: "Lab report is due in 24 hours",
		Text: "Lab report is due Sat 14 Mar 2026, 05:00 EDT.", HTML: "<p><strong>Lab report</strong> is due soon.</p>",
		Unsubscribe: "https://lyceum.example/unsubscribe?t=abc"})
	if err != nil {
		t.Fatal(err)
	}
	got := in.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	m := got[0]
	for _, want := range []string{
		"From: \"Lyceum\" <lyceum@school.example>", "To: <lin@school.example>", "Subject: Lab report is due in 24 hours",
		"List-Unsubscribe: <https://lyceum.example/unsubscribe?t=abc>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
		"multipart/alternative", "Content-Type: text/plain", "Content-Type: text/html",
		"05:00 EDT", "<strong>Lab report</strong>",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("the message lacks %q:\n%s", want, m)
		}
	}
}

func TestConfigOffAndInvalid(t *testing.T) {
	if (mail.Config{}).Enabled() {
		t.Fatal("an empty config is on")
	}
	if err := (mail.Config{}).Check(); err != nil {
		t.Fatalf("off: %v", err)
	}
	if _, err := mail.NewSender(mail.Config{}); err == nil {
		t.Fatal("a sender without a server")
	}
	for _, c := range []mail.Config{{Host: "smtp.example"}, {Host: "h", From: "f@x", TLS: "ssl3"}, {Host: "h", From: "f@x", Port: 70000}} {
		if err := c.Check(); err == nil {
			t.Errorf("%+v passed", c)
		}
	}
}

// A send the server refuses once is retried by the job runner after its
// back-off and delivered once.
func TestQueuedMailIsRetriedAfterARefusal(t *testing.T) {
	in := mailtest.Start(t)
	in.RefuseNext(1)
	s, err := mail.NewSender(config(t, in))
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.SQLite(t)
	clock := testenv.NewClock(time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC))
	r, err := jobs.New(jobs.Params{Store: st, Clock: clock.Now, Logger: zerolog.Nop(), Registerer: prometheus.NewRegistry(),
		Backoff: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	r.Register(mail.JobKind, s.HandleJob)
	sch := jobs.NewScheduler(st, clock.Now)
	if err := mail.Queue(t.Context(), sch, "mail.send:notification:1", clock.Now(), mail.Message{To: "lin@school.example",
		Subject: "Grade released", Text: "Your grade is available."}); err != nil {
		t.Fatal(err)
	}
	poll := func(want int) {
		t.Helper()
		n, err := r.Poll(context.WithoutCancel(t.Context()))
		if err != nil || n != want {
			t.Fatalf("Poll = %d, %v; want %d", n, err, want)
		}
	}
	poll(1) // refused
	j, err := st.JobByKey(t.Context(), "mail.send:notification:1")
	if err != nil || !strings.Contains(j.LastError, "try again later") {
		t.Fatalf("job after the refusal %+v, %v", j, err)
	}
	if got := in.Messages(); len(got) != 0 {
		t.Fatalf("delivered despite the refusal: %d", len(got))
	}
	poll(0) // backing off
	clock.Advance(time.Minute)
	poll(1)
	if got := in.Messages(); len(got) != 1 || !strings.Contains(got[0], "Your grade is available.") {
		t.Fatalf("after the retry: %q", got)
	}
	if _, err := st.JobByKey(t.Context(), "mail.send:notification:1"); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Fatalf("the sent job is still there: %v", err)
	}
}
