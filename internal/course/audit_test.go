package course

import (
	"context"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestCourseActionsAreAudited performs each audited course action and
// finds its entry, with the actor and the client's address, in the audit
// log.
func TestCourseActionsAreAudited(t *testing.T) {
	f := newFixture(t)
	ctx := lms.WithClient(t.Context(), lms.Client{IP: "192.0.2.7"})
	ins, ta := f.as("instructor"), f.as("ta")
	title := "Audited title"
	steps := []struct {
		action string
		by     *lms.User
		do     func(context.Context) error
	}{
		{lms.AuditCourseUpdate, ins, func(ctx context.Context) error {
			return errOnly(f.svc.Courses.UpdateCourse(ctx, ins, f.a.ID, lms.CoursePatch{Title: &title}))
		}},
		{lms.AuditEnrol, ins, func(ctx context.Context) error {
			return errOnly(f.svc.Enrolment.Enrol(ctx, ins, f.a.ID, f.newbie.Username, lms.CourseLearner))
		}},
		{lms.AuditCourseRole, ins, func(ctx context.Context) error {
			return errOnly(f.svc.Enrolment.SetRole(ctx, ins, f.a.ID, f.newbie.ID, lms.CourseTA))
		}},
		{lms.AuditUnenrol, ins, func(ctx context.Context) error {
			return f.svc.Enrolment.RemoveMember(ctx, ins, f.a.ID, f.newbie.ID)
		}},
		{lms.AuditMute, ta, func(ctx context.Context) error {
			return f.svc.Chat.MuteInRoom(ctx, ta, f.room.ID, MuteInput{UserID: f.as("learner").ID})
		}},
		{lms.AuditModeratorDelete, ta, func(ctx context.Context) error {
			return f.svc.Chat.DeleteMessage(ctx, ta, f.message.ID)
		}},
		{lms.AuditContentDelete, ins, func(ctx context.Context) error {
			return f.svc.Content.DeleteLesson(ctx, ins, f.draft.ID)
		}},
		{lms.AuditCourseDelete, ins, func(ctx context.Context) error {
			return f.svc.Courses.DeleteCourse(ctx, ins, f.a.ID)
		}},
	}
	for _, s := range steps {
		ok(t, s.do(ctx))
		list, err := f.st.ListAudit(ctx, lms.AuditFilter{Action: s.action, Limit: 1})
		ok(t, err)
		if len(list) != 1 || list[0].ActorID != s.by.ID || list[0].IP != "192.0.2.7" || list[0].Target == "" {
			t.Fatalf("%s: audit entries %+v", s.action, list)
		}
	}
}
