package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Password length rules.
const (
	MinPasswordChars = 8    // at least this many characters (runes)
	MaxPasswordBytes = 1024 // at most this many bytes, to bound hashing cost
)

// Limits on parameters accepted from a stored hash, so a corrupt or hostile
// hash string cannot make verification allocate without bound.
const (
	maxHashMemoryKiB = 1 << 20 // 1 GiB
	maxHashTime      = 64
	maxHashThreads   = 64
	maxHashKeyLen    = 128
)

// HashParams are the argon2id cost parameters.
type HashParams struct {
	MemoryKiB uint32 // memory in KiB (m)
	Time      uint32 // iterations (t)
	Threads   uint8  // parallelism (p)
	SaltLen   uint32 // salt length in bytes
	KeyLen    uint32 // derived key length in bytes
}

// DefaultHashParams follow the OWASP recommendation for argon2id
// (m=19 MiB, t=2, p=1); about 40 ms per hash on a current core.
func DefaultHashParams() HashParams {
	return HashParams{MemoryKiB: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// CheapHashParams are for tests only: fast and insecure.
func CheapHashParams() HashParams {
	return HashParams{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// Hasher hashes and verifies passwords, bounding how many hashes run at once.
type Hasher struct {
	params HashParams
	sem    chan struct{} // one slot per hash in flight
}

// NewHasher returns a Hasher with params (zero fields take the defaults) that
// runs at most maxInFlight hashes at once (<= 0: 2 * GOMAXPROCS).
func NewHasher(params HashParams, maxInFlight int) *Hasher {
	def := DefaultHashParams()
	if params.MemoryKiB == 0 {
		params.MemoryKiB = def.MemoryKiB
	}
	if params.Time == 0 {
		params.Time = def.Time
	}
	if params.Threads == 0 {
		params.Threads = def.Threads
	}
	if params.SaltLen == 0 {
		params.SaltLen = def.SaltLen
	}
	if params.KeyLen == 0 {
		params.KeyLen = def.KeyLen
	}
	if maxInFlight <= 0 {
		maxInFlight = 2 * runtime.GOMAXPROCS(0)
	}
	return &Hasher{params: params, sem: make(chan struct{}, maxInFlight)}
}

// ValidatePassword checks the length rules and returns an EINVALID error
// naming field.
func ValidatePassword(field, pw string) error {
	switch {
	case len(pw) > MaxPasswordBytes:
		return lms.FieldError(field, "The password must be at most %d bytes long.", MaxPasswordBytes)
	case !utf8.ValidString(pw):
		return lms.FieldError(field, "The password must be valid UTF-8.")
	case utf8.RuneCountInString(pw) < MinPasswordChars:
		return lms.FieldError(field, "The password must be at least %d characters long.", MinPasswordChars)
	}
	return nil
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("auth: waiting for a password hash slot: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the PHC string of password:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string encoded, comparing
// in constant time. It uses the parameters recorded in encoded.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	p, salt, want, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

var errBadHash = errors.New("auth: malformed password hash")

func parsePHC(s string) (HashParams, []byte, []byte, error) {
	var p HashParams
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.MemoryKiB == 0 || p.MemoryKiB > maxHashMemoryKiB || p.Time == 0 || p.Time > maxHashTime ||
		threads == 0 || threads > maxHashThreads {
		return p, nil, nil, errBadHash
	}
	p.Threads = uint8(threads)
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) == 0 || len(key) > maxHashKeyLen {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
