package assign

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// The partial updates of assignments and gradings (docs/api.md,
// "Conventions"): nil fields stay as they are.

// Patch changes an assignment's fields; a list, when set, replaces it.
type Patch struct {
	Title          *string         `json:"title,omitempty"`
	InstructionsMD *string         `json:"instructions_md,omitempty"`
	Attachments    *[]int64        `json:"attachments,omitempty"`
	DueAt          *time.Time      `json:"due_at,omitempty"`    // the zero time clears it
	CutoffAt       *time.Time      `json:"cutoff_at,omitempty"` // the zero time clears it
	Late           *lms.LatePolicy `json:"late,omitempty"`
	MaxPoints      *float64        `json:"max_points,omitempty"`
	OnlineText     *bool           `json:"online_text,omitempty"`
	Files          *bool           `json:"files,omitempty"`
	FileTypes      *[]string       `json:"file_types,omitempty"`
	MaxFileBytes   *int64          `json:"max_file_bytes,omitempty"`
	MaxFiles       *int            `json:"max_files,omitempty"`
	GroupMode      *bool           `json:"group_mode,omitempty"`
	// Rubric replaces the rubric; NoRubric removes it.
	Rubric   *lms.Rubric `json:"rubric,omitempty"`
	NoRubric bool        `json:"no_rubric,omitempty"`
	Draft    *bool       `json:"draft,omitempty"`
}

// inputOf is the input that writes a as it is.
func inputOf(a *lms.Assignment) Input {
	return Input{Title: a.Title, InstructionsMD: a.InstructionsMD, Attachments: a.Attachments,
		DueAt: a.DueAt, CutoffAt: a.CutoffAt, Late: a.Late, MaxPoints: a.MaxPoints, OnlineText: a.OnlineText,
		Files: a.Files, FileTypes: a.FileTypes, MaxFileBytes: a.MaxFileBytes, MaxFiles: a.MaxFiles,
		GroupMode: a.GroupMode, Rubric: a.Rubric, Draft: a.Draft}
}

// apply returns in with the fields p sets.
func (p Patch) apply(in Input) Input {
	lms.SetTo(&in.Title, p.Title)
	lms.SetTo(&in.InstructionsMD, p.InstructionsMD)
	lms.SetTo(&in.Attachments, p.Attachments)
	lms.SetTo(&in.DueAt, p.DueAt)
	lms.SetTo(&in.CutoffAt, p.CutoffAt)
	lms.SetTo(&in.Late, p.Late)
	lms.SetTo(&in.MaxPoints, p.MaxPoints)
	lms.SetTo(&in.OnlineText, p.OnlineText)
	lms.SetTo(&in.Files, p.Files)
	lms.SetTo(&in.FileTypes, p.FileTypes)
	lms.SetTo(&in.MaxFileBytes, p.MaxFileBytes)
	lms.SetTo(&in.MaxFiles, p.MaxFiles)
	lms.SetTo(&in.GroupMode, p.GroupMode)
	if p.Rubric != nil {
		in.Rubric = p.Rubric
	}
	if p.NoRubric {
		in.Rubric = nil
	}
	lms.SetTo(&in.Draft, p.Draft)
	return in
}

// PatchAssignment changes the fields p sets (edit_content), as Update.
func (s *Service) PatchAssignment(ctx context.Context, actor *lms.User, id int64, p Patch) (*lms.Assignment, error) {
	if p.Rubric != nil && p.NoRubric {
		return nil, lms.FieldError("no_rubric", "Send a rubric or remove it, not both.")
	}
	cur, _, err := s.assignment(ctx, actor, id, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	return s.Update(ctx, actor, id, p.apply(inputOf(cur)))
}

// MarkingPatch changes a submission's grading: what it leaves out stays
// as the last grading left it. A score without rubric levels replaces
// the rubric's verdict; release only ever releases (Release takes none
// back).
type MarkingPatch struct {
	Score        *float64 `json:"score,omitempty"`
	RubricLevels *[]int   `json:"rubric_levels,omitempty"`
	FeedbackMD   *string  `json:"feedback_md,omitempty"`
	FeedbackFile *int64   `json:"feedback_file,omitempty"` // 0 removes it
	Release      *bool    `json:"release,omitempty"`
}

// PatchGrade grades a submission with the fields p sets over its current
// grading (grade), as Grade.
func (s *Service) PatchGrade(ctx context.Context, actor *lms.User, submissionID int64, p MarkingPatch) (*lms.Submission, error) {
	sub, _, err := s.submission(ctx, actor, submissionID)
	if err != nil {
		return nil, err
	}
	m := Marking{FeedbackMD: sub.FeedbackMD, FeedbackFile: sub.FeedbackFile}
	if sub.Graded {
		score := sub.Score
		m.Score, m.RubricLevels = &score, sub.RubricLevels
	}
	if p.Score != nil {
		m.Score, m.RubricLevels = p.Score, nil
	}
	lms.SetTo(&m.RubricLevels, p.RubricLevels)
	lms.SetTo(&m.FeedbackMD, p.FeedbackMD)
	lms.SetTo(&m.FeedbackFile, p.FeedbackFile)
	lms.SetTo(&m.Release, p.Release)
	return s.Grade(ctx, actor, submissionID, m)
}
