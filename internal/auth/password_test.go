package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestHasherRoundTrip(t *testing.T) {
	h := NewHasher(CheapHashParams(), 0)
	enc, err := h.Hash(t.Context(), "s3cret-password")
	noErr(t, err)
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", enc)
	}
	for _, tc := range []struct {
		name, pw string
		want     bool
	}{
		{"matches", "s3cret-password", true},
		{"wrong password fails", "s3cret-passwore", false},
		{"empty fails", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := h.Verify(t.Context(), tc.pw, enc)
			noErr(t, err)
			if ok != tc.want {
				t.Fatalf("Verify = %v, want %v", ok, tc.want)
			}
		})
	}
	t.Run("default params verify with stored params", func(t *testing.T) {
		other := NewHasher(HashParams{}, 1)
		ok, err := other.Verify(t.Context(), "s3cret-password", enc)
		if err != nil || !ok {
			t.Fatalf("Verify with other params = %v, %v", ok, err)
		}
	})
}

func TestHasherRejectsMalformedHashes(t *testing.T) {
	h := NewHasher(CheapHashParams(), 0)
	for _, enc := range []string{
		"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=18$m=64,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$",
	} {
		if ok, err := h.Verify(t.Context(), "x", enc); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want false and an error", enc, ok, err)
		}
	}
}

func TestHasherWaitsForASlotWithContext(t *testing.T) {
	h := NewHasher(CheapHashParams(), 1)
	h.sem <- struct{}{} // occupy the only slot
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := h.Hash(ctx, "password1"); err == nil {
		t.Fatal("Hash with a full semaphore and a cancelled context succeeded")
	}
	<-h.sem
	if _, err := h.Hash(t.Context(), "password1"); err != nil {
		t.Fatalf("Hash after release: %v", err)
	}
}

func TestValidatePassword(t *testing.T) {
	for _, tc := range []struct {
		name, pw string
		ok       bool
	}{
		{"too short is invalid", "1234567", false},
		{"eight characters are fine", "12345678", true},
		{"eight multibyte characters are fine", "ääääääää", true},
		{"1024 bytes are fine", strings.Repeat("a", 1024), true},
		{"1025 bytes are too long", strings.Repeat("a", 1025), false},
		{"invalid UTF-8 is invalid", "abcdefgh\xff", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidatePassword("password", tc.pw)
			if (err == nil) != tc.ok {
				t.Fatalf("ValidatePassword = %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				wantCode(t, err, lms.EINVALID)
			}
		})
	}
}

// BenchmarkHashDefault measures one hash with the production parameters.
func BenchmarkHashDefault(b *testing.B) {
	h := NewHasher(DefaultHashParams(), 0)
	for b.Loop() {
		if _, err := h.Hash(b.Context(), "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
