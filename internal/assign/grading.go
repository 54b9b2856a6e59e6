package assign

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// Row states in the graders' table.
const (
	StateMissing   = "missing"   // nothing saved yet
	StateDraft     = "draft"     // saved, not submitted for grading
	StateSubmitted = "submitted" // submitted, not graded
	StateGraded    = "graded"    // graded (released or not)
)

// Row is one line of the graders' table: a learner (or a group in group
// mode) and their submission, if any.
type Row struct {
	UserID  int64   `json:"user_id,omitzero"`
	GroupID int64   `json:"group_id,omitzero"`
	Name    string  `json:"name"`    // the learner's or the group's name
	Members []int64 `json:"members"` // who gets the grade
	State   string  `json:"state"`
	// Late is how late the submission was handed in (0: on time or none),
	// measured from the learner's own due date when they have an extension.
	Late time.Duration `json:"late"`
	// Extension is the learner's extension, if any; on a group's row, the
	// one every member has (the same dates), if they all have one.
	Extension *lms.Extension `json:"extension,omitempty"`
	// ExtendedMembers is, on a group's row, how many of its members have an
	// extension (their own, or one given to the group).
	ExtendedMembers int             `json:"extended_members,omitzero"`
	Submission      *lms.Submission `json:"submission,omitempty"`
}

// Filter selects rows of the table; zero values select everything.
type Filter struct {
	State      string `json:"state"`      // one of the State* values
	Late       bool   `json:"late"`       // only work handed in late
	Unreleased bool   `json:"unreleased"` // only graded work whose grade is not released
}

// Submissions returns the graders' table (ActGrade): every active learner,
// or every group in group mode, with their submission's state, filtered.
func (s *Service) Submissions(ctx context.Context, actor *lms.User, id int64, f Filter) ([]Row, error) {
	a, _, err := s.assignment(ctx, actor, id, lms.ActGrade)
	if err != nil {
		return nil, err
	}
	rows, err := s.table(ctx, a)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rows, func(r Row) bool {
		return f.State != "" && r.State != f.State || f.Late && r.Late == 0 ||
			f.Unreleased && (r.State != StateGraded || r.Submission.Released)
	}), nil
}

// table builds every row of the assignment's table.
func (s *Service) table(ctx context.Context, a *lms.Assignment) ([]Row, error) {
	people, err := learners(ctx, s.store, a.CourseID, 0)
	if err != nil {
		return nil, err
	}
	subs, err := s.store.ListSubmissions(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	exts, err := s.extensionsOf(ctx, a)
	if err != nil {
		return nil, err
	}
	byOwner := map[[2]int64]*lms.Submission{}
	for _, sub := range subs {
		byOwner[[2]int64{sub.UserID, sub.GroupID}] = sub
	}
	var rows []Row
	if a.GroupMode {
		groups, err := s.store.ListGroups(ctx, a.CourseID)
		if err != nil {
			return nil, err
		}
		members := map[int64][]int64{}
		for _, e := range people {
			members[e.GroupID] = append(members[e.GroupID], e.UserID)
		}
		for _, g := range groups {
			rows = append(rows, Row{GroupID: g.ID, Name: g.Name, Members: members[g.ID],
				Submission: byOwner[[2]int64{0, g.ID}]})
		}
	} else {
		for _, e := range people {
			name := e.Name
			if name == "" {
				name = e.Username
			}
			rows = append(rows, Row{UserID: e.UserID, Name: name, Members: []int64{e.UserID},
				Submission: byOwner[[2]int64{e.UserID, 0}]})
		}
	}
	for i := range rows {
		r := &rows[i]
		switch sub := r.Submission; {
		case sub == nil:
			r.State = StateMissing
		case sub.Graded:
			r.State = StateGraded
		case sub.Status == lms.SubmissionSubmitted:
			r.State = StateSubmitted
		default:
			r.State = StateDraft
		}
		if r.GroupID == 0 {
			r.Extension = exts[r.UserID]
		} else {
			r.Extension, r.ExtendedMembers = groupExtension(r.Members, exts)
		}
		if sub := r.Submission; sub != nil && !sub.SubmittedAt.IsZero() {
			eff := exts[learnerOf(sub)].Apply(*a)
			_, r.Late = eff.Penalty(sub.SubmittedAt)
		}
	}
	return rows, nil
}

// groupExtension is what a group's row shows of its members' extensions:
// the one they share (every member has one, with the same dates) and how
// many have one.
func groupExtension(members []int64, exts map[int64]*lms.Extension) (*lms.Extension, int) {
	var first *lms.Extension
	n, same := 0, true
	for _, u := range members {
		x := exts[u]
		if x == nil {
			same = false
			continue
		}
		n++
		if first == nil {
			first = x
		} else if !x.DueAt.Equal(first.DueAt) || !x.CutoffAt.Equal(first.CutoffAt) {
			same = false
		}
	}
	if !same || n == 0 {
		return nil, n
	}
	return first, n
}

// learnerOf is whose extension counts for a submission: its learner's, or
// in group mode the member's who handed it in.
func learnerOf(sub *lms.Submission) int64 {
	if sub.UserID != 0 {
		return sub.UserID
	}
	return sub.SubmittedBy
}

// learners returns the course's active learners (of one group, or all
// with groupID 0).
func learners(ctx context.Context, st Store, courseID, groupID int64) ([]*lms.Enrollment, error) {
	return course.AllEnrollments(ctx, st, lms.EnrollmentFilter{CourseID: courseID, Role: lms.CourseLearner,
		Status: lms.EnrollActive, GroupID: groupID})
}

// Marking is a grader's verdict on a submission.
type Marking struct {
	// Score is the points before the late penalty; ignored when
	// RubricLevels are given (the rubric's score counts).
	Score        *float64 `json:"score,omitempty"`
	RubricLevels []int    `json:"rubric_levels,omitempty"`
	FeedbackMD   string   `json:"feedback_md"`
	FeedbackFile int64    `json:"feedback_file,omitzero"` // an upload of the grader's
	// Release shows the grade to the learners now; otherwise a released
	// grade stays released and an unreleased one waits for Release.
	Release bool `json:"release"`
}

// Grade grades a submission (ActGrade): the score (typed, or computed from
// the rubric), the late penalty from when it was submitted (against the
// learner's extension when they have one), and feedback.
// The grade goes to the gradebook for the learner, or for every member of
// the group, released or not; the grading is audited.
func (s *Service) Grade(ctx context.Context, actor *lms.User, submissionID int64, m Marking) (*lms.Submission, error) {
	sub, a, err := s.submission(ctx, actor, submissionID)
	if err != nil {
		return nil, err
	}
	score, err := scoreOf(a, m)
	if err != nil {
		return nil, err
	}
	if len(m.FeedbackMD) > lms.MaxFeedbackBytes {
		return nil, &lms.Error{Code: lms.ETOOLARGE, Field: "feedback_md", Message: "The feedback is too long."}
	}
	if m.FeedbackFile != 0 {
		if err := s.attachable(ctx, actor, "feedback_file", []int64{m.FeedbackFile}); err != nil {
			return nil, err
		}
	}
	share := 0.0
	if !sub.SubmittedAt.IsZero() {
		eff, err := s.forLearner(ctx, a, learnerOf(sub))
		if err != nil {
			return nil, err
		}
		share, _ = eff.Penalty(sub.SubmittedAt)
	}
	now := s.now()
	from, wasReleased := gradeOf(sub), sub.Released
	sub.Graded, sub.Score, sub.Penalty, sub.RubricLevels = true, score, round(score*share), m.RubricLevels
	sub.FeedbackMD, sub.FeedbackHTML, sub.FeedbackFile = m.FeedbackMD, course.RenderMarkdown(m.FeedbackMD), m.FeedbackFile
	sub.GradedBy, sub.GradedAt = actor.ID, now
	if m.Release && !sub.Released {
		sub.Released, sub.ReleasedAt = true, now
	}
	err = s.store.InTx(ctx, func(st Store) error {
		if err := st.GradeSubmission(ctx, sub); err != nil {
			return err
		}
		var feedback []int64
		if sub.FeedbackFile != 0 {
			feedback = []int64{sub.FeedbackFile}
		}
		if err := s.refsIn(st).SetUploadRefs(ctx, a.CourseID, ref("feedback", sub.ID), feedback); err != nil {
			return err
		}
		detail, err := json.Marshal(map[string]any{"assignment": a.ID, "submission": sub.ID, "user": sub.UserID,
			"group": sub.GroupID, "from": from, "to": sub.Grade(), "released": sub.Released})
		if err != nil {
			return fmt.Errorf("encode audit detail: %w", err)
		}
		return st.AppendAudit(ctx, &lms.AuditEntry{At: now, ActorID: actor.ID, Action: lms.AuditSubmissionGrade,
			Target: ref("submission", sub.ID), Detail: string(detail)})
	})
	if err != nil {
		return nil, err
	}
	if err := s.report(ctx, a, sub); err != nil {
		return nil, err
	}
	if sub.Released && !wasReleased {
		s.feedbackReleased(ctx, a, sub)
	}
	return sub, nil
}

// scoreOf is the score a marking gives.
func scoreOf(a *lms.Assignment, m Marking) (float64, error) {
	if len(m.RubricLevels) > 0 {
		if a.Rubric == nil {
			return 0, lms.FieldError("rubric_levels", "This assignment has no rubric.")
		}
		return a.Rubric.Score(m.RubricLevels)
	}
	if m.Score == nil {
		return 0, lms.FieldError("score", "Give a score.")
	}
	if !lms.ValidPoints(*m.Score) || *m.Score > a.MaxPoints {
		return 0, lms.FieldError("score", "The score is between 0 and %g.", a.MaxPoints)
	}
	return *m.Score, nil
}

// gradeOf is a submission's grade for the audit: nil when ungraded.
func gradeOf(sub *lms.Submission) any {
	if !sub.Graded {
		return nil
	}
	return sub.Grade()
}

// round keeps points to 1/1000 so penalties do not carry float noise.
func round(p float64) float64 { return math.Round(p*1000) / 1000 }

// Release shows graded submissions' grades to their learners (ActGrade):
// the listed submissions, or with none listed every graded one. It returns
// the submissions it released.
func (s *Service) Release(ctx context.Context, actor *lms.User, id int64, submissionIDs []int64) ([]*lms.Submission, error) {
	a, _, err := s.assignment(ctx, actor, id, lms.ActGrade)
	if err != nil {
		return nil, err
	}
	subs, err := s.store.ListSubmissions(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	if len(submissionIDs) > 0 {
		for _, sid := range submissionIDs {
			if !slices.ContainsFunc(subs, func(x *lms.Submission) bool { return x.ID == sid }) {
				return nil, lms.FieldError("submission_ids", "Submission %d is not one of this assignment's.", sid)
			}
		}
	}
	now := s.now()
	released := []*lms.Submission{}
	err = s.store.InTx(ctx, func(st Store) error {
		for _, sub := range subs {
			if !sub.Graded || sub.Released || len(submissionIDs) > 0 && !slices.Contains(submissionIDs, sub.ID) {
				continue
			}
			sub.Released, sub.ReleasedAt = true, now
			if err := st.GradeSubmission(ctx, sub); err != nil {
				return err
			}
			released = append(released, sub)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, sub := range released {
		if err := s.report(ctx, a, sub); err != nil {
			return nil, err
		}
		s.feedbackReleased(ctx, a, sub)
	}
	return released, nil
}

// Resync sends every graded submission's grade to the gradebook again
// (ActGrade) and returns how many it sent: for a report that failed after
// the grade was stored (reports are idempotent, so nothing doubles).
func (s *Service) Resync(ctx context.Context, actor *lms.User, id int64) (int, error) {
	a, _, err := s.assignment(ctx, actor, id, lms.ActGrade)
	if err != nil {
		return 0, err
	}
	subs, err := s.store.ListSubmissions(ctx, a.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sub := range subs {
		if !sub.Graded {
			continue
		}
		if err := s.report(ctx, a, sub); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// report sends a graded submission's grade to the gradebook for its learner
// or every current member of its group. Reports are idempotent: grading or
// releasing again re-sends them.
func (s *Service) report(ctx context.Context, a *lms.Assignment, sub *lms.Submission) error {
	users, err := s.authors(ctx, a, sub)
	if err != nil {
		return err
	}
	for _, u := range users {
		err := s.book.Report(ctx, lms.GradeResult{CourseID: a.CourseID, Source: lms.GradeAssignment, SourceID: a.ID,
			Title: a.Title, UserID: u, Points: min(sub.Grade(), a.MaxPoints), MaxPoints: a.MaxPoints,
			Released: sub.Released, GradedBy: sub.GradedBy, At: sub.GradedAt})
		if err != nil {
			return fmt.Errorf("report grade of submission %d: %w", sub.ID, err)
		}
	}
	return nil
}

// authors returns who a submission belongs to: its learner, or every
// current member of its group.
func (s *Service) authors(ctx context.Context, a *lms.Assignment, sub *lms.Submission) ([]int64, error) {
	if sub.GroupID == 0 {
		return []int64{sub.UserID}, nil
	}
	members, err := learners(ctx, s.store, a.CourseID, sub.GroupID)
	if err != nil {
		return nil, err
	}
	users := make([]int64, 0, len(members))
	for _, e := range members {
		users = append(users, e.UserID)
	}
	return users, nil
}

// feedbackReleased notifies a released submission's authors that the
// grader's feedback is there to read (when there is feedback). A failure is
// logged: the release is stored already.
func (s *Service) feedbackReleased(ctx context.Context, a *lms.Assignment, sub *lms.Submission) {
	if s.notify == nil || sub.FeedbackMD == "" && sub.FeedbackFile == 0 {
		return
	}
	users, err := s.authors(ctx, a, sub)
	if err != nil {
		s.log.Warn().Err(err).Int64("submission", sub.ID).Msg("feedback notification: list the authors")
		return
	}
	for _, u := range users {
		s.notify.Notify(ctx, u, lms.NotifyFeedback, map[string]any{"course_id": a.CourseID, "assignment_id": a.ID,
			"title": a.Title})
	}
}

// submission loads a submission for grading (ActGrade in its course).
func (s *Service) submission(ctx context.Context, actor *lms.User, id int64) (*lms.Submission, *lms.Assignment, error) {
	if actor == nil || actor.ID == 0 || actor.Disabled {
		return nil, nil, lms.Errorf(lms.EUNAUTHORIZED, "Please sign in.")
	}
	sub, err := s.store.SubmissionByID(ctx, id)
	if err != nil {
		if lms.IsCode(err, lms.ENOTFOUND) {
			return nil, nil, lms.Errorf(lms.ENOTFOUND, "submission not found")
		}
		return nil, nil, err
	}
	a, _, err := s.assignment(ctx, actor, sub.AssignmentID, lms.ActGrade)
	if err != nil {
		if lms.IsCode(err, lms.ENOTFOUND) {
			return nil, nil, lms.Errorf(lms.ENOTFOUND, "submission not found")
		}
		return nil, nil, err
	}
	return sub, a, nil
}

// Versions returns every version of a submission (ActGrade).
func (s *Service) Versions(ctx context.Context, actor *lms.User, submissionID int64) ([]*lms.SubmissionVersion, error) {
	if _, _, err := s.submission(ctx, actor, submissionID); err != nil {
		return nil, err
	}
	return s.store.SubmissionVersions(ctx, submissionID)
}

// safeName makes a zip folder or file name of s.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.Trim(s, ". ")
	if s == "" {
		return "_"
	}
	return s
}
