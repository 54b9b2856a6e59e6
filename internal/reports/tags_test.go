package reports_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/reports"
	"github.com/lyceumhq/lyceum/internal/store"
)

// TestCourseQuestionLessons: the bank's list reads every tagged question of
// a course with its lessons in one call (staff who see drafts); untagging
// drops the question; learners may not read them.
func TestCourseQuestionLessons(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		ctx := t.Context()
		must(w.svc.SetQuestionLessons(ctx, w.as("ins"), w.q1.ID, []int64{w.b.ID, w.a.ID})).of(t)
		got := must(w.svc.CourseQuestionLessons(ctx, w.as("ta"), w.course.ID)).of(t)
		want := []reports.FamilyLessons{{FamilyID: w.q1.FamilyID, LessonIDs: []int64{min(w.a.ID, w.b.ID), max(w.a.ID, w.b.ID)}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("tags (-want +got):\n%s", diff)
		}
		must(w.svc.SetQuestionLessons(ctx, w.as("ins"), w.q1.ID, nil)).of(t)
		if got := must(w.svc.CourseQuestionLessons(ctx, w.as("ins"), w.course.ID)).of(t); len(got) != 0 {
			t.Errorf("after untagging: %+v, want none", got)
		}
		_, err := w.svc.CourseQuestionLessons(ctx, w.as("l1"), w.course.ID)
		wantCode(t, err, lms.EFORBIDDEN)
	})
}
