package course

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Access is who the caller is in one course and what they may do there:
// the answer of Loader.Load, shared by every service that acts inside a
// course.
type Access struct {
	User       *lms.User
	Course     *lms.Course
	Enrollment *lms.Enrollment // the caller's active enrolment; nil when not a member
	Role       lms.CourseRole  // "" when not an active member
}

// Can reports whether the caller may do act in the course.
func (a *Access) Can(act lms.CourseAction) bool { return lms.Can(a.User.IsAdmin(), a.Role, act) }

// Staff reports whether the caller moderates the course.
func (a *Access) Staff() bool { return a.Can(lms.ActModerate) }

// Writable refuses writes by non-staff in an archived course.
func (a *Access) Writable() error {
	if a.Course.Visibility == lms.CourseArchived && !a.Staff() {
		return lms.Errorf(lms.EFORBIDDEN, "This course is archived.")
	}
	return nil
}

// AccessStore is what a Loader reads.
type AccessStore interface {
	CourseByID(ctx context.Context, id int64) (*lms.Course, error)
	EnrollmentOf(ctx context.Context, courseID, userID int64) (*lms.Enrollment, error)
}

// Loader answers "who is this caller in this course" for every service
// that acts inside a course.
type Loader struct{ store AccessStore }

// NewLoader returns a Loader reading st.
func NewLoader(st AccessStore) *Loader { return &Loader{store: st} }

// Load checks that u may do act in the course and returns the access.
// Anonymous or disabled callers get EUNAUTHORIZED; outsiders (and learners
// of a draft course) get ENOTFOUND, so ids cannot be probed; members
// without the right get EFORBIDDEN.
func (l *Loader) Load(ctx context.Context, u *lms.User, courseID int64, act lms.CourseAction) (*Access, error) {
	if err := requireUser(u); err != nil {
		return nil, err
	}
	c, err := l.store.CourseByID(ctx, courseID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, errCourseNotFound()
	}
	if err != nil {
		return nil, err
	}
	a := &Access{User: u, Course: c}
	e, err := l.store.EnrollmentOf(ctx, courseID, u.ID)
	switch {
	case err == nil && e.Status == lms.EnrollActive:
		a.Enrollment, a.Role = e, e.Role
	case err != nil && !lms.IsCode(err, lms.ENOTFOUND):
		return nil, err
	}
	if !a.Can(lms.ActViewContent) || (c.Visibility == lms.CourseDraft && !a.Can(lms.ActViewDrafts)) {
		return nil, errCourseNotFound()
	}
	if !a.Can(act) {
		return nil, errForbidden()
	}
	return a, nil
}

// loadInCourse loads the thing id with get (what names it in errors) and
// checks that actor may do act in its course (courseOf): the first step of
// every method on something inside a course. A missing thing and an
// outsider get the same ENOTFOUND, so ids cannot be probed.
func loadInCourse[T any](ctx context.Context, c *core, actor *lms.User, id int64, act lms.CourseAction, what string,
	get func(context.Context, int64) (T, error), courseOf func(T) int64) (T, *Access, error) {
	var zero T
	if err := requireUser(actor); err != nil {
		return zero, nil, err
	}
	v, err := get(ctx, id)
	if err != nil {
		return zero, nil, hideMissing(err, what)
	}
	a, err := c.load(ctx, actor, courseOf(v), act)
	if err != nil {
		return zero, nil, hideMissing(err, what)
	}
	return v, a, nil
}
