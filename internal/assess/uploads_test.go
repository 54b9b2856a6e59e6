package assess

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestQuestionImagesAndEssayFilesAreReferenced: an image a question's
// Markdown links and a file an essay answer attaches are references of
// the question and the attempt: the sweep keeps them, staff and the
// learners asked the question may open its image, only the learner and
// graders the essay's file; nobody links a file that is not theirs.
func TestQuestionImagesAndEssayFilesAreReferenced(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	courses, err := course.NewServices(course.Params{Store: f.st, Clock: f.clock.Now, Logger: zerolog.Nop(),
		Uploads: course.UploadParams{Dir: t.TempDir(), Grace: time.Minute}})
	must(t, err)
	for kind, fn := range f.svc.Readers() {
		courses.Uploads.RegisterReader(kind, fn)
	}
	up := func(u *lms.User, name string) *lms.Upload {
		t.Helper()
		x, err := courses.Uploads.SaveUpload(ctx, u, f.course.ID, name, strings.NewReader("\x89PNG\r\n\x1a\n"+name))
		must(t, err)
		return x
	}
	img, file, stranger := up(f.instructor, "chart.png"), up(f.learner, "work.txt"), up(f.learner2, "other.txt")

	q := f.add(&lms.Question{Type: lms.QEssay, Title: "Essay", DefaultPoints: 5,
		TextMD: fmt.Sprintf("Describe ![the chart](%s).", course.UploadURL(img.ID)),
		Body:   lms.QuestionBody{Essay: &lms.EssayBody{Attachments: 2}}})
	bad := &lms.Question{Type: lms.QEssay, Title: "Theirs", DefaultPoints: 1, CategoryID: f.cat.ID,
		TextMD: fmt.Sprintf("![x](%s)", course.UploadURL(stranger.ID)), Body: lms.QuestionBody{Essay: &lms.EssayBody{}}}
	wantCode(t, f.svc.CreateQuestion(ctx, f.instructor, bad), lms.EINVALID)

	qz := f.quiz(nil, q)
	att := f.start(f.learner, qz)
	_, err = f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 0, lms.Response{Text: "See file.", Uploads: []int64{stranger.ID}})
	wantCode(t, err, lms.EINVALID)
	_, err = f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 0, lms.Response{Text: "See file.", Uploads: []int64{file.ID}})
	must(t, err)

	f.clock.Advance(time.Hour) // past the grace: only unreferenced files go
	if n, err := courses.Uploads.SweepUploads(ctx); err != nil || n != 1 {
		t.Fatalf("the sweep removed %d files (%v), want 1: the one nothing links", n, err)
	}
	open := func(u *lms.User, x *lms.Upload) error {
		_, fh, err := courses.Uploads.OpenUpload(ctx, u, x.ID)
		if fh != nil {
			fh.Close()
		}
		return err
	}
	must(t, open(f.learner, img))                      // the learner who was asked the question sees its image
	wantCode(t, open(f.learner2, img), lms.ENOTFOUND)  // one not asked it yet does not
	must(t, open(f.ta, img))                           // staff always do
	must(t, open(f.instructor, file))                  // a grader opens the essay's file
	wantCode(t, open(f.learner2, file), lms.ENOTFOUND) // another learner does not
	wantCode(t, open(f.outsider, img), lms.ENOTFOUND)
}
