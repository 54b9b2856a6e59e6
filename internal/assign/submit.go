package assign

import (
	"context"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// Work is what a learner hands in.
type Work struct {
	Text  string  `json:"text"`
	Files []int64 `json:"files"` // upload ids
	// Final submits for grading; otherwise the work is saved as a draft.
	Final bool `json:"final"`
}

// owner returns the (user, group) a learner's submission is kept under:
// the learner, or in group mode their course group.
func owner(a *lms.Assignment, acc *course.Access) (userID, groupID int64, err error) {
	if !a.GroupMode {
		return acc.User.ID, 0, nil
	}
	if acc.Enrollment == nil || acc.Enrollment.GroupID == 0 {
		return 0, 0, lms.Errorf(lms.EINVALID, "This is a group assignment: join a group first.")
	}
	return 0, acc.Enrollment.GroupID, nil
}

// Submit saves a new version of the caller's work (or their group's):
// as a draft, or with Final submitted for grading. Learners submit and
// resubmit until the due date; after it, work not yet submitted for
// grading may still be submitted (late, with the penalty LatePenalty
// showed) until the cut-off date, after which nothing is accepted. A
// learner with an extension has its dates instead. Every version is kept.
func (s *Service) Submit(ctx context.Context, actor *lms.User, id int64, w Work) (*lms.Submission, error) {
	a, acc, err := s.assignment(ctx, actor, id, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	if acc.Role != lms.CourseLearner {
		return nil, lms.Errorf(lms.EFORBIDDEN, "Only learners hand in work.")
	}
	if err := acc.Writable(); err != nil {
		return nil, err
	}
	userID, groupID, err := owner(a, acc)
	if err != nil {
		return nil, err
	}
	// The learner's own dates when they have an extension (in group mode,
	// those of the member who hands in).
	if a, err = s.forLearner(ctx, a, actor.ID); err != nil {
		return nil, err
	}
	now := s.now()
	if p := penaltyAt(a, now); !p.Open {
		return nil, lms.Errorf(lms.EFORBIDDEN, "%s", p.Message)
	}
	prev, err := s.store.SubmissionOf(ctx, a.ID, userID, groupID)
	if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
		return nil, err
	}
	if err != nil {
		prev = nil
	}
	if prev != nil && prev.Status == lms.SubmissionSubmitted && !a.DueAt.IsZero() && now.After(a.DueAt) {
		return nil, lms.Errorf(lms.EFORBIDDEN, "The due date has passed: work submitted for grading can no longer be changed.")
	}
	if err := s.checkWork(ctx, actor, a, prev, &w); err != nil {
		return nil, err
	}
	sub := &lms.Submission{AssignmentID: a.ID, UserID: userID, GroupID: groupID, Status: lms.SubmissionDraft,
		Text: w.Text, Files: w.Files}
	if w.Final {
		sub.Status, sub.SubmittedAt, sub.SubmittedBy = lms.SubmissionSubmitted, now, actor.ID
	}
	err = s.store.InTx(ctx, func(st Store) error {
		if _, err := st.SaveSubmission(ctx, sub, actor.ID, now); err != nil {
			return err
		}
		return s.refsIn(st).SetUploadRefs(ctx, a.CourseID, ref("submission", sub.ID), sub.Files)
	})
	if err != nil {
		return nil, err
	}
	saved, err := s.store.SubmissionByID(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	return learnerView(saved), nil
}

// checkWork validates the text and files against the assignment.
func (s *Service) checkWork(ctx context.Context, actor *lms.User, a *lms.Assignment, prev *lms.Submission, w *Work) error {
	if w.Text != "" && !a.OnlineText {
		return lms.FieldError("text", "This assignment takes files, not text.")
	}
	if len(w.Text) > lms.MaxSubmissionText {
		return &lms.Error{Code: lms.ETOOLARGE, Field: "text", Message: "The text is too long."}
	}
	if len(w.Files) > 0 && !a.Files {
		return lms.FieldError("files", "This assignment takes text, not files.")
	}
	limit := a.MaxFiles
	if limit == 0 {
		limit = lms.MaxSubmissionFiles
	}
	if len(w.Files) > limit {
		return lms.FieldError("files", "Hand in at most %d files.", limit)
	}
	if w.Final && strings.TrimSpace(w.Text) == "" && len(w.Files) == 0 {
		return lms.FieldError("text", "Add your answer before submitting.")
	}
	seen := map[int64]bool{}
	for _, id := range w.Files {
		if seen[id] {
			return lms.FieldError("files", "The same file is listed twice.")
		}
		seen[id] = true
		u, err := s.files.UploadByID(ctx, id)
		if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
			return err
		}
		// A group member may keep files another member handed in before.
		kept := prev != nil && slices.Contains(prev.Files, id)
		if err != nil || u.OwnerID != actor.ID && !kept {
			return lms.FieldError("files", "Upload the file first.")
		}
		if len(a.FileTypes) > 0 {
			ext := strings.TrimPrefix(strings.ToLower(path.Ext(u.Name)), ".")
			if !slices.Contains(a.FileTypes, ext) {
				return &lms.Error{Code: lms.EUNSUPPORTED, Field: "files",
					Message: "This type of file is not accepted here: use " + strings.Join(a.FileTypes, ", ") + "."}
			}
		}
		if a.MaxFileBytes > 0 && u.Size > a.MaxFileBytes {
			return &lms.Error{Code: lms.ETOOLARGE, Field: "files",
				Message: "The file " + u.Name + " is larger than this assignment allows."}
		}
	}
	return nil
}

// learnerView hides the grade, feedback and rubric until they are released.
func learnerView(sub *lms.Submission) *lms.Submission {
	if sub.Released {
		sub.GradedBy = 0
		return sub
	}
	sub.Graded, sub.Score, sub.Penalty, sub.RubricLevels = false, 0, 0, nil
	sub.FeedbackMD, sub.FeedbackHTML, sub.FeedbackFile, sub.GradedBy, sub.GradedAt = "", "", 0, 0, time.Time{}
	return sub
}

// Mine is a learner's own work on an assignment.
type Mine struct {
	Assignment *lms.Assignment `json:"assignment"`
	// Submission is nil before anything was saved.
	Submission *lms.Submission          `json:"submission"`
	Versions   []*lms.SubmissionVersion `json:"versions"`
	Penalty    *Penalty                 `json:"penalty"`
}

// MySubmission returns the caller's work (or their group's) with every
// version and what submitting now would cost; grade, feedback and rubric
// only once released. A learner with an extension sees their own dates
// (Assignment.Extended).
func (s *Service) MySubmission(ctx context.Context, actor *lms.User, id int64) (*Mine, error) {
	a, acc, err := s.assignment(ctx, actor, id, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	if a, err = s.viewFor(ctx, a, acc.Role, actor.ID); err != nil {
		return nil, err
	}
	m := &Mine{Assignment: a, Versions: []*lms.SubmissionVersion{}, Penalty: penaltyAt(a, s.now())}
	if acc.Role != lms.CourseLearner {
		return m, nil
	}
	userID, groupID, err := owner(a, acc)
	if err != nil {
		return m, nil // not in a group yet: nothing handed in
	}
	sub, err := s.store.SubmissionOf(ctx, a.ID, userID, groupID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if m.Versions, err = s.store.SubmissionVersions(ctx, sub.ID); err != nil {
		return nil, err
	}
	m.Submission = learnerView(sub)
	return m, nil
}
