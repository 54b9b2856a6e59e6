package course

import (
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestJoinByCode(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins, newbie := f.as("instructor"), f.newbie
	code := f.a.JoinCode
	if code == "" {
		t.Fatal("the instructor does not see the join code")
	}
	if v := must(f.svc.Courses.GetCourse(ctx, f.as("learner"), f.a.ID)).get(t); v.JoinCode != "" {
		t.Fatal("a learner sees the join code")
	}
	_, err := f.svc.Enrolment.JoinByCode(ctx, nil, code)
	wantCode(t, err, lms.EUNAUTHORIZED)
	_, err = f.svc.Enrolment.JoinByCode(ctx, newbie, "WRONG123")
	wantCode(t, err, lms.ENOTFOUND)

	e := must(f.svc.Enrolment.JoinByCode(ctx, newbie, strings.ToLower(code))).get(t)
	if e.Status != lms.EnrollActive || e.Role != lms.CourseLearner {
		t.Fatalf("joined as %+v", e)
	}
	again := must(f.svc.Enrolment.JoinByCode(ctx, newbie, code)).get(t)
	if again.Role != lms.CourseLearner {
		t.Fatalf("joining twice changed the enrolment: %+v", again)
	}

	// Regenerating retires the old code; expiry and disabling close it.
	v := must(f.svc.Courses.ConfigureJoin(ctx, ins, f.a.ID, JoinSettings{Enabled: true, Regenerate: true,
		ExpiresAt: t0.Add(time.Hour), NeedsApproval: true})).get(t)
	other := mkUser(t, f.st, "other", lms.SiteUser)
	_, err = f.svc.Enrolment.JoinByCode(ctx, other, code)
	wantCode(t, err, lms.ENOTFOUND)
	pending := must(f.svc.Enrolment.JoinByCode(ctx, other, v.JoinCode)).get(t)
	if pending.Status != lms.EnrollPending {
		t.Fatalf("with approval the joiner is %s, want pending", pending.Status)
	}
	_, err = f.svc.Courses.GetCourse(ctx, other, f.a.ID)
	wantCode(t, err, lms.ENOTFOUND)
	list, _, err := f.svc.Notifications.ListNotifications(ctx, ins, false, 0, 10)
	ok(t, err)
	if len(list) == 0 || list[0].Kind != lms.NotifyJoinRequest {
		t.Fatalf("instructor notifications = %+v, want a join request", list)
	}
	must(f.svc.Enrolment.ApproveEnrollment(ctx, ins, f.a.ID, other.ID)).get(t)
	must(f.svc.Courses.GetCourse(ctx, other, f.a.ID)).get(t)

	late := mkUser(t, f.st, "late", lms.SiteUser)
	f.clock.Advance(2 * time.Hour)
	_, err = f.svc.Enrolment.JoinByCode(ctx, late, v.JoinCode)
	wantCode(t, err, lms.ENOTFOUND)
	f.clock.Advance(-2 * time.Hour)
	must(f.svc.Courses.ConfigureJoin(ctx, ins, f.a.ID, JoinSettings{Enabled: false})).get(t)
	_, err = f.svc.Enrolment.JoinByCode(ctx, late, v.JoinCode)
	wantCode(t, err, lms.ENOTFOUND)
}

func TestLastInstructorStays(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins := f.as("instructor")
	wantCode(t, f.svc.Enrolment.Unenrol(ctx, ins, f.a.ID), lms.ECONFLICT)
	_, err := f.svc.Enrolment.SetRole(ctx, ins, f.a.ID, ins.ID, lms.CourseLearner)
	wantCode(t, err, lms.ECONFLICT)
	ok(t, f.svc.Enrolment.Unenrol(ctx, f.as("learner"), f.a.ID))
	_, err = f.svc.Courses.GetCourse(ctx, f.as("learner"), f.a.ID)
	wantCode(t, err, lms.ENOTFOUND)
}

func TestRosterImportReportsBadRowsAndAppliesTheRest(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins := f.as("instructor")
	mkUser(t, f.st, "carol", lms.SiteUser)
	csvText := "\ufeffEmail,Role,Group\n" +
		"newbie@example.com,learner,team\n" + // line 2: enrol into group Team
		"nobody@example.com,learner,\n" + // 3: unknown user
		"carol,professor,\n" + // 4: bad role
		"learner,ta,\n" + // 5: update learner -> ta
		"ta,ta,\n" + // 6: unchanged
		"newbie,learner,\n" + // 7: duplicate of line 2
		"carol,,Nope\n" + // 8: unknown group
		",learner,\n" + // 9: empty login
		"instructor,learner,\n" // 10: instructors are not demoted
	preview := must(f.svc.Enrolment.ImportRoster(ctx, ins, f.a.ID, strings.NewReader(csvText), false)).get(t)
	type row struct {
		line    int
		outcome string
	}
	var got []row
	for _, r := range preview.Rows {
		got = append(got, row{r.Line, r.Outcome})
		if r.Outcome == RowError && r.Reason == "" {
			t.Errorf("line %d: error without a reason", r.Line)
		}
	}
	want := []row{{2, RowEnrol}, {3, RowError}, {4, RowError}, {5, RowUpdate}, {6, RowUnchanged},
		{7, RowError}, {8, RowError}, {9, RowError}, {10, RowError}}
	if len(got) != len(want) {
		t.Fatalf("rows = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if preview.Applied || preview.Enrol != 1 || preview.Update != 1 || preview.Errors != 6 {
		t.Fatalf("preview summary = %+v", preview)
	}
	if _, err := f.st.EnrollmentOf(ctx, f.a.ID, f.newbie.ID); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Fatalf("the preview enrolled someone: %v", err)
	}

	rep := must(f.svc.Enrolment.ImportRoster(ctx, ins, f.a.ID, strings.NewReader(csvText), true)).get(t)
	if !rep.Applied || rep.Enrol != 1 || rep.Update != 1 {
		t.Fatalf("report = %+v", rep)
	}
	e := must(f.st.EnrollmentOf(ctx, f.a.ID, f.newbie.ID)).get(t)
	if e.Role != lms.CourseLearner || e.GroupID != f.group.ID || e.Status != lms.EnrollActive {
		t.Fatalf("newbie's enrolment = %+v", e)
	}
	if e := must(f.st.EnrollmentOf(ctx, f.a.ID, f.as("learner").ID)).get(t); e.Role != lms.CourseTA {
		t.Fatalf("learner's role = %s, want ta", e.Role)
	}
	if e := must(f.st.EnrollmentOf(ctx, f.a.ID, ins.ID)).get(t); e.Role != lms.CourseInstructor {
		t.Fatal("the instructor was demoted by a roster")
	}
}

func TestRosterImportRejectsMalformedFiles(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	cases := map[string]struct {
		text, code string
	}{
		"empty":           {"", lms.EINVALID},
		"no login column": {"name,role\nx,learner\n", lms.EINVALID},
		"too large":       {"login\n" + strings.Repeat("a", MaxRosterBytes), lms.ETOOLARGE},
		"too many rows":   {"login\n" + strings.Repeat("x\n", MaxRosterRows+1), lms.ETOOLARGE},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.Enrolment.ImportRoster(ctx, f.as("instructor"), f.a.ID, strings.NewReader(c.text), true)
			wantCode(t, err, c.code)
		})
	}
	rep := must(f.svc.Enrolment.ImportRoster(ctx, f.as("instructor"), f.a.ID,
		strings.NewReader("login\n\"unterminated\nnewbie\n"), false)).get(t)
	if len(rep.Rows) == 0 || rep.Rows[0].Outcome != RowError {
		t.Fatalf("a broken quote: %+v", rep.Rows)
	}
}

func TestGroupsSelfSelectAndSizeLimit(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins := f.as("instructor")
	g := must(f.svc.Enrolment.UpdateGroup(ctx, ins, f.group.ID, "Team", true, 1)).get(t)
	ok(t, f.svc.Enrolment.JoinGroup(ctx, f.as("learner"), f.a.ID, g.ID))
	must(f.svc.Enrolment.Enrol(ctx, ins, f.a.ID, "newbie", lms.CourseLearner)).get(t)
	wantCode(t, f.svc.Enrolment.JoinGroup(ctx, f.newbie, f.a.ID, g.ID), lms.ECONFLICT)
	closed := must(f.svc.Enrolment.CreateGroup(ctx, ins, &lms.Group{CourseID: f.a.ID, Name: "Assigned"})).get(t)
	wantCode(t, f.svc.Enrolment.JoinGroup(ctx, f.newbie, f.a.ID, closed.ID), lms.EFORBIDDEN)
	ok(t, f.svc.Enrolment.AssignGroup(ctx, ins, f.a.ID, f.newbie.ID, closed.ID))
	_, err := f.svc.Enrolment.CreateGroup(ctx, ins, &lms.Group{CourseID: f.a.ID, Name: "", MaxSize: -1})
	wantCode(t, err, lms.EINVALID)

	// A room restricted to the group is invisible to other learners.
	room := must(f.svc.Chat.CreateRoom(ctx, ins, f.a.ID, "Team room", g.ID)).get(t)
	_, _, _, err = f.svc.Chat.RoomAccess(ctx, f.newbie, room.ID)
	wantCode(t, err, lms.ENOTFOUND)
	_, _, _, err = f.svc.Chat.RoomAccess(ctx, f.as("learner"), room.ID)
	ok(t, err)
	_, _, _, err = f.svc.Chat.RoomAccess(ctx, f.as("ta"), room.ID)
	ok(t, err)
	for _, r := range must(f.svc.Chat.ListRooms(ctx, f.newbie, f.a.ID)).get(t) {
		if r.ID == room.ID {
			t.Fatal("the group room is listed to a learner outside the group")
		}
	}
}

func TestCoursePolicyAndValidation(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	_, err := f.svc.Courses.CreateCourse(ctx, f.newbie, CourseInput{Title: ""})
	wantCode(t, err, lms.EINVALID)
	_, err = f.svc.Courses.CreateCourse(ctx, f.newbie, CourseInput{Title: "x", StartsAt: t0, EndsAt: t0.Add(-time.Hour)})
	wantCode(t, err, lms.EINVALID)
	wantCode(t, f.svc.Courses.SetCreatorPolicy(ctx, f.newbie, CreatorsAdmins), lms.EFORBIDDEN)
	ok(t, f.svc.Courses.SetCreatorPolicy(ctx, f.as("admin"), CreatorsAdmins))
	_, err = f.svc.Courses.CreateCourse(ctx, f.newbie, CourseInput{Title: "Mine"})
	wantCode(t, err, lms.EFORBIDDEN)
	must(f.svc.Courses.CreateCourse(ctx, f.as("admin"), CourseInput{Title: "Admin's"})).get(t)

	// A draft course is invisible to its learners.
	must(f.svc.Courses.SetVisibility(ctx, f.as("instructor"), f.a.ID, lms.CourseDraft)).get(t)
	_, err = f.svc.Courses.GetCourse(ctx, f.as("learner"), f.a.ID)
	wantCode(t, err, lms.ENOTFOUND)
	must(f.svc.Courses.GetCourse(ctx, f.as("ta"), f.a.ID)).get(t)
}
