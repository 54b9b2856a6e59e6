package store

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Catalog reads the course catalogue: the published courses marked listed,
// with what a catalogue card shows.
type Catalog interface {
	// ListCatalog returns the published, listed courses matching f (see
	// lms.CatalogFilter) ordered by lower-cased title, then id, and the total.
	ListCatalog(ctx context.Context, f lms.CatalogFilter) ([]*lms.Course, int, error)
	// CourseInstructors returns the active instructors of the given courses
	// ordered by course id, then user id, with Username and Name.
	CourseInstructors(ctx context.Context, courseIDs []int64) ([]*lms.Enrollment, error)
	// UserEnrollments returns the user's enrolments (any status) in the
	// given courses ordered by course id.
	UserEnrollments(ctx context.Context, userID int64, courseIDs []int64) ([]*lms.Enrollment, error)
}
