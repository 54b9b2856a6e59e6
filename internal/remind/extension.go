package remind

import (
	"context"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// ExtensionKey returns the job key of the reminder for moment of a
// learner's assignment extension ("remind:assignment:12:u7:24h"): granting
// again replaces the learner's jobs.
func ExtensionKey(assignmentID, userID int64, moment string) string {
	return fmt.Sprintf("remind:assignment:%d:u%d:%s", assignmentID, userID, moment)
}

// PlanExtension plans the "due in 24 h", "due in 1 h" and "overdue"
// reminders at a learner's extended due date, in the transaction that
// saves the extension (a draft assignment has none, nor an extension that
// no longer counts: lms.Extension.Counts). The assignment's own jobs leave
// the learner out while the extension counts.
func PlanExtension(ctx context.Context, sch Scheduler, now time.Time, a *lms.Assignment, x *lms.Extension) error {
	want := map[string]time.Time{}
	if !a.Draft && x.Counts(a) {
		want = dueMoments(now, time.Time{}, x.DueAt)
	}
	return schedule(ctx, sch, func(m string) string { return ExtensionKey(a.ID, x.UserID, m) }, want,
		payload{Source: SourceAssignment, ID: a.ID, User: x.UserID}, time.Time{}, x.DueAt)
}

// CancelExtension removes the reminders of a learner's extension (it was
// revoked, or its assignment deleted): they are reminded at the
// assignment's dates again.
func CancelExtension(ctx context.Context, sch Scheduler, assignmentID, userID int64) error {
	for _, m := range moments {
		if err := sch.Cancel(ctx, ExtensionKey(assignmentID, userID, m)); err != nil {
			return err
		}
	}
	return nil
}

// assignmentItem is item for an assignment: the job is stale when its
// target (the assignment, or the learner's extension it was planned for)
// has another due date by now. The assignment's own job reminds the
// learners without an extension, an extension's job only its learner;
// those who submitted (or whose group did) are left out.
func (s *Service) assignmentItem(ctx context.Context, p payload) (*Item, func(*lms.Enrollment) bool, error) {
	a, err := s.store.AssignmentByID(ctx, p.ID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	it := &Item{Source: p.Source, ID: a.ID, CourseID: a.CourseID, Title: a.Title, Draft: a.Draft, DueAt: a.DueAt}
	xs, err := s.store.ListExtensions(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	extended := map[int64]*lms.Extension{}
	for _, x := range xs {
		if x.Counts(a) {
			extended[x.UserID] = x
		}
	}
	due := a.DueAt
	if p.User != 0 {
		x := extended[p.User]
		if x == nil {
			return nil, nil, nil
		}
		due = x.DueAt
	}
	if it.Draft || !sameTime(p.At, due) {
		return nil, nil, nil
	}
	subs, err := s.store.ListSubmissions(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	users, groups := map[int64]bool{}, map[int64]bool{}
	for _, sub := range subs {
		if sub.SubmittedAt.IsZero() {
			continue
		}
		users[sub.UserID] = true
		if sub.GroupID != 0 {
			groups[sub.GroupID] = true
		}
	}
	return it, func(e *lms.Enrollment) bool {
		mine := p.User == 0 && extended[e.UserID] == nil || p.User != 0 && e.UserID == p.User
		return !mine || users[e.UserID] || e.GroupID != 0 && groups[e.GroupID]
	}, nil
}
