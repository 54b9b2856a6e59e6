package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// walkPages reads every page of size 2 from list and checks that the pages
// together are the whole list (asked with a page large enough), in order.
func walkPages(t *testing.T, what string, list func(lms.Page) ([]int64, error)) {
	t.Helper()
	all, err := list(lms.Page{Limit: 100})
	noErr(t, err, what)
	if len(all) != 5 {
		t.Fatalf("%s: %d items, want 5", what, len(all))
	}
	var paged []int64
	for off := 0; off < 10; off += 2 {
		page, err := list(lms.Page{Limit: 2, Offset: off})
		noErr(t, err, what)
		if len(page) > 2 {
			t.Fatalf("%s: page of %d items with limit 2", what, len(page))
		}
		paged = append(paged, page...)
	}
	diff(t, what+" pages", paged, all)
	def, err := list(lms.Page{})
	noErr(t, err, what)
	diff(t, what+" with the default page", def, all)
}

var pageTests = map[string]func(*testing.T, store.Store){
	"sessions page newest first": func(t *testing.T, s store.Store) {
		u := newUser(t, s, "alice")
		for i := range 5 {
			newSession(t, s, u.ID, fmt.Sprint(i), base.Add(time.Duration(i)*time.Minute))
		}
		walkPages(t, "ListSessions", func(p lms.Page) ([]int64, error) {
			l, err := s.ListSessions(ctxOf(t), u.ID, p)
			return ids(l, sessionID), err
		})
	},
	"API tokens page newest first": func(t *testing.T, s store.Store) {
		u := newUser(t, s, "alice")
		for i := range 5 {
			noErr(t, s.CreateAPIToken(ctxOf(t), &lms.APIToken{UserID: u.ID, Name: "t", Prefix: "p",
				TokenHash: []byte(fmt.Sprint("h", i))}), "CreateAPIToken")
		}
		walkPages(t, "ListAPITokens", func(p lms.Page) ([]int64, error) {
			l, err := s.ListAPITokens(ctxOf(t), u.ID, p)
			return ids(l, func(x *lms.APIToken) int64 { return x.ID }), err
		})
	},
	"invites page newest first": func(t *testing.T, s store.Store) {
		for i := range 5 {
			noErr(t, s.CreateInvite(ctxOf(t), &lms.Invite{Email: fmt.Sprintf("i%d@example.com", i), Role: lms.SiteUser,
				TokenHash: []byte(fmt.Sprint("i", i)), ExpiresAt: base}), "CreateInvite")
		}
		walkPages(t, "ListInvites", func(p lms.Page) ([]int64, error) {
			l, err := s.ListInvites(ctxOf(t), p)
			return ids(l, func(x *lms.Invite) int64 { return x.ID }), err
		})
	},
	"forums page by id": func(t *testing.T, s store.Store) {
		c, other := newCourse(t, s, "a", 0), newCourse(t, s, "b", 0)
		newForum(t, s, other)
		for range 5 {
			newForum(t, s, c)
		}
		walkPages(t, "ListForums", func(p lms.Page) ([]int64, error) {
			l, err := s.ListForums(ctxOf(t), c.ID, p)
			return ids(l, func(x *lms.Forum) int64 { return x.ID }), err
		})
	},
}
