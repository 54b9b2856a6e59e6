package course

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// lesson loads a lesson and the caller's access to its course. Learners do
// not see drafts (ENOTFOUND).
func loadLesson(ctx context.Context, c *core, st lessonStore, actor *lms.User, lessonID int64, act lms.CourseAction) (*lms.Lesson, *Access, error) {
	l, a, err := loadInCourse(ctx, c, actor, lessonID, act, "lesson", st.LessonByID, func(l *lms.Lesson) int64 { return l.CourseID })
	if err != nil {
		return nil, nil, err
	}
	if l.Draft && !a.Can(lms.ActViewDrafts) {
		return nil, nil, lms.Errorf(lms.ENOTFOUND, "lesson not found")
	}
	return l, a, nil
}

// states loads the course's lessons (without bodies) with their release
// state and the caller's progress.
func lessonStates(ctx context.Context, c *core, st lessonStore, a *Access) ([]*LessonState, map[int64]*lms.LessonProgress, error) {
	lessons, err := st.ListLessons(ctx, a.Course.ID, false)
	if err != nil {
		return nil, nil, err
	}
	rows, err := st.ListProgress(ctx, a.Course.ID, a.User.ID)
	if err != nil {
		return nil, nil, err
	}
	progress := map[int64]*lms.LessonProgress{}
	for _, p := range rows {
		progress[p.LessonID] = p
	}
	return release(lessons, progress, a.Can(lms.ActViewDrafts), c.now()), progress, nil
}

// lessonStore is what loadLesson and lessonStates read (Content, Progress
// and Uploads share them).
type lessonStore interface {
	LessonByID(ctx context.Context, id int64) (*lms.Lesson, error)
	ListLessons(ctx context.Context, courseID int64, withBody bool) ([]*lms.Lesson, error)
	ListProgress(ctx context.Context, courseID, userID int64) ([]*lms.LessonProgress, error)
}

// lessonVisible reports whether actor may see the lesson (a reference to
// an upload).
func (s *Content) lessonVisible(ctx context.Context, actor *lms.User, lessonID, _ int64) error {
	_, _, err := loadLesson(ctx, &s.core, s.store, actor, lessonID, lms.ActViewContent)
	return err
}

// CheckReleased returns nil when the lesson is released to actor: staff
// always; a learner once its release rules (available from, previous
// lesson completed) let them in. Otherwise it is the error opening the
// lesson gives: ENOTFOUND for a draft, EFORBIDDEN with the reason for a
// locked lesson. Other services (a quiz in the lesson) ask it before
// letting a learner in.
func (s *Content) CheckReleased(ctx context.Context, actor *lms.User, lessonID int64) error {
	l, a, err := loadLesson(ctx, &s.core, s.store, actor, lessonID, lms.ActViewContent)
	if err != nil {
		return err
	}
	states, _, err := lessonStates(ctx, &s.core, s.store, a)
	if err != nil {
		return err
	}
	for _, st := range states {
		if st.ID == l.ID && st.Locked {
			return lms.Errorf(lms.EFORBIDDEN, "This lesson is not available yet. %s", st.LockedReason)
		}
	}
	return nil
}
