package grades

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

func TestImportPreviewShowsProblemsPerRowAndImportsNothingUntilClean(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	ctx := t.Context()
	inst := f.as("instructor")
	week := must(f.svc.CreateItem(ctx, inst, f.course.ID, ItemInput{Title: "Week 1", MaxPoints: 10})).of(t)
	lab := must(f.svc.CreateItem(ctx, inst, f.course.ID, ItemInput{Title: "Lab", MaxPoints: 5})).of(t)
	file := "\ufeffUsername,Name,Week 1,lab\r\n" +
		"learner,N learner,8,EX\r\n" +
		"learner2@example.com,,11,\r\n" + // over the maximum
		"nobody,,1,1\r\n" + // unknown account
		"ta,,1,1\r\n" + // not a learner
		"learner,,2,2\r\n" + // second row for the same learner
		"learner2,,abc,2\r\n" // not a number
	rep := must(f.svc.ImportCSV(ctx, inst, f.course.ID, strings.NewReader(file), ImportOptions{DryRun: true})).of(t)
	if rep.Applied || rep.Errors != 5 || rep.Changes != 2 || len(rep.Items) != 2 {
		t.Fatalf("preview: applied %v, %d errors, %d changes, %d items", rep.Applied, rep.Errors, rep.Changes, len(rep.Items))
	}
	want := map[int]string{3: "week 1", 4: "username", 5: "username", 6: "username", 7: "week 1"}
	for _, row := range rep.Rows {
		col, bad := want[row.Line]
		if bad != (len(row.Problems) > 0) || bad && !slices.ContainsFunc(row.Problems, func(p Problem) bool { return p.Column == col }) {
			t.Errorf("line %d: problems %+v, want a problem in %q: %v", row.Line, row.Problems, col, bad)
		}
	}
	if len(must(f.st.ListGrades(ctx, f.course.ID, 0)).of(t)) != 0 {
		t.Fatal("the preview wrote grades")
	}
	rep = must(f.svc.ImportCSV(ctx, inst, f.course.ID, strings.NewReader(file), ImportOptions{})).of(t)
	if rep.Applied || len(must(f.st.ListGrades(ctx, f.course.ID, 0)).of(t)) != 0 {
		t.Fatal("a file with problems was imported without ValidOnly")
	}
	rep = must(f.svc.ImportCSV(ctx, inst, f.course.ID, strings.NewReader(file), ImportOptions{ValidOnly: true, Release: true})).of(t)
	if !rep.Applied || rep.Changes != 2 || f.ann.count() != 2 {
		t.Fatalf("valid rows: applied %v, %d changes, %d announced", rep.Applied, rep.Changes, f.ann.count())
	}
	g := must(f.st.GradeOf(ctx, week.ID, f.as("learner").ID)).of(t)
	ex := must(f.st.GradeOf(ctx, lab.ID, f.as("learner").ID)).of(t)
	if !g.Graded || g.Points != 8 || !g.Released || !ex.Excused {
		t.Fatalf("imported grades: %+v %+v", g, ex)
	}
	if n := len(must(f.st.ListAudit(ctx, lms.AuditFilter{Action: lms.AuditGradeImport})).of(t)); n < 2 {
		t.Fatalf("%d import audit entries", n)
	}
	// The same file again changes nothing.
	rep = must(f.svc.ImportCSV(ctx, inst, f.course.ID, strings.NewReader(file), ImportOptions{ValidOnly: true, Release: true})).of(t)
	if rep.Changes != 0 || f.ann.count() != 2 {
		t.Fatalf("re-import: %d changes, %d announced", rep.Changes, f.ann.count())
	}

	for name, bad := range map[string]string{
		"a column naming no item":   "username,Essay\nlearner,1\n",
		"a column of a graded quiz": "username,quiz 1\nlearner,1\n",
		"no username column":        "name,Week 1\nx,1\n",
		"an empty file":             "",
	} {
		f.report(t, lms.GradeQuiz, 1, "learner2", 1, 10, false)
		_, err := f.svc.ImportCSV(ctx, inst, f.course.ID, strings.NewReader(bad), ImportOptions{DryRun: true})
		if lms.ErrorCode(err) != lms.EINVALID {
			t.Errorf("%s: error %v, want invalid", name, err)
		}
	}
}

func TestExportCSV(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	ctx := t.Context()
	must(f.svc.CreateItem(ctx, f.as("instructor"), f.course.ID, ItemInput{Title: "=HYPERLINK(\"x\")", MaxPoints: 4})).of(t)
	f.report(t, lms.GradeQuiz, 1, "learner", 5, 10, false)
	var buf bytes.Buffer
	if err := f.svc.ExportCSV(ctx, f.as("ta"), f.course.ID, &buf); err != nil {
		t.Fatal(err)
	}
	recs := must(csv.NewReader(&buf).ReadAll()).of(t)
	wantHead := []string{"username", "name", `'=HYPERLINK("x")`, "quiz 1", "total %", "letter"}
	if strings.Join(recs[0], "|") != strings.Join(wantHead, "|") || len(recs) != 3 {
		t.Fatalf("export: %q", recs)
	}
	if got := strings.Join(recs[1], "|"); got != "learner|N learner||5|50.00|F" {
		t.Fatalf("learner's row %q", got)
	}
	err := f.svc.ExportCSV(ctx, f.as("learner"), f.course.ID, &buf)
	wantCode(t, err, lms.EFORBIDDEN)
}

// gradesPermCases are the gradebook's methods run as every actor.
var gradesPermCases = []struct {
	name  string
	allow []string
	run   func(ctx context.Context, f *fixture, u *lms.User, item int64) error
}{
	{"book", []string{"ta", "instructor", "admin"}, func(ctx context.Context, f *fixture, u *lms.User, _ int64) error {
		_, err := f.svc.Book(ctx, u, f.course.ID)
		return err
	}},
	{"my grades", []string{"learner", "ta", "instructor", "admin"}, func(ctx context.Context, f *fixture, u *lms.User, _ int64) error {
		_, err := f.svc.MyGrades(ctx, u, f.course.ID)
		return err
	}},
	{"export csv", []string{"ta", "instructor", "admin"}, func(ctx context.Context, f *fixture, u *lms.User, _ int64) error {
		return f.svc.ExportCSV(ctx, u, f.course.ID, &bytes.Buffer{})
	}},
	{"import csv", []string{"ta", "instructor", "admin"}, func(ctx context.Context, f *fixture, u *lms.User, _ int64) error {
		_, err := f.svc.ImportCSV(ctx, u, f.course.ID, strings.NewReader("username\nlearner\n"), ImportOptions{DryRun: true})
		return err
	}},
	{"override", []string{"ta", "instructor", "admin"}, func(ctx context.Context, f *fixture, u *lms.User, item int64) error {
		_, err := f.svc.EditGrade(ctx, u, item, f.as("learner").ID, GradeEdit{Override: ptr(1.0), Reason: "r"})
		return err
	}},
	{"create item", []string{"instructor", "admin"}, func(ctx context.Context, f *fixture, u *lms.User, _ int64) error {
		_, err := f.svc.CreateItem(ctx, u, f.course.ID, ItemInput{Title: "M", MaxPoints: 1})
		return err
	}},
	{"hide item", []string{"instructor", "admin"}, func(ctx context.Context, f *fixture, u *lms.User, item int64) error {
		_, err := f.svc.UpdateItem(ctx, u, item, ItemInput{Hidden: true})
		return err
	}},
	{"save category", []string{"instructor", "admin"}, func(ctx context.Context, f *fixture, u *lms.User, _ int64) error {
		_, err := f.svc.SaveCategory(ctx, u, f.course.ID, lms.GradeCategory{Name: "C", Weight: 1})
		return err
	}},
	{"put settings", []string{"instructor", "admin"}, func(ctx context.Context, f *fixture, u *lms.User, _ int64) error {
		_, err := f.svc.PutSettings(ctx, u, f.course.ID, lms.DefaultGradebookSettings(0))
		return err
	}},
}

func TestGradebookPermissions(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	f.report(t, lms.GradeQuiz, 1, "learner", 5, 10, true)
	item := must(f.st.ListGradeItems(t.Context(), f.course.ID)).of(t)[0].ID
	for _, c := range gradesPermCases {
		for _, who := range actors {
			t.Run(c.name+"/"+who, func(t *testing.T) {
				err := c.run(t.Context(), f, f.as(who), item)
				want := ""
				switch {
				case slices.Contains(c.allow, who):
				case who == "anonymous":
					want = lms.EUNAUTHORIZED
				case who == "outsider":
					want = lms.ENOTFOUND
				default:
					want = lms.EFORBIDDEN
				}
				wantCode(t, err, want)
			})
		}
	}
}
