package api

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// The API's conventions (docs/api.md, "Conventions"), checked against the
// route table so a new route cannot quietly break them.

// putRoutes may use PUT: each replaces a whole thing, never a few fields.
var putRoutes = map[string]string{
	"PUT /api/v1/me/avatar":                   "the body is the new image",
	"PUT /api/v1/courses/{id}/layout":         "the body is the whole course in its new order (409 when stale)",
	"PUT /api/v1/live-quizzes/{id}/questions": "the body is the game's whole question list, snapshotted anew",
	"PUT /api/v1/me/notification-settings": "the body is the whole settings document the preferences form edits " +
		"(kinds left out take their defaults)",
	"PUT /api/v1/questions/{id}/lessons": "the body is the whole set of lessons the question tests",
	"PUT /api/v1/assignments/{id}/extensions/{user_id}": "the body is the learner's whole extension (dates and " +
		"reason), replaced by granting again",
	"PUT /api/v1/assignments/{id}/group-extensions/{group_id}": "the body is the whole extension each of the group's " +
		"learners gets, replacing any they had",
}

// unpagedLists answer {"items"} without the cursor contract, with the reason.
var unpagedLists = map[string]string{
	"GET /api/v1/courses/{id}/search":     "the best matches only: ?limit= bounds them, there is no next page",
	"GET /api/v1/rooms/{id}/messages":     "chat history pages both ways by message id (before=, after=, has_more)",
	"GET /api/v1/rooms/{id}/live-quizzes": "a room's games, newest first, at most store.MaxRoomGames (200)",
	"GET /api/v1/calendar":                "the range (from=, to=, at most 400 days) bounds it, and truncated says when over calendar.MaxItems",
}

// removalWords start the summary of a route that removes something.
var removalWords = []string{"Delete ", "Remove ", "Revoke ", "Take back ", "Lift "}

// fieldsOf returns the JSON fields of struct type t (embedded structs
// flattened) and whether each is optional (a pointer, omitempty or omitzero).
func fieldsOf(t reflect.Type) map[string]bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return out
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			for k, v := range fieldsOf(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		if f.Tag.Get("deprecated") != "" {
			continue
		}
		out[name] = f.Type.Kind() == reflect.Pointer || strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
	}
	return out
}

// hasQuery reports whether rt documents the query parameter name.
func hasQuery(rt route, name string) bool {
	for _, q := range rt.Query {
		if q.Name == name {
			return true
		}
	}
	return false
}

// pendingRoutes are routes built before the conventions held and not
// converted yet; each still breaks them (the test fails once one does not,
// so the list only shrinks). None is left: the assignment and gradebook
// routes (issue 9) were the last.
var pendingRoutes = map[string]string{}

// TestRouteConventions walks the route table: updates are PATCH with a
// partial body, removals DELETE, lists that can grow take cursor and limit
// and answer next_cursor, and deprecated routes name their replacement.
func TestRouteConventions(t *testing.T) {
	e := newCourseEnvWith(t, storetest.SQLite(t), withGrades(t))
	byKey := map[string]route{}
	for _, rt := range e.api.routes {
		byKey[rt.Method+" "+rt.Path] = rt
	}
	for _, rt := range e.api.routes {
		key := rt.Method + " " + rt.Path
		t.Run(key, func(t *testing.T) {
			var found []string
			bad := func(format string, args ...any) { found = append(found, fmt.Sprintf(format, args...)) }
			func() {
				if rt.Deprecated != "" {
					if _, ok := byKey[rt.Deprecated]; !ok {
						bad("deprecated in favour of %q, which is not a route", rt.Deprecated)
					}
					return
				}
				if rt.Method == http.MethodPut && putRoutes[key] == "" {
					bad("PUT: updates are PATCH with a partial body (or add the route to putRoutes with the reason)")
				}
				for _, w := range removalWords {
					if strings.HasPrefix(rt.Summary, w) && rt.Method != http.MethodDelete {
						bad("%q removes something: use DELETE", rt.Summary)
					}
				}
				if rt.Req != nil {
					fields := fieldsOf(reflect.TypeOf(rt.Req))
					if _, ok := fields["remove"]; ok {
						bad("a remove flag in the body: removals are DELETE")
					}
					if rt.Method == http.MethodPatch && len(fields) > 1 {
						for name, optional := range fields {
							if !optional {
								bad("PATCH body field %q is required: a partial body leaves out what it keeps", name)
							}
						}
					}
				}
				if rt.Method != http.MethodGet || rt.Resp == nil {
					return
				}
				resp := fieldsOf(reflect.TypeOf(rt.Resp))
				if _, list := resp["items"]; !list {
					return
				}
				if _, unpaged := unpagedLists[key]; unpaged {
					return
				}
				if _, ok := resp["next_cursor"]; !ok {
					bad("a list without next_cursor")
				}
				if !hasQuery(rt, "cursor") || !hasQuery(rt, "limit") {
					bad("a list without the cursor and limit parameters")
				}
			}()
			if reason, ok := pendingRoutes[key]; ok {
				if len(found) == 0 {
					t.Errorf("follows the conventions now: remove it from pendingRoutes")
				}
				t.Logf("pending (%s): %v", reason, found)
				return
			}
			for _, f := range found {
				t.Error(f)
			}
		})
	}
	for key := range putRoutes {
		if rt, ok := byKey[key]; !ok || rt.Deprecated != "" {
			t.Errorf("putRoutes names %s, which is not a current route", key)
		}
	}
}

// TestListsCheckLimitAndCursor calls every paged list of the route table
// for real: a bad limit or cursor is a 400 problem naming the field, and
// limit=1 answers at most one item with "items".
func TestListsCheckLimitAndCursor(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newQuizWorld(t, e)
	ids := map[string]int64{"courses": w.a.ID, "forums": w.forum.ID, "rooms": w.room.ID, "threads": w.thread.ID,
		"quizzes": w.quiz.ID}
	admin := w.people[roleAdmin].c
	for _, rt := range e.api.routes {
		if rt.Method != http.MethodGet || !hasQuery(rt, "cursor") || rt.Deprecated != "" {
			continue
		}
		segs := strings.Split(rt.Path, "/")
		for i, s := range segs {
			if s == "{id}" {
				segs[i] = id(ids[segs[i-1]])
			}
		}
		path := strings.Join(segs, "/")
		t.Run(rt.Path, func(t *testing.T) { checkPagedList(t, e.tenv, admin, path) })
	}
}

// checkPagedList calls the paged list at path as c: a bad limit or cursor
// is a 400 problem naming the field, and limit=1 answers at most one item.
func checkPagedList(t *testing.T, e *tenv, c client, path string) {
	t.Helper()
	for bad, field := range map[string]string{"limit=0": "limit", "limit=201": "limit", "limit=two": "limit",
		"cursor=!!": "cursor", "cursor=YWJj": "cursor"} {
		if p := e.do(t, c, "GET", path+"?"+bad, nil).want(t, http.StatusBadRequest).problem(t); p.Field != field {
			t.Errorf("%s: field %q, want %q", bad, p.Field, field)
		}
	}
	page := decode[genericPage](t, e.do(t, c, "GET", path+"?limit=1", nil).want(t, http.StatusOK))
	if page.Items == nil || len(page.Items) > 1 {
		t.Errorf("limit=1 answered %d items (nil: %v)", len(page.Items), page.Items == nil)
	}
}
