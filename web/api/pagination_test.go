package api

import (
	"fmt"
	"net/http"
	"strings"
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

// genericPage is any list page: items with ids and the next cursor.
type genericPage struct {
	Items []struct {
		ID int64 `json:"id"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// walk reads every page of path with limit=2 and returns the ids in order.
func walk(t *testing.T, e *cenv, c client, path string) []int64 {
	t.Helper()
	var got []int64
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatalf("%s: pagination does not end", path)
		}
		url := path + "?limit=2"
		if cursor != "" {
			url += "&cursor=" + cursor
		}
		p := decode[genericPage](t, e.do(t, c, "GET", url, nil).want(t, http.StatusOK))
		if len(p.Items) > 2 {
			t.Fatalf("%s: %d items on a page of 2", path, len(p.Items))
		}
		for _, it := range p.Items {
			got = append(got, it.ID)
		}
		if p.NextCursor == "" {
			return got
		}
		cursor = p.NextCursor
	}
}

// TestListsPage walks every list the pagination contract covers (the
// catalogue, members, users and audit log have their own tests): pages of
// two together are the whole list, in order, and bad limits and cursors
// are 400 problems naming the field.
func TestListsPage(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	ctx := t.Context()
	inst, admin := w.people[roleInstructor], w.people[roleAdmin]
	s := e.courses
	for i := range 4 {
		try(s.Discussion.CreateForum(ctx, inst.u, &lms.Forum{CourseID: w.a.ID, Title: fmt.Sprint("Forum ", i)})).must(t)
		try(s.Chat.CreateRoom(ctx, inst.u, w.a.ID, fmt.Sprint("Room ", i), 0)).must(t)
		try(s.Enrolment.CreateGroup(ctx, inst.u, &lms.Group{CourseID: w.a.ID, Name: fmt.Sprint("Group ", i)})).must(t)
		w.newCourse(inst.u, fmt.Sprint("More ", i))
		e.login(t, "teacher")
		e.do(t, inst.c, "POST", "/api/v1/me/tokens", CreateTokenRequest{Name: fmt.Sprint("t", i)}).want(t, http.StatusCreated)
		e.do(t, admin.c, "POST", "/api/v1/admin/invites", CreateInviteRequest{Email: fmt.Sprintf("i%d@example.org", i)}).
			want(t, http.StatusCreated)
	}
	c := "/api/v1/courses/" + id(w.a.ID)
	for _, tc := range []struct {
		path string
		who  person
		min  int
	}{
		{c + "/forums", inst, 5}, {c + "/rooms", inst, 5}, {c + "/groups", inst, 5},
		{"/api/v1/me/courses", inst, 5}, {"/api/v1/me/sessions", inst, 5}, {"/api/v1/me/tokens", inst, 4},
		{"/api/v1/admin/invites", admin, 4},
	} {
		t.Run(strings.TrimPrefix(tc.path, "/api/v1/")+" pages", func(t *testing.T) {
			all := decode[genericPage](t, e.do(t, tc.who.c, "GET", tc.path+"?limit=200", nil).want(t, http.StatusOK))
			if all.NextCursor != "" || len(all.Items) < tc.min {
				t.Fatalf("whole list: %d items, next %q; want >= %d and no next", len(all.Items), all.NextCursor, tc.min)
			}
			var want []int64
			for _, it := range all.Items {
				want = append(want, it.ID)
			}
			if got := walk(t, e, tc.who.c, tc.path); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("pages of 2 = %v, want %v", got, want)
			}
			for bad, field := range map[string]string{"limit=0": "limit", "limit=201": "limit", "limit=x": "limit",
				"cursor=!!": "cursor", "cursor=YWJj": "cursor"} {
				if p := e.do(t, tc.who.c, "GET", tc.path+"?"+bad, nil).want(t, http.StatusBadRequest).problem(t); p.Field != field {
					t.Errorf("%s: field %q, want %q", bad, p.Field, field)
				}
			}
		})
	}
}
