package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newEvent stores an event of c from start lasting d (0: a point in time).
func newEvent(t *testing.T, s store.Store, c *lms.Course, title string, start time.Time, d time.Duration) *lms.CourseEvent {
	t.Helper()
	e := &lms.CourseEvent{CourseID: c.ID, Title: title, StartsAt: start, CreatedBy: 7}
	if d > 0 {
		e.EndsAt = start.Add(d)
	}
	noErr(t, s.CreateCourseEvent(ctxOf(t), e), "CreateCourseEvent")
	return e
}

// eventTitles lists the events' titles in order.
func eventTitles(es []*lms.CourseEvent) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Title)
	}
	return out
}

var calendarTests = map[string]func(*testing.T, store.Store){
	"an event reads back as stored, changes and goes": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		r := newRoom(t, s, c, "main", true)
		e := &lms.CourseEvent{CourseID: c.ID, Title: "Exam", Description: "Bring a pen.\nAnd paper.",
			Location: "Hall 2", RoomID: r.ID, StartsAt: base, EndsAt: base.Add(time.Hour), CreatedBy: 3}
		noErr(t, s.CreateCourseEvent(ctx, e), "CreateCourseEvent")
		got, err := s.CourseEventByID(ctx, e.ID)
		noErr(t, err, "CourseEventByID")
		diff(t, "stored", got, e)
		e.Title, e.RoomID, e.EndsAt = "Exam (moved)", 0, time.Time{}
		noErr(t, s.UpdateCourseEvent(ctx, e), "UpdateCourseEvent")
		got, err = s.CourseEventByID(ctx, e.ID)
		noErr(t, err, "CourseEventByID")
		diff(t, "updated", got, e)
		noErr(t, s.DeleteCourseEvent(ctx, e.ID), "DeleteCourseEvent")
		_, err = s.CourseEventByID(ctx, e.ID)
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.DeleteCourseEvent(ctx, e.ID), lms.ENOTFOUND)
		wantCode(t, s.UpdateCourseEvent(ctx, e), lms.ENOTFOUND)
	},
	"a missing course or room is not found": func(t *testing.T, s store.Store) {
		c := newCourse(t, s, "a", 0)
		wantCode(t, s.CreateCourseEvent(ctxOf(t), &lms.CourseEvent{CourseID: c.ID + 99, Title: "x", StartsAt: base}), lms.ENOTFOUND)
		wantCode(t, s.CreateCourseEvent(ctxOf(t), &lms.CourseEvent{CourseID: c.ID, RoomID: 999, Title: "x", StartsAt: base}), lms.ENOTFOUND)
	},
	"deleting the room keeps the event as a plain one": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		r := newRoom(t, s, c, "side", false)
		e := &lms.CourseEvent{CourseID: c.ID, Title: "Live", RoomID: r.ID, StartsAt: base}
		noErr(t, s.CreateCourseEvent(ctx, e), "CreateCourseEvent")
		noErr(t, s.DeleteRoom(ctx, r.ID), "DeleteRoom")
		got, err := s.CourseEventByID(ctx, e.ID)
		noErr(t, err, "CourseEventByID")
		if got.RoomID != 0 {
			t.Errorf("RoomID = %d after the room was deleted, want 0", got.RoomID)
		}
	},
	"a list holds the events overlapping the range of the courses asked, by start": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		a, b, other := newCourse(t, s, "a", 0), newCourse(t, s, "b", 0), newCourse(t, s, "c", 0)
		newEvent(t, s, a, "before", base.Add(-2*time.Hour), 0)
		newEvent(t, s, a, "spans the start", base.Add(-time.Hour), 2*time.Hour)
		newEvent(t, s, b, "at the start", base, 0)
		newEvent(t, s, a, "inside", base.Add(time.Hour), time.Hour)
		newEvent(t, s, b, "at the end", base.Add(3*time.Hour), 0)
		newEvent(t, s, other, "other course", base.Add(time.Hour), 0)
		got, err := s.ListCourseEvents(ctx, []int64{a.ID, b.ID}, base, base.Add(3*time.Hour))
		noErr(t, err, "ListCourseEvents")
		diff(t, "titles", eventTitles(got), []string{"spans the start", "at the start", "inside"})
		got, err = s.ListCourseEvents(ctx, nil, base, base.Add(3*time.Hour))
		noErr(t, err, "ListCourseEvents(none)")
		diff(t, "no courses", eventTitles(got), []string{})
		noErr(t, s.DeleteCourse(ctx, a.ID), "DeleteCourse")
		got, err = s.ListCourseEvents(ctx, []int64{a.ID, b.ID}, base.Add(-24*time.Hour), base.Add(24*time.Hour))
		noErr(t, err, "ListCourseEvents")
		diff(t, "after deleting course a", eventTitles(got), []string{"at the start", "at the end"})
	},
	"a feed token is found by its hash until it is replaced or deleted": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, v := newUser(t, s, "u"), newUser(t, s, "v")
		h1, h2, hv := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32)
		_, err := s.CalendarFeedOf(ctx, u.ID)
		wantCode(t, err, lms.ENOTFOUND)
		noErr(t, s.PutCalendarFeed(ctx, u.ID, h1, base), "PutCalendarFeed")
		noErr(t, s.PutCalendarFeed(ctx, v.ID, hv, base), "PutCalendarFeed(v)")
		id, err := s.CalendarFeedUser(ctx, h1)
		noErr(t, err, "CalendarFeedUser")
		diff(t, "owner", id, u.ID)
		noErr(t, s.PutCalendarFeed(ctx, u.ID, h2, base.Add(time.Minute)), "PutCalendarFeed(reset)")
		_, err = s.CalendarFeedUser(ctx, h1)
		wantCode(t, err, lms.ENOTFOUND)
		id, err = s.CalendarFeedUser(ctx, h2)
		noErr(t, err, "CalendarFeedUser(new)")
		diff(t, "owner after reset", id, u.ID)
		at, err := s.CalendarFeedOf(ctx, u.ID)
		noErr(t, err, "CalendarFeedOf")
		diff(t, "made at", at, base.Add(time.Minute))
		noErr(t, s.DeleteCalendarFeed(ctx, u.ID), "DeleteCalendarFeed")
		_, err = s.CalendarFeedUser(ctx, h2)
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.DeleteCalendarFeed(ctx, u.ID), lms.ENOTFOUND)
		id, err = s.CalendarFeedUser(ctx, hv)
		noErr(t, err, "CalendarFeedUser(v)")
		diff(t, "the other user's feed", id, v.ID)
		wantCode(t, s.PutCalendarFeed(ctx, 9999, h1, base), lms.ENOTFOUND)
	},
}
