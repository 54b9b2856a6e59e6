package mail_test

import (
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/mail"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// inbox is an SMTP server started by the test on 127.0.0.1: it keeps every
// message it accepts and refuses the next `refuse` ones with 451.
type inbox struct {
	mu       sync.Mutex
	refuse   int      // guarded by mu
	received []string // guarded by mu: raw messages
	rcpts    []string // guarded by mu
	addr     string
}

func newInbox(t *testing.T) *inbox {
	t.Helper()
	in := &inbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{in: in}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = nil
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in.addr = l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return in
}

func (in *inbox) messages() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.received...)
}

type session struct {
	in *inbox
	to string
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error {
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	if s.in.refuse > 0 {
		s.in.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	s.in.received = append(s.in.received, string(b))
	s.in.rcpts = append(s.in.rcpts, s.to)
	return nil
}

func config(t *testing.T, in *inbox) mail.Config {
	t.Helper()
	host, port, err := net.SplitHostPort(in.addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return mail.Config{Host: host, Port: p, TLS: mail.TLSNone, From: "Lyceum <lyceum@school.example>"}
}

func TestSendHasBothBodiesAndUnsubscribeHeaders(t *testing.T) {
	in := newInbox(t)
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
	got := in.messages()
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
	in := newInbox(t)
	in.refuse = 1
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
	if got := in.messages(); len(got) != 0 {
		t.Fatalf("delivered despite the refusal: %d", len(got))
	}
	poll(0) // backing off
	clock.Advance(time.Minute)
	poll(1)
	if got := in.messages(); len(got) != 1 || !strings.Contains(got[0], "Your grade is available.") {
		t.Fatalf("after the retry: %q", got)
	}
	if _, err := st.JobByKey(t.Context(), "mail.send:notification:1"); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Fatalf("the sent job is still there: %v", err)
	}
}
