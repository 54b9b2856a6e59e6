package livequiz

import (
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestPlayersSeeAGamesPicturesOnceTheirQuestionIsShown: a game's files
// (a bank question's image, a question's picture) open for its staff at
// once and for players only from the question that shows them; pictures
// must be uploads the instructor may use.
func TestPlayersSeeAGamesPicturesOnceTheirQuestionIsShown(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	up := f.courses.Uploads
	for kind, fn := range f.svc.Readers() {
		up.RegisterReader(kind, fn)
	}
	upload := func(u *lms.User, name string) int64 {
		t.Helper()
		x, err := up.SaveUpload(ctx, u, f.course.ID, name, strings.NewReader("\x89PNG\r\n\x1a\n"+name))
		must(t, err)
		return x.ID
	}
	inBank, picture, leos := upload(f.inst, "bank.png"), upload(f.inst, "picture.png"), upload(f.leo, "leo.png")

	cat := &lms.QuestionCategory{CourseID: f.course.ID, Name: "Optics"}
	must(t, f.st.CreateCategory(ctx, cat))
	bank := &lms.Question{CourseID: f.course.ID, CategoryID: cat.ID, Type: lms.QTrueFalse, Title: "Lens",
		TextMD: "Is this a lens? ![lens](" + course.UploadURL(inBank) + ")", DefaultPoints: 1,
		Body: lms.QuestionBody{TrueFalse: &lms.TrueFalseBody{Answer: true}}}
	must(t, f.st.CreateQuestion(ctx, bank))
	typed := typedQuestions()
	qs := []QuestionInput{typed[0], {BankQuestionID: bank.ID, Seconds: 20}, typed[1]}
	qs[2].ImagePath = course.UploadURL(picture)

	// Pictures must be uploads the instructor may show here.
	for _, bad := range []string{"https://tracker.example/p.gif", course.UploadURL(leos), course.UploadURLPrefix + "x"} {
		in := append([]QuestionInput(nil), qs...)
		in[2].ImagePath = bad
		_, _, err := f.svc.Create(ctx, f.inst, f.room.ID, CreateInput{Title: "Bad", Questions: in})
		wantCode(t, err, lms.EINVALID)
	}
	g, _, err := f.svc.Create(ctx, f.inst, f.room.ID, CreateInput{Title: "Optics", Questions: qs})
	must(t, err)
	_, _, err = f.svc.Join(ctx, f.lea, g.ID, "")
	must(t, err)

	opens := func(who *lms.User, id int64) bool {
		t.Helper()
		_, file, err := up.OpenUpload(ctx, who, id)
		if err != nil {
			if !lms.IsCode(err, lms.ENOTFOUND) {
				t.Fatalf("open %d as %s: %v", id, who.Username, err)
			}
			return false
		}
		file.Close()
		return true
	}
	check := func(when string, bankShown, pictureShown bool) {
		t.Helper()
		if !opens(f.ta, inBank) || !opens(f.ta, picture) {
			t.Fatalf("%s: the TA (staff) cannot open the game's files", when)
		}
		if got := opens(f.lea, inBank); got != bankShown {
			t.Fatalf("%s: a player opens the bank question's image: %v, want %v", when, got, bankShown)
		}
		if got := opens(f.lea, picture); got != pictureShown {
			t.Fatalf("%s: a player opens the third question's picture: %v, want %v", when, got, pictureShown)
		}
		if opens(f.out, inBank) || opens(f.out, picture) {
			t.Fatalf("%s: someone outside the course opens the game's files", when)
		}
	}
	check("in the lobby", false, false)
	g = f.control(g, ActStart)
	check("at question 1", false, false)
	g = f.control(g, ActSkip)
	check("at question 2", true, false)
	g = f.control(g, ActSkip)
	check("at question 3", true, true)
	f.control(g, ActEnd)
	check("after the game", true, true)

	// A deleted game references nothing any more.
	must(t, f.svc.Delete(ctx, f.inst, g.ID))
	if opens(f.lea, picture) {
		t.Fatal("a player opens a deleted game's picture")
	}
}
