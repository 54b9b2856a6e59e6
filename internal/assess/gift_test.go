package assess

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lyceumhq/lyceum/internal/lms"
)

const sampleGIFT = "\ufeff// a comment\r\n" +
	"::Capital::What is the capital of **France**? {=Paris#Yes ~Lyon#No ####Since 987.}\r\n\r\n" +
	"$CATEGORY: $course$/top/Unit 1/Week 2\n\n" +
	"// [tag:easy]\n::Sun::The sun is a star.{T#It is a star.#Right.}\n\n" +
	"::Pi::Pi to two decimals? {#3.14:0.005 =%50%3.1:0.05 ~#Not close.}\n\n" +
	"::Match::Match. {=Canada -> Ottawa =Italy -> Rome = -> Sydney}\n\n" +
	"::Hamlet::Who wrote Hamlet? {=Shakespeare =William Shakespeare#Full name}\n\n" +
	"::Primes::Which are prime? {~%50%2 ~%50%3 ~%-100%4}\n\n" +
	"::Essay::Reflect. {}\n\n" +
	"::Read::Read this first.\n\n" +
	"::Order::Order them. {>3\nA\nB\nC\n}\n\n" +
	"Grant is buried {~in =entombed} Grant's tomb.\n\n" +
	"::Broken::Unclosed {=a ~b\n\n"

func TestGIFTPreviewImportAndRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	plan, err := f.svc.PreviewGIFT(ctx, f.instructor, f.cat.ID, []byte(sampleGIFT))
	must(t, err)
	if len(plan.Skipped) != 1 || plan.Skipped[0].Line != 29 || len(plan.Questions) != 10 {
		t.Fatalf("preview: %d questions, skipped %+v", len(plan.Questions), plan.Skipped)
	}
	if d := cmp.Diff([]string{"Unit 1", "Unit 1/Week 2"}, plan.NewCategories); d != "" {
		t.Fatalf("new categories (-want +got):\n%s", d)
	}
	_, err = f.svc.ImportGIFT(ctx, f.instructor, f.cat.ID, []byte(sampleGIFT), false)
	wantCode(t, err, lms.EINVALID)
	if _, n, _ := f.st.ListQuestions(ctx, lms.QuestionFilter{CourseID: f.course.ID}); n != 0 {
		t.Fatalf("a refused import created %d questions", n)
	}
	_, err = f.svc.ImportGIFT(ctx, f.learner, f.cat.ID, []byte(sampleGIFT), true)
	wantCode(t, err, lms.EFORBIDDEN)
	done, err := f.svc.ImportGIFT(ctx, f.instructor, f.cat.ID, []byte(sampleGIFT), true)
	must(t, err)
	if done.Created != 10 {
		t.Fatalf("created %d, want 10", done.Created)
	}
	first, _, err := f.st.ListQuestions(ctx, lms.QuestionFilter{CourseID: f.course.ID})
	must(t, err)
	var out bytes.Buffer
	skipped, err := f.svc.ExportGIFT(ctx, f.instructor, f.course.ID, f.cat.ID, &out)
	must(t, err)
	if len(skipped) != 0 {
		t.Fatalf("export skipped %+v", skipped)
	}
	other := &lms.QuestionCategory{CourseID: f.course.ID, Name: "Copy"}
	must(t, f.svc.CreateCategory(ctx, f.instructor, other))
	again, err := f.svc.ImportGIFT(ctx, f.instructor, other.ID, out.Bytes(), false)
	must(t, err)
	if again.Created != 10 {
		t.Fatalf("re-import created %d:\n%s", again.Created, out.String())
	}
	all, _, err := f.st.ListQuestions(ctx, lms.QuestionFilter{CourseID: f.course.ID})
	must(t, err)
	second := all[len(first):]
	byTitle := func(list []*lms.Question) map[string]*lms.Question {
		m := map[string]*lms.Question{}
		for _, q := range list {
			m[q.Title] = q
		}
		return m
	}
	ignore := cmpopts.IgnoreFields(lms.Question{}, "ID", "FamilyID", "CategoryID", "CreatedAt", "UpdatedAt")
	if d := cmp.Diff(byTitle(first), byTitle(second), ignore, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("export then import changed questions (-first +second):\n%s", d)
	}
	cats, err := f.st.ListCategories(ctx, f.course.ID)
	must(t, err)
	paths := categoryPaths(cats, other.ID)
	found := false
	for _, q := range second {
		if p := paths[q.CategoryID]; len(p) == 2 && p[0] == "Unit 1" && p[1] == "Week 2" {
			found = true
		}
	}
	if !found {
		t.Fatal("the categories were not recreated under the target")
	}
}

func TestGIFTExportSkipsWhatGIFTCannotHold(t *testing.T) {
	f := newFixture(t)
	qs := everyType(t)
	for _, q := range qs {
		f.add(q)
	}
	var out bytes.Buffer
	skipped, err := f.svc.ExportGIFT(t.Context(), f.instructor, f.course.ID, 0, &out)
	must(t, err)
	if len(skipped) != 2 { // blanks, calculated
		t.Fatalf("skipped %+v", skipped)
	}
	_, err = f.svc.ExportGIFT(t.Context(), f.learner, f.course.ID, 0, &out)
	wantCode(t, err, lms.EFORBIDDEN)
}
