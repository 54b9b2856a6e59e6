package api

import (
	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// assessRoutes lists the question bank, quiz and attempt routes served by
// assess.Service (docs/api.md, section Assessments). Every one is for
// signed-in users; the service decides per course (404 outside, 403
// without the right).
func (a *API) assessRoutes() []route {
	p := Prefix
	c := p + "/courses/{id}"
	gift := []queryParam{{"dry_run", "string", "1: only a preview, nothing is written"},
		{"valid_only", "string", "1: import the valid questions and skip the others (else any problem imports nothing)"}}
	return []route{
		// Question bank.
		{Method: "GET", Path: c + "/question-categories", Summary: "A course's question categories", Auth: authUser,
			Resp: QuestionCategoryList{}, Status: 200, Handler: a.getQuestionCategories, Query: pageParams},
		{Method: "POST", Path: c + "/question-categories", Summary: "Add a question category", Auth: authUser,
			Req: lms.QuestionCategory{}, Resp: lms.QuestionCategory{}, Status: 201, Handler: a.postQuestionCategory},
		{Method: "PATCH", Path: p + "/question-categories/{id}", Summary: "Rename or move a question category", Auth: authUser,
			Req: assess.CategoryPatch{}, Resp: lms.QuestionCategory{}, Status: 200, Handler: a.patchQuestionCategory},
		{Method: "DELETE", Path: p + "/question-categories/{id}", Summary: "Delete an empty question category", Auth: authUser,
			Status: 204, Handler: a.deleteQuestionCategory},
		{Method: "GET", Path: c + "/questions", Summary: "A bank's current questions", Auth: authUser,
			Resp: QuestionList{}, Status: 200, Handler: a.getQuestions,
			Query: append([]queryParam{{"category_id", "integer", "only this category"}, {"type", "string", "only this type"},
				{"tag", "string", "only questions with this tag"}, {"q", "string", "matches title and text"}}, pageParams...)},
		{Method: "POST", Path: c + "/questions", Summary: "Add a question", Auth: authUser,
			Req: lms.Question{}, Resp: lms.Question{}, Status: 201, Handler: a.postQuestion},
		{Method: "POST", Path: c + "/questions/preview", Summary: "Show a question (saved or not) as a learner will see it", Auth: authUser,
			Req: lms.Question{}, Resp: assess.QuestionPreview{}, Status: 200, Handler: a.postQuestionPreview,
			Query: []queryParam{{"seed", "integer", "another learner's draw (calculated values, shuffles); default: one fixed draw"}}},
		{Method: "POST", Path: c + "/questions/move", Summary: "Move questions to a category", Auth: authUser,
			Req: MoveQuestionsRequest{}, Status: 204, Handler: a.postMoveQuestions},
		{Method: "GET", Path: c + "/questions.gift", Summary: "Export the whole bank as GIFT", Auth: authUser,
			RespType: "text/plain", Status: 200, Handler: a.getBankGIFT},
		{Method: "GET", Path: p + "/questions/{id}", Summary: "A question version", Auth: authUser,
			Resp: lms.Question{}, Status: 200, Handler: a.getQuestion},
		{Method: "PATCH", Path: p + "/questions/{id}", Summary: "Edit a question (a new version when an attempt asked it)", Auth: authUser,
			Req: assess.QuestionPatch{}, Resp: lms.Question{}, Status: 200, Handler: a.patchQuestion},
		{Method: "DELETE", Path: p + "/questions/{id}", Summary: "Delete a question with its versions", Auth: authUser,
			Status: 204, Handler: a.deleteQuestion},
		{Method: "POST", Path: p + "/questions/{id}/duplicate", Summary: "Copy a question", Auth: authUser,
			Resp: lms.Question{}, Status: 201, Handler: a.postDuplicateQuestion},
		{Method: "POST", Path: p + "/question-categories/{id}/gift", Summary: "Import a GIFT file into a category (a preview with dry_run=1)", Auth: authUser,
			ReqType: "text/plain", Resp: assess.ImportPlan{}, Status: 200, Handler: a.postGIFT, Query: gift},
		{Method: "GET", Path: p + "/question-categories/{id}/gift", Summary: "Export a category and those below it as GIFT", Auth: authUser,
			RespType: "text/plain", Status: 200, Handler: a.getCategoryGIFT},

		// Quizzes.
		{Method: "GET", Path: c + "/quizzes", Summary: "A course's quizzes as you see them", Auth: authUser,
			Resp: QuizList{}, Status: 200, Handler: a.getQuizzes, Query: pageParams},
		{Method: "POST", Path: c + "/quizzes", Summary: "Add a quiz", Auth: authUser,
			Req: lms.Quiz{}, Resp: lms.Quiz{}, Status: 201, Handler: a.postQuiz},
		{Method: "GET", Path: p + "/quizzes/{id}", Summary: "A quiz (learners: without its access code)", Auth: authUser,
			Resp: lms.Quiz{}, Status: 200, Handler: a.getQuiz},
		{Method: "PATCH", Path: p + "/quizzes/{id}", Summary: "Change a quiz's settings or slots", Auth: authUser,
			Req: assess.QuizPatch{}, Resp: lms.Quiz{}, Status: 200, Handler: a.patchQuiz},
		{Method: "DELETE", Path: p + "/quizzes/{id}", Summary: "Delete a quiz with its attempts", Auth: authUser,
			Status: 204, Handler: a.deleteQuiz},
		{Method: "GET", Path: p + "/quizzes/{id}/overrides", Summary: "A quiz's overrides", Auth: authUser,
			Resp: OverrideList{}, Status: 200, Handler: a.getOverrides, Query: pageParams},
		{Method: "POST", Path: p + "/quizzes/{id}/overrides", Summary: "Set a learner's or group's override (replaces theirs)", Auth: authUser,
			Req: lms.QuizOverride{}, Resp: lms.QuizOverride{}, Status: 200, Handler: a.postOverride},
		{Method: "DELETE", Path: p + "/quizzes/{id}/overrides/{oid}", Summary: "Remove an override", Auth: authUser,
			Status: 204, Handler: a.deleteOverride},
		{Method: "POST", Path: p + "/quizzes/{id}/regrade", Summary: "Regrade every submitted attempt (dry run first)", Auth: authUser,
			Req: RegradeRequest{}, Resp: assess.RegradeReport{}, Status: 200, Handler: a.postRegrade},
		{Method: "GET", Path: p + "/quizzes/{id}/statistics", Summary: "Score distribution, facility, discrimination, answers, time", Auth: authUser,
			Resp: assess.QuizStats{}, Status: 200, Handler: a.getQuizStats},
		{Method: "GET", Path: p + "/quizzes/{id}/responses.csv", Summary: "Every answer of the finished attempts as CSV", Auth: authUser,
			RespType: "text/csv", Status: 200, Handler: a.getResponsesCSV},

		// Attempts.
		{Method: "GET", Path: p + "/quizzes/{id}/attempts", Summary: "Your attempts (view_grades: everyone's)", Auth: authUser,
			Resp: AttemptList{}, Status: 200, Handler: a.getAttempts,
			Query: append([]queryParam{{"user_id", "integer", "one learner's attempts (view_grades, or yourself)"}}, pageParams...)},
		{Method: "POST", Path: p + "/quizzes/{id}/attempts", Summary: "Start your next attempt (or resume the open one)", Auth: authUser,
			Req: StartAttemptRequest{}, Resp: assess.AttemptView{}, Status: 201, Handler: a.postAttempt},
		{Method: "GET", Path: p + "/attempts/{id}", Summary: "An attempt as the review options let you see it", Auth: authUser,
			Resp: assess.AttemptView{}, Status: 200, Handler: a.getAttempt},
		{Method: "PUT", Path: p + "/attempts/{id}/slots/{slot}/answer", Summary: "Autosave your answer to a question", Auth: authUser,
			Req: SlotAnswerRequest{}, Resp: assess.SlotView{}, Status: 200, Handler: a.putSlotAnswer,
			Deprecated: "PATCH " + p + "/attempts/{id}/slots/{slot}"},
		{Method: "POST", Path: p + "/attempts/{id}/slots/{slot}/check", Summary: "Check an answer (immediate and interactive quizzes)", Auth: authUser,
			Req: SlotAnswerRequest{}, Resp: assess.SlotView{}, Status: 200, Handler: a.postSlotCheck},
		{Method: "PUT", Path: p + "/attempts/{id}/slots/{slot}/flag", Summary: "Flag or unflag a question", Auth: authUser,
			Req: FlagRequest{}, Resp: assess.SlotView{}, Status: 200, Handler: a.putSlotFlag,
			Deprecated: "PATCH " + p + "/attempts/{id}/slots/{slot}"},
		{Method: "PATCH", Path: p + "/attempts/{id}/slots/{slot}", Summary: "Save your answer or flag (open attempt), or grade a question by hand (submitted)", Auth: authUser,
			Req: assess.SlotPatch{}, Resp: assess.SlotView{}, Status: 200, Handler: a.patchSlot},
		{Method: "POST", Path: p + "/attempts/{id}/submit", Summary: "Submit your attempt (twice counts once)", Auth: authUser,
			Resp: assess.AttemptView{}, Status: 200, Handler: a.postSubmit},
	}
}
