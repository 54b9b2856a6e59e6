package assign

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/remind"
)

// Input is what an instructor writes for an assignment.
type Input struct {
	Title          string         `json:"title"`
	InstructionsMD string         `json:"instructions_md"`
	Attachments    []int64        `json:"attachments"`
	DueAt          time.Time      `json:"due_at"`
	CutoffAt       time.Time      `json:"cutoff_at"`
	Late           lms.LatePolicy `json:"late"`
	// MaxPoints is ignored when there is a rubric (its maximum counts).
	MaxPoints    float64     `json:"max_points"`
	OnlineText   bool        `json:"online_text"`
	Files        bool        `json:"files"`
	FileTypes    []string    `json:"file_types"`
	MaxFileBytes int64       `json:"max_file_bytes"`
	MaxFiles     int         `json:"max_files"`
	GroupMode    bool        `json:"group_mode"`
	Rubric       *lms.Rubric `json:"rubric,omitempty"`
	Draft        bool        `json:"draft"`
}

// fill copies in onto a, renders the instructions and validates.
func (in Input) fill(a *lms.Assignment) error {
	a.Title, a.InstructionsMD = strings.TrimSpace(in.Title), in.InstructionsMD
	a.InstructionsHTML = course.RenderMarkdown(in.InstructionsMD)
	a.Attachments = slices.Compact(slices.Sorted(slices.Values(in.Attachments)))
	a.DueAt, a.CutoffAt, a.Late, a.MaxPoints = in.DueAt.UTC(), in.CutoffAt.UTC(), in.Late, in.MaxPoints
	a.OnlineText, a.Files, a.MaxFileBytes, a.MaxFiles = in.OnlineText, in.Files, in.MaxFileBytes, in.MaxFiles
	a.FileTypes = nil
	for _, t := range in.FileTypes {
		a.FileTypes = append(a.FileTypes, strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), ".")))
	}
	a.GroupMode, a.Rubric, a.Draft = in.GroupMode, in.Rubric, in.Draft
	if a.Rubric != nil {
		if err := a.Rubric.Validate(); err != nil {
			return err
		}
		a.MaxPoints = a.Rubric.MaxPoints()
	}
	if len(a.InstructionsMD) > lms.MaxBodyBytes {
		return &lms.Error{Code: lms.ETOOLARGE, Field: "instructions_md", Message: "The instructions are too long."}
	}
	return a.Validate()
}

// Create adds an assignment to a course (ActEditContent).
func (s *Service) Create(ctx context.Context, actor *lms.User, courseID int64, in Input) (*lms.Assignment, error) {
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActEditContent); err != nil {
		return nil, err
	}
	a := &lms.Assignment{CourseID: courseID, CreatedBy: actor.ID}
	if err := in.fill(a); err != nil {
		return nil, err
	}
	if err := s.attachable(ctx, actor, "attachments", a.Attachments); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(st Store) error {
		if err := st.CreateAssignment(ctx, a); err != nil {
			return err
		}
		if err := s.planReminders(ctx, st, a); err != nil {
			return err
		}
		return s.refsIn(st).SetUploadRefs(ctx, courseID, ref("assignment", a.ID), a.Attachments)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Update replaces an assignment's fields (ActEditContent).
func (s *Service) Update(ctx context.Context, actor *lms.User, id int64, in Input) (*lms.Assignment, error) {
	a, _, err := s.assignment(ctx, actor, id, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	if err := in.fill(a); err != nil {
		return nil, err
	}
	if err := s.attachable(ctx, actor, "attachments", a.Attachments); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(st Store) error {
		if err := st.UpdateAssignment(ctx, a); err != nil {
			return err
		}
		return s.planReminders(ctx, st, a)
	})
	if err != nil {
		return nil, err
	}
	if err := s.files.SetUploadRefs(ctx, a.CourseID, ref("assignment", a.ID), a.Attachments); err != nil {
		return nil, err
	}
	return a, nil
}

// Delete removes an assignment with its submissions (ActEditContent), and
// the references to its attachments and to its submissions' and feedback
// files. Its grades stay in the gradebook until the item is removed there.
func (s *Service) Delete(ctx context.Context, actor *lms.User, id int64) error {
	a, _, err := s.assignment(ctx, actor, id, lms.ActEditContent)
	if err != nil {
		return err
	}
	subs, err := s.store.ListSubmissions(ctx, id)
	if err != nil {
		return err
	}
	xs, err := s.store.ListExtensions(ctx, id)
	if err != nil {
		return err
	}
	// The files of its submissions and feedback are no longer referenced
	// (the sweep removes them after its grace period).
	return s.store.InTx(ctx, func(st Store) error {
		if err := st.DeleteAssignment(ctx, id); err != nil {
			return err
		}
		if sch := s.scheduler(st); sch != nil {
			if err := remind.Cancel(ctx, sch, remind.SourceAssignment, id); err != nil {
				return err
			}
			for _, x := range xs {
				if err := remind.CancelExtension(ctx, sch, id, x.UserID); err != nil {
					return err
				}
			}
		}
		refs := s.refsIn(st)
		for _, sub := range subs {
			for _, kind := range []string{RefSubmission, RefFeedback} {
				if err := refs.SetUploadRefs(ctx, a.CourseID, ref(kind, sub.ID), nil); err != nil {
					return err
				}
			}
		}
		return refs.SetUploadRefs(ctx, a.CourseID, ref(RefAssignment, a.ID), nil)
	})
}

// scheduler returns the job scheduler writing through st (the change's
// transaction), or nil when reminders are off or st has no jobs.
func (s *Service) scheduler(st Store) remind.Scheduler {
	sch, ok := st.(jobs.ScheduleStore)
	if !s.remind || !ok {
		return nil
	}
	return remind.JobScheduler(jobs.NewScheduler(sch, s.now))
}

// planReminders schedules the assignment's deadline reminders in st, and
// those of its learners' extensions (a draft has none).
func (s *Service) planReminders(ctx context.Context, st Store, a *lms.Assignment) error {
	sch := s.scheduler(st)
	if sch == nil {
		return nil
	}
	now := s.now()
	if err := remind.Plan(ctx, sch, now, remind.Item{Source: remind.SourceAssignment, ID: a.ID, CourseID: a.CourseID,
		Title: a.Title, Draft: a.Draft, DueAt: a.DueAt}); err != nil {
		return err
	}
	xs, err := st.ListExtensions(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, x := range xs {
		if err := remind.PlanExtension(ctx, sch, now, a, x); err != nil {
			return err
		}
	}
	return nil
}

// Get returns an assignment (members; drafts only to those who see drafts;
// a learner with an extension sees their own dates).
func (s *Service) Get(ctx context.Context, actor *lms.User, id int64) (*lms.Assignment, error) {
	a, acc, err := s.assignment(ctx, actor, id, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	return s.viewFor(ctx, a, acc.Role, actor.ID)
}

// List returns a course's assignments (drafts only to those who see them;
// a learner's with their extensions' dates).
func (s *Service) List(ctx context.Context, actor *lms.User, courseID int64) ([]*lms.Assignment, error) {
	acc, err := s.access.Load(ctx, actor, courseID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	all, err := s.store.ListAssignments(ctx, courseID)
	if err != nil {
		return nil, err
	}
	all = slices.DeleteFunc(all, func(a *lms.Assignment) bool { return a.Draft && !acc.Can(lms.ActViewDrafts) })
	if acc.Role != lms.CourseLearner {
		return all, nil
	}
	// One read of the learner's extensions for the whole list, not one per
	// assignment.
	mine, err := s.store.UserExtensions(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	byAssignment := make(map[int64]*lms.Extension, len(mine))
	for _, x := range mine {
		byAssignment[x.AssignmentID] = x
	}
	for i, a := range all {
		if x := byAssignment[a.ID]; x != nil {
			eff := x.Apply(*a)
			all[i] = &eff
		}
	}
	return all, nil
}

// attachable checks that the caller may attach each upload: their own,
// and only those.
func (s *Service) attachable(ctx context.Context, actor *lms.User, field string, ids []int64) error {
	for _, id := range ids {
		u, err := s.files.UploadByID(ctx, id)
		if lms.IsCode(err, lms.ENOTFOUND) || err == nil && u.OwnerID != actor.ID {
			return lms.FieldError(field, "Upload the file first.")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Penalty is what submitting now would mean: whether it is accepted, how
// late it is and what share of the score it loses.
type Penalty struct {
	Now      time.Time     `json:"now"`
	DueAt    time.Time     `json:"due_at"`
	CutoffAt time.Time     `json:"cutoff_at"`
	Open     bool          `json:"open"` // a submission now is accepted
	Late     time.Duration `json:"late"` // how late a submission now is (0: on time)
	// Percent of the score a submission now loses for lateness (0..100).
	Percent float64 `json:"percent"`
	// Message says it in a sentence for the learner.
	Message string `json:"message"`
}

// LatePenalty tells the caller what submitting now would cost: shown to the
// learner before they submit (at their extension's dates when they have
// one).
func (s *Service) LatePenalty(ctx context.Context, actor *lms.User, id int64) (*Penalty, error) {
	a, acc, err := s.assignment(ctx, actor, id, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	if a, err = s.viewFor(ctx, a, acc.Role, actor.ID); err != nil {
		return nil, err
	}
	return penaltyAt(a, s.now()), nil
}

// penaltyAt computes the penalty of a submission at now.
func penaltyAt(a *lms.Assignment, now time.Time) *Penalty {
	share, late := a.Penalty(now)
	p := &Penalty{Now: now, DueAt: a.DueAt, CutoffAt: a.CutoffAt, Late: late, Percent: 100 * share,
		Open: a.CutoffAt.IsZero() || !now.After(a.CutoffAt)}
	switch {
	case !p.Open:
		p.Message = "The cut-off date has passed: submissions are closed."
	case late == 0:
		p.Message = "Your submission is on time."
	case share == 0:
		p.Message = "Your submission is late; late work loses nothing."
	default:
		p.Message = "Your submission is late: it loses " + formatPercent(p.Percent) + " of its score."
	}
	return p
}

func formatPercent(p float64) string {
	return strings.TrimSuffix(strings.TrimRight(strconvF(p), "0"), ".") + " %"
}
