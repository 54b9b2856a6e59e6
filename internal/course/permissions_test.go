package course

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Who is allowed, by actor name.
var (
	members  = []string{"learner", "ta", "instructor", "admin"}
	staff    = []string{"ta", "instructor", "admin"}
	managers = []string{"instructor", "admin"}
	enrolled = []string{"learner", "ta", "instructor"} // members without the admin, who is in no course
)

// permCase is one operation run as every actor on a fresh fixture.
type permCase struct {
	name  string
	allow []string
	// want overrides the expected error code for some denied actors
	// (default: anonymous EUNAUTHORIZED, outsider ENOTFOUND, others EFORBIDDEN).
	want map[string]string
	run  func(ctx context.Context, f *fixture, u *lms.User) error
}

func errOnly[T any](_ T, err error) error { return err }

var permCases = []permCase{
	{"get course", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Courses.GetCourse(ctx, u, f.a.ID))
	}},
	{"update course", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Courses.UpdateCourse(ctx, u, f.a.ID, details(CourseInput{Title: "New title"})))
	}},
	{"archive course", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Courses.SetVisibility(ctx, u, f.a.ID, lms.CourseArchived))
	}},
	{"delete course", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Courses.DeleteCourse(ctx, u, f.a.ID)
	}},
	{"configure join code", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Courses.ConfigureJoin(ctx, u, f.a.ID, JoinSettings{Enabled: true, Regenerate: true}))
	}},
	{"enrol a user", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Enrolment.Enrol(ctx, u, f.a.ID, "newbie", lms.CourseLearner))
	}},
	{"change a role", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Enrolment.SetRole(ctx, u, f.a.ID, f.as("learner").ID, lms.CourseTA))
	}},
	{"approve an enrolment", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Enrolment.ApproveEnrollment(ctx, u, f.a.ID, f.as("learner").ID))
	}},
	{"remove a member", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Enrolment.RemoveMember(ctx, u, f.a.ID, f.as("learner").ID)
	}},
	{"list members", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly2(f.svc.Enrolment.ListMembers(ctx, u, lms.EnrollmentFilter{CourseID: f.a.ID}))
	}},
	{"import a roster", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Enrolment.ImportRoster(ctx, u, f.a.ID, strings.NewReader("login\nnewbie\n"), true))
	}},
	{"create a group", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Enrolment.CreateGroup(ctx, u, &lms.Group{CourseID: f.a.ID, Name: "G2"}))
	}},
	{"update a group", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Enrolment.UpdateGroup(ctx, u, f.group.ID, "Renamed", true, 3))
	}},
	{"delete a group", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Enrolment.DeleteGroup(ctx, u, f.group.ID)
	}},
	{"list groups", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Enrolment.ListGroups(ctx, u, f.a.ID))
	}},
	{"assign a group", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Enrolment.AssignGroup(ctx, u, f.a.ID, f.as("learner").ID, f.group.ID)
	}},
	{"join a self-select group", enrolled, map[string]string{"admin": lms.EFORBIDDEN},
		func(ctx context.Context, f *fixture, u *lms.User) error {
			return f.svc.Enrolment.JoinGroup(ctx, u, f.a.ID, f.group.ID)
		}},
	{"create a module", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Content.CreateModule(ctx, u, f.a.ID, "Week 2"))
	}},
	{"rename a module", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Content.RenameModule(ctx, u, f.module.ID, "Week one"))
	}},
	{"delete a module", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Content.DeleteModule(ctx, u, f.module.ID)
	}},
	{"create a lesson", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Content.CreateLesson(ctx, u, f.module.ID, LessonInput{Title: "New"}))
	}},
	{"update a lesson", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Content.UpdateLesson(ctx, u, f.lesson.ID, LessonInput{Title: "Intro 2", BodyMD: "x"}))
	}},
	{"delete a lesson", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Content.DeleteLesson(ctx, u, f.lesson.ID)
	}},
	{"reorder", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Content.Reorder(ctx, u, f.a.ID, []lms.ModuleLayout{{ModuleID: f.module.ID,
			LessonIDs: []int64{f.draft.ID, f.lesson.ID}}})
	}},
	{"outline", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Content.Outline(ctx, u, f.a.ID))
	}},
	{"open a published lesson", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Content.GetLesson(ctx, u, f.lesson.ID))
	}},
	{"open a draft lesson", staff, map[string]string{"learner": lms.ENOTFOUND},
		func(ctx context.Context, f *fixture, u *lms.User) error {
			return errOnly(f.svc.Content.GetLesson(ctx, u, f.draft.ID))
		}},
	{"search", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Content.Search(ctx, u, f.a.ID, "intro", 10))
	}},
	{"heartbeat", enrolled, map[string]string{"admin": lms.EFORBIDDEN},
		func(ctx context.Context, f *fixture, u *lms.User) error {
			return errOnly(f.svc.Progress.Heartbeat(ctx, u, f.lesson.ID, 10))
		}},
	{"complete a lesson", enrolled, map[string]string{"admin": lms.EFORBIDDEN},
		func(ctx context.Context, f *fixture, u *lms.User) error {
			return errOnly(f.svc.Progress.CompleteLesson(ctx, u, f.lesson.ID, true))
		}},
	{"a learner's course progress", []string{"learner", "ta", "instructor", "admin"}, nil,
		func(ctx context.Context, f *fixture, u *lms.User) error {
			return errOnly(f.svc.Progress.CourseProgress(ctx, u, f.a.ID, f.as("learner").ID))
		}},
	{"progress report", staff, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Progress.ProgressReport(ctx, u, f.a.ID))
	}},
	{"progress CSV", staff, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Progress.WriteProgressCSV(ctx, u, f.a.ID, &strings.Builder{})
	}},
	{"create a forum", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Discussion.CreateForum(ctx, u, &lms.Forum{CourseID: f.a.ID, Title: "Labs"}))
	}},
	{"update a forum", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Discussion.UpdateForum(ctx, u, f.forum.ID, "Renamed", ""))
	}},
	{"delete a forum", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Discussion.DeleteForum(ctx, u, f.forum.ID)
	}},
	{"list forums", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Discussion.ListForums(ctx, u, f.a.ID, lms.Page{}))
	}},
	{"list threads", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly2(f.svc.Discussion.ListThreads(ctx, u, f.forum.ID, 10, 0))
	}},
	{"create a thread", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Discussion.CreateThread(ctx, u, f.forum.ID, "New", "Body"))
	}},
	{"read a thread", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Discussion.GetThread(ctx, u, f.thread.Thread.ID))
	}},
	{"reply", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Discussion.Reply(ctx, u, f.thread.Thread.ID, 0, "Me too"))
	}},
	{"edit the learner's post", []string{"learner"}, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Discussion.EditPost(ctx, u, f.thread.Posts[0].ID, "How exactly?"))
	}},
	{"delete the learner's post", []string{"learner", "ta", "instructor", "admin"}, nil,
		func(ctx context.Context, f *fixture, u *lms.User) error {
			return f.svc.Discussion.DeletePost(ctx, u, f.thread.Posts[0].ID)
		}},
	{"pin and lock a thread", staff, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		yes := true
		return errOnly(f.svc.Discussion.SetThreadFlags(ctx, u, f.thread.Thread.ID, ThreadFlags{Pinned: &yes, Locked: &yes}))
	}},
	{"mark the answer", []string{"learner", "ta", "instructor", "admin"}, nil,
		func(ctx context.Context, f *fixture, u *lms.User) error {
			return errOnly(f.svc.Discussion.MarkAnswer(ctx, u, f.thread.Thread.ID, f.reply.ID))
		}},
	{"delete a thread", staff, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Discussion.DeleteThread(ctx, u, f.thread.Thread.ID)
	}},
	{"react to a post", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Discussion.ReactToPost(ctx, u, f.reply.ID, "👍", false)
	}},
	{"list rooms", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Chat.ListRooms(ctx, u, f.a.ID))
	}},
	{"join a room", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		_, _, _, err := f.svc.Chat.RoomAccess(ctx, u, f.room.ID)
		return err
	}},
	{"create a room", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Chat.CreateRoom(ctx, u, f.a.ID, "Team room", f.group.ID))
	}},
	{"rename a room", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Chat.RenameRoom(ctx, u, f.extra.ID, "Renamed"))
	}},
	{"delete a room", managers, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Chat.DeleteRoom(ctx, u, f.extra.ID)
	}},
	{"send a message", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		_, err := f.svc.Chat.SendMessage(ctx, u, SendInput{RoomID: f.room.ID, Body: "hello", IdemKey: "k"})
		return err
	}},
	{"read history", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		_, _, err := f.svc.Chat.History(ctx, u, lms.MessageFilter{RoomID: f.room.ID})
		return err
	}},
	{"edit the learner's message", []string{"learner"}, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Chat.EditMessage(ctx, u, f.message.ID, "hi everyone"))
	}},
	{"delete the learner's message", []string{"learner", "ta", "instructor", "admin"}, nil,
		func(ctx context.Context, f *fixture, u *lms.User) error {
			return f.svc.Chat.DeleteMessage(ctx, u, f.message.ID)
		}},
	{"mark a room read", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Chat.MarkRoomRead(ctx, u, f.room.ID, f.message.ID))
	}},
	{"seen by of the learner's message", []string{"learner", "ta", "instructor", "admin"}, nil,
		func(ctx context.Context, f *fixture, u *lms.User) error {
			return errOnly(f.svc.Chat.MessageSeenBy(ctx, u, f.message.ID))
		}},
	{"mute the learner", staff, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Chat.MuteInRoom(ctx, u, f.room.ID, MuteInput{UserID: f.as("learner").ID, Seconds: seconds(time.Minute)})
	}},
	{"react to a message", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return f.svc.Chat.ReactToMessage(ctx, u, f.message.ID, "🎉", false)
	}},
	{"upload a file", members, nil, func(ctx context.Context, f *fixture, u *lms.User) error {
		return errOnly(f.svc.Uploads.SaveUpload(ctx, u, f.a.ID, "a.txt", strings.NewReader("hello")))
	}},
}

func errOnly2[A, B any](_ A, _ B, err error) error { return err }

// wantFor returns the code actor should get in c ("" when allowed).
func (c permCase) wantFor(actor string) string {
	if slices.Contains(c.allow, actor) {
		return ""
	}
	if code, ok := c.want[actor]; ok {
		return code
	}
	switch actor {
	case "anonymous":
		return lms.EUNAUTHORIZED
	case "outsider":
		return lms.ENOTFOUND
	default:
		return lms.EFORBIDDEN
	}
}

// TestPermissions runs every course operation as every kind of caller. The
// outsider is a learner of course B: everything of course A answers
// ENOTFOUND to them, exactly as for ids that do not exist.
func TestPermissions(t *testing.T) {
	for _, c := range permCases {
		t.Run(c.name, func(t *testing.T) {
			for _, actor := range actors {
				want := c.wantFor(actor)
				name := actor + " is allowed"
				if want != "" {
					name = actor + " gets " + want
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					f := newFixture(t)
					wantCode(t, c.run(t.Context(), f, f.as(actor)), want)
				})
			}
		})
	}
}

// TestOutsiderCannotProbeIDs checks that a learner of course B gets the
// same answer for course A's things as for ids that do not exist.
func TestOutsiderCannotProbeIDs(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	out := f.as("outsider")
	probes := map[string][2]error{
		"course":  {errOnly(f.svc.Courses.GetCourse(ctx, out, f.a.ID)), errOnly(f.svc.Courses.GetCourse(ctx, out, 9999))},
		"lesson":  {errOnly(f.svc.Content.GetLesson(ctx, out, f.lesson.ID)), errOnly(f.svc.Content.GetLesson(ctx, out, 9999))},
		"thread":  {errOnly(f.svc.Discussion.GetThread(ctx, out, f.thread.Thread.ID)), errOnly(f.svc.Discussion.GetThread(ctx, out, 9999))},
		"message": {errOnly(f.svc.Chat.MessageSeenBy(ctx, out, f.message.ID)), errOnly(f.svc.Chat.MessageSeenBy(ctx, out, 9999))},
	}
	for what, errs := range probes {
		wantCode(t, errs[0], lms.ENOTFOUND)
		wantCode(t, errs[1], lms.ENOTFOUND)
		if lms.ErrorMessage(errs[0]) != lms.ErrorMessage(errs[1]) {
			t.Errorf("%s: existing %q vs missing %q tell them apart", what, lms.ErrorMessage(errs[0]), lms.ErrorMessage(errs[1]))
		}
	}
	list, _, err := f.svc.Courses.ListCourses(ctx, out, lms.CourseFilter{})
	ok(t, err)
	if len(list) != 1 || list[0].ID != f.b.ID {
		t.Fatalf("outsider's courses = %+v, want only course B", list)
	}
}
