package storetest

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var extensionTests = map[string]func(*testing.T, store.Store){
	"an extension reads back, is replaced by granting again, lists by learner and is revoked": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		ida, lea, max := newUser(t, s, "ida"), newUser(t, s, "lea"), newUser(t, s, "max")
		c := newCourse(t, s, "Essays", ida.ID)
		a := newAssignment(t, s, c, "A1")
		other := newAssignment(t, s, c, "A2")
		x := &lms.Extension{AssignmentID: a.ID, UserID: max.ID, DueAt: base.Add(48 * time.Hour), GrantedBy: ida.ID,
			GrantedAt: base, Reason: "ill ✓ '; DROP TABLE x; --"}
		noErr(t, s.PutExtension(ctx, x), "PutExtension max")
		got, err := s.ExtensionOf(ctx, a.ID, max.ID)
		noErr(t, err, "ExtensionOf")
		diff(t, "extension", got, x)
		y := &lms.Extension{AssignmentID: a.ID, UserID: lea.ID, DueAt: base.Add(time.Hour), CutoffAt: base.Add(3 * time.Hour),
			GrantedBy: ida.ID, GrantedAt: base}
		noErr(t, s.PutExtension(ctx, y), "PutExtension lea")
		again := &lms.Extension{AssignmentID: a.ID, UserID: max.ID, DueAt: base.Add(72 * time.Hour),
			CutoffAt: base.Add(96 * time.Hour), GrantedBy: lea.ID, GrantedAt: base.Add(time.Minute)}
		noErr(t, s.PutExtension(ctx, again), "PutExtension max again")
		list, err := s.ListExtensions(ctx, a.ID)
		noErr(t, err, "ListExtensions")
		want := []*lms.Extension{y, again}
		if lea.ID > max.ID {
			want = []*lms.Extension{again, y}
		}
		diff(t, "extensions (the second grant replaced the first)", list, want)
		none, err := s.ListExtensions(ctx, other.ID)
		noErr(t, err, "ListExtensions(other)")
		diff(t, "another assignment's extensions", none, []*lms.Extension{})
		mine, err := s.UserExtensions(ctx, max.ID)
		noErr(t, err, "UserExtensions")
		diff(t, "max's extensions", mine, []*lms.Extension{again})

		noErr(t, s.DeleteExtension(ctx, a.ID, max.ID), "DeleteExtension")
		_, err = s.ExtensionOf(ctx, a.ID, max.ID)
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.DeleteExtension(ctx, a.ID, max.ID), lms.ENOTFOUND)
		wantCode(t, s.PutExtension(ctx, &lms.Extension{AssignmentID: 999999, UserID: max.ID, DueAt: base,
			GrantedAt: base}), lms.ENOTFOUND)
		wantCode(t, s.PutExtension(ctx, &lms.Extension{AssignmentID: a.ID, UserID: 999999, DueAt: base,
			GrantedAt: base}), lms.ENOTFOUND)

		noErr(t, s.DeleteAssignment(ctx, a.ID), "DeleteAssignment")
		_, err = s.ExtensionOf(ctx, a.ID, lea.ID)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"anonymising a learner removes their extensions": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		ida, lea := newUser(t, s, "ida"), newUser(t, s, "lea")
		c := newCourse(t, s, "Essays", ida.ID)
		a := newAssignment(t, s, c, "A1")
		noErr(t, s.PutExtension(ctx, &lms.Extension{AssignmentID: a.ID, UserID: lea.ID, DueAt: base, GrantedBy: ida.ID,
			GrantedAt: base}), "PutExtension")
		noErr(t, s.AnonymiseUser(ctx, lea.ID, true, base), "AnonymiseUser")
		got, err := s.UserExtensions(ctx, lea.ID)
		noErr(t, err, "UserExtensions")
		diff(t, "extensions left", got, []*lms.Extension{})
	},
	"a learner with an extension has missed an assignment only after their own due date": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		ida, lea, max := newUser(t, s, "ida"), newUser(t, s, "lea"), newUser(t, s, "max")
		c := newCourse(t, s, "Essays", ida.ID)
		enrol(t, s, c, lea, lms.CourseLearner)
		enrol(t, s, c, max, lms.CourseLearner)
		a := &lms.Assignment{CourseID: c.ID, Title: "A1", MaxPoints: 10, OnlineText: true, DueAt: base}
		noErr(t, s.CreateAssignment(ctx, a), "CreateAssignment")
		noErr(t, s.PutExtension(ctx, &lms.Extension{AssignmentID: a.ID, UserID: max.ID, DueAt: base.Add(48 * time.Hour),
			GrantedBy: ida.ID, GrantedAt: base}), "PutExtension")
		missed := func(now time.Time) map[int64]time.Time {
			list, err := s.MissedAssignments(ctx, c.ID, now)
			noErr(t, err, "MissedAssignments")
			out := map[int64]time.Time{}
			for _, m := range list {
				out[m.UserID] = m.DueAt
			}
			return out
		}
		diff(t, "missed a day after the due date", missed(base.Add(24*time.Hour)), map[int64]time.Time{lea.ID: base})
		diff(t, "missed after the extension", missed(base.Add(49*time.Hour)),
			map[int64]time.Time{lea.ID: base, max.ID: base.Add(48 * time.Hour)})
		// An extension the assignment's due date overtook no longer counts.
		a.DueAt = base.Add(96 * time.Hour)
		noErr(t, s.UpdateAssignment(ctx, a), "UpdateAssignment")
		diff(t, "missed before the moved due date", missed(base.Add(72*time.Hour)), map[int64]time.Time{})
		diff(t, "missed after the moved due date", missed(base.Add(97*time.Hour)),
			map[int64]time.Time{lea.ID: base.Add(96 * time.Hour), max.ID: base.Add(96 * time.Hour)})
	},
}
