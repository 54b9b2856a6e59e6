package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// countingStore counts the reads the cache is meant to save.
type countingStore struct {
	Store
	tokens, sessions, users atomic.Int64
}

func (c *countingStore) APITokenByHash(ctx context.Context, hash []byte) (*lms.APIToken, error) {
	c.tokens.Add(1)
	return c.Store.APITokenByHash(ctx, hash)
}

func (c *countingStore) SessionByTokenHash(ctx context.Context, hash []byte) (*lms.Session, error) {
	c.sessions.Add(1)
	return c.Store.SessionByTokenHash(ctx, hash)
}

func (c *countingStore) UserByID(ctx context.Context, id int64) (*lms.User, error) {
	c.users.Add(1)
	return c.Store.UserByID(ctx, id)
}

// cachedEnv is an env whose service has a Cache over a counting store.
type cachedEnv struct {
	*env
	cache *Cache
	count *countingStore
}

func newCachedEnv(t *testing.T) *cachedEnv {
	t.Helper()
	e := newEnv(t, RateLimitParams{})
	count := &countingStore{Store: store.Scope[Store](e.st)}
	cache, err := NewCache(CacheParams{Users: count, Clock: e.clock.Now})
	noErr(t, err)
	svc, err := New(t.Context(), Params{Store: count, Logger: zerolog.Nop(), Clock: e.clock.Now,
		Hash: CheapHashParams(), Cache: cache})
	noErr(t, err)
	e.svc = svc
	return &cachedEnv{env: e, cache: cache, count: count}
}

// token creates an API token of u.
func (e *cachedEnv) token(t *testing.T, u *lms.User) (string, *lms.APIToken) {
	t.Helper()
	tok, at, err := e.svc.CreateAPIToken(ctxAs(t, u), u, "live", 0)
	noErr(t, err)
	return tok, at
}

func (e *cachedEnv) reads() [3]int64 {
	return [3]int64{e.count.tokens.Load(), e.count.sessions.Load(), e.count.users.Load()}
}

func TestCachedTokenReadsTheDatabaseOnce(t *testing.T) {
	e := newCachedEnv(t)
	admin := e.setupAdmin(t)
	tok, _ := e.token(t, admin)
	before := e.reads()
	for range 5 {
		u, _, err := e.svc.AuthenticateTokenCached(t.Context(), tok)
		noErr(t, err)
		if u.ID != admin.ID {
			t.Fatalf("user = %d, want %d", u.ID, admin.ID)
		}
	}
	if got := e.reads(); got[0]-before[0] != 1 || got[2]-before[2] != 1 {
		t.Fatalf("token and user reads for 5 upgrades = %d, %d; want 1, 1", got[0]-before[0], got[2]-before[2])
	}
	// The policy's account read is a hit too.
	if _, err := e.cache.UserByID(t.Context(), admin.ID); err != nil || e.count.users.Load() != e.reads()[2] {
		t.Fatalf("UserByID after the upgrade: %v", err)
	}
	if e.count.users.Load()-before[2] != 1 {
		t.Fatalf("user reads = %d, want 1", e.count.users.Load()-before[2])
	}
}

func TestCachedSessionReadsTheDatabaseOnce(t *testing.T) {
	e := newCachedEnv(t)
	e.setupAdmin(t)
	_, sessTok, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
	noErr(t, err)
	before := e.reads()
	for range 5 {
		_, _, err := e.svc.AuthenticateSessionCached(t.Context(), sessTok)
		noErr(t, err)
	}
	if got := e.reads(); got[1]-before[1] != 1 || got[2]-before[2] != 1 {
		t.Fatalf("session and user reads for 5 upgrades = %d, %d; want 1, 1", got[1]-before[1], got[2]-before[2])
	}
}

func TestCacheRevocationsCountAtOnce(t *testing.T) {
	t.Run("revoked token is refused", func(t *testing.T) {
		e := newCachedEnv(t)
		admin := e.setupAdmin(t)
		tok, at := e.token(t, admin)
		_, _, err := e.svc.AuthenticateTokenCached(t.Context(), tok)
		noErr(t, err)
		noErr(t, e.svc.RevokeAPIToken(ctxAs(t, admin), admin, at.ID))
		_, _, err = e.svc.AuthenticateTokenCached(t.Context(), tok)
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	t.Run("signed-out session is refused", func(t *testing.T) {
		e := newCachedEnv(t)
		e.setupAdmin(t)
		_, sessTok, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
		noErr(t, err)
		_, _, err = e.svc.AuthenticateSessionCached(t.Context(), sessTok)
		noErr(t, err)
		noErr(t, e.svc.Logout(t.Context(), sessTok))
		_, _, err = e.svc.AuthenticateSessionCached(t.Context(), sessTok)
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	t.Run("disabled user is refused", func(t *testing.T) {
		e := newCachedEnv(t)
		admin := e.setupAdmin(t)
		bob := e.addUser(t, admin, "bob", lms.SiteUser)
		tok, _ := e.token(t, bob)
		_, _, err := e.svc.AuthenticateTokenCached(t.Context(), tok)
		noErr(t, err)
		disabled := true
		_, err = e.svc.UpdateUser(ctxAs(t, admin), admin, bob.ID, UserPatch{Disabled: &disabled})
		noErr(t, err)
		_, _, err = e.svc.AuthenticateTokenCached(t.Context(), tok)
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	t.Run("role change is seen", func(t *testing.T) {
		e := newCachedEnv(t)
		admin := e.setupAdmin(t)
		bob := e.addUser(t, admin, "bob", lms.SiteUser)
		tok, _ := e.token(t, bob)
		u, _, err := e.svc.AuthenticateTokenCached(t.Context(), tok)
		noErr(t, err)
		if u.IsAdmin() {
			t.Fatal("bob is an administrator before the change")
		}
		role := lms.SiteAdmin
		_, err = e.svc.UpdateUser(ctxAs(t, admin), admin, bob.ID, UserPatch{Role: &role})
		noErr(t, err)
		u, _, err = e.svc.AuthenticateTokenCached(t.Context(), tok)
		noErr(t, err)
		if !u.IsAdmin() {
			t.Fatal("the upgrade still sees bob's old role")
		}
		if u, err := e.cache.UserByID(t.Context(), bob.ID); err != nil || !u.IsAdmin() {
			t.Fatalf("the policy still sees bob's old role: %v", err)
		}
	})
}

func TestCacheEntriesExpire(t *testing.T) {
	e := newCachedEnv(t)
	admin := e.setupAdmin(t)
	tok, _ := e.token(t, admin)
	_, _, err := e.svc.AuthenticateTokenCached(t.Context(), tok)
	noErr(t, err)
	before := e.reads()
	e.clock.Advance(DefaultCacheTTL)
	_, _, err = e.svc.AuthenticateTokenCached(t.Context(), tok)
	noErr(t, err)
	if got := e.reads(); got[0]-before[0] != 1 || got[2]-before[2] != 1 {
		t.Fatalf("reads after the TTL = %d token, %d user; want 1, 1", got[0]-before[0], got[2]-before[2])
	}
}

func TestCachedTokenTouchesOncePerInterval(t *testing.T) {
	e := newCachedEnv(t)
	admin := e.setupAdmin(t)
	tok, at := e.token(t, admin)
	e.clock.Advance(touchInterval)
	for range 3 {
		_, _, err := e.svc.AuthenticateTokenCached(t.Context(), tok)
		noErr(t, err)
	}
	got, err := e.st.APITokenByHash(t.Context(), at.TokenHash)
	noErr(t, err)
	if !got.LastUsedAt.Equal(e.clock.Now()) {
		t.Fatalf("LastUsedAt = %v, want %v", got.LastUsedAt, e.clock.Now())
	}
}

// blockingUsers is a UserSource whose reads wait for release.
type blockingUsers struct {
	reads   atomic.Int64
	started chan struct{} // one value per read
	release chan struct{}
	role    atomic.Value // lms.SiteRole returned
}

func newBlockingUsers() *blockingUsers {
	b := &blockingUsers{started: make(chan struct{}, 100), release: make(chan struct{})}
	b.role.Store(lms.SiteUser)
	return b
}

func (b *blockingUsers) UserByID(ctx context.Context, id int64) (*lms.User, error) {
	b.reads.Add(1)
	role := b.role.Load().(lms.SiteRole) // what the database holds when the read starts
	b.started <- struct{}{}
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &lms.User{ID: id, Role: role}, nil
}

func TestCacheConcurrentMissesShareOneRead(t *testing.T) {
	src := newBlockingUsers()
	c, err := NewCache(CacheParams{Users: src})
	noErr(t, err)
	const callers = 20
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.UserByID(t.Context(), 7)
			errs <- err
		}()
	}
	<-src.started
	close(src.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		noErr(t, err)
	}
	// Callers that came while the read ran shared it; those after it
	// ended found its result stored (both under c.mu): one read.
	if n := src.reads.Load(); n != 1 {
		t.Fatalf("reads = %d, want 1", n)
	}
}

func TestCacheReadOverlappingAForgetIsNotKept(t *testing.T) {
	src := newBlockingUsers()
	c, err := NewCache(CacheParams{Users: src})
	noErr(t, err)
	first := make(chan *lms.User, 1)
	go func() {
		u, err := c.UserByID(t.Context(), 7)
		if err != nil {
			t.Error(err)
		}
		first <- u
	}()
	<-src.started // the read saw the old role
	src.role.Store(lms.SiteAdmin)
	c.Forget(7) // the change is announced while the read is in flight
	// A caller after the announcement does not share the stale read.
	second := make(chan *lms.User, 1)
	go func() {
		u, err := c.UserByID(t.Context(), 7)
		if err != nil {
			t.Error(err)
		}
		second <- u
	}()
	<-src.started
	close(src.release)
	if u := <-second; u.Role != lms.SiteAdmin {
		t.Fatalf("a read after the Forget got role %q", u.Role)
	}
	<-first
	u, err := c.UserByID(t.Context(), 7)
	noErr(t, err)
	if u.Role != lms.SiteAdmin {
		t.Fatalf("the cache kept the read that overlapped the Forget (role %q)", u.Role)
	}
}

func TestCacheIsBounded(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	admin := e.setupAdmin(t)
	bob := e.addUser(t, admin, "bob", lms.SiteUser)
	carol := e.addUser(t, admin, "carol", lms.SiteUser)
	count := &countingStore{Store: store.Scope[Store](e.st)}
	c, err := NewCache(CacheParams{Users: count, Size: 2})
	noErr(t, err)
	for _, id := range []int64{admin.ID, bob.ID, carol.ID, carol.ID, bob.ID} {
		_, err := c.UserByID(t.Context(), id)
		noErr(t, err)
	}
	if n := count.users.Load(); n != 3 {
		t.Fatalf("reads = %d, want 3 (the last two are hits)", n)
	}
	_, err = c.UserByID(t.Context(), admin.ID) // evicted as least recently used
	noErr(t, err)
	if n := count.users.Load(); n != 4 {
		t.Fatalf("reads = %d, want 4", n)
	}
	c.mu.Lock()
	n := c.accts.len()
	c.mu.Unlock()
	if n != 2 {
		t.Fatalf("cached accounts = %d, want 2", n)
	}
}
