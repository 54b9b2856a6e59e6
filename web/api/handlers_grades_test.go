package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/reports"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// genv is the course API with assignments and the gradebook.
type genv struct {
	*cenv
	assign *assign.Service
	book   *grades.Service
}

func newGradeEnv(t testing.TB) *genv {
	t.Helper()
	st := storetest.SQLite(t)
	g := &genv{}
	g.cenv = newCourseEnvWith(t, st)
	var err error
	g.book, err = grades.New(grades.Params{Store: grades.FromStore(st), Access: g.courses.Access, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	g.assign, err = assign.New(assign.Params{Store: assign.FromStore(st), Access: g.courses.Access,
		Files: assign.DirFiles{Uploads: st, Dir: g.uploadDir}, Gradebook: g.book, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	for kind, fn := range g.assign.Readers() {
		g.courses.Uploads.RegisterReader(kind, fn)
	}
	// The API again, now with both services.
	g.tenv = newEnvWith(t, st, func(p *Params, _ store.Store) {
		p.Courses, p.Assign, p.Grades, p.MaxUploadBytes = g.courses, g.assign, g.book, 4*testUploadLimit
	})
	return g
}

// gradeWorld adds to course A an assignment with a learner's submission
// (graded), a manual grade item and a category.
type gradeWorld struct {
	*world
	g          *genv
	assignment *lms.Assignment
	sub        *lms.Submission
	item       *lms.GradeItem
	category   *lms.GradeCategory
}

func newGradeWorld(t *testing.T) *gradeWorld {
	t.Helper()
	g := newGradeEnv(t)
	w := &gradeWorld{world: newWorld(t, g.cenv), g: g}
	ctx := t.Context()
	inst, learner := w.people[roleInstructor].u, w.people[roleLearner].u
	w.assignment = try(g.assign.Create(ctx, inst, w.a.ID, assign.Input{Title: "Essay", MaxPoints: 10, OnlineText: true,
		DueAt: time.Now().Add(240 * time.Hour)})).must(t)
	w.sub = try(g.assign.Submit(ctx, learner, w.assignment.ID, assign.Work{Text: "My essay", Final: true})).must(t)
	try(g.assign.Grade(ctx, inst, w.sub.ID, assign.Marking{Score: new(8.0)})).must(t)
	w.item = try(g.book.CreateItem(ctx, inst, w.a.ID, grades.ItemInput{Title: "Oral", MaxPoints: 10})).must(t)
	w.category = try(g.book.SaveCategory(ctx, inst, w.a.ID, lms.GradeCategory{Name: "Homework", Weight: 40})).must(t)
	return w
}

func gradePermRows(w *gradeWorld) []permRow {
	A := "/api/v1/courses/" + id(w.a.ID)
	AS := "/api/v1/assignments/" + id(w.assignment.ID)
	ctx := w.t.Context()
	inst := w.people[roleInstructor].u
	withBody := func(path string, body any) func(*world, int) (string, any) {
		return func(*world, int) (string, any) { return path, body }
	}
	essay := assign.Input{Title: "Essay 2", MaxPoints: 5, OnlineText: true}
	return []permRow{
		{"GET /api/v1/courses/{id}/assignments", p(A + "/assignments"), anyMember},
		{"POST /api/v1/courses/{id}/assignments", withBody(A+"/assignments", essay), editorNew},
		{"GET /api/v1/assignments/{id}", p(AS), anyMember},
		{"PATCH /api/v1/assignments/{id}", withBody(AS, map[string]any{"title": "Essay"}), editorOK},
		{"DELETE /api/v1/assignments/{id}", func(*world, int) (string, any) {
			a := try(w.g.assign.Create(ctx, inst, w.a.ID, essay)).must(w.t)
			return "/api/v1/assignments/" + id(a.ID), nil
		}, editorNone},
		{"GET /api/v1/assignments/{id}/penalty", p(AS + "/penalty"), anyMember},
		{"GET /api/v1/assignments/{id}/mine", p(AS + "/mine"), anyMember},
		{"POST /api/v1/assignments/{id}/submission", withBody(AS+"/submission", assign.Work{Text: "draft"}),
			[roleCount]int{s401, s404, sNew, s403, s403, s403}},
		{"GET /api/v1/assignments/{id}/submissions", p(AS + "/submissions?state=graded"), staffOK},
		{"POST /api/v1/assignments/{id}/release", withBody(AS+"/release", ReleaseRequest{}), staffOK},
		{"POST /api/v1/assignments/{id}/resync", p(AS + "/resync"), staffOK},
		{"GET /api/v1/assignments/{id}/submissions.zip", p(AS + "/submissions.zip"), staffOK},
		{"GET /api/v1/assignments/{id}/extensions", p(AS + "/extensions"), staffOK},
		{"PUT /api/v1/assignments/{id}/extensions/{user_id}", withBody(AS+"/extensions/"+id(w.people[roleLearner].u.ID),
			assign.ExtensionInput{DueAt: w.assignment.DueAt.Add(time.Hour)}), staffOK},
		{"DELETE /api/v1/assignments/{id}/extensions/{user_id}", func(*world, int) (string, any) {
			learner := w.people[roleLearner].u.ID
			try(w.g.assign.GrantExtension(ctx, inst, w.assignment.ID, learner,
				assign.ExtensionInput{DueAt: w.assignment.DueAt.Add(time.Hour)})).must(w.t)
			return AS + "/extensions/" + id(learner), nil
		}, staffNone},
		{"PUT /api/v1/assignments/{id}/group-extensions/{group_id}", func(*world, int) (string, any) {
			try(0, w.e.courses.Enrolment.AssignGroup(ctx, inst, w.a.ID, w.people[roleLearner].u.ID, w.group.ID)).must(w.t)
			return AS + "/group-extensions/" + id(w.group.ID), assign.ExtensionInput{DueAt: w.assignment.DueAt.Add(time.Hour)}
		}, staffOK},
		{"DELETE /api/v1/assignments/{id}/group-extensions/{group_id}", func(*world, int) (string, any) {
			try(0, w.e.courses.Enrolment.AssignGroup(ctx, inst, w.a.ID, w.people[roleLearner].u.ID, w.group.ID)).must(w.t)
			try(w.g.assign.GrantGroupExtension(ctx, inst, w.assignment.ID, w.group.ID,
				assign.ExtensionInput{DueAt: w.assignment.DueAt.Add(time.Hour)})).must(w.t)
			return AS + "/group-extensions/" + id(w.group.ID), nil
		}, staffNone},
		{"GET /api/v1/submissions/{id}/versions", p("/api/v1/submissions/" + id(w.sub.ID) + "/versions"), staffOK},
		{"PUT /api/v1/submissions/{id}/grade", withBody("/api/v1/submissions/"+id(w.sub.ID)+"/grade",
			assign.Marking{Score: new(9.0), FeedbackMD: "Good"}), staffOK},
		{"PATCH /api/v1/submissions/{id}/grade", withBody("/api/v1/submissions/"+id(w.sub.ID)+"/grade",
			assign.MarkingPatch{Score: new(8.0)}), staffOK},

		{"GET /api/v1/courses/{id}/gradebook", p(A + "/gradebook"), staffOK},
		{"GET /api/v1/courses/{id}/gradebook.csv", p(A + "/gradebook.csv"), staffOK},
		{"POST /api/v1/courses/{id}/gradebook/import", withBody(A+"/gradebook/import?dry_run=1",
			rawBody{"text/csv", []byte("username,Oral\nlearner,7\n")}), staffOK},
		{"GET /api/v1/courses/{id}/gradebook/settings", p(A + "/gradebook/settings"), anyMember},
		{"PATCH /api/v1/courses/{id}/gradebook/settings", withBody(A+"/gradebook/settings", map[string]any{"mode": "points"}), editorOK},
		{"POST /api/v1/courses/{id}/gradebook/categories", withBody(A+"/gradebook/categories", CategoryRequest{Name: "Quizzes", Weight: 60}), editorNew},
		{"PATCH /api/v1/courses/{id}/gradebook/categories/{category_id}", withBody(A+"/gradebook/categories/"+id(w.category.ID),
			map[string]any{"drop_lowest": 1}), editorOK},
		{"DELETE /api/v1/courses/{id}/gradebook/categories/{category_id}", func(*world, int) (string, any) {
			c := try(w.g.book.SaveCategory(ctx, inst, w.a.ID, lms.GradeCategory{Name: "Doomed"})).must(w.t)
			return A + "/gradebook/categories/" + id(c.ID), nil
		}, editorNone},
		{"POST /api/v1/courses/{id}/gradebook/items", withBody(A+"/gradebook/items", grades.ItemInput{Title: "Poster", MaxPoints: 20}), editorNew},
		{"PATCH /api/v1/grade-items/{id}", withBody("/api/v1/grade-items/"+id(w.item.ID), map[string]any{"hidden": false}), editorOK},
		{"DELETE /api/v1/grade-items/{id}", func(*world, int) (string, any) {
			it := try(w.g.book.CreateItem(ctx, inst, w.a.ID, grades.ItemInput{Title: "Doomed", MaxPoints: 1})).must(w.t)
			return "/api/v1/grade-items/" + id(it.ID), nil
		}, editorNone},
		{"PATCH /api/v1/grade-items/{id}/grades/{user_id}", withBody("/api/v1/grade-items/"+id(w.item.ID)+"/grades/"+
			id(w.people[roleLearner].u.ID), grades.GradeEdit{Points: new(6.0)}), staffOK},
		{"GET /api/v1/courses/{id}/my-grades", p(A + "/my-grades"), anyMember},
	}
}

// TestGradePermissions calls every assignment and gradebook route as every
// role; a new route without a row fails it.
func TestGradePermissions(t *testing.T) {
	t.Parallel()
	w := newGradeWorld(t)
	runPermTable(t, w.world, w.g.api.gradeRoutes(), gradePermRows(w))
}

// TestSubmissionFilesAreReadByTheirOwnersAndGraders: a learner hands in a
// file; another learner gets 404 for it, the TA and the learner read it.
func TestSubmissionFilesAreReadByTheirOwnersAndGraders(t *testing.T) {
	t.Parallel()
	w := newGradeWorld(t)
	learner, victim, ta := w.people[roleLearner], w.victim, w.people[roleTA]
	A := "/api/v1/courses/" + id(w.a.ID)
	files := w.e.do(t, w.people[roleInstructor].c, "POST", A+"/assignments", assign.Input{Title: "Upload it",
		MaxPoints: 10, Files: true}).want(t, sNew)
	a := decode[lms.Assignment](t, files)
	up := decode[UploadInfo](t, w.e.raw(t, learner.c, "POST", A+"/uploads?name=mine.txt", "text/plain",
		[]byte("my secret answer")).want(t, sNew))
	w.e.do(t, learner.c, "POST", "/api/v1/assignments/"+id(a.ID)+"/submission",
		assign.Work{Files: []int64{up.ID}, Final: true}).want(t, sNew)
	path := "/api/v1/uploads/" + id(up.ID)
	if r := w.e.do(t, victim.c, "GET", path, nil); r.Code != s404 {
		t.Fatalf("another learner reads the submission: status %d", r.Code)
	}
	if r := w.e.do(t, ta.c, "GET", path, nil).want(t, sOK); string(r.Body) != "my secret answer" {
		t.Fatalf("the TA read %q", r.Body)
	}
	w.e.do(t, learner.c, "GET", path, nil).want(t, sOK)
}

// TestPatchChangesOnlyTheFieldsSent: PATCH of an assignment and of the
// gradebook settings keeps the fields the body leaves out.
func TestPatchChangesOnlyTheFieldsSent(t *testing.T) {
	t.Parallel()
	w := newGradeWorld(t)
	inst := w.people[roleInstructor].c
	r := w.e.do(t, inst, "PATCH", "/api/v1/assignments/"+id(w.assignment.ID), map[string]any{"max_points": 20}).want(t, sOK)
	if a := decode[lms.Assignment](t, r); a.MaxPoints != 20 || a.Title != "Essay" || !a.OnlineText || !a.DueAt.Equal(w.assignment.DueAt) {
		t.Fatalf("after PATCH: %+v", a)
	}
	A := "/api/v1/courses/" + id(w.a.ID)
	r = w.e.do(t, inst, "PATCH", A+"/gradebook/settings", map[string]any{"mode": "points"}).want(t, sOK)
	if s := decode[lms.GradebookSettings](t, r); s.Mode != lms.GradebookPoints || len(s.Scale) != len(lms.DefaultLetterScale()) {
		t.Fatalf("after PATCH: %+v", s)
	}
	r = w.e.do(t, inst, "PATCH", A+"/gradebook/categories/"+id(w.category.ID), map[string]any{"drop_lowest": 2}).want(t, sOK)
	if c := decode[lms.GradeCategory](t, r); c.Name != "Homework" || c.Weight != 40 || c.DropLowest != 2 {
		t.Fatalf("after PATCH: %+v", c)
	}
	w.e.do(t, inst, "PATCH", A+"/gradebook/settings", map[string]any{"mode": "bogus"}).want(t, http.StatusBadRequest).problem(t)
}

// TestGradeImportPreviewsThenApplies: the CSV preview lists per-row
// problems and writes nothing; applying the valid rows changes the grade.
func TestGradeImportPreviewsThenApplies(t *testing.T) {
	t.Parallel()
	w := newGradeWorld(t)
	inst := w.people[roleInstructor].c
	A := "/api/v1/courses/" + id(w.a.ID)
	csv := []byte("username,Oral\nlearner,7\nnobody,3\nvictim,99\n")
	rep := decode[grades.ImportReport](t, w.e.raw(t, inst, "POST", A+"/gradebook/import?dry_run=1", "text/csv", csv).want(t, sOK))
	if rep.Applied || rep.Errors != 2 || rep.Changes != 1 || len(rep.Rows) != 3 || len(rep.Rows[1].Problems) == 0 {
		t.Fatalf("preview %+v", rep)
	}
	rep = decode[grades.ImportReport](t, w.e.raw(t, inst, "POST", A+"/gradebook/import?valid_only=1&release=1", "text/csv", csv).want(t, sOK))
	if !rep.Applied || rep.Changes != 1 {
		t.Fatalf("import %+v", rep)
	}
	mine := decode[GradebookPage](t, w.e.do(t, w.people[roleLearner].c, "GET", A+"/my-grades", nil).want(t, sOK))
	if len(mine.Items) != 1 || mine.Items[0].Grades[w.item.ID] == nil || mine.Items[0].Grades[w.item.ID].Points != 7 {
		t.Fatalf("my grades %+v", mine)
	}
	r := w.e.do(t, inst, "GET", A+"/gradebook.csv", nil).want(t, sOK)
	if !strings.Contains(string(r.Body), "learner") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export %s %s", r.Header.Get("Content-Type"), r.Body)
	}
}

// withGrades mounts the assignment and gradebook routes on a course
// environment (after its course services are set).
func withGrades(t testing.TB) envOption {
	return func(p *Params, st store.Store) {
		book, err := grades.New(grades.Params{Store: grades.FromStore(st), Access: p.Courses.Access, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		work, err := assign.New(assign.Params{Store: assign.FromStore(st), Access: p.Courses.Access,
			Files: assign.DirFiles{Uploads: st, Dir: t.TempDir()}, Gradebook: book, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		p.Assign, p.Grades = work, book
		rep, err := reports.New(reports.Params{Store: store.Scope[reports.Store](st), Access: p.Courses.Access,
			Gradebook: book, Quizzes: p.Assess, Attendance: p.Courses.Attendance, Progress: p.Courses.Progress,
			Notifier: p.Courses.Notifications, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		p.Reports = rep
	}
}
