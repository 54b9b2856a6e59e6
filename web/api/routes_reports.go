package api

import "github.com/lyceumhq/lyceum/internal/reports"

// reportRoutes lists the reports routes (docs/api.md, section Reports).
// Every one is for signed-in users; the reports service decides per course
// (404 outside, 403 without the right) and keeps the site report for
// administrators.
func (a *API) reportRoutes() []route {
	p := Prefix
	r := p + "/courses/{id}/reports"
	period := []queryParam{{"from", "string", "first day (2026-09-01 or RFC 3339); default 30 days before to"},
		{"to", "string", "last day, included (default today)"}}
	table := func(names string) []queryParam {
		return []queryParam{{"table", "string", "which table: " + names}}
	}
	return []route{
		{Method: "GET", Path: r + "/engagement", Summary: "Course engagement: activity per day, lessons, modules, live sessions",
			Auth: authUser, Resp: reports.Engagement{}, Status: 200, Handler: a.getEngagement, Query: period},
		{Method: "GET", Path: r + "/engagement.csv", Summary: "One table of the engagement report as CSV", Auth: authUser,
			RespType: "text/csv", Status: 200, Handler: a.getEngagementCSV,
			Query: append(table("days (default), lessons, modules, live"), period...)},
		{Method: "GET", Path: r + "/performance", Summary: "Grade distributions and quiz item analysis", Auth: authUser,
			Resp: reports.Performance{}, Status: 200, Handler: a.getPerformance},
		{Method: "GET", Path: r + "/performance.csv", Summary: "One table of the performance report as CSV", Auth: authUser,
			RespType: "text/csv", Status: 200, Handler: a.getPerformanceCSV, Query: table("grades (default), questions")},
		{Method: "GET", Path: r + "/at-risk", Summary: "Learners at risk, each with the reasons", Auth: authUser,
			Resp: reports.AtRisk{}, Status: 200, Handler: a.getAtRisk},
		{Method: "GET", Path: r + "/at-risk.csv", Summary: "The at-risk list as CSV", Auth: authUser,
			RespType: "text/csv", Status: 200, Handler: a.getAtRiskCSV},
		{Method: "POST", Path: r + "/messages", Summary: "Send learners of the course a message (a notification)", Auth: authUser,
			Req: MessageRequest{}, Resp: MessageResult{}, Status: 200, Handler: a.postReportMessage},
		{Method: "GET", Path: r + "/learners/{user_id}", Summary: "One learner's report (learners: their own)", Auth: authUser,
			Resp: reports.LearnerReport{}, Status: 200, Handler: a.getLearnerReport},
		{Method: "GET", Path: r + "/learners/{user_id}/report.csv", Summary: "One table of a learner's report as CSV", Auth: authUser,
			RespType: "text/csv", Status: 200, Handler: a.getLearnerReportCSV, Query: table("grades (default), review, timeline")},
		{Method: "GET", Path: p + "/questions/{id}/lessons", Summary: "The lessons a question tests", Auth: authUser,
			Resp: QuestionLessons{}, Status: 200, Handler: a.getQuestionLessons},
		{Method: "PUT", Path: p + "/questions/{id}/lessons", Summary: "Set the lessons a question tests", Auth: authUser,
			Req: QuestionLessons{}, Resp: QuestionLessons{}, Status: 200, Handler: a.putQuestionLessons},
		{Method: "GET", Path: p + "/courses/{id}/question-lessons", Summary: "The lessons each tagged question of a course tests", Auth: authUser,
			Resp: CourseQuestionLessonsList{}, Status: 200, Handler: a.getCourseQuestionLessons, Query: pageParams},
		{Method: "GET", Path: p + "/admin/reports/site", Summary: "The site report: users, courses, storage, live connections",
			Auth: authAdmin, Resp: reports.Site{}, Status: 200, Handler: a.getSiteReport},
		{Method: "GET", Path: p + "/admin/reports/site.csv", Summary: "The site report as CSV", Auth: authAdmin,
			RespType: "text/csv", Status: 200, Handler: a.getSiteReportCSV},
	}
}

// MessageRequest is a message to learners from the reports.
type MessageRequest struct {
	UserIDs []int64 `json:"user_ids"`
	Text    string  `json:"text"`
}

// MessageResult says how many learners were sent the message.
type MessageResult struct {
	Sent int `json:"sent"`
}

// CourseQuestionLessonsList is a page of a course's tagged questions (by
// family id) with the lessons each tests.
type CourseQuestionLessonsList struct {
	Items      []reports.FamilyLessons `json:"items"`
	NextCursor string                  `json:"next_cursor,omitempty"`
}

// QuestionLessons are the lessons a question (every version) tests.
type QuestionLessons struct {
	LessonIDs []int64 `json:"lesson_ids"`
}
