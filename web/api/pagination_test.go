package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestUserPagination(t *testing.T) {
	e := newEnv(t)
	admin := e.setup(t)
	for i := range 4 {
		e.do(t, admin, "POST", "/api/v1/admin/users", CreateUserRequest{Email: fmt.Sprintf("u%d@example.org", i),
			Username: fmt.Sprintf("user%d", i), Name: "U", Password: testPassword}).want(t, http.StatusCreated)
	}
	var seen []int64
	path := "/api/v1/admin/users?limit=2"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		var page UserList
		e.do(t, admin, "GET", path, nil).want(t, 200).json(t, &page)
		if page.Total != 5 {
			t.Fatalf("total = %d", page.Total)
		}
		for _, u := range page.Items {
			seen = append(seen, u.ID)
		}
		if page.NextCursor == "" {
			break
		}
		path = "/api/v1/admin/users?limit=2&cursor=" + page.NextCursor
	}
	if len(seen) != 5 {
		t.Fatalf("saw %v", seen)
	}
	for _, bad := range []string{"limit=0", "limit=201", "limit=x", "cursor=!!", "cursor=YWJj"} {
		t.Run(bad+" is invalid", func(t *testing.T) {
			e.do(t, admin, "GET", "/api/v1/admin/users?"+bad, nil).want(t, 400).problem(t)
		})
	}
}

func TestAuditPagination(t *testing.T) {
	e := newEnv(t)
	admin := e.setup(t)
	for range 3 {
		e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: "ghost", Password: "wrong password"}).want(t, 401)
	}
	var all []*lms.AuditEntry
	path := "/api/v1/admin/audit?limit=2"
	for range 10 {
		var page AuditList
		e.do(t, admin, "GET", path, nil).want(t, 200).json(t, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			break
		}
		path = "/api/v1/admin/audit?limit=2&cursor=" + page.NextCursor
	}
	if len(all) != 4 { // setup + 3 failed logins
		t.Fatalf("entries = %d", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID >= all[i-1].ID {
			t.Fatalf("not newest first: %d then %d", all[i-1].ID, all[i].ID)
		}
	}
	e.do(t, admin, "GET", "/api/v1/admin/audit?actor_id=abc", nil).want(t, 400)
}

// BenchmarkMe measures an authenticated GET /api/v1/me on SQLite.
func BenchmarkMe(b *testing.B) {
	e := newEnv(b)
	admin := e.setup(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r := e.do(b, admin, "GET", "/api/v1/me", nil); r.Code != 200 {
				b.Errorf("status %d", r.Code)
			}
		}
	})
}
