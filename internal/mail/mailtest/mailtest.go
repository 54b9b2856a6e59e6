// Package mailtest is an SMTP server for tests, on 127.0.0.1: it keeps every
// message it accepts and can refuse the next few with a temporary error.
// Parse takes a received message apart for a test to read.
package mailtest

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Inbox is a running test SMTP server.
type Inbox struct {
	// Addr is the server's host:port.
	Addr string

	mu       sync.Mutex
	refuse   int      // guarded by mu
	received []string // guarded by mu: raw messages
}

// Start starts an Inbox, stopped when the test ends.
func Start(t testing.TB) *Inbox {
	t.Helper()
	in := &Inbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{in: in}, nil }))
	srv.Domain, srv.AllowInsecureAuth, srv.ErrorLog = "localhost", true, nil
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in.Addr = l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return in
}

// RefuseNext makes the server refuse the next n messages with 451.
func (in *Inbox) RefuseNext(n int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.refuse = n
}

// Messages returns the raw messages accepted so far, oldest first.
func (in *Inbox) Messages() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.received...)
}

type session struct{ in *Inbox }

func (s *session) Reset()                               {}
func (s *session) Logout() error                        { return nil }
func (s *session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error {
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	if s.in.refuse > 0 {
		s.in.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	s.in.received = append(s.in.received, string(b))
	return nil
}

// Email is a received message taken apart.
type Email struct {
	Header mail.Header
	Text   string // the text/plain body, decoded
	HTML   string // the text/html body, decoded ("" when none)
}

// Parse takes a raw message apart: its headers (unfolded, RFC 2047 words
// left as they are), and its plain and HTML bodies, decoded from their
// transfer encoding, whether the message is multipart/alternative or a
// single part.
func Parse(raw string) (*Email, error) {
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return nil, err
	}
	e := &Email{Header: m.Header}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return e, e.add(mt, m.Header.Get("Content-Transfer-Encoding"), m.Body)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return e, nil
		}
		if err != nil {
			return nil, err
		}
		pt, _, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			return nil, err
		}
		if err := e.add(pt, p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
			return nil, err
		}
	}
}

// add decodes one body part of type mt.
func (e *Email) add(mt, encoding string, body io.Reader) error {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		e.Text = string(b)
	case "text/html":
		e.HTML = string(b)
	}
	return nil
}
