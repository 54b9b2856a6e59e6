package calendar

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

func TestItemsMatchTheCourseDatesAsEachPersonMaySeeThem(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		s := f.seed(t)
		month := Range{From: day(0), To: day(30)}
		at := func(n float64) string { return day(n).Format("2006-01-02T15") }
		want := map[string][]string{
			"learner": { // their own override on quiz 1, their group's on the lab quiz, their group's room only
				fmt.Sprintf("lesson-%d-release@%s", s.lesson, at(1)),
				fmt.Sprintf("event-%d@%s", s.event, at(2)),
				fmt.Sprintf("quiz-%d-opens@%s", s.quiz, at(3)),
				fmt.Sprintf("quiz-%d-closes@%s", s.quiz, at(5)),
				fmt.Sprintf("assignment-%d-due@%s", s.work, at(6)),
				fmt.Sprintf("assignment-%d-cutoff@%s", s.work, at(7)),
				fmt.Sprintf("quiz-%d-closes@%s", s.groupQuiz, at(9)),
				fmt.Sprintf("event-%d@%s", s.eventA, at(10)),
			},
			"learner2": { // no override, no group room
				fmt.Sprintf("lesson-%d-release@%s", s.lesson, at(1)),
				fmt.Sprintf("event-%d@%s", s.event, at(2)),
				fmt.Sprintf("quiz-%d-opens@%s", s.quiz, at(3)),
				fmt.Sprintf("quiz-%d-closes@%s", s.quiz, at(4)),
				fmt.Sprintf("assignment-%d-due@%s", s.work, at(6)),
				fmt.Sprintf("assignment-%d-cutoff@%s", s.work, at(7)),
				fmt.Sprintf("quiz-%d-closes@%s", s.groupQuiz, at(8)),
			},
			"outsider": {},
			"admin":    {}, // a member of no course
		}
		for who, w := range want {
			got, err := f.svc.Items(t.Context(), f.users[who], month)
			must(t, err)
			if g := uids(got.Items); !slices.Equal(g, w) {
				t.Errorf("%s sees\n%v\nwant\n%v", who, g, w)
			}
		}
		staff := []string{
			fmt.Sprintf("lesson-%d-release@%s", s.lesson, at(1)),
			fmt.Sprintf("lesson-%d-release@%s", s.draftLesson, at(2)),
			fmt.Sprintf("event-%d@%s", s.event, at(2)),
			fmt.Sprintf("quiz-%d-opens@%s", s.quiz, at(3)),
			fmt.Sprintf("quiz-%d-opens@%s", s.draftQuiz, at(3)),
			fmt.Sprintf("quiz-%d-closes@%s", s.quiz, at(4)),
			fmt.Sprintf("quiz-%d-closes@%s", s.draftQuiz, at(4)),
			fmt.Sprintf("assignment-%d-due@%s", s.work, at(6)),
			fmt.Sprintf("assignment-%d-due@%s", s.draftWork, at(6)),
			fmt.Sprintf("assignment-%d-cutoff@%s", s.work, at(7)),
			fmt.Sprintf("quiz-%d-closes@%s", s.groupQuiz, at(8)),
			fmt.Sprintf("event-%d@%s", s.eventA, at(10)),
			fmt.Sprintf("event-%d@%s", s.eventB, at(10)),
		}
		slices.Sort(staff)
		for _, who := range []string{"instructor", "ta", "admin"} {
			got, err := f.svc.Items(t.Context(), f.users[who], Range{From: day(0), To: day(30), CourseID: f.course.ID})
			must(t, err)
			g := uids(got.Items)
			slices.Sort(g)
			if !slices.Equal(g, staff) {
				t.Errorf("%s sees in the course\n%v\nwant\n%v", who, g, staff)
			}
		}
		got, err := f.svc.Items(t.Context(), f.users["instructor"], month)
		must(t, err)
		if !slices.ContainsFunc(got.Items, func(it *lms.CalendarItem) bool { return it.ItemID == s.draftCourseWork }) {
			t.Error("the instructor does not see the assignment of their draft course")
		}
		if !slices.IsSortedFunc(got.Items, func(a, b *lms.CalendarItem) int { return a.StartsAt.Compare(b.StartsAt) }) {
			t.Error("items are not in time order")
		}
	})
}

func TestItemsDetailsAndLinks(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		s := f.seed(t)
		got, err := f.svc.Items(t.Context(), f.users["learner"], Range{From: day(0), To: day(30)})
		must(t, err)
		byUID := map[string]*lms.CalendarItem{}
		for _, it := range got.Items {
			byUID[it.UID] = it
		}
		due := byUID[fmt.Sprintf("assignment-%d-due", s.work)]
		if due == nil || due.Link != fmt.Sprintf("/courses/%d/assignments/%d", f.course.ID, s.work) ||
			due.Title != "Lab report" || due.CourseTitle != "Physics" || !due.StartsAt.Equal(day(6)) || due.Overridden {
			t.Errorf("due item = %+v", due)
		}
		closes := byUID[fmt.Sprintf("quiz-%d-closes", s.quiz)]
		if closes == nil || !closes.Overridden || closes.Link != fmt.Sprintf("/courses/%d/quizzes/%d", f.course.ID, s.quiz) {
			t.Errorf("overridden close = %+v", closes)
		}
		if opens := byUID[fmt.Sprintf("quiz-%d-opens", s.quiz)]; opens == nil || opens.Overridden {
			t.Errorf("the opening the override keeps = %+v", opens)
		}
		live := byUID[fmt.Sprintf("event-%d", s.eventA)]
		if live == nil || live.Kind != lms.CalLiveSession || live.Link != fmt.Sprintf("/courses/%d/rooms/%d/live", f.course.ID, s.roomA) ||
			!live.EndsAt.Equal(day(10).Add(time.Hour)) {
			t.Errorf("live session = %+v", live)
		}
		trip := byUID[fmt.Sprintf("event-%d", s.event)]
		if trip == nil || trip.Kind != lms.CalEvent || trip.Location != "Museum" {
			t.Errorf("event = %+v", trip)
		}
	})
}

func TestItemsRange(t *testing.T) {
	f := newFixture(t, storeSQLite(t))
	s := f.seed(t)
	l := f.users["learner"]
	// [day 2 + 1 h, day 6): the field trip still runs, the lesson release is past, the due date is at the end.
	got, err := f.svc.Items(t.Context(), l, Range{From: day(2).Add(time.Hour), To: day(6)})
	must(t, err)
	want := []string{
		fmt.Sprintf("event-%d@%s", s.event, day(2).Format("2006-01-02T15")),
		fmt.Sprintf("quiz-%d-opens@%s", s.quiz, day(3).Format("2006-01-02T15")),
		fmt.Sprintf("quiz-%d-closes@%s", s.quiz, day(5).Format("2006-01-02T15")),
	}
	if g := uids(got.Items); !slices.Equal(g, want) {
		t.Errorf("got %v, want %v", g, want)
	}
	for name, r := range map[string]Range{
		"no start":      {To: day(1)},
		"end first":     {From: day(2), To: day(1)},
		"empty":         {From: day(2), To: day(2)},
		"over the span": {From: day(0), To: day(0).Add(MaxSpan + time.Hour)},
	} {
		if _, err := f.svc.Items(t.Context(), l, r); !lms.IsCode(err, lms.EINVALID) {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	for who, c := range map[string]int64{"learner": f.draft.ID, "outsider": f.course.ID} {
		if _, err := f.svc.Items(t.Context(), f.users[who], Range{From: day(0), To: day(1), CourseID: c}); !lms.IsCode(err, lms.ENOTFOUND) {
			t.Errorf("%s asking for course %d: %v, want ENOTFOUND", who, c, err)
		}
	}
	if _, err := f.svc.Items(t.Context(), nil, Range{From: day(0), To: day(1)}); !lms.IsCode(err, lms.EUNAUTHORIZED) {
		t.Errorf("anonymous: %v", err)
	}
}

func TestEventsArePermittedToInstructorsAndAudited(t *testing.T) {
	f := newFixture(t, storeSQLite(t))
	ctx := t.Context()
	in := EventInput{Title: "Exam", StartsAt: day(3), EndsAt: day(3).Add(2 * time.Hour)}
	for who, code := range map[string]string{"learner": lms.EFORBIDDEN, "ta": lms.EFORBIDDEN, "outsider": lms.ENOTFOUND} {
		if _, err := f.svc.CreateEvent(ctx, f.users[who], f.course.ID, in); !lms.IsCode(err, code) {
			t.Errorf("%s creates: %v, want %s", who, err, code)
		}
	}
	e, err := f.svc.CreateEvent(ctx, f.users["instructor"], f.course.ID, in)
	must(t, err)
	for name, bad := range map[string]EventInput{
		"no title":         {StartsAt: day(1)},
		"no start":         {Title: "x"},
		"ends before":      {Title: "x", StartsAt: day(2), EndsAt: day(1)},
		"too long":         {Title: "x", StartsAt: day(1), EndsAt: day(40)},
		"a room elsewhere": {Title: "x", StartsAt: day(1), RoomID: 999},
	} {
		if _, err := f.svc.CreateEvent(ctx, f.users["instructor"], f.course.ID, bad); !lms.IsCode(err, lms.EINVALID) {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	if _, err := f.svc.Event(ctx, f.users["learner"], e.ID); err != nil {
		t.Errorf("a learner reads the event: %v", err)
	}
	if _, err := f.svc.Event(ctx, f.users["outsider"], e.ID); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Errorf("an outsider reads the event: %v", err)
	}
	title := "Final exam"
	if _, err := f.svc.PatchEvent(ctx, f.users["learner"], e.ID, EventPatch{Title: &title}); !lms.IsCode(err, lms.EFORBIDDEN) {
		t.Errorf("a learner patches: %v", err)
	}
	zero := time.Time{}
	got, err := f.svc.PatchEvent(ctx, f.users["instructor"], e.ID, EventPatch{Title: &title, EndsAt: &zero})
	must(t, err)
	if got.Title != title || !got.EndsAt.IsZero() || !got.StartsAt.Equal(day(3)) {
		t.Errorf("patched = %+v", got)
	}
	if err := f.svc.DeleteEvent(ctx, f.users["ta"], e.ID); !lms.IsCode(err, lms.EFORBIDDEN) {
		t.Errorf("a TA deletes: %v", err)
	}
	must(t, f.svc.DeleteEvent(ctx, f.users["instructor"], e.ID))
	if _, err := f.svc.Event(ctx, f.users["instructor"], e.ID); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Errorf("after delete: %v", err)
	}
	audit, err := f.st.ListAudit(ctx, lms.AuditFilter{Action: "course."})
	must(t, err)
	var actions []string
	for _, a := range audit {
		if !strings.HasPrefix(a.Action, "course.event_") {
			continue
		}
		if a.Target != fmt.Sprintf("event:%d", e.ID) || a.ActorID != f.users["instructor"].ID {
			t.Errorf("audit entry %+v", a)
		}
		actions = append(actions, a.Action)
	}
	if want := []string{lms.AuditEventDelete, lms.AuditEventUpdate, lms.AuditEventCreate}; !slices.Equal(actions, want) {
		t.Errorf("audit = %v, want %v", actions, want)
	}
}
