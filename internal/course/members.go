package course

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// EnrollmentLister lists a course's enrolments a page at a time.
type EnrollmentLister interface {
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
}

// AllEnrollments returns every enrolment f matches (ordered by user id),
// reading page after page; f's Limit and Offset are ignored.
func AllEnrollments(ctx context.Context, st EnrollmentLister, f lms.EnrollmentFilter) ([]*lms.Enrollment, error) {
	var out []*lms.Enrollment
	for {
		f.Limit, f.Offset = lms.MaxPageSize, len(out)
		page, total, err := st.ListEnrollments(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) == 0 || len(out) >= total {
			return out, nil
		}
	}
}
