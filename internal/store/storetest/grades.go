package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newAssignment creates a text assignment worth 10 points in c.
func newAssignment(t *testing.T, s store.Store, c *lms.Course, title string) *lms.Assignment {
	t.Helper()
	a := &lms.Assignment{CourseID: c.ID, Title: title, MaxPoints: 10, OnlineText: true}
	noErr(t, s.CreateAssignment(ctxOf(t), a), "CreateAssignment "+title)
	return a
}

func pts(p float64) *float64 { return &p }

var assignmentTests = map[string]func(*testing.T, store.Store){
	"assignment reads back every field and updates": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		alice := newUser(t, s, "alice")
		c := newCourse(t, s, "Essays", alice.ID)
		a := &lms.Assignment{CourseID: c.ID, Title: "Essay ✓", InstructionsMD: "**Write** '; DROP TABLE x; --",
			InstructionsHTML: "<p>x</p>", Attachments: []int64{3, 1}, DueAt: base, CutoffAt: base.Add(48 * time.Hour),
			Late: lms.LatePolicy{Unit: lms.LatePerDay, Percent: 12.5}, MaxPoints: 8, OnlineText: true, Files: true,
			FileTypes: []string{"pdf", "docx"}, MaxFileBytes: 1 << 20, MaxFiles: 3, GroupMode: true,
			Rubric: &lms.Rubric{Criteria: []lms.RubricCriterion{{Title: "Style", Levels: []lms.RubricLevel{
				{Title: "Poor", Points: 0}, {Title: "Good", Points: 8}}}}}, Draft: true, CreatedBy: alice.ID}
		noErr(t, s.CreateAssignment(ctx, a), "CreateAssignment")
		if a.ID == 0 || a.CreatedAt.IsZero() {
			t.Fatalf("CreateAssignment set no id or time: %+v", a)
		}
		got, err := s.AssignmentByID(ctx, a.ID)
		noErr(t, err, "AssignmentByID")
		diff(t, "assignment", got, a)
		a.Title, a.Rubric, a.Attachments, a.FileTypes, a.Draft = "Essay 2", nil, []int64{}, []string{}, false
		noErr(t, s.UpdateAssignment(ctx, a), "UpdateAssignment")
		got, err = s.AssignmentByID(ctx, a.ID)
		noErr(t, err, "AssignmentByID")
		diff(t, "updated assignment", got, a)
		list, err := s.ListAssignments(ctx, c.ID)
		noErr(t, err, "ListAssignments")
		diff(t, "list", ids(list, func(x *lms.Assignment) int64 { return x.ID }), []int64{a.ID})
		wantCode(t, s.CreateAssignment(ctx, &lms.Assignment{CourseID: 999999, Title: "x", MaxPoints: 1}), lms.ENOTFOUND)
		noErr(t, s.DeleteAssignment(ctx, a.ID), "DeleteAssignment")
		_, err = s.AssignmentByID(ctx, a.ID)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"every submission version is kept and grading fields survive a resubmission": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		alice := newUser(t, s, "alice")
		c := newCourse(t, s, "Essays", alice.ID)
		a := newAssignment(t, s, c, "A1")
		sub := &lms.Submission{AssignmentID: a.ID, UserID: alice.ID, Status: lms.SubmissionDraft, Text: "first"}
		v1, err := s.SaveSubmission(ctx, sub, alice.ID, base)
		noErr(t, err, "SaveSubmission 1")
		if sub.ID == 0 || sub.Version != 1 || v1.Number != 1 {
			t.Fatalf("first version: sub %+v, version %+v", sub, v1)
		}
		sub.Graded, sub.Score, sub.RubricLevels, sub.FeedbackMD, sub.GradedAt = true, 7, []int{1, 0}, "ok", base
		noErr(t, s.GradeSubmission(ctx, sub), "GradeSubmission")
		second := &lms.Submission{AssignmentID: a.ID, UserID: alice.ID, Status: lms.SubmissionSubmitted,
			Text: "second", Files: []int64{5}, SubmittedAt: base.Add(time.Hour), SubmittedBy: alice.ID}
		_, err = s.SaveSubmission(ctx, second, alice.ID, base.Add(time.Hour))
		noErr(t, err, "SaveSubmission 2")
		if second.ID != sub.ID || second.Version != 2 {
			t.Fatalf("second version: %+v", second)
		}
		got, err := s.SubmissionOf(ctx, a.ID, alice.ID, 0)
		noErr(t, err, "SubmissionOf")
		if got.Text != "second" || got.Status != lms.SubmissionSubmitted || !got.Graded || got.Score != 7 ||
			got.FeedbackMD != "ok" || len(got.RubricLevels) != 2 || !got.SubmittedAt.Equal(base.Add(time.Hour)) {
			t.Fatalf("after resubmission: %+v", got)
		}
		vs, err := s.SubmissionVersions(ctx, sub.ID)
		noErr(t, err, "SubmissionVersions")
		if len(vs) != 2 || vs[0].Text != "first" || vs[1].Text != "second" || !vs[0].CreatedAt.Equal(base) ||
			vs[1].Status != lms.SubmissionSubmitted || vs[1].Files[0] != 5 {
			t.Fatalf("versions: %+v %+v", vs[0], vs[1])
		}
		_, err = s.SubmissionOf(ctx, a.ID, 0, 77)
		wantCode(t, err, lms.ENOTFOUND)
		group := &lms.Submission{AssignmentID: a.ID, GroupID: 77, Status: lms.SubmissionSubmitted, Text: "g"}
		_, err = s.SaveSubmission(ctx, group, alice.ID, base)
		noErr(t, err, "SaveSubmission group")
		list, err := s.ListSubmissions(ctx, a.ID)
		noErr(t, err, "ListSubmissions")
		diff(t, "submissions", ids(list, func(x *lms.Submission) int64 { return x.ID }), []int64{sub.ID, group.ID})
	},
	"concurrent saves of one submission each get their own version": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		alice := newUser(t, s, "alice")
		a := newAssignment(t, s, newCourse(t, s, "C", alice.ID), "A")
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Go(func() {
				sub := &lms.Submission{AssignmentID: a.ID, UserID: alice.ID, Status: lms.SubmissionDraft, Text: label("v", i)}
				_, err := s.SaveSubmission(ctx, sub, alice.ID, base)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			noErr(t, err, "SaveSubmission")
		}
		got, err := s.SubmissionOf(ctx, a.ID, alice.ID, 0)
		noErr(t, err, "SubmissionOf")
		vs, err := s.SubmissionVersions(ctx, got.ID)
		noErr(t, err, "SubmissionVersions")
		if got.Version != 8 || len(vs) != 8 {
			t.Fatalf("version %d, %d versions; want 8", got.Version, len(vs))
		}
	},
}

var gradebookTests = map[string]func(*testing.T, store.Store){
	"grade items are ensured once per source and manual items get their own id as source id": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		alice := newUser(t, s, "alice")
		c := newCourse(t, s, "C", alice.ID)
		it := &lms.GradeItem{CourseID: c.ID, Source: lms.GradeQuiz, SourceID: 9, Title: "Quiz", MaxPoints: 5}
		created, err := s.EnsureGradeItem(ctx, it)
		noErr(t, err, "EnsureGradeItem")
		again := &lms.GradeItem{CourseID: c.ID, Source: lms.GradeQuiz, SourceID: 9, Title: "Quiz renamed", MaxPoints: 6}
		created2, err := s.EnsureGradeItem(ctx, again)
		noErr(t, err, "EnsureGradeItem again")
		if !created || created2 || again.ID != it.ID || again.Title != "Quiz renamed" || again.MaxPoints != 6 {
			t.Fatalf("ensure: %v %v %+v %+v", created, created2, it, again)
		}
		m1 := &lms.GradeItem{CourseID: c.ID, Source: lms.GradeManual, Title: "Participation", MaxPoints: 10}
		m2 := &lms.GradeItem{CourseID: c.ID, Source: lms.GradeManual, Title: "Participation", MaxPoints: 10}
		_, err = s.EnsureGradeItem(ctx, m1)
		noErr(t, err, "manual 1")
		_, err = s.EnsureGradeItem(ctx, m2)
		noErr(t, err, "manual 2")
		if m1.ID == m2.ID || m1.SourceID != m1.ID || m2.SourceID != m2.ID {
			t.Fatalf("manual items: %+v %+v", m1, m2)
		}
		cat := &lms.GradeCategory{CourseID: c.ID, Name: "Homework", Weight: 40, DropLowest: 1}
		noErr(t, s.CreateGradeCategory(ctx, cat), "CreateGradeCategory")
		it = again
		it.CategoryID, it.Hidden = cat.ID, true
		noErr(t, s.UpdateGradeItem(ctx, it), "UpdateGradeItem")
		got, err := s.GradeItemByID(ctx, it.ID)
		noErr(t, err, "GradeItemByID")
		if got.CategoryID != cat.ID || !got.Hidden || got.Title != "Quiz renamed" {
			t.Fatalf("item: %+v", got)
		}
		it.CategoryID = 999999
		wantCode(t, s.UpdateGradeItem(ctx, it), lms.ENOTFOUND)
		cats, err := s.ListGradeCategories(ctx, c.ID)
		noErr(t, err, "ListGradeCategories")
		diff(t, "categories", cats, []*lms.GradeCategory{cat})
		cat.Name, cat.Weight = "HW", 50
		noErr(t, s.UpdateGradeCategory(ctx, cat), "UpdateGradeCategory")
		noErr(t, s.DeleteGradeCategory(ctx, cat.ID), "DeleteGradeCategory")
		got, err = s.GradeItemByID(ctx, it.ID)
		noErr(t, err, "GradeItemByID")
		if got.CategoryID != 0 {
			t.Fatalf("item keeps deleted category %d", got.CategoryID)
		}
		items, err := s.ListGradeItems(ctx, c.ID)
		noErr(t, err, "ListGradeItems")
		diff(t, "items", ids(items, func(x *lms.GradeItem) int64 { return x.ID }), []int64{it.ID, m1.ID, m2.ID})
		noErr(t, s.DeleteGradeItem(ctx, m2.ID), "DeleteGradeItem")
		wantCode(t, s.DeleteGradeItem(ctx, m2.ID), lms.ENOTFOUND)
	},
	"concurrent first reports of one item create it once": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		alice := newUser(t, s, "alice")
		c := newCourse(t, s, "C", alice.ID)
		var wg sync.WaitGroup
		got := make(chan int64, 8)
		for range 8 {
			wg.Go(func() {
				it := &lms.GradeItem{CourseID: c.ID, Source: lms.GradeQuiz, SourceID: 4, Title: "Q", MaxPoints: 3}
				err := s.InTx(ctx, func(tx store.Store) error {
					if _, err := tx.EnsureGradeItem(ctx, it); err != nil {
						return err
					}
					_, err := tx.ReportGrade(ctx, &lms.Grade{ItemID: it.ID, UserID: alice.ID, Points: 2})
					return err
				})
				if err != nil {
					t.Errorf("ensure and report: %v", err)
				}
				got <- it.ID
			})
		}
		wg.Wait()
		close(got)
		first := <-got
		for id := range got {
			if id != first {
				t.Fatalf("items %d and %d for one source", first, id)
			}
		}
		items, err := s.ListGradeItems(ctx, c.ID)
		noErr(t, err, "ListGradeItems")
		if len(items) != 1 {
			t.Fatalf("%d items", len(items))
		}
	},
	"a reported grade is idempotent and keeps overrides and excuses": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
		c := newCourse(t, s, "C", alice.ID)
		it := &lms.GradeItem{CourseID: c.ID, Source: lms.GradeQuiz, SourceID: 1, Title: "Q", MaxPoints: 10}
		_, err := s.EnsureGradeItem(ctx, it)
		noErr(t, err, "EnsureGradeItem")
		report := func(points float64, released bool) bool {
			t.Helper()
			changed, err := s.ReportGrade(ctx, &lms.Grade{ItemID: it.ID, UserID: bob.ID, Points: points,
				Released: released, UpdatedAt: base})
			noErr(t, err, "ReportGrade")
			return changed
		}
		if !report(7, false) || report(7, false) || !report(7, true) || report(7, true) || !report(8, true) {
			t.Fatal("ReportGrade did not report changes exactly when something changed")
		}
		g, err := s.GradeOf(ctx, it.ID, bob.ID)
		noErr(t, err, "GradeOf")
		g.Override, g.Reason, g.Excused, g.GradedBy = pts(9.5), "regraded by hand", true, alice.ID
		noErr(t, s.PutGrade(ctx, g), "PutGrade")
		report(6, true)
		got, err := s.GradeOf(ctx, it.ID, bob.ID)
		noErr(t, err, "GradeOf")
		if got.Points != 6 || got.Override == nil || *got.Override != 9.5 || got.Reason != "regraded by hand" ||
			!got.Excused || !got.Released || !got.Graded {
			t.Fatalf("grade after report: %+v", got)
		}
		got.Override = nil
		noErr(t, s.PutGrade(ctx, got), "PutGrade without override")
		list, err := s.ListGrades(ctx, c.ID, 0)
		noErr(t, err, "ListGrades")
		if len(list) != 1 || list[0].Override != nil {
			t.Fatalf("grades: %+v", list)
		}
		mine, err := s.ListGrades(ctx, c.ID, alice.ID)
		noErr(t, err, "ListGrades alice")
		if len(mine) != 0 {
			t.Fatalf("alice has grades: %+v", mine)
		}
		_, err = s.ReportGrade(ctx, &lms.Grade{ItemID: 999999, UserID: bob.ID, Points: 1})
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.GradeOf(ctx, it.ID, alice.ID)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"gradebook settings default, save and vanish with their course": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		alice := newUser(t, s, "alice")
		c := newCourse(t, s, "C", alice.ID)
		gs, err := s.GradebookSettings(ctx, c.ID)
		noErr(t, err, "GradebookSettings")
		diff(t, "defaults", gs, lms.DefaultGradebookSettings(c.ID))
		gs.Mode, gs.Scale = lms.GradebookPoints, []lms.LetterGrade{{Letter: "P", Min: 50}, {Letter: "F", Min: 0}}
		noErr(t, s.PutGradebookSettings(ctx, gs), "PutGradebookSettings")
		got, err := s.GradebookSettings(ctx, c.ID)
		noErr(t, err, "GradebookSettings")
		diff(t, "saved", got, gs)
		it := &lms.GradeItem{CourseID: c.ID, Source: lms.GradeManual, Title: "M", MaxPoints: 1}
		_, err = s.EnsureGradeItem(ctx, it)
		noErr(t, err, "EnsureGradeItem")
		noErr(t, s.PutGrade(ctx, &lms.Grade{ItemID: it.ID, UserID: alice.ID, Graded: true, Points: 1}), "PutGrade")
		noErr(t, s.DeleteCourse(ctx, c.ID), "DeleteCourse")
		_, err = s.GradeItemByID(ctx, it.ID)
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.PutGradebookSettings(ctx, gs), lms.ENOTFOUND)
	},
}
