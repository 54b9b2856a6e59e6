package grades

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

func TestReportIsIdempotentAndAnnouncesChanges(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		f.report(t, lms.GradeQuiz, 1, "learner", 7, 10, false)
		f.report(t, lms.GradeQuiz, 1, "learner", 7, 10, false) // a retry
		if n := f.ann.count(); n != 1 {
			t.Fatalf("announced %d changes for one grade reported twice, want 1", n)
		}
		f.report(t, lms.GradeQuiz, 1, "learner", 7, 10, true) // released
		f.report(t, lms.GradeQuiz, 1, "learner", 8, 10, true) // regraded
		if n := f.ann.count(); n != 3 {
			t.Fatalf("announced %d changes, want 3", n)
		}
		items := must(st.ListGradeItems(t.Context(), f.course.ID)).of(t)
		if len(items) != 1 || items[0].Source != lms.GradeQuiz || items[0].MaxPoints != 10 {
			t.Fatalf("items: %+v", items)
		}
		err := f.svc.Report(t.Context(), lms.GradeResult{CourseID: f.course.ID, Source: lms.GradeQuiz, SourceID: 1,
			Title: "q", UserID: f.as("learner").ID, Points: 11, MaxPoints: 10})
		wantCode(t, err, lms.EINVALID)
		err = f.svc.Report(t.Context(), lms.GradeResult{CourseID: f.course.ID, Source: lms.GradeManual, SourceID: 1,
			Title: "q", UserID: f.as("learner").ID, Points: 1, MaxPoints: 10})
		wantCode(t, err, lms.EINVALID)
	})
}

func TestLearnersSeeOnlyTheirOwnReleasedGradesOfVisibleItems(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	ctx := t.Context()
	f.report(t, lms.GradeQuiz, 1, "learner", 5, 10, true)
	f.report(t, lms.GradeQuiz, 2, "learner", 9, 10, false) // not released
	f.report(t, lms.GradeAssignment, 3, "learner", 1, 10, true)
	f.report(t, lms.GradeQuiz, 1, "learner2", 10, 10, true)
	items := must(st(f).ListGradeItems(ctx, f.course.ID)).of(t)
	hidden := items[2] // the assignment
	must(f.svc.UpdateItem(ctx, f.as("instructor"), hidden.ID, ItemInput{Hidden: true})).of(t)

	mine := must(f.svc.MyGrades(ctx, f.as("learner"), f.course.ID)).of(t)
	if len(mine.Rows) != 1 || mine.Rows[0].UserID != f.as("learner").ID {
		t.Fatalf("rows: %+v", mine.Rows)
	}
	row := mine.Rows[0]
	if len(row.Grades) != 1 || row.Grades[items[0].ID] == nil || row.Grades[items[0].ID].Points != 5 {
		t.Fatalf("learner sees %+v, want only the released quiz 1", row.Grades)
	}
	if len(mine.Items) != 2 {
		t.Fatalf("learner sees %d items, want 2 (the hidden one left out)", len(mine.Items))
	}
	if !row.Totals.Counted || row.Totals.Percent != 50 {
		t.Fatalf("learner's total %+v, want 50 %% from the released grade alone", row.Totals)
	}

	book := must(f.svc.Book(ctx, f.as("ta"), f.course.ID)).of(t)
	if len(book.Rows) != 2 || len(book.Rows[0].Grades) != 3 || len(book.Items) != 3 {
		t.Fatalf("staff book: %d rows, %+v", len(book.Rows), book.Rows)
	}
	// staff totals count unreleased grades but not hidden items: (5 + 9) / 20
	if got := book.Rows[0].Totals.Percent; got != 70 {
		t.Fatalf("staff total %v, want 70", got)
	}
	_, err := f.svc.Book(ctx, f.as("learner"), f.course.ID)
	wantCode(t, err, lms.EFORBIDDEN)
}

func TestOverridesAndExcusesAreAudited(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := t.Context()
		f.report(t, lms.GradeQuiz, 1, "learner", 4, 10, true)
		item := must(st.ListGradeItems(ctx, f.course.ID)).of(t)[0]
		learner := f.as("learner").ID

		_, err := f.svc.EditGrade(ctx, f.as("ta"), item.ID, learner, GradeEdit{Override: ptr(9.0)})
		wantCode(t, err, lms.EINVALID) // no reason
		_, err = f.svc.EditGrade(ctx, f.as("ta"), item.ID, learner, GradeEdit{Points: ptr(9.0)})
		wantCode(t, err, lms.EINVALID) // a quiz's points come from the quiz
		_, err = f.svc.EditGrade(ctx, f.as("ta"), item.ID, f.as("ta").ID, GradeEdit{Excused: ptr(true)})
		wantCode(t, err, lms.EINVALID) // not a learner

		g := must(f.svc.EditGrade(ctx, f.as("ta"), item.ID, learner, GradeEdit{Override: ptr(9.0), Reason: "re-marked Q3"})).of(t)
		if p, _ := g.Effective(); p != 9 || g.Reason != "re-marked Q3" {
			t.Fatalf("after override: %+v", g)
		}
		must(f.svc.EditGrade(ctx, f.as("instructor"), item.ID, learner, GradeEdit{Excused: ptr(true), Reason: "illness"})).of(t)
		must(f.svc.EditGrade(ctx, f.as("instructor"), item.ID, learner, GradeEdit{ClearOverride: true, Reason: "undo"})).of(t)
		before := f.ann.count()
		must(f.svc.EditGrade(ctx, f.as("instructor"), item.ID, learner, GradeEdit{Excused: ptr(true)})).of(t) // no change
		if f.ann.count() != before {
			t.Fatal("an edit that changed nothing was announced")
		}

		entries := must(st.ListAudit(ctx, lms.AuditFilter{Action: "grade."})).of(t)
		if len(entries) != 3 {
			t.Fatalf("%d audit entries, want 3: %+v", len(entries), entries)
		}
		var first auditDetail // oldest last
		if err := json.Unmarshal([]byte(entries[2].Detail), &first); err != nil {
			t.Fatal(err)
		}
		if entries[2].Action != lms.AuditGradeOverride || entries[2].ActorID != f.as("ta").ID ||
			first.From != nil || first.To != 9.0 || first.Reason != "re-marked Q3" || first.User != learner {
			t.Fatalf("override audit: %+v %+v", entries[2], first)
		}
		if entries[1].Action != lms.AuditGradeExcuse || !strings.Contains(entries[1].Detail, `"from":false,"to":true`) {
			t.Fatalf("excuse audit: %+v", entries[1])
		}
		if entries[0].Action != lms.AuditGradeOverride || !strings.Contains(entries[0].Detail, `"from":9,"to":null`) {
			t.Fatalf("clear audit: %+v", entries[0])
		}
		row := must(f.svc.MyGrades(ctx, f.as("learner"), f.course.ID)).of(t).Rows[0]
		if row.Totals.Counted || !row.Grades[item.ID].Excused {
			t.Fatalf("an excused grade counts: %+v", row)
		}
	})
}

func TestManualItemsCategoriesAndSettings(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	ctx := t.Context()
	inst := f.as("instructor")
	cat := must(f.svc.SaveCategory(ctx, inst, f.course.ID, lms.GradeCategory{Name: "Participation", Weight: 10})).of(t)
	it := must(f.svc.CreateItem(ctx, inst, f.course.ID, ItemInput{Title: "Week 1", MaxPoints: 5, CategoryID: cat.ID})).of(t)
	_, err := f.svc.CreateItem(ctx, inst, f.course.ID, ItemInput{Title: "Bad", MaxPoints: 5, CategoryID: 9999})
	wantCode(t, err, lms.EINVALID)
	g := must(f.svc.EditGrade(ctx, f.as("ta"), it.ID, f.as("learner").ID, GradeEdit{Points: ptr(4.0), Released: ptr(true)})).of(t)
	if !g.Graded || g.Points != 4 || !g.Released {
		t.Fatalf("manual grade: %+v", g)
	}
	set := must(f.svc.PutSettings(ctx, inst, f.course.ID, lms.GradebookSettings{Mode: lms.GradebookPoints,
		Scale: []lms.LetterGrade{{Letter: "F", Min: 0}, {Letter: "P", Min: 75}}})).of(t)
	if set.Scale[0].Letter != "P" {
		t.Fatalf("scale not sorted: %+v", set.Scale)
	}
	row := must(f.svc.MyGrades(ctx, f.as("learner"), f.course.ID)).of(t).Rows[0]
	if row.Totals.Percent != 80 || row.Totals.Letter != "P" {
		t.Fatalf("totals %+v", row.Totals)
	}
	if err := f.svc.DeleteCategory(ctx, inst, f.course.ID, cat.ID); err != nil {
		t.Fatal(err)
	}
	if got := must(st(f).GradeItemByID(ctx, it.ID)).of(t); got.CategoryID != 0 {
		t.Fatalf("item keeps its deleted category")
	}
	if err := f.svc.DeleteItem(ctx, inst, it.ID); err != nil {
		t.Fatal(err)
	}
}

func st(f *fixture) store.Store { return f.st }
