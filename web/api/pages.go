package api

import (
	"context"
	"net/http"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// One pagination style (docs/api.md, "Pagination"): every list that can
// grow takes ?limit= (1..lms.MaxPageSize, default lms.DefaultPageSize) and
// ?cursor= (an opaque next_cursor of the previous page) and answers
// {"items":[...],"next_cursor"?}. The cursor carries an offset into the
// list's order.

// listPage parses ?limit= and ?cursor= into the page to show.
func listPage(r *http.Request) (lms.Page, error) {
	limit, offset, err := offsetPage(r)
	if err != nil {
		return lms.Page{}, err
	}
	return lms.Page{Limit: limit, Offset: offset}, nil
}

// withNext is the page to ask a store for: one item more than p shows, to
// tell whether a next page exists (see cutPage).
func withNext(p lms.Page) lms.Page { return lms.Page{Limit: p.Limit + 1, Offset: p.Offset} }

// cutPage takes the items a store returned for withNext(p) and returns the
// page to show and its next_cursor ("" on the last page).
func cutPage[T any](p lms.Page, items []T) ([]T, string) {
	items = orEmpty(items)
	if len(items) <= p.Limit {
		return items, ""
	}
	return items[:p.Limit], encodeCursor(int64(p.Offset + p.Limit))
}

// slicePage returns page p of a list the service answers whole (a course's
// rooms, filtered per caller, and its groups) and its next_cursor.
func slicePage[T any](p lms.Page, all []T) ([]T, string) {
	if p.Offset >= len(all) {
		return []T{}, ""
	}
	return cutPage(p, all[p.Offset:])
}

// pageByID runs list for the {id} in the path as the caller and returns
// the page ?limit= and ?cursor= ask for, with its next_cursor: the shape
// of the lists a service answers whole (a course's quizzes, a quiz's
// attempts).
func pageByID[T any](r *http.Request, list func(context.Context, *lms.User, int64) ([]T, error)) ([]T, string, error) {
	id, p, err := idAndPage(r)
	if err != nil {
		return nil, "", err
	}
	all, err := list(r.Context(), caller(r), id)
	if err != nil {
		return nil, "", err
	}
	items, next := slicePage(p, all)
	return items, next, nil
}

// storePageByID runs list for the {id} in the path with the page ?limit=
// and ?cursor= ask for (one item more, see withNext) and returns that page
// with its next_cursor: the shape of the lists a store pages (a course's
// announcements).
func storePageByID[T any](r *http.Request, list func(context.Context, *lms.User, int64, lms.Page) ([]T, error)) ([]T, string, error) {
	id, p, err := idAndPage(r)
	if err != nil {
		return nil, "", err
	}
	items, err := list(r.Context(), caller(r), id, withNext(p))
	if err != nil {
		return nil, "", err
	}
	items, next := cutPage(p, items)
	return items, next, nil
}

// idAndPage reads the {id} in the path and the page ?limit= and ?cursor=
// ask for.
func idAndPage(r *http.Request) (int64, lms.Page, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, lms.Page{}, err
	}
	p, err := listPage(r)
	return id, p, err
}
