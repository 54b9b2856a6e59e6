package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Unsubscribe links: every notification email names its person and its kind
// of notification in a token signed with the site's secret (HMAC-SHA-256),
// so the link works without signing in and nobody can forge one for
// another person or kind. The body links to the app's page
// (UnsubscribePagePath), which turns that kind's email off and offers to
// undo it; the List-Unsubscribe header names the API route
// (UnsubscribeAPIPath) that a mail client POSTs to for RFC 8058 one-click.
const (
	// UnsubscribePagePath is the app page an email's unsubscribe link opens.
	UnsubscribePagePath = "/unsubscribe"
	// UnsubscribeAPIPath is the one-click endpoint of the List-Unsubscribe header.
	UnsubscribeAPIPath = "/api/v1/unsubscribe"
	// UnsubscribeTTL is how long an unsubscribe link works after it was sent.
	UnsubscribeTTL = 180 * 24 * time.Hour
	// SecretKey is the store value (store.Settings.EnsureValue) holding the
	// site's signing secret, hex.
	SecretKey = "mail.unsubscribe_secret"
	// MinSecretLen is the shortest secret Links accepts (bytes).
	MinSecretLen = 32
)

// tokenMACLen is how many bytes of the HMAC a token keeps (128 bits).
const tokenMACLen = 16

// tokenContext separates these MACs from any other use of the secret.
const tokenContext = "lyceum unsubscribe v1\x00"

// Links makes and checks unsubscribe links.
type Links struct {
	secret    []byte
	publicURL string
	now       func() time.Time
}

// NewLinks returns Links signing with secret (at least MinSecretLen bytes)
// for the site at publicURL ("https://lyceum.school.example"); clock nil
// means time.Now.
func NewLinks(secret []byte, publicURL string, clock func() time.Time) (*Links, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("mail: the unsubscribe secret has %d bytes, want at least %d", len(secret), MinSecretLen)
	}
	if clock == nil {
		clock = time.Now
	}
	return &Links{secret: secret, publicURL: strings.TrimRight(publicURL, "/"), now: clock}, nil
}

// Unsubscription is what a valid token names.
type Unsubscription struct {
	UserID int64
	Kind   string
}

// Token returns a token for userID's emails of kind, valid for
// UnsubscribeTTL.
func (l *Links) Token(userID int64, kind string) string {
	payload := fmt.Sprintf("%d.%s.%d", userID, kind, l.now().Add(UnsubscribeTTL).Unix())
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(l.mac(payload))
}

// mac is the truncated HMAC of payload.
func (l *Links) mac(payload string) []byte {
	h := hmac.New(sha256.New, l.secret)
	h.Write([]byte(tokenContext + payload))
	return h.Sum(nil)[:tokenMACLen]
}

// Check returns what token names (a kind, or lms.NotifyDigest). A token
// that was changed, signed with another secret, names an unknown kind or
// has expired is EINVALID, with a message for the person who clicked it.
func (l *Links) Check(token string) (Unsubscription, error) {
	bad := lms.Errorf(lms.EINVALID, "This unsubscribe link is not valid: it may be incomplete or too old. "+
		"Sign in and choose what you are emailed about in your notification settings.")
	enc := base64.RawURLEncoding
	p64, m64, ok := strings.Cut(token, ".")
	if !ok || len(token) > 300 {
		return Unsubscription{}, bad
	}
	payload, err1 := enc.DecodeString(p64)
	mac, err2 := enc.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, l.mac(string(payload))) {
		return Unsubscription{}, bad
	}
	parts := strings.Split(string(payload), ".")
	if len(parts) != 3 {
		return Unsubscription{}, bad
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[2], 10, 64)
	_, known := lms.NotifyKindByName(parts[1])
	known = known || parts[1] == lms.NotifyDigest
	if err1 != nil || err2 != nil || !known || id <= 0 {
		return Unsubscription{}, bad
	}
	if !l.now().Before(time.Unix(exp, 0)) {
		return Unsubscription{}, bad
	}
	return Unsubscription{UserID: id, Kind: parts[1]}, nil
}

// PageURL is the link for an email's body: the app page that turns the
// kind's email off and offers to undo it.
func (l *Links) PageURL(userID int64, kind string) string {
	return l.publicURL + UnsubscribePagePath + "?t=" + url.QueryEscape(l.Token(userID, kind))
}

// OneClickURL is the List-Unsubscribe URL (RFC 8058: a POST turns the
// kind's email off).
func (l *Links) OneClickURL(userID int64, kind string) string {
	return l.publicURL + UnsubscribeAPIPath + "?t=" + url.QueryEscape(l.Token(userID, kind))
}

// SettingsURL is the notification settings page.
func (l *Links) SettingsURL() string { return l.publicURL + "/notifications/settings" }
