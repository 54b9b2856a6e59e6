// Package mail sends email over SMTP with github.com/wneessen/go-mail (no
// hand-built MIME): a message has a plain-text and an HTML body, and, when
// it carries an unsubscribe link, the List-Unsubscribe and
// List-Unsubscribe-Post (one-click, RFC 8058) headers. Sending is a durable
// job (JobKind, Queue): the job runner retries a refused or failed send with
// its back-off and keeps a message it gave up on as a failed job with the
// error, for admins to see (Admin). The package also owns the signed
// unsubscribe links of every email (Links), the composition of notification
// emails, and the daily digest (Digests).
package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// JobKind is the kind of a send job.
const JobKind = "mail.send"

// TLS modes of Config.TLS.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS, required (the default)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption (a relay on the same host, tests)
)

// sendTimeout bounds one SMTP conversation.
const sendTimeout = 30 * time.Second

// Config is the SMTP server. Without Host and From, email is off.
type Config struct {
	Host     string
	Port     int // 0: 587 (465 with TLSImplicit)
	TLS      string
	User     string // empty: no authentication
	Password string
	From     string // the sender address, e.g. "Lyceum <lyceum@school.example>"
}

// Enabled reports whether email is configured.
func (c Config) Enabled() bool { return c.Host != "" && c.From != "" }

// Check validates a configuration that is enabled.
func (c Config) Check() error {
	if !c.Enabled() {
		if c.Host != "" || c.From != "" {
			return errors.New("mail: set both the SMTP host and the from address, or neither")
		}
		return nil
	}
	switch c.TLS {
	case "", TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return fmt.Errorf("mail: TLS mode %q is not starttls, tls or none", c.TLS)
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("mail: port %d is out of range", c.Port)
	}
	return nil
}

// Message is one email to one person.
type Message struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
	// Unsubscribe is the one-click unsubscribe URL for this kind of email
	// ("": none, no List-Unsubscribe headers).
	Unsubscribe string `json:"unsubscribe,omitempty"`
}

// Sender sends messages over the configured server.
type Sender struct {
	cfg Config
}

// NewSender returns a sender for cfg (which must be enabled and valid).
func NewSender(cfg Config) (*Sender, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if !cfg.Enabled() {
		return nil, errors.New("mail: email is not configured")
	}
	return &Sender{cfg: cfg}, nil
}

// build makes the MIME message.
func (s *Sender) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return nil, jobs.Permanent(fmt.Errorf("mail: from address: %w", err))
	}
	if err := msg.To(m.To); err != nil {
		return nil, jobs.Permanent(fmt.Errorf("mail: to address: %w", err))
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if m.Unsubscribe != "" {
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	return msg, nil
}

// Send sends m now (one SMTP conversation, bounded by ctx and 30 s).
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithTimeout(sendTimeout)}
	port := s.cfg.Port
	switch s.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
		if port == 0 {
			port = 465
		}
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if port == 0 {
		port = 587
	}
	opts = append(opts, gomail.WithPort(port))
	if s.cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.cfg.User),
			gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("mail: client: %w", err))
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s: %w", m.To, err)
	}
	return nil
}

// HandleJob sends the message a job carries (jobs.Handler): an error
// retries it with the runner's back-off.
func (s *Sender) HandleJob(ctx context.Context, j *lms.Job) error {
	var m Message
	if err := json.Unmarshal(j.Payload, &m); err != nil {
		return jobs.Permanent(fmt.Errorf("mail: payload of %s: %w", j.Key, err))
	}
	return s.Send(ctx, m)
}

// Queue schedules m to be sent at `at` as the job key (unique: e.g.
// "mail.send:notification:42"), through sch (a transaction's scheduler, so
// the email commits with what it reports).
func Queue(ctx context.Context, sch *jobs.Scheduler, key string, at time.Time, m Message) error {
	return sch.Schedule(ctx, JobKind, key, at, m)
}
