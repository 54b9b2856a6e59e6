package assess

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
)

// leaks reports which of the secrets a learner-facing value holds.
func leaks(t *testing.T, v any) []string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	var out []string
	for _, s := range []string{"FB-true", "FB-false", "GENERAL", "right_answer", `"fraction"`, `"state":"correct"`, `"state":"wrong"`} {
		if strings.Contains(string(b), s) {
			out = append(out, s)
		}
	}
	return out
}

func TestReviewFollowsTheOptions(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	q := f.add(tf("one", true))
	qz := f.quiz(func(q *lms.Quiz) {
		q.ClosesAt = t0.Add(time.Hour)
		q.Review.After = lms.ReviewOptions{}
		q.Review.Closed = allOptions
	}, q)
	att := f.start(f.learner, qz)
	_, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 0, f.right(att, 0))
	must(t, err)
	during, err := f.svc.Attempt(ctx, f.learner, att.Attempt.ID)
	must(t, err)
	if l := leaks(t, during); len(l) > 0 {
		t.Fatalf("during a deferred attempt the learner receives %v", l)
	}
	after, err := f.svc.Submit(ctx, f.learner, att.Attempt.ID)
	must(t, err)
	if l := leaks(t, after); len(l) > 0 || !after.MarksHidden || after.Attempt.Points != 0 {
		t.Fatalf("after submission (options: nothing) the learner receives %v, points %v", l, after.Attempt.Points)
	}
	list, err := f.svc.ListAttempts(ctx, f.learner, qz.ID, 0)
	must(t, err)
	if list[0].Points != 0 {
		t.Fatalf("the attempt list shows marks %v", list[0].Points)
	}
	f.runDue(f.svc, JobReport)
	if r, ok := f.book.last(f.learner.ID); !ok || r.Released {
		t.Fatalf("report %+v (%v): want one, unreleased (the marks are hidden)", r, ok)
	}
	staff, err := f.svc.Attempt(ctx, f.ta, att.Attempt.ID)
	must(t, err)
	if staff.MarksHidden || staff.Slots[0].Review.RightAnswer == nil || staff.Slots[0].Review.GeneralFeedbackMD != "GENERAL" {
		t.Fatalf("staff see everything: %+v", staff.Slots[0].Review)
	}
	_, err = f.svc.Attempt(ctx, f.learner2, att.Attempt.ID)
	wantCode(t, err, lms.ENOTFOUND)
	f.clock.Advance(time.Hour)
	closed, err := f.svc.Attempt(ctx, f.learner, att.Attempt.ID)
	must(t, err)
	rev := closed.Slots[0].Review
	if closed.MarksHidden || closed.Attempt.Points != 1 || rev.RightAnswer == nil || rev.GeneralFeedbackMD != "GENERAL" ||
		rev.State != question.StateCorrect || len(rev.Parts) == 0 || rev.Parts[0].FeedbackMD != "FB-true" {
		t.Fatalf("after close (options: all): %+v %+v", closed.Attempt, rev)
	}
}

func TestImmediateAndInteractiveTries(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	q := everyType(t)[0] // single: Paris / Lyon
	q.Hints = []string{"HINT-1", "HINT-2"}
	q.TryPenalty = 0.25
	f.add(q)
	wrongOf := func(v *AttemptView) lms.Response {
		right := f.right(v, 0)
		for _, c := range v.Slots[0].View.Choices {
			if c.ID != right.Choices[0] {
				return lms.Response{Choices: []string{c.ID}}
			}
		}
		t.Fatal("no wrong choice")
		return lms.Response{}
	}
	t.Run("interactive: hint after a wrong try, penalty per extra try", func(t *testing.T) {
		qz := f.quiz(func(q *lms.Quiz) {
			q.Behaviour = lms.BehaviourInteractive
			q.Review.During = lms.ReviewOptions{Correctness: true, Marks: true}
			q.Review.After = allOptions
		}, q)
		att := f.start(f.learner, qz)
		sv, err := f.svc.CheckAnswer(ctx, f.learner, att.Attempt.ID, 0, wrongOf(att))
		must(t, err)
		if sv.HintMD != "HINT-1" || sv.TriesLeft != 2 || sv.Finished || sv.Review.State != question.StateWrong ||
			sv.Review.RightAnswer != nil || sv.Review.GeneralFeedbackMD != "" || sv.Review.Parts[0].FeedbackMD != "" {
			t.Fatalf("after a wrong try: %+v %+v", sv, sv.Review)
		}
		sv, err = f.svc.CheckAnswer(ctx, f.learner, att.Attempt.ID, 0, f.right(att, 0))
		must(t, err)
		if !sv.Finished || sv.HintMD != "" || *sv.Points != 0.75 {
			t.Fatalf("after the right try: %+v", sv)
		}
		_, err = f.svc.CheckAnswer(ctx, f.learner, att.Attempt.ID, 0, wrongOf(att))
		wantCode(t, err, lms.ECONFLICT)
		done, err := f.svc.Submit(ctx, f.learner, att.Attempt.ID)
		must(t, err)
		if done.Attempt.Points != 0.75 {
			t.Fatalf("interactive mark %v, want 0.75", done.Attempt.Points)
		}
	})
	t.Run("immediate: one check, graded at once", func(t *testing.T) {
		qz := f.quiz(func(q *lms.Quiz) { q.Behaviour = lms.BehaviourImmediate }, q)
		att := f.start(f.learner2, qz)
		sv, err := f.svc.CheckAnswer(ctx, f.learner2, att.Attempt.ID, 0, wrongOf(att))
		must(t, err)
		if !sv.Finished || sv.Review == nil || sv.Review.State != "" {
			t.Fatalf("checked with no during options: %+v", sv)
		}
		_, err = f.svc.SaveAnswer(ctx, f.learner2, att.Attempt.ID, 0, f.right(att, 0))
		wantCode(t, err, lms.ECONFLICT)
		done, err := f.svc.Submit(ctx, f.learner2, att.Attempt.ID)
		must(t, err)
		a, err := f.st.AttemptByID(ctx, done.Attempt.ID)
		must(t, err)
		if a.Points != 0 {
			t.Fatalf("immediate mark %v, want 0 (the checked answer was wrong)", a.Points)
		}
	})
}

func TestRegradeDryRunThenApply(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	q := f.add(tf("wrong key", false)) // the key is wrong: the truth is true
	qz := f.quiz(func(q *lms.Quiz) { q.Review.After = allOptions }, q)
	att := f.start(f.learner, qz)
	yes := true
	_, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 0, lms.Response{Bool: &yes})
	must(t, err)
	_, err = f.svc.Submit(ctx, f.learner, att.Attempt.ID)
	must(t, err)
	f.runDue(f.svc, JobReport)
	if r, ok := f.book.last(f.learner.ID); !ok || r.Points != 0 {
		t.Fatalf("before the fix: %v points", r.Points)
	}
	fixed := *q
	fixed.Body.TrueFalse = &lms.TrueFalseBody{Answer: true}
	v2, err := f.svc.UpdateQuestion(ctx, f.instructor, q.ID, &fixed)
	must(t, err)
	if v2.ID == q.ID || v2.Version != 2 || v2.FamilyID != q.FamilyID {
		t.Fatalf("editing a question an attempt used must make a new version: %+v", v2)
	}
	_, err = f.svc.UpdateQuestion(ctx, f.instructor, q.ID, &fixed)
	wantCode(t, err, lms.ECONFLICT) // not the latest version any more
	_, err = f.svc.Regrade(ctx, f.learner, qz.ID, true)
	wantCode(t, err, lms.EFORBIDDEN)
	dry, err := f.svc.Regrade(ctx, f.ta, qz.ID, true)
	must(t, err)
	if len(dry.Changes) != 1 || dry.Changes[0].OldPoints != 0 || dry.Changes[0].NewPoints != 1 || dry.Upgraded != 1 {
		t.Fatalf("dry run: %+v", dry)
	}
	a, err := f.st.AttemptByID(ctx, att.Attempt.ID)
	must(t, err)
	if a.Points != 0 {
		t.Fatal("a dry run changed the attempt")
	}
	applied, err := f.svc.Regrade(ctx, f.ta, qz.ID, false)
	must(t, err)
	if len(applied.Changes) != 1 {
		t.Fatalf("apply: %+v", applied)
	}
	a, err = f.st.AttemptByID(ctx, att.Attempt.ID)
	must(t, err)
	if r, _ := f.book.last(f.learner.ID); a.Points != 1 || r.Points != 1 {
		t.Fatalf("after the regrade: attempt %v, gradebook %v", a.Points, r.Points)
	}
	again, err := f.svc.Regrade(ctx, f.ta, qz.ID, true)
	must(t, err)
	if len(again.Changes) != 0 {
		t.Fatalf("a second regrade changes %+v", again.Changes)
	}
}

func TestGradingMethodsAndQuizPassedCompletesTheLesson(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	m := &lms.Module{CourseID: f.course.ID, Title: "M"}
	must(t, f.st.CreateModule(ctx, m))
	l := &lms.Lesson{ModuleID: m.ID, Title: "Quiz", CompletionRule: lms.CompleteQuizPassed}
	must(t, f.st.CreateLesson(ctx, l))
	q1, q2 := f.add(tf("a", true)), f.add(tf("b", true))
	for _, tc := range []struct {
		method lms.GradingMethod
		want   float64 // points after attempts scoring 2, then 0
	}{{lms.GradeHighest, 2}, {lms.GradeLast, 0}, {lms.GradeFirst, 2}, {lms.GradeAverage, 1}} {
		qz := f.quiz(func(q *lms.Quiz) { q.GradingMethod, q.LessonID, q.PassPercent = tc.method, l.ID, 100 }, q1, q2)
		for _, right := range []bool{true, false} {
			att := f.start(f.learner, qz)
			if right {
				for i := range 2 {
					_, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, i, f.right(att, i))
					must(t, err)
				}
			}
			_, err := f.svc.Submit(ctx, f.learner, att.Attempt.ID)
			must(t, err)
		}
		f.runDue(f.svc, JobReport)
		if r, _ := f.book.last(f.learner.ID); r.Points != tc.want || r.MaxPoints != 2 {
			t.Errorf("%s: reported %v of %v, want %v", tc.method, r.Points, r.MaxPoints, tc.want)
		}
	}
	p, err := f.st.LessonProgressOf(ctx, f.learner.ID, l.ID)
	must(t, err)
	if !p.Completed() {
		t.Fatal("passing the quiz completes its quiz_passed lesson")
	}
}

func TestRandomSlotsDrawPerAttempt(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	pool := &lms.QuestionCategory{CourseID: f.course.ID, ParentID: f.cat.ID, Name: "Pool"}
	must(t, f.svc.CreateCategory(ctx, f.instructor, pool))
	for i := range 6 {
		q := tf(strings.Repeat("x", i+1), true)
		q.CategoryID = pool.ID
		must(t, f.svc.CreateQuestion(ctx, f.instructor, q))
	}
	qz := f.quiz(func(q *lms.Quiz) { q.Slots = []lms.QuizSlot{{CategoryID: pool.ID, Count: 3, Points: 2}} })
	a1, a2 := f.start(f.learner, qz), f.start(f.learner2, qz)
	if len(a1.Slots) != 3 || a1.Attempt.MaxPoints != 6 {
		t.Fatalf("attempt: %d slots, max %v", len(a1.Slots), a1.Attempt.MaxPoints)
	}
	s1, _ := f.st.AttemptSlots(ctx, a1.Attempt.ID)
	s2, _ := f.st.AttemptSlots(ctx, a2.Attempt.ID)
	seen := map[int64]bool{}
	for _, s := range s1 {
		if seen[s.QuestionID] {
			t.Fatal("a question drawn twice")
		}
		seen[s.QuestionID] = true
	}
	same := s1[0].QuestionID == s2[0].QuestionID && s1[1].QuestionID == s2[1].QuestionID && s1[2].QuestionID == s2[2].QuestionID
	if same {
		t.Log("two learners drew the same questions in the same order (possible, 1 in 120)")
	}
	big := f.quiz(func(q *lms.Quiz) { q.Slots = []lms.QuizSlot{{CategoryID: pool.ID, Count: 7, Points: 1}} })
	_, err := f.svc.StartAttempt(ctx, f.learner, big.ID, "")
	wantCode(t, err, lms.EINVALID)
}

// TestQuestionMarkdownIsRenderedSafely: stems, choices, feedback and
// general feedback come with their Markdown rendered and sanitised as
// lessons' are (scripts and event handlers gone), next to the source kept
// verbatim; the bank editor's preview too.
func TestQuestionMarkdownIsRenderedSafely(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	evil := `<script>alert(1)</script><img src="x" onerror="alert(2)">`
	q := f.add(&lms.Question{Type: lms.QSingle, Title: "md", DefaultPoints: 1,
		TextMD: "Which is **bold**? " + evil, GeneralFeedbackMD: "See *chapter 2*. " + evil,
		Body: lms.QuestionBody{Choice: &lms.ChoiceBody{Choices: []lms.Choice{
			{ID: "a", TextMD: "`code`", Fraction: 1, FeedbackMD: "_right_"},
			{ID: "b", TextMD: "plain " + evil, Fraction: 0}}}}})
	qz := f.quiz(func(q *lms.Quiz) {
		q.Review.After = lms.ReviewOptions{Correctness: true, Feedback: true, GeneralFeedback: true}
	}, q)
	att := f.start(f.learner, qz)
	safe := func(what, got, want string) {
		t.Helper()
		if !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to contain %q", what, got, want)
		}
		for _, bad := range []string{"<script", "onerror", "alert(1)"} {
			if strings.Contains(got, bad) {
				t.Errorf("%s: %q keeps %q", what, got, bad)
			}
		}
	}
	v := att.Slots[0].View
	safe("stem", v.TextHTML, "<strong>bold</strong>")
	if !strings.Contains(v.TextMD, evil) {
		t.Errorf("the source is not kept verbatim: %q", v.TextMD)
	}
	html := map[string]string{}
	for _, c := range v.Choices {
		html[c.Text] = c.HTML
	}
	safe("choice a", html["`code`"], "<code>code</code>")
	safe("choice b", html["plain "+evil], "plain")

	_, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 0, f.right(att, 0))
	must(t, err)
	done, err := f.svc.Submit(ctx, f.learner, att.Attempt.ID)
	must(t, err)
	rev := done.Slots[0].Review
	if rev == nil {
		t.Fatal("no review after submitting")
	}
	safe("general feedback", rev.GeneralFeedbackHTML, "<em>chapter 2</em>")
	fb := ""
	for _, p := range rev.Parts {
		fb += p.FeedbackHTML
	}
	safe("choice feedback", fb, "<em>right</em>")

	pv, err := f.svc.PreviewQuestion(ctx, f.instructor, f.course.ID, q, 0)
	must(t, err)
	safe("preview", pv.TextHTML, "<strong>bold</strong>")
}
