package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestNodeServesLiveQuizzes checks the wiring of a real node: the live
// quiz routes are mounted (in the API document too) and the guest routes
// and socket refuse anyone without a guest token.
func TestNodeServesLiveQuizzes(t *testing.T) {
	n := startTestNode(t, nil)
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(n.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, doc := get("/api/v1/openapi.json"); code != 200 || !strings.Contains(doc, "/api/v1/live-quizzes/{id}/control") ||
		!strings.Contains(doc, "/api/v1/live-quiz/ws") {
		t.Fatalf("openapi.json: %d, live quiz routes missing", code)
	}
	for _, path := range []string{"/api/v1/live-quiz/me", "/api/v1/live-quiz/ws", "/api/v1/live-quizzes/1"} {
		if code, body := get(path); code != http.StatusUnauthorized {
			t.Errorf("GET %s = %d %s, want 401", path, code, body)
		}
	}
	resp, err := http.Post(n.url+"/api/v1/live-quiz/join", "application/json", strings.NewReader(`{"pin":"000000","nickname":"Gus"}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("guest join with an unknown PIN = %d, want 404", resp.StatusCode)
	}
}
