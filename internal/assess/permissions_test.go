package assess

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestPermissions walks every service method for every role: anonymous,
// outsider, learner, TA, instructor and site administrator.
func TestPermissions(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	q := f.add(tf("one", true))
	qz := f.quiz(nil, q)
	// A submitted attempt of learner2 for the grading rows.
	other := f.start(f.learner2, qz)
	_, err := f.svc.Submit(ctx, f.learner2, other.Attempt.ID)
	must(t, err)

	const (
		ok     = ""
		unauth = lms.EUNAUTHORIZED
		nf     = lms.ENOTFOUND
		forb   = lms.EFORBIDDEN
	)
	type row struct {
		name string
		call func(u *lms.User) error
		// want per role: anonymous, outsider, learner, ta, instructor, admin
		want [6]string
	}
	rows := []row{
		{"ListCategories", func(u *lms.User) error { _, err := f.svc.ListCategories(ctx, u, f.course.ID); return err },
			[6]string{unauth, nf, forb, ok, ok, ok}},
		{"CreateCategory", func(u *lms.User) error {
			return f.svc.CreateCategory(ctx, u, &lms.QuestionCategory{CourseID: f.course.ID, Name: "x"})
		}, [6]string{unauth, nf, forb, forb, ok, ok}},
		{"CreateQuestion", func(u *lms.User) error {
			x := tf("p", true)
			x.CategoryID = f.cat.ID
			return f.svc.CreateQuestion(ctx, u, x)
		},
			[6]string{unauth, nf, forb, forb, ok, ok}},
		{"GetQuestion", func(u *lms.User) error { _, err := f.svc.GetQuestion(ctx, u, q.ID); return err },
			[6]string{unauth, nf, forb, ok, ok, ok}},
		{"ListQuestions", func(u *lms.User) error {
			_, _, err := f.svc.ListQuestions(ctx, u, lms.QuestionFilter{CourseID: f.course.ID})
			return err
		}, [6]string{unauth, nf, forb, ok, ok, ok}},
		{"DuplicateQuestion", func(u *lms.User) error { _, err := f.svc.DuplicateQuestion(ctx, u, q.ID); return err },
			[6]string{unauth, nf, forb, forb, ok, ok}},
		{"PreviewGIFT", func(u *lms.User) error { _, err := f.svc.PreviewGIFT(ctx, u, f.cat.ID, []byte("Q {T}")); return err },
			[6]string{unauth, nf, forb, forb, ok, ok}},
		{"CreateQuiz", func(u *lms.User) error {
			return f.svc.CreateQuiz(ctx, u, &lms.Quiz{CourseID: f.course.ID, Title: "q", GradingMethod: lms.GradeLast,
				Behaviour: lms.BehaviourDeferred})
		}, [6]string{unauth, nf, forb, forb, ok, ok}},
		{"GetQuiz", func(u *lms.User) error { _, err := f.svc.GetQuiz(ctx, u, qz.ID); return err },
			[6]string{unauth, nf, ok, ok, ok, ok}},
		{"UpdateQuiz", func(u *lms.User) error { _, err := f.svc.UpdateQuiz(ctx, u, qz.ID, qz); return err },
			[6]string{unauth, nf, forb, forb, ok, ok}},
		{"PutOverride", func(u *lms.User) error {
			return f.svc.PutOverride(ctx, u, &lms.QuizOverride{QuizID: qz.ID, UserID: f.learner.ID, Attempts: 3})
		}, [6]string{unauth, nf, forb, forb, ok, ok}},
		{"ListOverrides", func(u *lms.User) error { _, err := f.svc.ListOverrides(ctx, u, qz.ID); return err },
			[6]string{unauth, nf, forb, ok, ok, ok}},
		{"StartAttempt", func(u *lms.User) error { _, err := f.svc.StartAttempt(ctx, u, qz.ID, ""); return err },
			[6]string{unauth, nf, ok, ok, ok, ok}},
		{"Attempt (another learner's)", func(u *lms.User) error { _, err := f.svc.Attempt(ctx, u, other.Attempt.ID); return err },
			[6]string{unauth, nf, nf, ok, ok, ok}},
		{"ListAttempts (everyone's)", func(u *lms.User) error { _, err := f.svc.ListAttempts(ctx, u, qz.ID, f.learner2.ID); return err },
			[6]string{unauth, nf, forb, ok, ok, ok}},
		{"Submit (another learner's)", func(u *lms.User) error { _, err := f.svc.Submit(ctx, u, other.Attempt.ID); return err },
			[6]string{unauth, nf, nf, forb, forb, forb}},
		{"GradeSlot", func(u *lms.User) error { _, err := f.svc.GradeSlot(ctx, u, other.Attempt.ID, 0, 1, ""); return err },
			[6]string{unauth, nf, nf, ok, ok, ok}},
		{"Regrade", func(u *lms.User) error { _, err := f.svc.Regrade(ctx, u, qz.ID, true); return err },
			[6]string{unauth, nf, forb, ok, ok, ok}},
	}
	roles := []struct {
		name string
		u    *lms.User
	}{{"anonymous", nil}, {"outsider", f.outsider}, {"learner", f.learner}, {"ta", f.ta}, {"instructor", f.instructor}, {"admin", f.admin}}
	for _, r := range rows {
		for i, role := range roles {
			t.Run(r.name+"/"+role.name, func(t *testing.T) {
				wantCode(t, r.call(role.u), r.want[i])
			})
		}
	}
}

// TestQuizInALockedLessonRefusesAStart: a quiz in a lesson its release
// rules hold back (a later date, the previous lesson not completed) or in
// a draft lesson refuses a learner's start, as opening the lesson would;
// staff may start it; once released, the learner may too.
func TestQuizInALockedLessonRefusesAStart(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	m := &lms.Module{CourseID: f.course.ID, Title: "M"}
	must(t, f.st.CreateModule(ctx, m))
	first := &lms.Lesson{ModuleID: m.ID, Title: "Read first", CompletionRule: lms.CompleteManual}
	must(t, f.st.CreateLesson(ctx, first))
	later := &lms.Lesson{ModuleID: m.ID, Title: "Later", AvailableFrom: t0.Add(time.Hour)}
	must(t, f.st.CreateLesson(ctx, later))
	chained := &lms.Lesson{ModuleID: m.ID, Title: "Chained", RequiresPrevious: true}
	must(t, f.st.CreateLesson(ctx, chained))
	draft := &lms.Lesson{ModuleID: m.ID, Title: "Draft", Draft: true}
	must(t, f.st.CreateLesson(ctx, draft))
	q := f.add(tf("a", true))
	in := func(l *lms.Lesson) *lms.Quiz { return f.quiz(func(qz *lms.Quiz) { qz.LessonID = l.ID }, q) }
	qLater, qChained, qDraft := in(later), in(chained), in(draft)

	for _, tc := range []struct {
		name string
		quiz *lms.Quiz
		code string
	}{{"later", qLater, lms.EFORBIDDEN}, {"chained", qChained, lms.EFORBIDDEN}, {"draft", qDraft, lms.ENOTFOUND}} {
		_, err := f.svc.StartAttempt(ctx, f.learner, tc.quiz.ID, "")
		if lms.ErrorCode(err) != tc.code {
			t.Errorf("%s: learner's start gave %v, want %s", tc.name, err, tc.code)
		}
		if _, err := f.svc.StartAttempt(ctx, f.instructor, tc.quiz.ID, ""); err != nil {
			t.Errorf("%s: the instructor may start it: %v", tc.name, err)
		}
	}
	if n, _ := f.st.ListAttempts(ctx, lms.AttemptFilter{UserID: f.learner.ID}); len(n) != 0 {
		t.Fatalf("refused starts left %d attempts", len(n))
	}

	// Released: the date passes; "Chained" follows "Later", so it opens once
	// "Later" is completed.
	f.clock.Advance(2 * time.Hour)
	f.start(f.learner, qLater)
	_, err := f.svc.StartAttempt(ctx, f.learner, qChained.ID, "")
	wantCode(t, err, lms.EFORBIDDEN)
	_, err = f.st.UpdateProgress(ctx, lms.ProgressUpdate{UserID: f.learner.ID, LessonID: later.ID, At: f.clock.Now(), Complete: true})
	must(t, err)
	f.start(f.learner, qChained)
}
