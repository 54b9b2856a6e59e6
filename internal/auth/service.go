package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Session lifetime defaults.
const (
	DefaultSessionIdleTTL     = 7 * 24 * time.Hour  // a session unused this long expires
	DefaultSessionAbsoluteTTL = 30 * 24 * time.Hour // a session expires this long after sign-in regardless of use
	touchInterval             = time.Minute         // LastSeen/LastUsed are written at most this often
	tokenBytes                = 32                  // random bytes in session, setup, invite and API tokens
)

// Store is the storage the auth service uses: accounts, sessions, API
// tokens, invitations, settings, the audit log and the sign-in throttle
// (store.Scope[Store] gives one from a store.Store).
type Store interface {
	store.Users
	store.Sessions
	store.APITokens
	store.Invites
	store.Settings
	store.Audit
	store.LoginThrottle
	// InTx runs fn with the store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(Store) error) error
}

// Params are the dependencies and settings of a Service.
type Params struct {
	Store  Store
	Logger zerolog.Logger
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// SessionIdleTTL and SessionAbsoluteTTL bound sessions; zero takes the defaults.
	SessionIdleTTL     time.Duration
	SessionAbsoluteTTL time.Duration
	// Hash are the argon2id parameters (zero fields: DefaultHashParams);
	// MaxHashesInFlight bounds concurrent hashes (<= 0: 2 * GOMAXPROCS).
	Hash              HashParams
	MaxHashesInFlight int
	// RateLimit tunes the login limits (counted in Store, so site-wide).
	RateLimit RateLimitParams

	// Events hears about revoked sessions and changed users (nil: nobody).
	Events Events
	// Cache, when set, serves AuthenticateTokenCached and
	// AuthenticateSessionCached; the service drops its entries itself
	// before announcing a revocation or change through Events.
	Cache *Cache
}

// Service implements Lyceum's account rules over a Store.
type Service struct {
	store       Store
	log         zerolog.Logger
	now         func() time.Time
	idleTTL     time.Duration
	absoluteTTL time.Duration
	hasher      *Hasher
	throttle    *throttle
	events      Events
	cache       *Cache // nil: the Cached methods read the database
	dummyHash   string // hash verified for unknown logins so they cost the same time

	devMu  sync.Mutex // guards devKey
	devKey []byte     // the device-token HMAC key once loaded (device.go)
}

// New returns a Service. It computes one password hash (for timing-safe
// answers to unknown logins), so it takes a context.
func New(ctx context.Context, p Params) (*Service, error) {
	if p.Store == nil {
		return nil, fmt.Errorf("auth: Params.Store is nil")
	}
	s := &Service{
		store:       p.Store,
		log:         p.Logger,
		now:         p.Clock,
		idleTTL:     p.SessionIdleTTL,
		absoluteTTL: p.SessionAbsoluteTTL,
		hasher:      NewHasher(p.Hash, p.MaxHashesInFlight),
		throttle:    &throttle{st: p.Store, p: p.RateLimit.withDefaults()},
		events:      p.Events,
	}
	if s.events == nil {
		s.events = noEvents{}
	}
	if p.Cache != nil {
		s.cache = p.Cache
		s.events = forgetting{c: p.Cache, next: s.events}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.idleTTL <= 0 {
		s.idleTTL = DefaultSessionIdleTTL
	}
	if s.absoluteTTL <= 0 {
		s.absoluteTTL = DefaultSessionAbsoluteTTL
	}
	dummy, err := s.hasher.Hash(ctx, randomToken())
	if err != nil {
		return nil, err
	}
	s.dummyHash = dummy
	return s, nil
}

// SessionAbsoluteTTL is how long a session lives at most (for cookie Max-Age).
func (s *Service) SessionAbsoluteTTL() time.Duration { return s.absoluteTTL }

// Hasher returns the service's password hasher (e.g. for the CLI).
func (s *Service) Hasher() *Hasher { return s.hasher }

// randomToken returns tokenBytes of crypto randomness, base64url encoded.
func randomToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the SHA-256 of a token, as stored.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// audit appends an entry by actor (nil: the system). Failures are
// returned (state changes and their audit entries are written in one
// transaction where possible).
func (s *Service) audit(ctx context.Context, st store.Audit, actor *lms.User, action, target, detail string) error {
	e := &lms.AuditEntry{
		At:     s.now().UTC(),
		Action: action,
		Target: target,
		IP:     lms.ClientFrom(ctx).IP,
		Detail: detail,
	}
	if actor != nil {
		e.ActorID = actor.ID
		e.ActorName = actor.Username
	}
	if err := st.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("auth: audit %s: %w", action, err)
	}
	return nil
}

func userTarget(id int64) string { return fmt.Sprintf("user:%d", id) }

// newSession creates a session for u in st and returns its token.
func (s *Service) newSession(ctx context.Context, st Store, u *lms.User) (string, *lms.Session, error) {
	token := randomToken()
	now := s.now().UTC()
	c := lms.ClientFrom(ctx)
	sess := &lms.Session{
		UserID:     u.ID,
		TokenHash:  HashToken(token),
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(s.absoluteTTL),
		IP:         c.IP,
		UserAgent:  truncate(c.UserAgent, maxUserAgentBytes),
	}
	if err := st.CreateSession(ctx, sess); err != nil {
		return "", nil, fmt.Errorf("auth: create session: %w", err)
	}
	return token, sess, nil
}

const maxUserAgentBytes = 512

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Every backend implements Store: checked at compile time.
var _ Store = store.Scoped[Store]{}
