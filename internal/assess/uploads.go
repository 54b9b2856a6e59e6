package assess

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// Files in the bank and in attempts go through the upload service: a
// question's Markdown links images (UploadURL), an essay answer attaches
// files. Each is recorded as a reference (course SetUploadRefs), so the
// sweep keeps the files and the upload service asks this package who may
// read them (Readers): "question:<version id>" for the course's staff
// always and for a learner once an attempt of theirs asked that version
// (open: they are answering it; submitted: its review), never before, so
// an image does not give a question away before the quiz opens;
// "attempt:<id>" for the attempt's learner and those who see grades. A file must be the linker's own upload, or used in the
// course already, as for lessons.

// Reference kinds of the uploads this package records.
const (
	RefQuestion = "question"
	RefAttempt  = "attempt"
)

// uploadRef is the reference name of kind and id.
func uploadRef(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// questionUploads returns the uploads a question's Markdown links: its
// text, general feedback, hints and every Markdown field of its body.
func questionUploads(q *lms.Question) []int64 {
	body, _ := json.Marshal(q.Body)
	return course.UploadRefs(q.TextMD + "\n" + q.GeneralFeedbackMD + "\n" + strings.Join(q.Hints, "\n") + "\n" + string(body))
}

// usable checks that actor may link every upload in ids in the course.
func usable(ctx context.Context, d Data, actor *lms.User, courseID int64, field string, ids []int64) error {
	if actor.IsAdmin() {
		return nil
	}
	for _, id := range ids {
		ok, err := d.UploadUsableBy(ctx, id, actor.ID, courseID)
		if err != nil {
			return err
		}
		if !ok {
			return lms.FieldError(field, "The file %s was not uploaded by you or used in this course: upload it here first.",
				course.UploadURL(id))
		}
	}
	return nil
}

// linkQuestionUploads records the uploads a question version links (in
// tx). created skips the write when there are none (a new version has no
// references yet; a bulk import stays one write per question).
func linkQuestionUploads(ctx context.Context, tx Data, actor *lms.User, q *lms.Question, created bool) error {
	ids := questionUploads(q)
	if created && len(ids) == 0 {
		return nil
	}
	if err := usable(ctx, tx, actor, q.CourseID, "text_md", ids); err != nil {
		return err
	}
	return tx.SetUploadRefs(ctx, q.CourseID, uploadRef(RefQuestion, q.ID), ids)
}

// linkAttemptUploads records the files attached to an attempt's essay
// answers (in tx) after the essay answer of changed (already holding its
// new response) changed: its files must be the learner's own.
func linkAttemptUploads(ctx context.Context, tx Data, actor *lms.User, att *lms.Attempt, slots []*lms.AttemptSlot, changed *lms.AttemptSlot) error {
	if changed.Response != nil && len(changed.Response.Uploads) > 0 {
		if err := usable(ctx, tx, actor, att.CourseID, "answer", changed.Response.Uploads); err != nil {
			return err
		}
	}
	var ids []int64
	for _, sl := range slots {
		if sl.Slot == changed.Slot {
			sl = changed
		}
		if sl.Response != nil {
			ids = append(ids, sl.Response.Uploads...)
		}
	}
	slices.Sort(ids)
	return tx.SetUploadRefs(ctx, att.CourseID, uploadRef(RefAttempt, att.ID), slices.Compact(ids))
}

// Readers returns the readers of the uploads this package references, to
// register with the upload service (course.Uploads.RegisterReader).
func (s *Service) Readers() map[string]course.RefReader {
	return map[string]course.RefReader{
		RefQuestion: func(ctx context.Context, actor *lms.User, id, _ int64) error {
			q, err := s.store.QuestionByID(ctx, id)
			if err != nil {
				return hide(err, "question")
			}
			a, err := s.access.Load(ctx, actor, q.CourseID, actTakeQuiz)
			if err != nil || a.Can(actViewBank) || a.Can(actSeeGrades) {
				return err
			}
			asked, err := s.store.QuestionAskedOf(ctx, q.ID, actor.ID)
			if err == nil && !asked {
				err = notFound("question")
			}
			return err
		},
		RefAttempt: func(ctx context.Context, actor *lms.User, id, _ int64) error {
			_, _, _, err := s.attempt(ctx, actor, id)
			return err
		},
	}
}
