package assign

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// Upload reference kinds: an assignment's attachments, a submission's
// files and a grader's feedback file are uploads referenced as
// "assignment:<id>", "submission:<id>" and "feedback:<submission id>".
const (
	RefAssignment = "assignment"
	RefSubmission = "submission"
	RefFeedback   = "feedback"
)

// Readers returns the course.RefReader of each kind of reference this
// service makes, for (*course.Uploads).RegisterReader: members who see
// an assignment read its attachments; graders read every submission and
// feedback file; a learner reads their own (or their group's) submission
// and its feedback once released.
func (s *Service) Readers() map[string]course.RefReader {
	return map[string]course.RefReader{
		RefAssignment: s.readAttachment,
		RefSubmission: func(ctx context.Context, actor *lms.User, id, _ int64) error {
			return s.readSubmission(ctx, actor, id, false)
		},
		RefFeedback: func(ctx context.Context, actor *lms.User, id, _ int64) error {
			return s.readSubmission(ctx, actor, id, true)
		},
	}
}

// readAttachment lets whoever sees the assignment read its attachments.
func (s *Service) readAttachment(ctx context.Context, actor *lms.User, id, _ int64) error {
	_, _, err := s.assignment(ctx, actor, id, lms.ActViewContent)
	return err
}

// readSubmission lets graders read a submission's files (or its feedback
// file), and the learner (or group member) whose work it is read theirs;
// feedback only once released.
func (s *Service) readSubmission(ctx context.Context, actor *lms.User, id int64, feedback bool) error {
	sub, err := s.store.SubmissionByID(ctx, id)
	if err != nil {
		return hideMissing(err)
	}
	_, acc, err := s.assignment(ctx, actor, sub.AssignmentID, lms.ActViewContent)
	if err != nil {
		return err
	}
	if acc.Can(lms.ActGrade) {
		return nil
	}
	own := sub.UserID != 0 && sub.UserID == actor.ID ||
		sub.GroupID != 0 && acc.Enrollment != nil && acc.Enrollment.GroupID == sub.GroupID
	if !own || feedback && !sub.Released {
		return errNotFound()
	}
	return nil
}
