package course

import (
	"bytes"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestAnotherCoursesUploadCannotBeMadeReadable checks that naming an upload
// id does not make a file readable: a teacher of one course may not link
// another course's upload from a lesson or a cover (which would let their
// learners read it), while someone who uploaded the same bytes may use it.
func TestAnotherCoursesUploadCannotBeMadeReadable(t *testing.T) {
	f := newFixture(t)
	ctx, ins := t.Context(), f.as("instructor")
	secret := must(f.svc.Uploads.SaveUpload(ctx, ins, f.a.ID, "exam.png", bytes.NewReader(png))).get(t)

	// Someone else creates a course and tries to link course A's file.
	mallory := f.newbie
	c := must(f.svc.Courses.CreateCourse(ctx, mallory, CourseInput{Title: "Mallory's"})).get(t)
	m := must(f.svc.Content.CreateModule(ctx, mallory, c.ID, "M")).get(t)
	link := "![x](" + UploadURL(secret.ID) + ")"
	_, err := f.svc.Content.CreateLesson(ctx, mallory, m.ID, LessonInput{Title: "L", BodyMD: link})
	wantCode(t, err, lms.EINVALID)
	l := must(f.svc.Content.CreateLesson(ctx, mallory, m.ID, LessonInput{Title: "L", BodyMD: "nothing"})).get(t)
	_, err = f.svc.Content.UpdateLesson(ctx, mallory, l.ID, LessonInput{Title: "L", BodyMD: link})
	wantCode(t, err, lms.EINVALID)
	cover := UploadURL(secret.ID)
	_, err = f.svc.Courses.UpdateCourse(ctx, mallory, c.ID, lms.CoursePatch{CoverPath: &cover})
	wantCode(t, err, lms.EINVALID)
	_, _, err = f.svc.Uploads.OpenUpload(ctx, mallory, secret.ID)
	wantCode(t, err, lms.ENOTFOUND)

	// Uploading the same bytes makes mallory an owner of the stored file:
	// they had the bytes, so they may use them.
	again := must(f.svc.Uploads.SaveUpload(ctx, mallory, c.ID, "mine.png", bytes.NewReader(png))).get(t)
	if again.ID != secret.ID {
		t.Fatalf("the same bytes were stored twice: %d and %d", again.ID, secret.ID)
	}
	must(f.svc.Content.UpdateLesson(ctx, mallory, l.ID, LessonInput{Title: "L", BodyMD: link})).get(t)

	// In course A, staff may use what the course already uses.
	must(f.svc.Content.UpdateLesson(ctx, ins, f.lesson.ID, LessonInput{Title: f.lesson.Title, BodyMD: link})).get(t)
	must(f.svc.Content.UpdateLesson(ctx, f.as("admin"), f.draft.ID, LessonInput{Title: "D", BodyMD: link, Draft: true})).get(t)
}
