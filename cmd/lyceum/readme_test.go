package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readme returns README.md.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestREADMEQuickStartSaysWhatHappens(t *testing.T) {
	r := readme(t)
	cases := []struct{ what, pattern string }{
		{"that the first build compiles the pure-Go SQLite driver and takes minutes",
			`(?s)first (build|run).{0,200}SQLite.{0,200}minutes`},
		{"the setup link line the server prints", regexp.QuoteMeta("`" + setupLinkPrefix + "http://localhost:8080/setup?token=")},
		{"how to list the skipped tests with their reasons (the reason is the line before '--- SKIP')",
			regexp.QuoteMeta(`grep -B1 -- '--- SKIP'`)},
		{"the demo accounts that 'serve -demo' prints", "(?s)serve -demo.{0,300}demo accounts"},
	}
	for _, c := range cases {
		if !regexp.MustCompile(c.pattern).MatchString(r) {
			t.Errorf("README.md does not say %s (pattern %s)", c.what, c.pattern)
		}
	}
}

// TestREADMEIntroPromisesOnlyWhatExists keeps the introduction honest:
// it names what is built and calls nothing "coming" (every feature the
// product brief lists is built; a future one goes in a sentence that says
// so, and into this test).
func TestREADMEIntroPromisesOnlyWhatExists(t *testing.T) {
	r := readme(t)
	intro, _, ok := strings.Cut(r, "\n## ")
	if !ok {
		t.Fatal("README.md has no second-level heading")
	}
	low := strings.ToLower(intro)
	for _, stale := range []string{"coming", "not built"} {
		if strings.Contains(low, stale) {
			t.Errorf("the introduction says %q, but everything it names is built", stale)
		}
	}
	for _, built := range []string{"courses", "lessons", "progress", "discussion", "chat", "quizzes", "assignments",
		"gradebook", "video", "live quizzes", "reminders", "email", "calendar", "reports"} {
		if !strings.Contains(low, built) {
			t.Errorf("the introduction does not mention %s, which exists", built)
		}
	}
}
