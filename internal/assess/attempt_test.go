package assess

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// everyType returns one valid question of every type.
func everyType(t *testing.T) []*lms.Question {
	t.Helper()
	read := func(js string) *lms.Question {
		var q lms.Question
		if err := json.Unmarshal([]byte(js), &q); err != nil {
			t.Fatal(err)
		}
		return &q
	}
	return []*lms.Question{
		read(`{"type":"single","title":"S","text_md":"Capital?","default_points":1,"body":{"choice":{"shuffle":true,"choices":[{"id":"p","text_md":"Paris","fraction":1},{"id":"l","text_md":"Lyon","fraction":0}]}}}`),
		read(`{"type":"multiple","title":"M","text_md":"Primes?","default_points":1,"body":{"choice":{"shuffle":true,"choices":[{"id":"a","text_md":"2","fraction":0.5},{"id":"b","text_md":"3","fraction":0.5},{"id":"c","text_md":"4","fraction":-1}]}}}`),
		tf("TF", true),
		read(`{"type":"shortanswer","title":"SA","text_md":"Who?","default_points":1,"body":{"shortanswer":{"answers":[{"id":"a1","pattern":"Shake*","fraction":1}]}}}`),
		read(`{"type":"numerical","title":"N","text_md":"How long?","default_points":1,"body":{"numerical":{"answers":[{"id":"a1","kind":"exact","value":400,"tolerance":0.5,"fraction":1}]}}}`),
		read(`{"type":"matching","title":"Ma","text_md":"Match.","default_points":1,"body":{"matching":{"shuffle":true,"pairs":[{"id":"p1","stem_md":"Canada","answer":"Ottawa"},{"id":"p2","stem_md":"Italy","answer":"Rome"}]}}}`),
		read(`{"type":"ordering","title":"O","text_md":"Order.","default_points":1,"body":{"ordering":{"items":[{"id":"i1","text_md":"A"},{"id":"i2","text_md":"B"},{"id":"i3","text_md":"C"}]}}}`),
		read(`{"type":"blanks","title":"B","text_md":"[[city]] is in [[country]].","default_points":2,"body":{"blanks":{"gaps":[{"id":"city","kind":"text","weight":1,"text":{"answers":[{"id":"a1","pattern":"Berlin","fraction":1}]}},{"id":"country","kind":"dropdown","weight":1,"dropdown":{"choices":[{"id":"o1","text_md":"Germany","fraction":1},{"id":"o2","text_md":"France","fraction":0}]}}]}}}`),
		read(`{"type":"calculated","title":"C","text_md":"{m} kg at {a} m/s²?","default_points":1,"body":{"calculated":{"variables":[{"name":"m","min":1,"max":20,"decimals":1},{"name":"a","min":1,"max":9,"decimals":1}],"answers":[{"id":"a1","formula":"{m} * {a}","fraction":1,"tolerance":0.01,"tolerance_kind":"relative","format":"significant","digits":4}]}}}`),
		read(`{"type":"essay","title":"E","text_md":"Reflect.","default_points":5,"body":{"essay":{}}}`),
		read(`{"type":"description","title":"D","text_md":"Read this.","default_points":0,"body":{}}`),
	}
}

func TestEveryTypeIsGradedEndToEnd(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	var qs []*lms.Question
	for _, q := range everyType(t) {
		qs = append(qs, f.add(q))
	}
	qz := f.quiz(func(q *lms.Quiz) { q.Review.After = allOptions }, qs...)
	att := f.start(f.learner, qz)
	if len(att.Slots) != len(qs) {
		t.Fatalf("%d slots, want %d", len(att.Slots), len(qs))
	}
	for i, q := range qs {
		var r lms.Response
		switch q.Type {
		case lms.QDescription:
			continue
		case lms.QEssay:
			r = lms.Response{Text: "My <b>essay</b>'; DROP TABLE attempts; --"}
		default:
			r = f.right(att, i)
		}
		if _, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, i, r); err != nil {
			t.Fatalf("%s: %v", q.Type, err)
		}
	}
	done, err := f.svc.Submit(ctx, f.learner, att.Attempt.ID)
	must(t, err)
	for i, q := range qs {
		want := question.StateCorrect
		switch q.Type {
		case lms.QEssay:
			want = question.StateNeedsGrading
		case lms.QDescription:
			want = question.StateInfo
		}
		if got := done.Slots[i].Review.State; got != want {
			t.Errorf("%s: state %q, want %q", q.Type, got, want)
		}
	}
	if !done.Attempt.NeedsGrading || done.Attempt.MaxPoints != 15 || done.Attempt.Points != 10 {
		t.Fatalf("before the essay is graded: %+v", done.Attempt)
	}
	f.runDue(f.svc, JobReport)
	if _, ok := f.book.last(f.learner.ID); ok {
		t.Fatal("an attempt waiting for hand grading must not be reported")
	}
	essay := 9
	wantCode(t, func() error { _, err := f.svc.GradeSlot(ctx, f.ta, att.Attempt.ID, essay, 6, ""); return err }(), lms.EINVALID)
	wantCode(t, func() error { _, err := f.svc.GradeSlot(ctx, f.ta, att.Attempt.ID, essay, -1, ""); return err }(), lms.EINVALID)
	wantCode(t, func() error { _, err := f.svc.GradeSlot(ctx, f.learner, att.Attempt.ID, essay, 5, ""); return err }(), lms.EFORBIDDEN)
	graded, err := f.svc.GradeSlot(ctx, f.ta, att.Attempt.ID, essay, 4, "Good <i>work</i>")
	must(t, err)
	if graded.NeedsGrading || graded.Points != 14 {
		t.Fatalf("after grading: %+v", graded)
	}
	r, ok := f.book.last(f.learner.ID)
	if !ok || r.Points != 14 || r.MaxPoints != 15 || r.Source != lms.GradeQuiz || r.SourceID != qz.ID || !r.Released {
		t.Fatalf("gradebook report %+v (ok %v)", r, ok)
	}
	back, err := f.st.AttemptSlots(ctx, att.Attempt.ID)
	must(t, err)
	if back[essay].Response.Text != "My <b>essay</b>'; DROP TABLE attempts; --" || back[essay].Comment != "Good <i>work</i>" {
		t.Fatalf("texts not stored verbatim: %+v", back[essay])
	}
}

func TestDeadlineRefusesAnswersAndTheJobSubmits(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	q1, q2 := f.add(tf("one", true)), f.add(tf("two", false))
	qz := f.quiz(func(q *lms.Quiz) { q.TimeLimitSeconds = 60; q.ClosesAt = t0.Add(time.Hour) }, q1, q2)
	att := f.start(f.learner, qz)
	if want := t0.Add(time.Minute); !att.Attempt.Deadline.Equal(want) {
		t.Fatalf("deadline %v, want %v", att.Attempt.Deadline, want)
	}
	j, ok := f.jobs.get(autoSubmitKey(att.Attempt.ID))
	if !ok || j.Kind != JobAutoSubmit || !j.At.Equal(att.Attempt.Deadline) {
		t.Fatalf("auto-submit job %+v (scheduled %v)", j, ok)
	}
	_, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 0, f.right(att, 0))
	must(t, err)
	wantCode(t, f.svc.HandleJob(ctx, j.Kind, j.Payload), lms.EUNAVAILABLE) // not due yet
	f.clock.Advance(time.Minute)
	_, err = f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 1, f.right(att, 1))
	wantCode(t, err, lms.EFORBIDDEN)
	// No browser: the job runs on a new service instance (another node, or after a restart).
	must(t, f.service().HandleJob(ctx, j.Kind, j.Payload))
	must(t, f.service().HandleJob(ctx, j.Kind, j.Payload)) // a second run changes nothing
	a, err := f.st.AttemptByID(ctx, att.Attempt.ID)
	must(t, err)
	if a.State != lms.AttemptSubmitted || !a.AutoSubmitted || a.Points != 1 || a.MaxPoints != 2 {
		t.Fatalf("after the deadline: %+v", a)
	}
	_, err = f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 1, f.right(att, 1))
	wantCode(t, err, lms.ECONFLICT)
	if n := f.runDue(f.service(), JobReport); n != 1 {
		t.Fatalf("%d grade report jobs ran after the auto-submission, want 1", n)
	}
	if r, ok := f.book.last(f.learner.ID); !ok || r.Points != 1 {
		t.Fatalf("report %+v (%v)", r, ok)
	}
}

func TestTwoTabsSubmittingAtOnceCountOnce(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { twoTabs(t, newFixture(t)) })
	t.Run("postgres", func(t *testing.T) { twoTabs(t, newFixtureOn(t, storetest.Postgres(t))) })
}

func twoTabs(t *testing.T, f *fixture) {
	ctx := t.Context()
	q := f.add(tf("one", true))
	qz := f.quiz(func(q *lms.Quiz) { q.TimeLimitSeconds = 600 }, q)
	att := f.start(f.learner, qz)
	_, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 0, f.right(att, 0))
	must(t, err)
	tabs := []*Service{f.svc, f.service()}
	var wg sync.WaitGroup
	views := make([]*AttemptView, len(tabs))
	for i, s := range tabs {
		wg.Go(func() {
			v, err := s.Submit(ctx, f.learner, att.Attempt.ID)
			if err != nil {
				t.Errorf("tab %d: %v", i, err)
			}
			views[i] = v
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if n := f.jobs.cancels[autoSubmitKey(att.Attempt.ID)]; n != 1 {
		t.Fatalf("the attempt was finished %d times, want once", n)
	}
	for i, v := range views {
		if v.Attempt.State != lms.AttemptSubmitted || v.Attempt.Number != 1 {
			t.Fatalf("tab %d: %+v", i, v.Attempt)
		}
	}
	list, err := f.svc.ListAttempts(ctx, f.learner, qz.ID, 0)
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("%d attempts, want 1", len(list))
	}
}

func TestAttemptsAllowedAndOverrides(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	q := f.add(tf("one", true))
	qz := f.quiz(func(q *lms.Quiz) { q.AttemptsAllowed = 1; q.AccessCode = "open sesame" }, q)
	_, err := f.svc.StartAttempt(ctx, f.learner, qz.ID, "wrong")
	wantCode(t, err, lms.EFORBIDDEN)
	att, err := f.svc.StartAttempt(ctx, f.learner, qz.ID, "open sesame")
	must(t, err)
	again, err := f.svc.StartAttempt(ctx, f.learner, qz.ID, "")
	must(t, err)
	if again.Attempt.ID != att.Attempt.ID {
		t.Fatalf("starting again while one is open resumes it: got %d, want %d", again.Attempt.ID, att.Attempt.ID)
	}
	_, err = f.svc.Submit(ctx, f.learner, att.Attempt.ID)
	must(t, err)
	_, err = f.svc.StartAttempt(ctx, f.learner, qz.ID, "open sesame")
	wantCode(t, err, lms.EFORBIDDEN)
	must(t, f.svc.PutOverride(ctx, f.instructor, &lms.QuizOverride{QuizID: qz.ID, UserID: f.learner.ID, Attempts: 2, TimeLimitSeconds: 90}))
	second, err := f.svc.StartAttempt(ctx, f.learner, qz.ID, "open sesame")
	must(t, err)
	if second.Attempt.Number != 2 || !second.Attempt.Deadline.Equal(t0.Add(90*time.Second)) {
		t.Fatalf("second attempt %+v", second.Attempt)
	}
	got, err := f.svc.GetQuiz(ctx, f.learner, qz.ID)
	must(t, err)
	if got.AccessCode != "" || !got.HasAccessCode {
		t.Fatalf("a learner sees the access code: %+v", got)
	}
	// Closed and hidden quizzes.
	closed := f.quiz(func(q *lms.Quiz) { q.ClosesAt = t0 }, q)
	_, err = f.svc.StartAttempt(ctx, f.learner, closed.ID, "")
	wantCode(t, err, lms.EFORBIDDEN)
	future := f.quiz(func(q *lms.Quiz) { q.OpensAt = t0.Add(time.Hour) }, q)
	_, err = f.svc.StartAttempt(ctx, f.learner, future.ID, "")
	wantCode(t, err, lms.EFORBIDDEN)
	draft := f.quiz(func(q *lms.Quiz) { q.Draft = true }, q)
	_, err = f.svc.StartAttempt(ctx, f.learner, draft.ID, "")
	wantCode(t, err, lms.ENOTFOUND)
}

func TestAutosaveSurvivesAReload(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	qs := everyType(t)
	for _, q := range qs {
		f.add(q)
	}
	qz := f.quiz(func(q *lms.Quiz) { q.ShuffleQuestions, q.ShuffleAnswers = true, true }, qs...)
	att := f.start(f.learner, qz)
	saved := map[int]lms.Response{}
	for i, sv := range att.Slots {
		if sv.View.Type == lms.QDescription {
			continue
		}
		r := lms.Response{Text: "typed <b>draft</b>"}
		if sv.View.Type != lms.QEssay {
			r = f.right(att, i)
		}
		_, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, i, r)
		must(t, err)
		saved[i] = r
	}
	_, err := f.svc.Flag(ctx, f.learner, att.Attempt.ID, 3, true)
	must(t, err)
	// A reload on another node: a new service over the same database.
	v, err := f.service().Attempt(ctx, f.learner, att.Attempt.ID)
	must(t, err)
	for i, r := range saved {
		if !sameResponse(*v.Slots[i].Response, r) {
			t.Errorf("slot %d: reloaded %+v, saved %+v", i, v.Slots[i].Response, r)
		}
		if d, _ := json.Marshal(v.Slots[i].View); string(d) != mustJSON(t, att.Slots[i].View) {
			t.Errorf("slot %d: the view changed on reload", i)
		}
	}
	if len(v.Flagged) != 1 || v.Flagged[0] != 3 || len(v.Unanswered) != 0 {
		t.Fatalf("summary: flagged %v unanswered %v", v.Flagged, v.Unanswered)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}

func TestBadAnswersAreRefused(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	sa := f.add(&lms.Question{Type: lms.QShortAnswer, Title: "<b>t</b>'; DROP TABLE questions; --", TextMD: "<script>x</script>",
		DefaultPoints: 1, Body: lms.QuestionBody{ShortAnswer: &lms.ShortAnswerBody{Answers: []lms.TextAnswer{{Pattern: "x", Fraction: 1}}}}})
	back, err := f.svc.GetQuestion(ctx, f.instructor, sa.ID)
	must(t, err)
	if back.Title != "<b>t</b>'; DROP TABLE questions; --" || back.TextMD != "<script>x</script>" {
		t.Fatalf("not stored verbatim: %q %q", back.Title, back.TextMD)
	}
	single := f.add(everyType(t)[0])
	qz := f.quiz(nil, sa, single)
	att := f.start(f.learner, qz)
	for name, tc := range map[string]struct {
		slot int
		r    lms.Response
		code string
	}{
		"a question not in the attempt":    {5, lms.Response{Text: "x"}, lms.EINVALID},
		"a negative slot":                  {-1, lms.Response{Text: "x"}, lms.EINVALID},
		"an answer over 10 kB":             {0, lms.Response{Text: strings.Repeat("x", 11<<10)}, lms.ETOOLARGE},
		"a field of another type":          {0, lms.Response{Choices: []string{"p"}}, lms.EINVALID},
		"a stored id, not a presented one": {1, lms.Response{Choices: []string{"p"}}, lms.EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, tc.slot, tc.r)
			wantCode(t, err, tc.code)
		})
	}
	weird := "<img src=x onerror=alert(1)>'; DROP TABLE attempt_slots; --"
	_, err = f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 0, lms.Response{Text: weird})
	must(t, err)
	v, err := f.svc.Attempt(ctx, f.learner, att.Attempt.ID)
	must(t, err)
	if v.Slots[0].Response.Text != weird {
		t.Fatalf("answer %q, want it verbatim", v.Slots[0].Response.Text)
	}
	_, err = f.svc.SaveAnswer(ctx, f.learner2, att.Attempt.ID, 0, lms.Response{Text: "x"})
	wantCode(t, err, lms.ENOTFOUND)
	_, err = f.svc.Submit(ctx, f.instructor, att.Attempt.ID)
	wantCode(t, err, lms.EFORBIDDEN)
	err = f.svc.CreateQuiz(ctx, f.instructor, &lms.Quiz{CourseID: f.course.ID, Title: "neg", GradingMethod: lms.GradeLast,
		Behaviour: lms.BehaviourDeferred, Slots: []lms.QuizSlot{{FamilyID: sa.FamilyID, Points: -1}}})
	wantCode(t, err, lms.EINVALID)
}

// countingAnnouncer counts the gradebook's announcements per learner.
type countingAnnouncer struct {
	mu     sync.Mutex
	byUser map[int64]int // guarded by mu
}

func (a *countingAnnouncer) GradeChanged(_ context.Context, _, userID, _ int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.byUser[userID]++
	return nil
}

func (a *countingAnnouncer) count(userID int64) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.byUser[userID]
}

// realGradebook returns the real gradebook over the fixture's store, with
// its announcements counted.
func (f *fixture) realGradebook() (*grades.Service, *countingAnnouncer) {
	ann := &countingAnnouncer{byUser: map[int64]int{}}
	book, err := grades.New(grades.Params{Store: grades.FromStore(f.st), Access: course.NewLoader(f.st), Announcer: ann,
		Logger: zerolog.Nop(), Clock: f.clock.Now})
	must(f.t, err)
	return book, ann
}

// serviceWith returns a Service over the fixture's store reporting to book,
// its jobs scheduled by jobs (nil: none).
func (f *fixture) serviceWith(book Gradebook, jobs func(Data) Scheduler) *Service {
	s, err := New(Params{Store: FromStore(f.st), Access: course.NewLoader(f.st), Logger: zerolog.Nop(),
		Jobs: jobs, Gradebook: book, Clock: f.clock.Now})
	must(f.t, err)
	return s
}

// TestMarksHiddenUntilTheQuizClosesAreReleasedOnce: a quiz that shows
// marks only once it closes reports its grades unreleased; the release job
// is scheduled at the close time (rescheduled when it moves, cancelled
// when marks no longer wait), refuses to run early, and at the close
// releases every learner's grade in the real gradebook: one announcement
// per learner (the notification and the live gradebook update), none more
// when the job runs again on another instance.
func TestMarksHiddenUntilTheQuizClosesAreReleasedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	book, ann := f.realGradebook()
	service := func() *Service { return f.serviceWith(book, func(Data) Scheduler { return f.jobs }) }
	svc := service()
	q1 := f.add(tf("one", true))
	later := lms.ReviewOptions{Correctness: true, Marks: true}
	qz := &lms.Quiz{CourseID: f.course.ID, Title: "Closing", GradingMethod: lms.GradeHighest, Behaviour: lms.BehaviourDeferred,
		ClosesAt: t0.Add(2 * time.Hour), Review: lms.QuizReview{After: lms.ReviewOptions{Correctness: true}, Closed: later},
		Slots: []lms.QuizSlot{{FamilyID: q1.FamilyID}}}
	must(t, svc.CreateQuiz(ctx, f.instructor, qz))
	if j, ok := f.jobs.get(releaseKey(qz.ID)); !ok || j.Kind != JobRelease || !j.At.Equal(qz.ClosesAt) {
		t.Fatalf("release job %+v (scheduled %v), want at the close", j, ok)
	}
	moved := *qz
	moved.ClosesAt = t0.Add(time.Hour)
	_, err := svc.UpdateQuiz(ctx, f.instructor, qz.ID, &moved)
	must(t, err)
	j, ok := f.jobs.get(releaseKey(qz.ID))
	if !ok || !j.At.Equal(moved.ClosesAt) {
		t.Fatalf("after moving the close: job %+v (%v)", j, ok)
	}

	for _, u := range []*lms.User{f.learner, f.learner2} {
		att, err := svc.StartAttempt(ctx, u, qz.ID, "")
		must(t, err)
		_, err = svc.SaveAnswer(ctx, u, att.Attempt.ID, 0, f.right(att, 0))
		must(t, err)
		_, err = svc.Submit(ctx, u, att.Attempt.ID)
		must(t, err)
	}
	f.runDue(svc, JobReport)
	released := func(u *lms.User) bool {
		mine, err := book.MyGrades(ctx, u, f.course.ID)
		must(t, err)
		for _, r := range mine.Rows {
			for _, g := range r.Grades {
				if g != nil && g.Released {
					return true
				}
			}
		}
		return false
	}
	before := ann.count(f.learner.ID)
	if before == 0 || released(f.learner) {
		t.Fatalf("before the close: %d announcements, released %v; want the grade stored unreleased", before, released(f.learner))
	}
	wantCode(t, svc.HandleJob(ctx, j.Kind, j.Payload), lms.EUNAVAILABLE) // not closed yet

	f.clock.Advance(time.Hour)
	must(t, service().HandleJob(ctx, j.Kind, j.Payload))
	must(t, service().HandleJob(ctx, j.Kind, j.Payload)) // a second run announces nothing
	for _, u := range []*lms.User{f.learner, f.learner2} {
		if !released(u) {
			t.Errorf("%s: the grade is not released at the close", u.Username)
		}
	}
	if got := ann.count(f.learner.ID) - before; got != 1 {
		t.Errorf("the release announced %d times, want once", got)
	}

	shownNow := moved
	shownNow.Review.After = later
	_, err = svc.UpdateQuiz(ctx, f.instructor, qz.ID, &shownNow)
	must(t, err)
	if _, ok := f.jobs.get(releaseKey(qz.ID)); ok {
		t.Error("marks shown after submitting: the release job should be cancelled")
	}
}

// TestSubmitReportsTheGradeThroughItsJobOnce: submitting grades the
// attempt in the request, and the grade reaches the real gradebook through
// the JobReport job scheduled in the submission's transaction: nothing
// before the job runs, one grade and one announcement (the learner's
// notification) after, none more when the job runs again (a retry after a
// crash) on another instance. Without a scheduler the grade is reported in
// the request.
func TestSubmitReportsTheGradeThroughItsJobOnce(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	book, ann := f.realGradebook()
	service := func(jobs func(Data) Scheduler) *Service { return f.serviceWith(book, jobs) }
	svc := service(func(Data) Scheduler { return f.jobs })
	qz := f.quiz(func(q *lms.Quiz) { q.Review.After = allOptions }, f.add(tf("one", true)), f.add(tf("two", false)))
	points := func(u *lms.User) (float64, bool) {
		mine, err := book.MyGrades(ctx, u, f.course.ID)
		must(t, err)
		for _, r := range mine.Rows {
			for _, g := range r.Grades {
				if g != nil {
					return g.Points, true
				}
			}
		}
		return 0, false
	}

	att, err := svc.StartAttempt(ctx, f.learner, qz.ID, "")
	must(t, err)
	_, err = svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 0, f.right(att, 0))
	must(t, err)
	done, err := svc.Submit(ctx, f.learner, att.Attempt.ID)
	must(t, err)
	if done.Attempt.Points != 1 || done.MarksHidden || done.Slots[0].Points == nil || *done.Slots[0].Points != 1 {
		t.Fatalf("the submission's answer: %+v", done.Attempt)
	}
	j, ok := f.jobs.get(reportKey(qz.ID, f.learner.ID))
	if !ok || j.Kind != JobReport || !j.At.Equal(t0) {
		t.Fatalf("grade report job %+v (scheduled %v), want due at once", j, ok)
	}
	if _, ok := points(f.learner); ok || ann.count(f.learner.ID) != 0 {
		t.Fatal("the grade reached the gradebook in the request; the job should bring it")
	}
	if n := f.runDue(svc, JobReport); n != 1 {
		t.Fatalf("%d report jobs ran, want 1", n)
	}
	if p, ok := points(f.learner); !ok || p != 1 || ann.count(f.learner.ID) != 1 {
		t.Fatalf("after the job: grade %v (%v), %d announcements; want 1 point, announced once", p, ok, ann.count(f.learner.ID))
	}
	must(t, service(func(Data) Scheduler { return f.jobs }).HandleJob(ctx, j.Kind, j.Payload))
	if n := ann.count(f.learner.ID); n != 1 {
		t.Fatalf("the job's second run announced again: %d announcements", n)
	}

	direct := service(nil)
	att, err = direct.StartAttempt(ctx, f.learner2, qz.ID, "")
	must(t, err)
	_, err = direct.Submit(ctx, f.learner2, att.Attempt.ID)
	must(t, err)
	if p, ok := points(f.learner2); !ok || p != 0 || ann.count(f.learner2.ID) != 1 {
		t.Fatalf("without a scheduler: grade %v (%v), %d announcements; want reported in the request", p, ok, ann.count(f.learner2.ID))
	}
}
