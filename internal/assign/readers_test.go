package assign

import (
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestUploadReaders checks who may read the uploads an assignment, a
// submission and a feedback reference, through the course Uploads service
// with the readers registered as cmd/lyceum registers them.
func TestUploadReaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	dir := t.TempDir()
	cs, err := course.NewServices(course.Params{Store: f.st, Logger: zerolog.Nop(), Clock: f.clock.Now,
		Uploads: course.UploadParams{Dir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Params{Store: FromStore(f.st), Access: cs.Access, Files: DirFiles{Uploads: f.st, Dir: dir},
		Gradebook: f.book, Logger: zerolog.Nop(), Clock: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	for kind, fn := range svc.Readers() {
		cs.Uploads.RegisterReader(kind, fn)
	}
	upload := func(who, text string) int64 {
		u := must(cs.Uploads.SaveUpload(ctx, f.as(who), f.course.ID, who+".txt", strings.NewReader(text))).of(t)
		return u.ID
	}
	brief := upload("instructor", "the brief")
	a := must(svc.Create(ctx, f.as("instructor"), f.course.ID, Input{Title: "Essay", MaxPoints: 10, Files: true,
		DueAt: t0, Attachments: []int64{brief}})).of(t)
	mine := upload("learner3", "my essay")
	sub := must(svc.Submit(ctx, f.as("learner3"), a.ID, Work{Files: []int64{mine}, Final: true})).of(t)
	other := upload("learner", "someone else's essay") // learner is in a group, but this is individual work
	must(svc.Submit(ctx, f.as("learner"), a.ID, Work{Files: []int64{other}, Final: true})).of(t)
	notes := upload("ta", "feedback notes")
	must(svc.Grade(ctx, f.as("ta"), sub.ID, Marking{Score: ptr(7.0), FeedbackFile: notes})).of(t)

	canRead := func(who string, uploadID int64) bool {
		t.Helper()
		_, file, err := cs.Uploads.OpenUpload(ctx, f.as(who), uploadID)
		if err == nil {
			file.Close()
			return true
		}
		if !lms.IsCode(err, lms.ENOTFOUND) {
			t.Fatalf("%s reading upload %d: %v", who, uploadID, err)
		}
		return false
	}
	check := func(what string, uploadID int64, want map[string]bool) {
		t.Helper()
		for who, ok := range want {
			if got := canRead(who, uploadID); got != ok {
				t.Errorf("%s: %s may read = %v, want %v", what, who, got, ok)
			}
		}
	}
	check("attachment", brief, map[string]bool{"learner": true, "learner3": true, "ta": true, "outsider": false})
	check("submission", mine, map[string]bool{"learner3": true, "learner": false, "learner2": false,
		"ta": true, "instructor": true, "outsider": false})
	check("other submission", other, map[string]bool{"learner3": false, "learner": true, "ta": true})
	check("unreleased feedback", notes, map[string]bool{"learner3": false, "learner": false, "instructor": true, "ta": true})

	must(svc.Release(ctx, f.as("instructor"), a.ID, nil)).of(t)
	check("released feedback", notes, map[string]bool{"learner3": true, "learner": false, "outsider": false})

	// A draft assignment's attachments are for those who see drafts.
	must(svc.Update(ctx, f.as("instructor"), a.ID, Input{Title: "Essay", MaxPoints: 10, Files: true, DueAt: t0,
		Attachments: []int64{brief}, Draft: true})).of(t)
	check("draft attachment", brief, map[string]bool{"learner": false, "ta": true})

	// Deleting the assignment lets go of every file it referenced.
	if err := svc.Delete(ctx, f.as("instructor"), a.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{brief, mine, other, notes} {
		if refs := must(f.st.UploadRefs(ctx, id)).of(t); len(refs) != 0 {
			t.Errorf("upload %d is still referenced by %v", id, refs)
		}
	}
}

func TestRegisterReaderRefusesDuplicates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cs, err := course.NewServices(course.Params{Store: f.st, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	for kind, fn := range f.svc.Readers() {
		cs.Uploads.RegisterReader(kind, fn)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering the submission reader twice did not panic")
		}
	}()
	cs.Uploads.RegisterReader(RefSubmission, f.svc.Readers()[RefSubmission])
}
