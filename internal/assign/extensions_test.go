package assign

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// rowOf returns the table row of a learner.
func rowOf(t *testing.T, rows []Row, userID int64) Row {
	t.Helper()
	i := slices.IndexFunc(rows, func(r Row) bool { return r.UserID == userID })
	if i < 0 {
		t.Fatalf("no row for user %d", userID)
	}
	return rows[i]
}

func TestExtensionApplyMovesTheDueDateAndAnEarlierCutoff(t *testing.T) {
	a := lms.Assignment{DueAt: t0, CutoffAt: t0.Add(24 * time.Hour)}
	cases := []struct {
		name     string
		x        *lms.Extension
		due, cut time.Time
	}{
		{"none", nil, t0, t0.Add(24 * time.Hour)},
		{"before the cut-off keeps it", &lms.Extension{DueAt: t0.Add(time.Hour)}, t0.Add(time.Hour), t0.Add(24 * time.Hour)},
		{"after the cut-off moves it to the new due date", &lms.Extension{DueAt: t0.Add(72 * time.Hour)},
			t0.Add(72 * time.Hour), t0.Add(72 * time.Hour)},
		{"its own cut-off", &lms.Extension{DueAt: t0.Add(72 * time.Hour), CutoffAt: t0.Add(96 * time.Hour)},
			t0.Add(72 * time.Hour), t0.Add(96 * time.Hour)},
		{"its own cut-off never before the assignment's", &lms.Extension{DueAt: t0.Add(time.Hour), CutoffAt: t0.Add(2 * time.Hour)},
			t0.Add(time.Hour), t0.Add(24 * time.Hour)},
		{"not after the assignment's due date (it moved): no extension", &lms.Extension{DueAt: t0.Add(-time.Hour)},
			t0, t0.Add(24 * time.Hour)},
	}
	for _, c := range cases {
		got := c.x.Apply(a)
		if !got.DueAt.Equal(c.due) || !got.CutoffAt.Equal(c.cut) || got.Extended != !got.DueAt.Equal(t0) {
			t.Errorf("%s: due %v cut-off %v extended %v, want %v %v", c.name, got.DueAt, got.CutoffAt, got.Extended, c.due, c.cut)
		}
	}
	open := lms.Assignment{DueAt: t0}
	if got := (&lms.Extension{DueAt: t0.Add(time.Hour)}).Apply(open); !got.CutoffAt.IsZero() {
		t.Errorf("no cut-off became %v", got.CutoffAt)
	}
}

func TestGrantingAnExtensionChecksTheDatesAndTheLearner(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a := f.create(t, Input{CutoffAt: t0.Add(24 * time.Hour)})
	ins, lea := f.as("instructor"), f.as("learner3").ID
	cases := []struct {
		name  string
		user  int64
		in    ExtensionInput
		field string
	}{
		{"before the assignment's due date", lea, ExtensionInput{DueAt: t0.Add(-time.Hour)}, "due_at"},
		{"at the assignment's due date", lea, ExtensionInput{DueAt: t0}, "due_at"},
		{"no date", lea, ExtensionInput{}, "due_at"},
		{"a cut-off before the new due date", lea, ExtensionInput{DueAt: t0.Add(48 * time.Hour), CutoffAt: t0.Add(47 * time.Hour)}, "cutoff_at"},
		{"a TA is no learner", f.as("ta").ID, ExtensionInput{DueAt: t0.Add(time.Hour)}, "user_id"},
		{"a learner of another course", f.as("outsider").ID, ExtensionInput{DueAt: t0.Add(time.Hour)}, "user_id"},
	}
	for _, c := range cases {
		_, err := f.svc.GrantExtension(ctx, ins, a.ID, c.user, c.in)
		var e *lms.Error
		if lms.ErrorCode(err) != lms.EINVALID || !errors.As(err, &e) || e.Field != c.field {
			t.Errorf("%s: error %v, want a field error on %s", c.name, err, c.field)
		}
	}
	noDue := f.create(t, Input{Title: "Whenever"})
	noDue.DueAt = time.Time{}
	noDue = must(f.svc.Update(ctx, ins, noDue.ID, inputOf(noDue))).of(t)
	_, err := f.svc.GrantExtension(ctx, ins, noDue.ID, lea, ExtensionInput{DueAt: t0})
	wantCode(t, err, lms.EINVALID)
	wantCode(t, f.svc.RevokeExtension(ctx, ins, a.ID, lea), lms.ENOTFOUND)
}

func TestAnExtendedLearnerSubmitsLateWorkOnTimeAndAfterTheCutoff(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a := f.create(t, Input{Late: lms.LatePolicy{Unit: lms.LatePerDay, Percent: 10}, CutoffAt: t0.Add(24 * time.Hour)})
	ta, ill, well := f.as("ta"), f.as("learner3"), f.as("learner")
	x := must(f.svc.GrantExtension(ctx, f.as("instructor"), a.ID, ill.ID,
		ExtensionInput{DueAt: t0.Add(72 * time.Hour), Reason: "flu"})).of(t)
	if x.GrantedBy != f.as("instructor").ID || x.Reason != "flu" {
		t.Fatalf("extension %+v", x)
	}
	if got := f.notes.list(); !slices.Contains(got, itoa(ill.ID)+" extension "+
		"/courses/"+itoa(f.course.ID)+"/assignments/"+itoa(a.ID)) {
		t.Fatalf("notifications %v", got)
	}

	// Two days after the due date: past the assignment's cut-off.
	f.clock.Set(t0.Add(48 * time.Hour))
	_, err := f.svc.Submit(ctx, well, a.ID, Work{Text: "late", Final: true})
	wantCode(t, err, lms.EFORBIDDEN)
	p := must(f.svc.LatePenalty(ctx, ill, a.ID)).of(t)
	if !p.Open || p.Late != 0 || !p.DueAt.Equal(x.DueAt) {
		t.Fatalf("the extended learner's penalty %+v", p)
	}
	mine := must(f.svc.MySubmission(ctx, ill, a.ID)).of(t)
	if !mine.Assignment.Extended || !mine.Assignment.DueAt.Equal(x.DueAt) || mine.Penalty.Late != 0 {
		t.Fatalf("the extended learner's view %+v %+v", mine.Assignment, mine.Penalty)
	}
	if got := must(f.svc.Get(ctx, well, a.ID)).of(t); got.Extended || !got.DueAt.Equal(t0) {
		t.Fatalf("another learner sees %v extended %v", got.DueAt, got.Extended)
	}
	if got := must(f.svc.Get(ctx, ta, a.ID)).of(t); got.Extended || !got.DueAt.Equal(t0) {
		t.Fatalf("staff see %v extended %v", got.DueAt, got.Extended)
	}
	// The course's assignment list shows each caller the same dates as Get.
	for _, c := range []struct {
		who      *lms.User
		due      time.Time
		extended bool
	}{{ill, x.DueAt, true}, {well, t0, false}, {ta, t0, false}} {
		list := must(f.svc.List(ctx, c.who, f.course.ID)).of(t)
		if len(list) != 1 || list[0].Extended != c.extended || !list[0].DueAt.Equal(c.due) {
			t.Fatalf("%s's list: %+v, want due %v extended %v", c.who.Username, list, c.due, c.extended)
		}
	}
	must(f.svc.Submit(ctx, ill, a.ID, Work{Text: "on time after all", Final: true})).of(t)
	row := rowOf(t, must(f.svc.Submissions(ctx, ta, a.ID, Filter{})).of(t), ill.ID)
	if row.Late != 0 || row.Extension == nil || !row.Extension.DueAt.Equal(x.DueAt) {
		t.Fatalf("row %+v", row)
	}
	g := must(f.svc.Grade(ctx, ta, row.Submission.ID, Marking{Score: ptr(8.0)})).of(t)
	if g.Penalty != 0 || g.Grade() != 8 {
		t.Fatalf("graded %+v", g)
	}

	// Late against the extension: one started day, 10 %; closed after its
	// cut-off (the new due date: the assignment's cut-off was earlier).
	f.clock.Set(t0.Add(73 * time.Hour))
	lea := f.as("learner2")
	must(f.svc.GrantExtension(ctx, ta, a.ID, lea.ID, ExtensionInput{DueAt: t0.Add(72 * time.Hour),
		CutoffAt: t0.Add(96 * time.Hour)})).of(t)
	must(f.svc.Submit(ctx, lea, a.ID, Work{Text: "an hour late", Final: true})).of(t)
	row = rowOf(t, must(f.svc.Submissions(ctx, ta, a.ID, Filter{Late: true})).of(t), lea.ID)
	if row.Late != time.Hour {
		t.Fatalf("late %v", row.Late)
	}
	g = must(f.svc.Grade(ctx, ta, row.Submission.ID, Marking{Score: ptr(8.0)})).of(t)
	if g.Penalty != 0.8 {
		t.Fatalf("penalty %v, want 0.8", g.Penalty)
	}
	_, err = f.svc.Submit(ctx, ill, a.ID, Work{Text: "changed", Final: true})
	wantCode(t, err, lms.EFORBIDDEN) // past their due date: submitted work is kept
	f.clock.Set(t0.Add(97 * time.Hour))
	_, err = f.svc.Submit(ctx, lea, a.ID, Work{Text: "after the cut-off", Final: true})
	wantCode(t, err, lms.EFORBIDDEN)

	// Revoked, the learner is back at the assignment's dates, and told.
	told := len(f.notes.list())
	if err := f.svc.RevokeExtension(ctx, ta, a.ID, lea.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.notes.list()[told:]; !slices.Equal(got, []string{itoa(lea.ID) + " extension " +
		"/courses/" + itoa(f.course.ID) + "/assignments/" + itoa(a.ID)}) {
		t.Fatalf("notifications of the revoke %v", got)
	}
	if list := must(f.svc.Extensions(ctx, ta, a.ID)).of(t); len(list) != 1 || list[0].UserID != ill.ID {
		t.Fatalf("extensions %+v", list)
	}
	if got := must(f.svc.Get(ctx, lea, a.ID)).of(t); got.Extended || !got.DueAt.Equal(t0) {
		t.Fatalf("after revoking: %v extended %v", got.DueAt, got.Extended)
	}

	// The assignment's due date moves past the extension's: the extension
	// no longer counts (it never gives less time than everyone has).
	in := inputOf(a)
	in.DueAt, in.CutoffAt = t0.Add(120*time.Hour), time.Time{}
	must(f.svc.Update(ctx, f.as("instructor"), a.ID, in)).of(t)
	if got := must(f.svc.Get(ctx, ill, a.ID)).of(t); got.Extended || !got.DueAt.Equal(t0.Add(120*time.Hour)) {
		t.Fatalf("an extension overtaken by the assignment: %v extended %v", got.DueAt, got.Extended)
	}
}

// TestAGroupsExtensionIsEachMembersOwn: graders extend a whole group at
// once; each active member gets the extension (and a notification), the
// group's row shows it, a member's own change splits it, and revoking the
// group's removes every member's.
func TestAGroupsExtensionIsEachMembersOwn(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a := f.create(t, Input{GroupMode: true, OnlineText: true})
	ta, one, two := f.as("ta"), f.as("learner"), f.as("learner2")
	in := ExtensionInput{DueAt: t0.Add(48 * time.Hour), Reason: "the lab was closed"}

	_, err := f.svc.GrantGroupExtension(ctx, one, a.ID, f.group.ID, in)
	wantCode(t, err, lms.EFORBIDDEN)
	_, err = f.svc.GrantGroupExtension(ctx, ta, a.ID, f.group.ID+1000, in)
	wantCode(t, err, lms.ENOTFOUND)
	empty := &lms.Group{CourseID: f.course.ID, Name: "Nobody yet"}
	if err := f.st.CreateGroup(ctx, empty); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.GrantGroupExtension(ctx, ta, a.ID, empty.ID, in)
	wantCode(t, err, lms.EINVALID)
	_, err = f.svc.GrantGroupExtension(ctx, ta, a.ID, f.group.ID, ExtensionInput{DueAt: t0.Add(-time.Hour)})
	wantCode(t, err, lms.EINVALID)

	xs := must(f.svc.GrantGroupExtension(ctx, ta, a.ID, f.group.ID, in)).of(t)
	got := []int64{}
	for _, x := range xs {
		got = append(got, x.UserID)
	}
	if slices.Sort(got); !slices.Equal(got, []int64{one.ID, two.ID}) {
		t.Fatalf("extended %v, want the group's two learners", got)
	}
	for _, u := range []*lms.User{one, two} {
		if !slices.Contains(f.notes.list(), itoa(u.ID)+" extension "+"/courses/"+itoa(f.course.ID)+"/assignments/"+itoa(a.ID)) {
			t.Errorf("%s was not told: %v", u.Username, f.notes.list())
		}
		if got := must(f.svc.Get(ctx, u, a.ID)).of(t); !got.Extended || !got.DueAt.Equal(in.DueAt) {
			t.Errorf("%s sees due %v extended %v", u.Username, got.DueAt, got.Extended)
		}
	}
	groupRow := func() Row {
		rows := must(f.svc.Submissions(ctx, ta, a.ID, Filter{})).of(t)
		i := slices.IndexFunc(rows, func(r Row) bool { return r.GroupID == f.group.ID })
		if i < 0 {
			t.Fatalf("no row for the group in %+v", rows)
		}
		return rows[i]
	}
	if r := groupRow(); r.Extension == nil || !r.Extension.DueAt.Equal(in.DueAt) || r.ExtendedMembers != 2 {
		t.Fatalf("the group's row: extension %+v, %d extended", r.Extension, r.ExtendedMembers)
	}

	// One member's extension changed: the row shows no common date.
	must(f.svc.GrantExtension(ctx, ta, a.ID, two.ID, ExtensionInput{DueAt: t0.Add(96 * time.Hour)})).of(t)
	if r := groupRow(); r.Extension != nil || r.ExtendedMembers != 2 {
		t.Fatalf("after one member's change: extension %+v, %d extended", r.Extension, r.ExtendedMembers)
	}
	// A member submits the group's work on time by the extension.
	f.clock.Set(t0.Add(24 * time.Hour))
	must(f.svc.Submit(ctx, one, a.ID, Work{Text: "our report", Final: true})).of(t)
	if r := groupRow(); r.Late != 0 || r.State != StateSubmitted {
		t.Fatalf("the group's work: state %s late %v", r.State, r.Late)
	}

	if err := f.svc.RevokeGroupExtension(ctx, one, a.ID, f.group.ID); lms.ErrorCode(err) != lms.EFORBIDDEN {
		t.Fatalf("a learner revoking: %v", err)
	}
	told := len(f.notes.list())
	if err := f.svc.RevokeGroupExtension(ctx, ta, a.ID, f.group.ID); err != nil {
		t.Fatal(err)
	}
	link := " extension /courses/" + itoa(f.course.ID) + "/assignments/" + itoa(a.ID)
	if got := f.notes.list()[told:]; len(got) != 2 || !slices.Contains(got, itoa(one.ID)+link) || !slices.Contains(got, itoa(two.ID)+link) {
		t.Fatalf("notifications of the group's revoke %v, want one to each member", got)
	}
	if list := must(f.svc.Extensions(ctx, ta, a.ID)).of(t); len(list) != 0 {
		t.Fatalf("extensions after revoking the group's: %+v", list)
	}
	if r := groupRow(); r.Extension != nil || r.ExtendedMembers != 0 {
		t.Fatalf("the group's row after the revoke: %+v, %d", r.Extension, r.ExtendedMembers)
	}
	wantCode(t, f.svc.RevokeGroupExtension(ctx, ta, a.ID, f.group.ID), lms.ENOTFOUND)
}
