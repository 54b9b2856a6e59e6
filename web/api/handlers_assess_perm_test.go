package api

import (
	"strconv"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// quizWorld adds to a world a question bank in course A (category Unit 1
// with true/false questions and an essay), a published quiz with immediate
// feedback asking three of them, the learner's open attempt at it, and the
// victim's submitted attempt at an essay quiz (waiting for a grader).
type quizWorld struct {
	*world
	cat          *lms.QuestionCategory
	tf           []*lms.Question
	essay        *lms.Question
	quiz         *lms.Quiz
	attempt      *assess.AttemptView // the learner's, open
	essayAttempt *assess.AttemptView // the victim's, submitted
}

func tfQuestion(cat int64, title string, answer bool) *lms.Question {
	return &lms.Question{CategoryID: cat, Type: lms.QTrueFalse, Title: title, TextMD: title + "?", DefaultPoints: 1,
		Body: lms.QuestionBody{TrueFalse: &lms.TrueFalseBody{Answer: answer, FeedbackTrueMD: "FB-T", FeedbackFalseMD: "FB-F"}}}
}

func newQuizWorld(t testing.TB, e *cenv) *quizWorld {
	t.Helper()
	w := &quizWorld{world: newWorld(t, e)}
	ctx, s := t.Context(), e.assess
	inst := w.people[roleInstructor].u
	w.cat = &lms.QuestionCategory{CourseID: w.a.ID, Name: "Unit 1"}
	try(0, s.CreateCategory(ctx, inst, w.cat)).must(t)
	for i := range 3 {
		q := tfQuestion(w.cat.ID, "Claim "+strconv.Itoa(i+1), i%2 == 0)
		try(0, s.CreateQuestion(ctx, inst, q)).must(t)
		w.tf = append(w.tf, q)
	}
	w.essay = &lms.Question{CategoryID: w.cat.ID, Type: lms.QEssay, Title: "Essay", TextMD: "Discuss.", DefaultPoints: 5,
		Body: lms.QuestionBody{Essay: &lms.EssayBody{}}}
	try(0, s.CreateQuestion(ctx, inst, w.essay)).must(t)
	w.quiz = w.newQuiz(lms.BehaviourImmediate, w.tf...)
	w.attempt = try(s.StartAttempt(ctx, w.people[roleLearner].u, w.quiz.ID, "")).must(t)
	eq := w.newQuiz(lms.BehaviourDeferred, w.essay)
	victim := w.victim.u
	ea := try(s.StartAttempt(ctx, victim, eq.ID, "")).must(t)
	try(s.SaveAnswer(ctx, victim, ea.Attempt.ID, 0, lms.Response{Text: "Because."})).must(t)
	w.essayAttempt = try(s.Submit(ctx, victim, ea.Attempt.ID)).must(t)
	return w
}

// newQuiz creates a published quiz of course A asking qs.
func (w *quizWorld) newQuiz(b lms.QuizBehaviour, qs ...*lms.Question) *lms.Quiz {
	w.t.Helper()
	q := &lms.Quiz{CourseID: w.a.ID, Title: "Quiz", GradingMethod: lms.GradeHighest, Behaviour: b,
		Review: lms.QuizReview{During: lms.ReviewOptions{Correctness: true, Feedback: true}}}
	for _, x := range qs {
		q.Slots = append(q.Slots, lms.QuizSlot{FamilyID: x.FamilyID})
	}
	try(0, w.e.assess.CreateQuiz(w.t.Context(), w.people[roleInstructor].u, q)).must(w.t)
	return q
}

// Learner-only rows: the learner acts on their own attempt; staff may not
// act on it for them.
var (
	learnerOK  = [roleCount]int{s401, s404, sOK, s403, s403, s403}
	graderOK   = [roleCount]int{s401, s404, s403, sOK, sOK, sOK}
	staffNew   = [roleCount]int{s401, s404, s403, sNew, sNew, sNew}
	takerNew   = [roleCount]int{s401, s404, sNew, sNew, sNew, sNew}
	learnerNew = [roleCount]int{s401, s404, sNew, s403, s403, s403}
)

func quizPermRows(w *quizWorld) []permRow {
	A := "/api/v1/courses/" + id(w.a.ID)
	ctx, s := w.t.Context(), w.e.assess
	inst, learner := w.people[roleInstructor].u, w.people[roleLearner].u
	withBody := func(path string, body any) func(*world, int) (string, any) {
		return func(*world, int) (string, any) { return path, body }
	}
	cat := "/api/v1/question-categories/" + id(w.cat.ID)
	qn := "/api/v1/questions/" + id(w.tf[0].ID)
	qz := "/api/v1/quizzes/" + id(w.quiz.ID)
	at := "/api/v1/attempts/" + id(w.attempt.Attempt.ID)
	yes := true
	gift := rawBody{"text/plain", []byte("::Sky:: The sky is blue. {T}\n")}
	return []permRow{
		// Question bank.
		{"GET /api/v1/courses/{id}/question-categories", p(A + "/question-categories"), staffOK},
		{"POST /api/v1/courses/{id}/question-categories", withBody(A+"/question-categories", lms.QuestionCategory{Name: "Unit 2"}), editorNew},
		{"PATCH /api/v1/question-categories/{id}", withBody(cat, assess.CategoryPatch{Name: new("Unit 1")}), editorOK},
		{"DELETE /api/v1/question-categories/{id}", func(*world, int) (string, any) {
			c := &lms.QuestionCategory{CourseID: w.a.ID, Name: "Doomed"}
			try(0, s.CreateCategory(ctx, inst, c)).must(w.t)
			return "/api/v1/question-categories/" + id(c.ID), nil
		}, editorNone},
		{"GET /api/v1/courses/{id}/questions", p(A + "/questions?q=claim&limit=2"), staffOK},
		{"POST /api/v1/courses/{id}/questions", withBody(A+"/questions", tfQuestion(w.cat.ID, "More", true)), editorNew},
		{"POST /api/v1/courses/{id}/questions/preview", withBody(A+"/questions/preview", tfQuestion(w.cat.ID, "Draft", true)), staffOK},
		{"POST /api/v1/courses/{id}/questions/move", withBody(A+"/questions/move",
			MoveQuestionsRequest{IDs: []int64{w.tf[2].ID}, CategoryID: w.cat.ID}), editorNone},
		{"GET /api/v1/courses/{id}/questions.gift", p(A + "/questions.gift"), staffOK},
		{"GET /api/v1/questions/{id}", p(qn), staffOK},
		{"PATCH /api/v1/questions/{id}", func(*world, int) (string, any) {
			q := tfQuestion(w.cat.ID, "Editable", true)
			try(0, s.CreateQuestion(ctx, inst, q)).must(w.t)
			return "/api/v1/questions/" + id(q.ID), assess.QuestionPatch{TextMD: new("Edited?")}
		}, editorOK},
		{"DELETE /api/v1/questions/{id}", func(*world, int) (string, any) {
			q := tfQuestion(w.cat.ID, "Doomed", true)
			try(0, s.CreateQuestion(ctx, inst, q)).must(w.t)
			return "/api/v1/questions/" + id(q.ID), nil
		}, editorNone},
		{"POST /api/v1/questions/{id}/duplicate", p(qn + "/duplicate"), editorNew},
		{"POST /api/v1/question-categories/{id}/gift", withBody(cat+"/gift?dry_run=1", gift), editorOK},
		{"GET /api/v1/question-categories/{id}/gift", p(cat + "/gift"), staffOK},

		// Quizzes.
		{"GET /api/v1/courses/{id}/quizzes", p(A + "/quizzes"), anyMember},
		{"POST /api/v1/courses/{id}/quizzes", withBody(A+"/quizzes", lms.Quiz{Title: "New", GradingMethod: lms.GradeHighest,
			Behaviour: lms.BehaviourDeferred, Slots: []lms.QuizSlot{{CategoryID: w.cat.ID, Count: 2, Points: 1}}}), editorNew},
		{"GET /api/v1/quizzes/{id}", p(qz), anyMember},
		{"PATCH /api/v1/quizzes/{id}", func(*world, int) (string, any) {
			return qz, assess.QuizPatch{IntroMD: new("Read carefully.")}
		}, editorOK},
		{"DELETE /api/v1/quizzes/{id}", func(*world, int) (string, any) {
			return "/api/v1/quizzes/" + id(w.newQuiz(lms.BehaviourDeferred, w.tf[0]).ID), nil
		}, editorNone},
		{"GET /api/v1/quizzes/{id}/overrides", p(qz + "/overrides"), staffOK},
		{"POST /api/v1/quizzes/{id}/overrides", withBody(qz+"/overrides", lms.QuizOverride{UserID: w.victim.u.ID, Attempts: 3}), editorOK},
		{"DELETE /api/v1/quizzes/{id}/overrides/{oid}", func(*world, int) (string, any) {
			o := &lms.QuizOverride{QuizID: w.quiz.ID, GroupID: w.group.ID, TimeLimitSeconds: 600}
			try(0, s.PutOverride(ctx, inst, o)).must(w.t)
			return qz + "/overrides/" + id(o.ID), nil
		}, editorNone},
		{"POST /api/v1/quizzes/{id}/regrade", withBody(qz+"/regrade", RegradeRequest{DryRun: true}), graderOK},
		{"GET /api/v1/quizzes/{id}/statistics", p(qz + "/statistics"), staffOK},
		{"GET /api/v1/quizzes/{id}/responses.csv", p(qz + "/responses.csv"), staffOK},

		// Attempts.
		{"GET /api/v1/quizzes/{id}/attempts", p(qz + "/attempts"), anyMember},
		{"POST /api/v1/quizzes/{id}/attempts", withBody(qz+"/attempts", StartAttemptRequest{}), takerNew},
		{"GET /api/v1/attempts/{id}", p(at), [roleCount]int{s401, s404, sOK, sOK, sOK, sOK}},
		{"PUT /api/v1/attempts/{id}/slots/{slot}/answer", withBody(at+"/slots/0/answer", SlotAnswerRequest{Response: lms.Response{Bool: &yes}}), learnerOK},
		{"POST /api/v1/attempts/{id}/slots/{slot}/check", withBody(at+"/slots/1/check", SlotAnswerRequest{Response: lms.Response{Bool: &yes}}), learnerOK},
		{"PUT /api/v1/attempts/{id}/slots/{slot}/flag", withBody(at+"/slots/2/flag", FlagRequest{Flagged: true}), learnerOK},
		{"PATCH /api/v1/attempts/{id}/slots/{slot}", withBody("/api/v1/attempts/"+id(w.essayAttempt.Attempt.ID)+"/slots/0",
			assess.SlotPatch{Points: new(4.0), Comment: new("Good.")}), [roleCount]int{s401, s404, s404, sOK, sOK, sOK}},
		{"POST /api/v1/attempts/{id}/submit", func(*world, int) (string, any) {
			q := w.newQuiz(lms.BehaviourDeferred, w.tf[0])
			a := try(s.StartAttempt(ctx, learner, q.ID, "")).must(w.t)
			return "/api/v1/attempts/" + id(a.Attempt.ID) + "/submit", nil
		}, learnerOK},
	}
}

// TestQuizPermissions calls every assessment route as every role. A new
// assessment route without a row fails this test.
func TestQuizPermissions(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newQuizWorld(t, e)
	runPermTable(t, w.world, e.api.assessRoutes(), quizPermRows(w))
}

// TestQuizRoutesAreIsolated calls every assessment route that names an
// object as a learner of course A with the ids of course B's bank, quiz,
// override and attempt: every answer is 404.
func TestQuizRoutesAreIsolated(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newQuizWorld(t, e)
	ctx, s := t.Context(), e.assess
	binst, blearner := w.bInstructor.u, w.bLearner.u
	bcat := &lms.QuestionCategory{CourseID: w.b.ID, Name: "B unit"}
	try(0, s.CreateCategory(ctx, binst, bcat)).must(t)
	bq := tfQuestion(bcat.ID, "B claim", true)
	try(0, s.CreateQuestion(ctx, binst, bq)).must(t)
	bquiz := &lms.Quiz{CourseID: w.b.ID, Title: "B quiz", GradingMethod: lms.GradeHighest, Behaviour: lms.BehaviourImmediate,
		Slots: []lms.QuizSlot{{FamilyID: bq.FamilyID}}}
	try(0, s.CreateQuiz(ctx, binst, bquiz)).must(t)
	bo := &lms.QuizOverride{QuizID: bquiz.ID, UserID: blearner.ID, Attempts: 2}
	try(0, s.PutOverride(ctx, binst, bo)).must(t)
	ba := try(s.StartAttempt(ctx, blearner, bquiz.ID, "")).must(t)

	ids := map[string]int64{"courses": w.b.ID, "question-categories": bcat.ID, "questions": bq.ID, "quizzes": bquiz.ID,
		"attempts": ba.Attempt.ID}
	rows := map[string]permRow{}
	for _, r := range quizPermRows(w) {
		rows[r.route] = r
	}
	learner := w.people[roleLearner].c
	for _, rt := range e.api.assessRoutes() {
		if !strings.Contains(rt.Path, "{id}") {
			continue
		}
		key := rt.Method + " " + rt.Path
		t.Run(key, func(t *testing.T) {
			_, body := rows[key].req(w.world, roleLearner)
			segs := strings.Split(strings.TrimPrefix(rt.Path, Prefix+"/"), "/")
			for i, seg := range segs {
				switch seg {
				case "{id}":
					segs[i] = id(ids[segs[i-1]])
				case "{oid}":
					segs[i] = id(bo.ID)
				case "{slot}":
					segs[i] = "0"
				}
			}
			r := w.send(t, rt.Method, Prefix+"/"+strings.Join(segs, "/"), body, learner)
			if r.Code != s404 {
				t.Fatalf("status %d, want 404; body %s", r.Code, r.Body)
			}
			r.problem(t)
		})
	}
	if v := try(s.Attempt(ctx, blearner, ba.Attempt.ID)).must(t); v.Slots[0].Response != nil || v.Attempt.State != lms.AttemptOpen {
		t.Errorf("course B's attempt changed: %+v", v.Attempt)
	}
}
