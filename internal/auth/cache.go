package auth

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Cache defaults.
const (
	// DefaultCacheSize is how many credentials, and how many accounts, a
	// Cache keeps at most (the least recently used go first).
	DefaultCacheSize = 50000
	// DefaultCacheTTL is how long an entry is trusted at most. Revocations
	// drop entries at once (see Cache); the TTL is the backstop for
	// changes no node announced (the command line's without Redis, a lost
	// broker message).
	DefaultCacheTTL = 30 * time.Second
)

// UserSource loads an account (store.Users does).
type UserSource interface {
	UserByID(ctx context.Context, id int64) (*lms.User, error)
}

// CacheParams configure a Cache.
type CacheParams struct {
	// Users loads accounts on a miss (required).
	Users UserSource
	// Size bounds each kind of entry (<= 0: DefaultCacheSize); TTL bounds
	// an entry's age (<= 0: DefaultCacheTTL).
	Size int
	TTL  time.Duration
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
}

// Cache keeps, for a short time, what the live layer reads on every
// WebSocket upgrade and subscribe: a credential (session or API token, by
// its hash) and the account it belongs to. Concurrent misses of one key
// share one database read. Entries are dropped at once by the Forget
// methods, which the live layer calls on every node for the same
// announcements that close revoked sockets and re-check subscriptions
// (hub.Hooks.Invalidated); a read that started before a Forget is never
// stored, nor shared with a caller that came after it. Only those who
// opt in read through it (Service.AuthenticateTokenCached and
// AuthenticateSessionCached, and the live policy through UserByID): plain
// API requests keep reading the database.
type Cache struct {
	users UserSource
	size  int
	ttl   time.Duration
	now   func() time.Time

	mu      sync.Mutex // guards everything below
	gen     uint64     // counts Forget calls: a read started under another gen is not stored
	creds   lru[string, credEntry]
	accts   lru[int64, acctEntry]
	byUser  map[int64]map[string]struct{} // credential keys per user
	flights map[any]*flight
}

// credEntry is a cached session or API token.
type credEntry struct {
	kind    credentialKind
	userID  int64
	session *lms.Session  // nil for a token
	token   *lms.APIToken // nil for a session
	expires time.Time     // when the cache stops trusting it
	touched time.Time     // last-use time last written (claimTouch)
}

type credentialKind uint8

const (
	credSession credentialKind = iota + 1
	credToken
)

// acctEntry is a cached account.
type acctEntry struct {
	user    *lms.User
	expires time.Time
}

// NewCache returns an empty cache.
func NewCache(p CacheParams) (*Cache, error) {
	if p.Users == nil {
		return nil, errors.New("auth: CacheParams.Users is nil")
	}
	c := &Cache{users: p.Users, size: p.Size, ttl: p.TTL, now: p.Clock,
		byUser: make(map[int64]map[string]struct{}), flights: make(map[any]*flight)}
	if c.size <= 0 {
		c.size = DefaultCacheSize
	}
	if c.ttl <= 0 {
		c.ttl = DefaultCacheTTL
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.creds.init(c.size, func(k string, e credEntry) { c.unindexLocked(e.userID, k) })
	c.accts.init(c.size, nil)
	return c, nil
}

// UserByID returns the account from the cache, or loads it. The result is
// the caller's copy. Disabled accounts are returned as they are (callers
// decide); unknown ones give the loader's error (not cached).
func (c *Cache) UserByID(ctx context.Context, id int64) (*lms.User, error) {
	v, err := c.do(ctx, id,
		func() (any, bool) {
			e, ok := c.accts.get(id)
			return e.user, ok && c.now().Before(e.expires)
		},
		func(ctx context.Context) (any, error) { return c.users.UserByID(ctx, id) },
		func(v any) { c.accts.put(id, acctEntry{user: v.(*lms.User), expires: c.now().Add(c.ttl)}) })
	if err != nil {
		return nil, err
	}
	u := *v.(*lms.User)
	return &u, nil
}

// credential returns the cached credential of hash, or loads it with load
// and caches it. The result is the caller's copy.
func (c *Cache) credential(ctx context.Context, hash []byte, kind credentialKind, load func(context.Context) (credEntry, error)) (credEntry, error) {
	key := string(hash)
	v, err := c.do(ctx, key,
		func() (any, bool) {
			e, ok := c.creds.get(key)
			return e, ok && e.kind == kind && c.now().Before(e.expires)
		},
		func(ctx context.Context) (any, error) { return load(ctx) },
		func(v any) {
			e := v.(credEntry)
			e.expires = c.now().Add(c.ttl)
			c.creds.put(key, e)
			if c.byUser[e.userID] == nil {
				c.byUser[e.userID] = make(map[string]struct{})
			}
			c.byUser[e.userID][key] = struct{}{}
		})
	if err != nil {
		return credEntry{}, err
	}
	return v.(credEntry).clone(), nil
}

// claimTouch reports whether the caller should write the credential's
// last-use time now (at most once per touchInterval per cached entry, so
// a thousand hits after a minute write once), and records that it did.
func (c *Cache) claimTouch(hash []byte, last, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.creds.get(string(hash))
	if !ok {
		return now.Sub(last) >= touchInterval
	}
	if e.touched.IsZero() {
		e.touched = last
	}
	if now.Sub(e.touched) < touchInterval {
		return false
	}
	e.touched = now
	c.creds.put(string(hash), e)
	return true
}

func (e credEntry) clone() credEntry {
	if e.session != nil {
		s := *e.session
		e.session = &s
	}
	if e.token != nil {
		t := *e.token
		e.token = &t
	}
	return e
}

// Forget drops the account and every credential of userID (its sessions
// were revoked, it was disabled or deleted).
func (c *Cache) Forget(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.accts.remove(userID)
	for k := range c.byUser[userID] {
		c.creds.remove(k) // unindexes k
	}
}

// ForgetAccount drops the cached state of userID's account (role, name,
// disabled); its credentials stay.
func (c *Cache) ForgetAccount(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.accts.remove(userID)
}

// ForgetSession drops the cached session sessionID of userID.
func (c *Cache) ForgetSession(userID, sessionID int64) {
	c.forgetCredential(userID, func(e credEntry) bool { return e.session != nil && e.session.ID == sessionID })
}

// ForgetToken drops the cached API token tokenID of userID.
func (c *Cache) ForgetToken(userID, tokenID int64) {
	c.forgetCredential(userID, func(e credEntry) bool { return e.token != nil && e.token.ID == tokenID })
}

func (c *Cache) forgetCredential(userID int64, match func(credEntry) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k := range c.byUser[userID] {
		if e, ok := c.creds.peek(k); ok && match(e) {
			c.creds.remove(k)
		}
	}
}

func (c *Cache) unindexLocked(userID int64, key string) {
	keys := c.byUser[userID]
	delete(keys, key)
	if len(keys) == 0 {
		delete(c.byUser, userID)
	}
}

// flight is one load shared by the callers of a key that arrived while it
// ran under the same generation.
type flight struct {
	gen  uint64
	done chan struct{}
	val  any
	err  error
}

// do returns key's cached value (cached, under c.mu), or runs load once
// for concurrent callers of key and, when it succeeds and no Forget
// happened meanwhile, calls store (under c.mu). The cache is looked at in
// the same critical section that joins or starts a load, so a caller that
// comes just after a load ended finds its stored result instead of loading
// again. A caller whose wait ends with its own context's error gets that
// error; one whose leader failed only by the leader's context runs load
// itself.
func (c *Cache) do(ctx context.Context, key any, cached func() (any, bool), load func(context.Context) (any, error),
	store func(any)) (any, error) {
	for {
		c.mu.Lock()
		if v, ok := cached(); ok {
			c.mu.Unlock()
			return v, nil
		}
		f, ok := c.flights[key]
		if !ok || f.gen != c.gen {
			f = &flight{gen: c.gen, done: make(chan struct{})}
			c.flights[key] = f
			c.mu.Unlock()
			f.val, f.err = load(ctx)
			c.mu.Lock()
			if c.flights[key] == f {
				delete(c.flights, key)
			}
			if f.err == nil && f.gen == c.gen {
				store(f.val)
			}
			c.mu.Unlock()
			close(f.done)
			return f.val, f.err
		}
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.err != nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) && ctx.Err() == nil {
			continue // the leader gave up; try again
		}
		return f.val, f.err
	}
}

// lru is a map bounded to size entries that drops the least recently used.
// Its owner guards it.
type lru[K comparable, V any] struct {
	size    int
	order   *list.List // front: most recently used; elements hold *lruItem
	items   map[K]*list.Element
	evicted func(K, V) // called for every entry removed (nil: nobody)
}

type lruItem[K comparable, V any] struct {
	key K
	val V
}

func (l *lru[K, V]) init(size int, evicted func(K, V)) {
	l.size, l.order, l.items, l.evicted = size, list.New(), make(map[K]*list.Element), evicted
}

func (l *lru[K, V]) get(k K) (V, bool) {
	el, ok := l.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	l.order.MoveToFront(el)
	return el.Value.(*lruItem[K, V]).val, true
}

func (l *lru[K, V]) peek(k K) (V, bool) {
	el, ok := l.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	return el.Value.(*lruItem[K, V]).val, true
}

func (l *lru[K, V]) put(k K, v V) {
	if el, ok := l.items[k]; ok {
		el.Value.(*lruItem[K, V]).val = v
		l.order.MoveToFront(el)
		return
	}
	l.items[k] = l.order.PushFront(&lruItem[K, V]{key: k, val: v})
	for l.order.Len() > l.size {
		oldest := l.order.Back()
		l.removeElement(oldest)
	}
}

func (l *lru[K, V]) remove(k K) {
	if el, ok := l.items[k]; ok {
		l.removeElement(el)
	}
}

func (l *lru[K, V]) removeElement(el *list.Element) {
	it := l.order.Remove(el).(*lruItem[K, V])
	delete(l.items, it.key)
	if l.evicted != nil {
		l.evicted(it.key, it.val)
	}
}

func (l *lru[K, V]) len() int { return l.order.Len() }
