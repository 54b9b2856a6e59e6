package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newCourse creates a published course titled title, created by by.
func newCourse(t *testing.T, s store.Store, title string, by int64) *lms.Course {
	t.Helper()
	c := &lms.Course{Title: title, Code: "C-" + title, Visibility: lms.CoursePublished, CreatedBy: by}
	noErr(t, s.CreateCourse(ctxOf(t), c), "CreateCourse "+title)
	return c
}

// enrol puts u into c with role, active.
func enrol(t *testing.T, s store.Store, c *lms.Course, u *lms.User, role lms.CourseRole) *lms.Enrollment {
	t.Helper()
	e := &lms.Enrollment{CourseID: c.ID, UserID: u.ID, Role: role, Status: lms.EnrollActive}
	noErr(t, s.PutEnrollment(ctxOf(t), e), "PutEnrollment")
	return e
}

func courseID(c *lms.Course) int64           { return c.ID }
func enrollmentUser(e *lms.Enrollment) int64 { return e.UserID }

var courseTests = map[string]func(*testing.T, store.Store){
	"created course reads back by id and by join code in any case": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		alice := newUser(t, s, "alice")
		c := &lms.Course{Title: "Algebra", Code: "MA101", Description: "Groups, rings ✓", CoverPath: "covers/1.png",
			Visibility: lms.CoursePublished, StartsAt: base, EndsAt: base.Add(90 * 24 * time.Hour), CreatedBy: alice.ID,
			JoinCode: "AbC123", JoinEnabled: true, JoinExpiresAt: base.Add(time.Hour + 123456789), JoinNeedsApprove: true}
		noErr(t, s.CreateCourse(ctx, c), "CreateCourse")
		if c.ID == 0 || c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt) {
			t.Fatalf("CreateCourse did not set ID/CreatedAt/UpdatedAt: %+v", c)
		}
		got, err := s.CourseByID(ctx, c.ID)
		noErr(t, err, "CourseByID")
		diff(t, "CourseByID", got, c)
		got, err = s.CourseByJoinCode(ctx, "abc123")
		noErr(t, err, "CourseByJoinCode")
		diff(t, "CourseByJoinCode", got, c)
	},
	"missing course, empty join code and missing join code are not found": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		newCourse(t, s, "a", 0) // no join code: stored as none, not ""
		_, err := s.CourseByID(ctx, 9999)
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.CourseByJoinCode(ctx, "")
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.CourseByJoinCode(ctx, "nope")
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.UpdateCourse(ctx, &lms.Course{ID: 9999, Title: "x", Visibility: lms.CourseDraft}), lms.ENOTFOUND)
		wantCode(t, s.DeleteCourse(ctx, 9999), lms.ENOTFOUND)
	},
	"join codes are unique case-insensitively but many courses have none": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		newCourse(t, s, "a", 0)
		newCourse(t, s, "b", 0)
		c := &lms.Course{Title: "c", Visibility: lms.CourseDraft, JoinCode: "XYZ"}
		noErr(t, s.CreateCourse(ctx, c), "CreateCourse")
		wantCode(t, s.CreateCourse(ctx, &lms.Course{Title: "d", Visibility: lms.CourseDraft, JoinCode: "xyz"}), lms.ECONFLICT)
		d := newCourse(t, s, "d", 0)
		d.JoinCode = "xYz"
		wantCode(t, s.UpdateCourse(ctx, d), lms.ECONFLICT)
	},
	"update saves every editable field and keeps the creator": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 7)
		c.Title, c.Code, c.Description, c.CoverPath = "New", "N1", "desc", "covers/x.jpg"
		c.Visibility, c.StartsAt, c.EndsAt = lms.CourseArchived, base, base.Add(time.Hour)
		c.JoinCode, c.JoinEnabled, c.JoinExpiresAt, c.JoinNeedsApprove = "J1", true, base.Add(2*time.Hour), true
		noErr(t, s.UpdateCourse(ctx, c), "UpdateCourse")
		got, err := s.CourseByID(ctx, c.ID)
		noErr(t, err, "CourseByID")
		diff(t, "course", got, c)
		if got.CreatedBy != 7 {
			t.Fatalf("CreatedBy = %d, want 7", got.CreatedBy)
		}
		c.JoinCode = ""
		noErr(t, s.UpdateCourse(ctx, c), "UpdateCourse clearing the join code")
		_, err = s.CourseByJoinCode(ctx, "J1")
		wantCode(t, err, lms.ENOTFOUND)
	},
	"list filters by member, visibility and query and pages by id": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		a := newCourse(t, s, "Algebra", 0)
		b := newCourse(t, s, "Biology", 0)
		c := &lms.Course{Title: "Chemistry", Code: "ALG-LAB", Visibility: lms.CourseDraft}
		noErr(t, s.CreateCourse(ctx, c), "CreateCourse")
		enrol(t, s, a, u, lms.CourseLearner)
		noErr(t, s.PutEnrollment(ctx, &lms.Enrollment{CourseID: b.ID, UserID: u.ID, Role: lms.CourseLearner,
			Status: lms.EnrollPending}), "PutEnrollment pending")
		cases := []struct {
			name  string
			f     lms.CourseFilter
			want  []int64
			total int
		}{
			{"all", lms.CourseFilter{}, []int64{a.ID, b.ID, c.ID}, 3},
			{"active member only", lms.CourseFilter{MemberID: u.ID}, []int64{a.ID}, 1},
			{"draft", lms.CourseFilter{Visibility: lms.CourseDraft}, []int64{c.ID}, 1},
			{"query title or code", lms.CourseFilter{Query: "alg"}, []int64{a.ID, c.ID}, 2},
			{"like metacharacters are literal", lms.CourseFilter{Query: "%"}, []int64{}, 0},
			{"page", lms.CourseFilter{Limit: 1, Offset: 1}, []int64{b.ID}, 3},
		}
		for _, tc := range cases {
			list, total, err := s.ListCourses(ctx, tc.f)
			noErr(t, err, "ListCourses "+tc.name)
			diff(t, tc.name, ids(list, courseID), tc.want)
			if total != tc.total {
				t.Errorf("%s: total = %d, want %d", tc.name, total, tc.total)
			}
		}
	},
	"deleting a course deletes everything in it": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		c := newCourse(t, s, "a", 0)
		enrol(t, s, c, u, lms.CourseLearner)
		l := newLesson(t, s, c, "l1")
		_, err := s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: u.ID, LessonID: l.ID, At: base, Complete: true})
		noErr(t, err, "UpdateProgress")
		r := &lms.Room{CourseID: c.ID, Name: "Main", Main: true}
		noErr(t, s.CreateRoom(ctx, r), "CreateRoom")
		noErr(t, s.DeleteCourse(ctx, c.ID), "DeleteCourse")
		_, err = s.EnrollmentOf(ctx, c.ID, u.ID)
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.LessonByID(ctx, l.ID)
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.RoomByID(ctx, r.ID)
		wantCode(t, err, lms.ENOTFOUND)
		if _, err := s.UserByID(ctx, u.ID); err != nil {
			t.Fatalf("the member was deleted with the course: %v", err)
		}
	},
}

var enrollmentTests = map[string]func(*testing.T, store.Store){
	"put inserts then updates role, status and group keeping the creation time": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		c := newCourse(t, s, "a", 0)
		e := &lms.Enrollment{CourseID: c.ID, UserID: u.ID, Role: lms.CourseLearner, Status: lms.EnrollPending, CreatedAt: base}
		noErr(t, s.PutEnrollment(ctx, e), "PutEnrollment")
		g := &lms.Group{CourseID: c.ID, Name: "G"}
		noErr(t, s.CreateGroup(ctx, g), "CreateGroup")
		upd := &lms.Enrollment{CourseID: c.ID, UserID: u.ID, Role: lms.CourseTA, Status: lms.EnrollActive,
			GroupID: g.ID, CreatedAt: base.Add(time.Hour)}
		noErr(t, s.PutEnrollment(ctx, upd), "PutEnrollment update")
		if !upd.CreatedAt.Equal(base) {
			t.Fatalf("CreatedAt after update = %v, want the first %v", upd.CreatedAt, base)
		}
		got, err := s.EnrollmentOf(ctx, c.ID, u.ID)
		noErr(t, err, "EnrollmentOf")
		want := *upd
		want.Username, want.Name = "u", "Name u"
		diff(t, "enrollment", got, &want)
	},
	"list filters and counts by role, status and group; active members whole": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		other := newCourse(t, s, "b", 0)
		var users []*lms.User
		for i := range 4 {
			users = append(users, newUser(t, s, label("u", i)))
		}
		enrol(t, s, c, users[0], lms.CourseInstructor)
		enrol(t, s, c, users[1], lms.CourseLearner)
		enrol(t, s, c, users[2], lms.CourseLearner)
		enrol(t, s, other, users[3], lms.CourseLearner)
		noErr(t, s.PutEnrollment(ctx, &lms.Enrollment{CourseID: c.ID, UserID: users[3].ID, Role: lms.CourseLearner,
			Status: lms.EnrollPending}), "PutEnrollment")
		g := &lms.Group{CourseID: c.ID, Name: "G"}
		noErr(t, s.CreateGroup(ctx, g), "CreateGroup")
		noErr(t, s.SetEnrollmentGroup(ctx, c.ID, users[2].ID, g.ID), "SetEnrollmentGroup")
		cases := []struct {
			name  string
			f     lms.EnrollmentFilter
			want  []int64
			total int
		}{
			{"course", lms.EnrollmentFilter{CourseID: c.ID}, ids(users, userID), 4},
			{"learners", lms.EnrollmentFilter{CourseID: c.ID, Role: lms.CourseLearner},
				[]int64{users[1].ID, users[2].ID, users[3].ID}, 3},
			{"pending", lms.EnrollmentFilter{CourseID: c.ID, Status: lms.EnrollPending}, []int64{users[3].ID}, 1},
			{"group", lms.EnrollmentFilter{CourseID: c.ID, GroupID: g.ID}, []int64{users[2].ID}, 1},
			{"page", lms.EnrollmentFilter{CourseID: c.ID, Limit: 2, Offset: 1}, []int64{users[1].ID, users[2].ID}, 4},
		}
		for _, tc := range cases {
			list, total, err := s.ListEnrollments(ctx, tc.f)
			noErr(t, err, "ListEnrollments "+tc.name)
			diff(t, tc.name, ids(list, enrollmentUser), tc.want)
			if total != tc.total {
				t.Errorf("%s: total = %d, want %d", tc.name, total, tc.total)
			}
		}
		counts, err := s.CountEnrollments(ctx, c.ID, lms.EnrollActive)
		noErr(t, err, "CountEnrollments")
		diff(t, "counts", counts, map[lms.CourseRole]int{lms.CourseInstructor: 1, lms.CourseLearner: 2})
		// ListActiveMembers: the active ones, whole, by role.
		all, err := s.ListActiveMembers(ctx, c.ID, "")
		noErr(t, err, "ListActiveMembers")
		diff(t, "active members", ids(all, enrollmentUser), []int64{users[0].ID, users[1].ID, users[2].ID})
		learners, err := s.ListActiveMembers(ctx, c.ID, lms.CourseLearner)
		noErr(t, err, "ListActiveMembers learners")
		diff(t, "active learners", ids(learners, enrollmentUser), []int64{users[1].ID, users[2].ID})
		if learners[1].Username != users[2].Username || learners[1].GroupID != g.ID {
			t.Fatalf("active learner %+v, want %s in group %d", learners[1], users[2].Username, g.ID)
		}
	},
	"delete removes only that enrolment": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		c := newCourse(t, s, "a", 0)
		enrol(t, s, c, u, lms.CourseLearner)
		noErr(t, s.DeleteEnrollment(ctx, c.ID, u.ID), "DeleteEnrollment")
		wantCode(t, s.DeleteEnrollment(ctx, c.ID, u.ID), lms.ENOTFOUND)
		_, err := s.EnrollmentOf(ctx, c.ID, u.ID)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"groups read back with member counts, update and delete ungroups members": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		c := newCourse(t, s, "a", 0)
		enrol(t, s, c, u, lms.CourseLearner)
		g := &lms.Group{CourseID: c.ID, Name: "Team", SelfSelect: true, MaxSize: 3}
		noErr(t, s.CreateGroup(ctx, g), "CreateGroup")
		noErr(t, s.SetEnrollmentGroup(ctx, c.ID, u.ID, g.ID), "SetEnrollmentGroup")
		got, err := s.GroupByID(ctx, g.ID)
		noErr(t, err, "GroupByID")
		want := *g
		want.Members = 1
		diff(t, "group", got, &want)
		g.Name, g.SelfSelect, g.MaxSize = "Renamed", false, 0
		noErr(t, s.UpdateGroup(ctx, g), "UpdateGroup")
		list, err := s.ListGroups(ctx, c.ID)
		noErr(t, err, "ListGroups")
		want = *g
		want.Members = 1
		diff(t, "groups", list, []*lms.Group{&want})
		noErr(t, s.DeleteGroup(ctx, g.ID), "DeleteGroup")
		e, err := s.EnrollmentOf(ctx, c.ID, u.ID)
		noErr(t, err, "EnrollmentOf")
		if e.GroupID != 0 {
			t.Fatalf("GroupID = %d after the group was deleted, want 0", e.GroupID)
		}
		_, err = s.GroupByID(ctx, g.ID)
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.UpdateGroup(ctx, g), lms.ENOTFOUND)
	},
	"a group of another course or a missing enrolment is not found": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		c := newCourse(t, s, "a", 0)
		other := newCourse(t, s, "b", 0)
		enrol(t, s, c, u, lms.CourseLearner)
		g := &lms.Group{CourseID: other.ID, Name: "G"}
		noErr(t, s.CreateGroup(ctx, g), "CreateGroup")
		wantCode(t, s.SetEnrollmentGroup(ctx, c.ID, u.ID, g.ID), lms.ENOTFOUND)
		wantCode(t, s.SetEnrollmentGroup(ctx, other.ID, u.ID, g.ID), lms.ENOTFOUND)
		wantCode(t, s.SetEnrollmentGroup(ctx, c.ID, u.ID, 9999), lms.ENOTFOUND)
	},
	"concurrent joins never overfill a group": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		const joiners, size = 6, 2
		c := newCourse(t, s, "a", 0)
		g := &lms.Group{CourseID: c.ID, Name: "G", SelfSelect: true, MaxSize: size}
		noErr(t, s.CreateGroup(ctx, g), "CreateGroup")
		var users []*lms.User
		for i := range joiners {
			u := newUser(t, s, label("u", i))
			enrol(t, s, c, u, lms.CourseLearner)
			users = append(users, u)
		}
		errs := make([]error, joiners)
		var wg sync.WaitGroup
		for i, u := range users {
			wg.Go(func() { errs[i] = s.SetEnrollmentGroup(ctx, c.ID, u.ID, g.ID) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch lms.ErrorCode(err) {
			case "":
				ok++
			case lms.ECONFLICT:
			default:
				t.Errorf("SetEnrollmentGroup: %v", err)
			}
		}
		got, err := s.GroupByID(ctx, g.ID)
		noErr(t, err, "GroupByID")
		if ok != size || got.Members != size {
			t.Fatalf("%d joins succeeded, group has %d members; want %d", ok, got.Members, size)
		}
		// Joining the group one is already in is not a conflict even when full.
		for i, err := range errs {
			if err == nil {
				noErr(t, s.SetEnrollmentGroup(ctx, c.ID, users[i].ID, g.ID), "rejoin own full group")
				noErr(t, s.SetEnrollmentGroup(ctx, c.ID, users[i].ID, 0), "leave group")
				break
			}
		}
	},
}
