package grades

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// GradeEdit is what a grader changes in one learner's grade on one item;
// nil fields stay as they are.
type GradeEdit struct {
	// Points is the grade of a manual item (other items get theirs from
	// their assessment: override them instead).
	Points *float64 `json:"points,omitempty"`
	// Override replaces the grade; it needs a Reason.
	Override *float64 `json:"override,omitempty"`
	// ClearOverride removes the override.
	ClearOverride bool `json:"clear_override,omitempty"`
	// Excused grades count neither for nor against the learner.
	Excused *bool `json:"excused,omitempty"`
	// Released shows a manual item's grade to the learner.
	Released *bool `json:"released,omitempty"`
	// Reason says why (required for an override, kept with it and in the
	// audit log).
	Reason string `json:"reason,omitempty"`
}

// auditDetail is what an audit entry of a grade change records.
type auditDetail struct {
	Item   int64  `json:"item"`
	Title  string `json:"title"`
	User   int64  `json:"user"`
	Field  string `json:"field"`
	From   any    `json:"from"`
	To     any    `json:"to"`
	Reason string `json:"reason,omitempty"`
}

// EditGrade applies e to userID's grade on the item (ActGrade) and audits
// every changed field: who changed what, from what, to what and why. The
// learner must be an active learner of the course.
func (s *Service) EditGrade(ctx context.Context, actor *lms.User, itemID, userID int64, e GradeEdit) (*lms.Grade, error) {
	it, _, err := s.item(ctx, actor, itemID, lms.ActGrade)
	if err != nil {
		return nil, err
	}
	if err := checkEdit(it, e); err != nil {
		return nil, err
	}
	var g *lms.Grade
	changed := false
	err = s.store.InTx(ctx, func(st Store) error {
		people, err := learners(ctx, st, it.CourseID)
		if err != nil {
			return err
		}
		if !isLearner(people, userID) {
			return lms.FieldError("user_id", "This person is not a learner of the course.")
		}
		g, changed, err = s.apply(ctx, st, actor, it, userID, e, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	if changed {
		s.announce(ctx, change{it.CourseID, userID, it.ID})
	}
	return g, nil
}

// checkEdit validates an edit against its item.
func checkEdit(it *lms.GradeItem, e GradeEdit) error {
	if e.Points != nil && it.Source != lms.GradeManual {
		return lms.FieldError("points", "This grade comes from its %s: override it instead.", it.Source)
	}
	if e.Released != nil && it.Source != lms.GradeManual {
		return lms.FieldError("released", "Release this grade from its %s.", it.Source)
	}
	for _, p := range []*float64{e.Points, e.Override} {
		if p != nil && !lms.ValidPoints(*p) {
			return lms.FieldError("points", "Points must be between 0 and %d.", lms.MaxAssignmentPoints)
		}
	}
	if e.Override != nil && e.ClearOverride {
		return lms.FieldError("override", "Set or clear the override, not both.")
	}
	reason := strings.TrimSpace(e.Reason)
	if e.Override != nil && reason == "" {
		return lms.FieldError("reason", "Say why the grade is overridden.")
	}
	return lms.CheckText("reason", reason, lms.MaxReasonChars, false)
}

// apply changes one grade inside a transaction and audits each change.
// source names where the change came from in the audit ("" or "import").
func (s *Service) apply(ctx context.Context, st Store, actor *lms.User, it *lms.GradeItem, userID int64, e GradeEdit, source string) (*lms.Grade, bool, error) {
	g, err := st.GradeOf(ctx, it.ID, userID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		g, err = &lms.Grade{ItemID: it.ID, UserID: userID}, nil
	}
	if err != nil {
		return nil, false, err
	}
	reason := strings.TrimSpace(e.Reason)
	var audits []auditDetail
	note := func(field string, from, to any) {
		audits = append(audits, auditDetail{Item: it.ID, Title: it.Title, User: userID, Field: field, From: from,
			To: to, Reason: reason})
	}
	if e.Points != nil && (!g.Graded || g.Points != *e.Points) {
		note("points", pointsOf(g.Graded, g.Points), *e.Points)
		g.Graded, g.Points, g.GradedBy = true, *e.Points, actor.ID
	}
	if e.Override != nil && (g.Override == nil || *g.Override != *e.Override) {
		note("override", overrideOf(g), *e.Override)
		v := *e.Override
		g.Override, g.Reason = &v, reason
	}
	if e.ClearOverride && g.Override != nil {
		note("override", *g.Override, nil)
		g.Override, g.Reason = nil, ""
	}
	if e.Excused != nil && g.Excused != *e.Excused {
		note("excused", g.Excused, *e.Excused)
		g.Excused = *e.Excused
	}
	if e.Released != nil && g.Released != *e.Released {
		note("released", g.Released, *e.Released)
		g.Released = *e.Released
	}
	if len(audits) == 0 {
		return g, false, nil
	}
	g.UpdatedAt = s.now()
	if err := st.PutGrade(ctx, g); err != nil {
		return nil, false, err
	}
	for _, d := range audits {
		action := lms.AuditGradeSet
		switch {
		case source == "import":
			action = lms.AuditGradeImport
		case d.Field == "override":
			action = lms.AuditGradeOverride
		case d.Field == "excused":
			action = lms.AuditGradeExcuse
		}
		detail, err := json.Marshal(d)
		if err != nil {
			return nil, false, fmt.Errorf("encode audit detail: %w", err)
		}
		if err := st.AppendAudit(ctx, &lms.AuditEntry{At: g.UpdatedAt, ActorID: actor.ID, Action: action,
			Target: "grade:" + strconv.FormatInt(it.ID, 10) + ":" + strconv.FormatInt(userID, 10),
			Detail: string(detail)}); err != nil {
			return nil, false, err
		}
	}
	return g, true, nil
}

// pointsOf is a grade's points for the audit: nil when not graded.
func pointsOf(graded bool, p float64) any {
	if !graded {
		return nil
	}
	return p
}

// overrideOf is a grade's override for the audit: nil when none.
func overrideOf(g *lms.Grade) any {
	if g.Override == nil {
		return nil
	}
	return *g.Override
}
