package api

import (
	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// gradeRoutes lists the assignment and gradebook routes (docs/api.md,
// sections Assignments and Gradebook). Every one is for signed-in users;
// the services decide per course (404 outside, 403 without the right).
func (a *API) gradeRoutes() []route {
	p := Prefix
	c := p + "/courses/{id}"
	as := p + "/assignments/{id}"
	return []route{
		// Assignments.
		{Method: "GET", Path: c + "/assignments", Summary: "A course's assignments (drafts for staff)", Auth: authUser,
			Resp: AssignmentList{}, Status: 200, Handler: a.getAssignments, Query: pageParams},
		{Method: "POST", Path: c + "/assignments", Summary: "Add an assignment", Auth: authUser,
			Req: assign.Input{}, Resp: lms.Assignment{}, Status: 201, Handler: a.postAssignment},
		{Method: "GET", Path: as, Summary: "An assignment", Auth: authUser,
			Resp: lms.Assignment{}, Status: 200, Handler: a.getAssignment},
		{Method: "PATCH", Path: as, Summary: "Change an assignment (the fields sent)", Auth: authUser,
			Req: assign.Patch{}, Resp: lms.Assignment{}, Status: 200, Handler: a.patchAssignment},
		{Method: "DELETE", Path: as, Summary: "Delete an assignment and its submissions", Auth: authUser,
			Status: 204, Handler: a.deleteAssignment},
		{Method: "GET", Path: as + "/penalty", Summary: "What submitting now would cost (late penalty)", Auth: authUser,
			Resp: assign.Penalty{}, Status: 200, Handler: a.getPenalty},
		{Method: "GET", Path: as + "/mine", Summary: "Your work on an assignment, every version, the penalty now", Auth: authUser,
			Resp: assign.Mine{}, Status: 200, Handler: a.getMySubmission},
		{Method: "POST", Path: as + "/submission", Summary: "Save a draft or submit for grading (a new version)", Auth: authUser,
			Req: assign.Work{}, Resp: lms.Submission{}, Status: 201, Handler: a.postSubmission},
		{Method: "GET", Path: as + "/submissions", Summary: "The graders' table of submissions", Auth: authUser,
			Resp: SubmissionTable{}, Status: 200, Handler: a.getSubmissions,
			Query: append([]queryParam{{"state", "string", "missing, draft, submitted or graded"},
				{"late", "string", "1: only work handed in late"},
				{"unreleased", "string", "1: only graded work not released"}}, pageParams...)},
		{Method: "POST", Path: as + "/release", Summary: "Release grades (the submissions named, or every graded one)", Auth: authUser,
			Req: ReleaseRequest{}, Resp: SubmissionList{}, Status: 200, Handler: a.postRelease},
		{Method: "POST", Path: as + "/resync", Summary: "Send every grade to the gradebook again", Auth: authUser,
			Resp: ResyncResult{}, Status: 200, Handler: a.postResync},
		{Method: "GET", Path: as + "/submissions.zip", Summary: "Every submission handed in, as one zip", Auth: authUser,
			RespType: "application/zip", Status: 200, Handler: a.getSubmissionsZip},
		{Method: "GET", Path: as + "/extensions", Summary: "The learners given their own dates (extensions)", Auth: authUser,
			Resp: ExtensionList{}, Status: 200, Handler: a.getExtensions, Query: pageParams},
		{Method: "PUT", Path: as + "/extensions/{user_id}", Summary: "Give a learner their own due date (an extension)", Auth: authUser,
			Req: assign.ExtensionInput{}, Resp: lms.Extension{}, Status: 200, Handler: a.putExtension},
		{Method: "DELETE", Path: as + "/extensions/{user_id}", Summary: "Revoke a learner's extension", Auth: authUser,
			Status: 204, Handler: a.deleteExtension},
		{Method: "PUT", Path: as + "/group-extensions/{group_id}", Summary: "Give every active learner in a group the same extension",
			Auth: authUser, Req: assign.ExtensionInput{}, Resp: ExtensionList{}, Status: 200, Handler: a.putGroupExtension},
		{Method: "DELETE", Path: as + "/group-extensions/{group_id}", Summary: "Revoke the extensions of a group's learners",
			Auth: authUser, Status: 204, Handler: a.deleteGroupExtension},
		{Method: "GET", Path: p + "/submissions/{id}/versions", Summary: "Every version of a submission", Auth: authUser,
			Resp: VersionList{}, Status: 200, Handler: a.getVersions, Query: pageParams},
		{Method: "PUT", Path: p + "/submissions/{id}/grade", Summary: "Grade a submission (score or rubric, feedback)", Auth: authUser,
			Req: assign.Marking{}, Resp: lms.Submission{}, Status: 200, Handler: a.putGrade,
			Deprecated: "PATCH " + p + "/submissions/{id}/grade"},
		{Method: "PATCH", Path: p + "/submissions/{id}/grade", Summary: "Grade a submission or change its grading (the fields sent)", Auth: authUser,
			Req: assign.MarkingPatch{}, Resp: lms.Submission{}, Status: 200, Handler: a.patchSubmissionGrade},

		// Gradebook.
		{Method: "GET", Path: c + "/gradebook", Summary: "The gradebook: every learner × item, with totals", Auth: authUser,
			Resp: GradebookPage{}, Status: 200, Handler: a.getGradebook, Query: pageParams},
		{Method: "GET", Path: c + "/gradebook.csv", Summary: "The gradebook as CSV", Auth: authUser,
			RespType: "text/csv", Status: 200, Handler: a.getGradebookCSV},
		{Method: "POST", Path: c + "/gradebook/import", Summary: "Import manual grades from CSV (a preview with dry_run=1)", Auth: authUser,
			ReqType: "text/csv", Resp: grades.ImportReport{}, Status: 200, Handler: a.postGradeImport,
			Query: []queryParam{{"dry_run", "string", "1: only a preview, nothing is written"},
				{"valid_only", "string", "1: import the valid rows (else any problem imports nothing)"},
				{"release", "string", "1: show the imported grades to the learners"}}},
		{Method: "GET", Path: c + "/gradebook/settings", Summary: "Gradebook settings (mode, letter scale)", Auth: authUser,
			Resp: lms.GradebookSettings{}, Status: 200, Handler: a.getGradebookSettings},
		{Method: "PATCH", Path: c + "/gradebook/settings", Summary: "Change the gradebook settings (the fields sent)", Auth: authUser,
			Req: grades.SettingsPatch{}, Resp: lms.GradebookSettings{}, Status: 200, Handler: a.patchGradebookSettings},
		{Method: "POST", Path: c + "/gradebook/categories", Summary: "Add a grade category", Auth: authUser,
			Req: CategoryRequest{}, Resp: lms.GradeCategory{}, Status: 201, Handler: a.postCategory},
		{Method: "PATCH", Path: c + "/gradebook/categories/{category_id}", Summary: "Change a grade category (the fields sent)", Auth: authUser,
			Req: grades.CategoryPatch{}, Resp: lms.GradeCategory{}, Status: 200, Handler: a.patchCategory},
		{Method: "DELETE", Path: c + "/gradebook/categories/{category_id}", Summary: "Delete a grade category (its items stay)", Auth: authUser,
			Status: 204, Handler: a.deleteCategory},
		{Method: "POST", Path: c + "/gradebook/items", Summary: "Add a manual grade item", Auth: authUser,
			Req: grades.ItemInput{}, Resp: lms.GradeItem{}, Status: 201, Handler: a.postGradeItem},
		{Method: "PATCH", Path: p + "/grade-items/{id}", Summary: "Change a grade item (the fields sent)", Auth: authUser,
			Req: grades.ItemPatch{}, Resp: lms.GradeItem{}, Status: 200, Handler: a.patchGradeItem},
		{Method: "DELETE", Path: p + "/grade-items/{id}", Summary: "Delete a manual grade item and its grades", Auth: authUser,
			Status: 204, Handler: a.deleteGradeItem},
		{Method: "PATCH", Path: p + "/grade-items/{id}/grades/{user_id}", Summary: "Grade, override (with a reason) or excuse a learner", Auth: authUser,
			Req: grades.GradeEdit{}, Resp: lms.Grade{}, Status: 200, Handler: a.patchGrade},
		{Method: "GET", Path: c + "/my-grades", Summary: "Your own gradebook row (released grades only)", Auth: authUser,
			Resp: GradebookPage{}, Status: 200, Handler: a.getMyGrades, Query: pageParams},
	}
}
