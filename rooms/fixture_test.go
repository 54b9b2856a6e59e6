package rooms

import (
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// actors are the callers every policy case runs as: "outsider" is a
// learner of another course, "other" a learner of the course in another
// group than "learner".
var actors = []string{"outsider", "learner", "other", "ta", "instructor", "admin"}

// site is a course with staff, two learners in two groups, a main room, a
// room for the learner's group, a thread and a lesson, plus a second
// course (the outsider's), served by a real course.Service on SQLite.
type site struct {
	st        store.Store
	courses   *course.Services
	policy    *Policy
	users     map[string]*lms.User
	course    *course.CourseView
	main      *lms.Room // the course's main room
	groupRoom *lms.Room // restricted to the learner's group
	thread    *course.ThreadView
	lesson    *lms.Lesson
}

// get fails t on err and returns v.
func get[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// check fails t on err.
func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// newSite builds the site without a live layer (nothing is announced).
func newSite(t *testing.T) *site {
	t.Helper()
	return newSiteWith(t, storetest.SQLite(t), nil)
}

// newSiteWith builds the site over st, announcing through ann (nil: nothing).
func newSiteWith(t *testing.T, st store.Store, ann course.Announcer) *site {
	t.Helper()
	ctx := t.Context()
	s := &site{st: st, users: map[string]*lms.User{}}
	var err error
	s.courses, err = course.NewServices(course.Params{Store: s.st, Logger: zerolog.Nop(), Announcer: ann,
		Uploads: course.UploadParams{Dir: t.TempDir()}})
	check(t, err)
	s.policy = NewPolicy(PolicyParams{Chat: s.courses.Chat, Discussions: s.courses.Discussion, Access: s.courses.Access, Users: s.st, Log: zerolog.Nop()})
	for _, name := range actors {
		u := &lms.User{Email: name + "@example.com", Username: name, Name: "Name " + name, Role: lms.SiteUser}
		if name == "admin" {
			u.Role = lms.SiteAdmin
		}
		check(t, s.st.CreateUser(ctx, u))
		s.users[name] = u
	}
	ins := s.users["instructor"]
	s.course = get[*course.CourseView](t)(s.courses.Courses.CreateCourse(ctx, ins, course.CourseInput{Title: "Physics"}))
	s.course = get[*course.CourseView](t)(s.courses.Courses.SetVisibility(ctx, ins, s.course.ID, lms.CoursePublished))
	enrol := func(courseID int64, name string, role lms.CourseRole) {
		get[*lms.Enrollment](t)(s.courses.Enrolment.Enrol(ctx, ins, courseID, name, role))
	}
	enrol(s.course.ID, "ta", lms.CourseTA)
	enrol(s.course.ID, "learner", lms.CourseLearner)
	enrol(s.course.ID, "other", lms.CourseLearner)
	other := get[*course.CourseView](t)(s.courses.Courses.CreateCourse(ctx, ins, course.CourseInput{Title: "Chemistry"}))
	get[*course.CourseView](t)(s.courses.Courses.SetVisibility(ctx, ins, other.ID, lms.CoursePublished))
	enrol(other.ID, "outsider", lms.CourseLearner)

	g1 := get[*lms.Group](t)(s.courses.Enrolment.CreateGroup(ctx, ins, &lms.Group{CourseID: s.course.ID, Name: "Team 1"}))
	g2 := get[*lms.Group](t)(s.courses.Enrolment.CreateGroup(ctx, ins, &lms.Group{CourseID: s.course.ID, Name: "Team 2"}))
	check(t, s.courses.Enrolment.AssignGroup(ctx, ins, s.course.ID, s.users["learner"].ID, g1.ID))
	check(t, s.courses.Enrolment.AssignGroup(ctx, ins, s.course.ID, s.users["other"].ID, g2.ID))
	rooms := get[[]*course.RoomView](t)(s.courses.Chat.ListRooms(ctx, ins, s.course.ID))
	s.main = rooms[0].Room
	s.groupRoom = get[*lms.Room](t)(s.courses.Chat.CreateRoom(ctx, ins, s.course.ID, "Team 1 room", g1.ID))
	forum := get[[]*lms.Forum](t)(s.courses.Discussion.ListForums(ctx, ins, s.course.ID, lms.Page{}))[0]
	s.thread = get[*course.ThreadView](t)(s.courses.Discussion.CreateThread(ctx, s.users["learner"], forum.ID, "Question", "How?"))
	mod := get[*lms.Module](t)(s.courses.Content.CreateModule(ctx, ins, s.course.ID, "Week 1"))
	s.lesson = get[*lms.Lesson](t)(s.courses.Content.CreateLesson(ctx, ins, mod.ID, course.LessonInput{Title: "Intro", BodyMD: "Hello"}))
	return s
}

// as returns the hub identity of an actor as ServeHTTP builds it.
func (s *site) as(name string) hub.Identity { return identity(s.users[name]) }

// seconds is d as course.MuteInput's Seconds.
func seconds(d time.Duration) *int { n := int(d / time.Second); return &n }
