// Package testenv tells tests which external services (PostgreSQL, Redis,
// Chromium, the go command) they may use. A developer without a service
// sees the tests that need it skipped; CI sets LYCEUM_TEST_REQUIRE_SERVICES,
// and there a missing service fails the test instead, so a service CI is
// meant to provide can never be skipped silently.
package testenv

import (
	"os"
	"testing"
)

// EnvRequire is the environment variable that turns a missing service from
// a skip into a failure.
const EnvRequire = "LYCEUM_TEST_REQUIRE_SERVICES"

// Lookup returns the value of the environment variable name, which points
// tests at a service; when it is unset, t is skipped (or fails, see
// EnvRequire) with a message naming the variable.
func Lookup(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		Missing(t, name+" is not set")
	}
	return v
}

// Missing skips t because a service is not available (why), or fails it when
// EnvRequire is set.
func Missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv(EnvRequire) != "" {
		t.Fatalf("%s, and %s is set: this test's service must be there", why, EnvRequire)
	}
	t.Skipf("%s: skipping (set it to run this test)", why)
}

// SkipShort skips a long test (what: why it is long) in -short mode, the
// same way as a missing service: with EnvRequire set (CI) a -short run
// fails it instead, so CI cannot leave it out.
func SkipShort(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		Missing(t, what+": -short mode")
	}
}
