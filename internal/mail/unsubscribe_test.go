package mail_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/mail"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

func newLinks(t *testing.T, secret byte, clock *testenv.Clock) *mail.Links {
	t.Helper()
	l, err := mail.NewLinks(bytes.Repeat([]byte{secret}, mail.MinSecretLen), "https://lyceum.example/", clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestUnsubscribeTokensNameThePersonAndKindUntilTheyExpire(t *testing.T) {
	clock := testenv.NewClock(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
	l := newLinks(t, 'a', clock)
	for _, kind := range []string{lms.NotifyGrade, lms.NotifyDigest} {
		got, err := l.Check(l.Token(42, kind))
		if err != nil || got != (mail.Unsubscription{UserID: 42, Kind: kind}) {
			t.Fatalf("%s: %+v, %v", kind, got, err)
		}
	}
	if u := l.PageURL(42, lms.NotifyGrade); !strings.HasPrefix(u, "https://lyceum.example/unsubscribe?t=") {
		t.Errorf("page URL %s", u)
	}
	if u := l.OneClickURL(42, lms.NotifyGrade); !strings.HasPrefix(u, "https://lyceum.example/api/v1/unsubscribe?t=") {
		t.Errorf("one-click URL %s", u)
	}
	tok := l.Token(42, lms.NotifyGrade)
	clock.Advance(mail.UnsubscribeTTL - time.Second)
	if _, err := l.Check(tok); err != nil {
		t.Fatalf("a second before it expires: %v", err)
	}
	clock.Advance(time.Second)
	if _, err := l.Check(tok); !lms.IsCode(err, lms.EINVALID) {
		t.Fatalf("expired: %v, want invalid", err)
	}
}

func TestUnsubscribeTokensRefuseForgeries(t *testing.T) {
	clock := testenv.NewClock(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
	l, other := newLinks(t, 'a', clock), newLinks(t, 'b', clock)
	good := l.Token(42, lms.NotifyGrade)
	payload, mac, _ := strings.Cut(good, ".")
	alien, _, _ := strings.Cut(l.Token(43, lms.NotifyGrade), ".")
	for name, tok := range map[string]string{
		"another secret":     other.Token(42, lms.NotifyGrade),
		"another payload":    alien + "." + mac,
		"a shortened MAC":    payload + "." + mac[:len(mac)-2],
		"no MAC":             payload,
		"empty":              "",
		"not base64":         "***.***",
		"an unknown kind":    other.Token(42, "nonsense"),
		"a very long string": strings.Repeat("A", 400) + "." + mac,
	} {
		if _, err := l.Check(tok); !lms.IsCode(err, lms.EINVALID) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := mail.NewLinks([]byte("short"), "https://lyceum.example", nil); err == nil {
		t.Error("a short secret was accepted")
	}
}
