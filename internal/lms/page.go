package lms

// Page asks a store for one page of a list that can grow: at most Limit
// items after skipping Offset (the API's opaque cursor carries the offset).
// Unlike the filters' limits, Limit is not capped at MaxPageSize: the API
// checks the caller's limit and asks for one item more than it shows, to
// tell whether a next page exists.
type Page struct {
	Limit  int // at most this many; <= 0 means DefaultPageSize
	Offset int // skip this many; < 0 means 0
}

// Rows returns the LIMIT and OFFSET a store applies for p.
func (p Page) Rows() (limit, offset int) {
	limit = p.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	return limit, max(p.Offset, 0)
}
