package assess

import (
	"context"
	"math"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// RegradeChange is how one attempt's marks change in a regrade.
type RegradeChange struct {
	AttemptID int64   `json:"attempt_id"`
	UserID    int64   `json:"user_id"`
	Number    int     `json:"number"`
	OldPoints float64 `json:"old_points"`
	NewPoints float64 `json:"new_points"`
	// Slots are the questions whose marks changed.
	Slots []int `json:"slots"`
}

// RegradeReport says what a regrade changed (or, dry, would change).
type RegradeReport struct {
	DryRun   bool            `json:"dry_run"`
	Attempts int             `json:"attempts"` // submitted attempts examined
	Changes  []RegradeChange `json:"changes"`  // attempts whose marks change
	// Upgraded counts questions moved to their latest version.
	Upgraded int `json:"upgraded"`
}

// Regrade grades every submitted attempt of a quiz again (grade), each
// question with its family's latest version when the stored answer still
// fits it (same type, the ids it names still exist), so a fixed question
// fixes old attempts. Points given by hand stay. With dryRun nothing is
// written; otherwise the changes are saved in one transaction and the
// learners' grades reported again.
func (s *Service) Regrade(ctx context.Context, actor *lms.User, quizID int64, dryRun bool) (*RegradeReport, error) {
	q, _, err := s.quiz(ctx, actor, quizID, actGrade)
	if err != nil {
		return nil, err
	}
	rep := &RegradeReport{DryRun: dryRun, Changes: []RegradeChange{}}
	users := map[int64]bool{}
	err = s.tx(ctx, func(tx Data) error {
		list, err := tx.ListAttempts(ctx, lms.AttemptFilter{QuizID: q.ID, State: lms.AttemptSubmitted})
		if err != nil {
			return err
		}
		for _, att := range list {
			rep.Attempts++
			ch, err := s.regradeAttempt(ctx, tx, q, att, dryRun, rep)
			if err != nil {
				return err
			}
			if ch != nil {
				rep.Changes = append(rep.Changes, *ch)
				users[att.UserID] = true
			}
		}
		if dryRun {
			return nil
		}
		for u := range users {
			if err := s.graded(ctx, tx, q, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for u := range users {
		s.report(ctx, q.ID, u)
	}
	return rep, nil
}

// regradeAttempt regrades one attempt and returns its change (nil: none).
func (s *Service) regradeAttempt(ctx context.Context, tx Data, q *lms.Quiz, att *lms.Attempt, dryRun bool, rep *RegradeReport) (*RegradeChange, error) {
	items, err := s.items(ctx, tx, att)
	if err != nil {
		return nil, err
	}
	ch := &RegradeChange{AttemptID: att.ID, UserID: att.UserID, Number: att.Number, OldPoints: att.Points, Slots: []int{}}
	for i := range items {
		it := &items[i]
		before := *it.slot
		if err := s.upgrade(ctx, tx, att, it); err != nil {
			return nil, err
		}
		if it.slot.QuestionID != before.QuestionID {
			rep.Upgraded++
		}
		if err := gradeItem(it, q.Behaviour); err != nil {
			return nil, err
		}
		if it.slot.Points != before.Points || it.slot.State != before.State || it.slot.QuestionID != before.QuestionID {
			if it.slot.Points != before.Points {
				ch.Slots = append(ch.Slots, it.slot.Slot)
			}
			if !dryRun {
				if err := tx.UpdateAttemptSlot(ctx, it.slot); err != nil {
					return nil, err
				}
			}
		}
	}
	totals(att, items)
	ch.NewPoints = att.Points
	if !dryRun {
		if err := tx.UpdateAttemptGrade(ctx, att); err != nil {
			return nil, err
		}
	}
	if math.Abs(ch.NewPoints-ch.OldPoints) < 1e-9 && len(ch.Slots) == 0 {
		return nil, nil
	}
	return ch, nil
}

// upgrade moves an item to its family's latest version when the stored
// answer and tries still fit it; a hand-graded item stays as it is.
func (s *Service) upgrade(ctx context.Context, tx Data, att *lms.Attempt, it *item) error {
	if it.slot.Manual {
		return nil
	}
	latest, err := tx.LatestQuestion(ctx, it.q.FamilyID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil
	}
	if err != nil || latest.ID == it.q.ID || latest.Type != it.q.Type {
		return err
	}
	fits := func(r lms.Response) bool { return r.Validate(latest) == nil }
	if it.slot.Response != nil && !fits(*it.slot.Response) {
		return nil
	}
	for _, r := range it.slot.Tries {
		if !fits(r) {
			return nil
		}
	}
	g, err := s.grader(ctx, att.ID, it.slot.Slot, latest)
	if err != nil {
		return nil // the new version cannot be instantiated the same way: keep the old
	}
	it.q, it.g, it.slot.QuestionID = latest, g, latest.ID
	return nil
}
