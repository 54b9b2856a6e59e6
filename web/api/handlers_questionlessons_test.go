package api

import (
	"net/http"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// TestCourseQuestionLessonsRoute: the bank's list reads every tagged
// question's lessons in one call: staff see them, learners get 403,
// outsiders 404.
func TestCourseQuestionLessonsRoute(t *testing.T) {
	e := newCourseEnvWith(t, storetest.SQLite(t), withGrades(t))
	w := newWorld(t, e)
	inst := w.people[roleInstructor]
	A := "/api/v1/courses/" + id(w.a.ID)
	cat := decode[lms.QuestionCategory](t, e.do(t, inst.c, "POST", A+"/question-categories", lms.QuestionCategory{Name: "Unit 1"}).want(t, sNew))
	q := decode[lms.Question](t, e.do(t, inst.c, "POST", A+"/questions", tfQuestion(cat.ID, "Tagged", true)).want(t, sNew))
	e.do(t, inst.c, "PUT", "/api/v1/questions/"+id(q.ID)+"/lessons", QuestionLessons{LessonIDs: []int64{w.lesson.ID}}).want(t, http.StatusOK)

	got := decode[CourseQuestionLessonsList](t, e.do(t, w.people[roleTA].c, "GET", A+"/question-lessons", nil).want(t, http.StatusOK))
	if len(got.Items) != 1 || got.Items[0].FamilyID != q.FamilyID || len(got.Items[0].LessonIDs) != 1 || got.Items[0].LessonIDs[0] != w.lesson.ID {
		t.Errorf("tags %+v, want %d testing lesson %d", got.Items, q.FamilyID, w.lesson.ID)
	}
	e.do(t, w.people[roleLearner].c, "GET", A+"/question-lessons", nil).want(t, http.StatusForbidden)
	e.do(t, w.people[roleOutsider].c, "GET", A+"/question-lessons", nil).want(t, http.StatusNotFound)
}
