package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/lyceumhq/lyceum/internal/testenv"
)

// The quiz mode against a real node: 20 learners take one quiz, every
// request succeeds, every acknowledged answer is read back from the
// database, and the course and accounts are gone afterwards.
func TestQuizAgainstARealNode(t *testing.T) {
	testenv.SkipShort(t, "the quiz mode end-to-end test builds and runs a real lyceum node")
	base, token := startLyceum(t, buildLyceum(t))

	const learners, questions = 20, 10
	m := runTool(t, "quiz", "-url", base, "-token", token, "-quiet", "-learners", "20", "-ramp", "1s")
	if m["ok"] != true {
		t.Errorf("ok = %v, want true", m["ok"])
	}
	if num(t, m, "started") != learners || num(t, m, "submitted") != learners {
		t.Errorf("started %v, submitted %v, want %d each", m["started"], m["submitted"], learners)
	}
	if got := num(t, m, "acked"); got != learners*questions || num(t, m, "stored") != got {
		t.Errorf("acked %v, stored %v, want %d each", got, m["stored"], learners*questions)
	}
	if num(t, m, "lost") != 0 || num(t, m, "unacked") != 0 || num(t, m, "errors.all") != 0 {
		t.Errorf("lost %v, unacked %v, errors %v: want none", m["lost"], m["unacked"], m["errors"])
	}
	for kind, want := range map[string]float64{"start": learners, "answer": learners * questions, "submit": learners,
		"all": learners * (questions + 2)} {
		if got := num(t, m, "latency."+kind+".count"); got != want {
			t.Errorf("%s latency samples %v, want %v", kind, got, want)
		}
		if num(t, m, "latency."+kind+".p99_ms") <= 0 {
			t.Errorf("%s p99 %v", kind, num(t, m, "latency."+kind+".p99_ms"))
		}
	}

	t.Run("the course and accounts are deleted afterwards", func(t *testing.T) {
		a := newAPIClient(base, token)
		var courses, users struct {
			Total int `json:"total"`
		}
		if _, err := a.call(context.Background(), http.MethodGet, "/api/v1/courses", nil, &courses, http.StatusOK); err != nil {
			t.Fatal(err)
		}
		if _, err := a.call(context.Background(), http.MethodGet, "/api/v1/admin/users", nil, &users, http.StatusOK); err != nil {
			t.Fatal(err)
		}
		if courses.Total != 0 || users.Total != 1 {
			t.Errorf("%d courses and %d users left, want 0 and 1", courses.Total, users.Total)
		}
	})
}

func TestQuizRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"quiz", "-token", "x", "-learners", "0"},
		{"quiz", "-token", "x", "-learners", "100000"},
		{"quiz", "-token", "x", "-questions", "0"},
		{"quiz", "-token", "x", "-ramp", "2h"},
		{"quiz", "-token", "x", "-think", "-1s"},
		{"quiz", "-token", "x", "-time-limit", "1s"},
		{"quiz", "-token", "x", "-url", "http://192.0.2.1:8080"},
	} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
