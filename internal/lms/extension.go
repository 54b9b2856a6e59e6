package lms

import "time"

// MaxExtensionReason bounds the staff's note on why an extension was
// granted, in characters.
const MaxExtensionReason = 500

// Extension gives one learner of an assignment their own due date (and,
// optionally, their own cut-off): an instructor grants it when a learner is
// ill, like Moodle's "grant extension". There is at most one per
// (assignment, learner); granting again replaces it. Reason is for staff
// only.
type Extension struct {
	AssignmentID int64     `json:"assignment_id"`
	UserID       int64     `json:"user_id"`
	DueAt        time.Time `json:"due_at"`
	// CutoffAt is the learner's own cut-off (zero: see Apply).
	CutoffAt  time.Time `json:"cutoff_at"`
	GrantedBy int64     `json:"granted_by"`
	GrantedAt time.Time `json:"granted_at"`
	Reason    string    `json:"reason,omitempty"`
}

// Validate checks the extension against its assignment: the new due date
// is after the assignment's own, a cut-off is at or after the new due date.
func (x *Extension) Validate(a *Assignment) error {
	switch {
	case a.DueAt.IsZero():
		return FieldError("due_at", "This assignment has no due date to extend.")
	case x.DueAt.IsZero():
		return FieldError("due_at", "Choose the new due date.")
	case !x.DueAt.After(a.DueAt):
		return FieldError("due_at", "The new due date must be after the assignment's (%s).",
			a.DueAt.UTC().Format("2 Jan 2006 15:04 MST"))
	case !x.CutoffAt.IsZero() && x.CutoffAt.Before(x.DueAt):
		return FieldError("cutoff_at", "The cut-off date must be at or after the new due date.")
	}
	return CheckText("reason", x.Reason, MaxExtensionReason, false)
}

// Counts reports whether the extension gives its learner more time on a:
// its due date is after the assignment's. One granted before the
// assignment's due date moved past it (or was removed) no longer counts:
// an extension never gives less time than everyone has.
func (x *Extension) Counts(a *Assignment) bool {
	return x != nil && !a.DueAt.IsZero() && x.DueAt.After(a.DueAt)
}

// Apply returns the assignment as it is for the extension's learner: their
// due date, and their cut-off when the extension sets one (never before the
// assignment's); otherwise an assignment cut-off earlier than the new due
// date moves to it (the learner may hand in until then), and no cut-off
// stays none; Extended is set. An extension that does not count (nil, or
// see Counts) returns a unchanged.
func (x *Extension) Apply(a Assignment) Assignment {
	if !x.Counts(&a) {
		return a
	}
	a.DueAt, a.Extended = x.DueAt, true
	switch {
	case !x.CutoffAt.IsZero():
		if a.CutoffAt.IsZero() || x.CutoffAt.After(a.CutoffAt) {
			a.CutoffAt = x.CutoffAt
		}
	case !a.CutoffAt.IsZero() && a.CutoffAt.Before(x.DueAt):
		a.CutoffAt = x.DueAt
	}
	return a
}
