package calendar

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// courseItems returns the dated things of one course (not its events) as
// the caller may see them: drafts only for staff, a learner's quiz dates
// with their override (their own, else their group's) and assignment dates
// with their extension.
func (s *Service) courseItems(ctx context.Context, a *course.Access) ([]*lms.CalendarItem, error) {
	c, staff := a.Course, a.Can(lms.ActViewDrafts)
	item := func(kind lms.CalendarKind, id int64, title, path string) *lms.CalendarItem {
		return &lms.CalendarItem{Kind: kind, CourseID: c.ID, CourseTitle: c.Title, ItemID: id, Title: title,
			Link: fmt.Sprintf("/courses/%d/%s/%d", c.ID, path, id)}
	}
	var out []*lms.CalendarItem
	lessons, err := s.store.ListLessons(ctx, c.ID, false)
	if err != nil {
		return nil, fmt.Errorf("calendar: lessons: %w", err)
	}
	for _, l := range lessons {
		if l.AvailableFrom.IsZero() || (l.Draft && !staff) {
			continue
		}
		it := item(lms.CalLessonRelease, l.ID, l.Title, "lessons")
		it.UID, it.StartsAt = fmt.Sprintf("lesson-%d-release", l.ID), l.AvailableFrom
		out = append(out, it)
	}
	quizzes, err := s.store.ListQuizzes(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("calendar: quizzes: %w", err)
	}
	for _, q := range quizzes {
		if q.Draft && !staff {
			continue
		}
		rules, moved := *q, false
		if a.Role == lms.CourseLearner && a.Enrollment != nil {
			o, err := s.overrideOf(ctx, q.ID, a.Enrollment)
			if err != nil {
				return nil, err
			}
			if o != nil {
				rules, moved = o.Apply(*q), true
			}
		}
		if !rules.OpensAt.IsZero() {
			it := item(lms.CalQuizOpens, q.ID, q.Title, "quizzes")
			it.UID, it.StartsAt, it.Overridden = fmt.Sprintf("quiz-%d-opens", q.ID), rules.OpensAt, moved && !rules.OpensAt.Equal(q.OpensAt)
			out = append(out, it)
		}
		if !rules.ClosesAt.IsZero() {
			it := item(lms.CalQuizCloses, q.ID, q.Title, "quizzes")
			it.UID, it.StartsAt, it.Overridden = fmt.Sprintf("quiz-%d-closes", q.ID), rules.ClosesAt, moved && !rules.ClosesAt.Equal(q.ClosesAt)
			out = append(out, it)
		}
	}
	work, err := s.store.ListAssignments(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("calendar: assignments: %w", err)
	}
	for _, w := range work {
		if w.Draft && !staff {
			continue
		}
		rules := *w
		if a.Role == lms.CourseLearner && !w.DueAt.IsZero() {
			x, err := s.store.ExtensionOf(ctx, w.ID, a.User.ID)
			if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
				return nil, fmt.Errorf("calendar: extension: %w", err)
			}
			if err == nil {
				rules = x.Apply(*w)
			}
		}
		if !rules.DueAt.IsZero() {
			it := item(lms.CalAssignmentDue, w.ID, w.Title, "assignments")
			it.UID, it.StartsAt, it.Overridden = fmt.Sprintf("assignment-%d-due", w.ID), rules.DueAt, rules.Extended
			out = append(out, it)
		}
		if !rules.CutoffAt.IsZero() {
			it := item(lms.CalAssignmentCutoff, w.ID, w.Title, "assignments")
			it.UID, it.StartsAt = fmt.Sprintf("assignment-%d-cutoff", w.ID), rules.CutoffAt
			it.Overridden = rules.Extended && !rules.CutoffAt.Equal(w.CutoffAt)
			out = append(out, it)
		}
	}
	return out, nil
}

// overrideOf returns the learner's override of a quiz: their own, else
// their group's, else nil.
func (s *Service) overrideOf(ctx context.Context, quizID int64, e *lms.Enrollment) (*lms.QuizOverride, error) {
	os, err := s.store.ListOverrides(ctx, quizID)
	if err != nil {
		return nil, fmt.Errorf("calendar: overrides: %w", err)
	}
	var group *lms.QuizOverride
	for _, o := range os {
		switch {
		case o.UserID == e.UserID:
			return o, nil
		case o.GroupID != 0 && o.GroupID == e.GroupID:
			group = o
		}
	}
	return group, nil
}

// eventItems returns the events of the courses in r as the caller may see
// them: a live session in a room of another group is left out for
// learners.
func (s *Service) eventItems(ctx context.Context, byID map[int64]*course.Access, ids []int64, r Range) ([]*lms.CalendarItem, error) {
	evs, err := s.store.ListCourseEvents(ctx, ids, r.From, r.To)
	if err != nil {
		return nil, fmt.Errorf("calendar: events: %w", err)
	}
	rooms := map[int64]*lms.Room{}
	var out []*lms.CalendarItem
	for _, e := range evs {
		a := byID[e.CourseID]
		it := eventItem(a.Course, e)
		if e.RoomID != 0 {
			room, err := s.roomOf(ctx, rooms, e)
			if err != nil {
				return nil, err
			}
			if room == nil || !seesRoom(a, room) {
				continue
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// roomOf returns the event's room (loading the course's rooms once), or
// nil when it is gone.
func (s *Service) roomOf(ctx context.Context, rooms map[int64]*lms.Room, e *lms.CourseEvent) (*lms.Room, error) {
	if r, ok := rooms[e.RoomID]; ok {
		return r, nil
	}
	list, err := s.store.ListRooms(ctx, e.CourseID)
	if err != nil {
		return nil, fmt.Errorf("calendar: rooms: %w", err)
	}
	for _, r := range list {
		rooms[r.ID] = r
	}
	if _, ok := rooms[e.RoomID]; !ok {
		rooms[e.RoomID] = nil
	}
	return rooms[e.RoomID], nil
}

// seesRoom reports whether the caller may enter the room: staff always,
// others when it is for the whole course or their group.
func seesRoom(a *course.Access, r *lms.Room) bool {
	return r.GroupID == 0 || a.Can(lms.ActModerate) || (a.Enrollment != nil && a.Enrollment.GroupID == r.GroupID)
}

// eventItem is a course event as a calendar item.
func eventItem(c *lms.Course, e *lms.CourseEvent) *lms.CalendarItem {
	it := &lms.CalendarItem{UID: fmt.Sprintf("event-%d", e.ID), Kind: lms.CalEvent, CourseID: c.ID,
		CourseTitle: c.Title, ItemID: e.ID, Title: e.Title, Description: e.Description, Location: e.Location,
		StartsAt: e.StartsAt, EndsAt: e.EndsAt, Link: fmt.Sprintf("/calendar?course=%d&event=%d", c.ID, e.ID)}
	if e.RoomID != 0 {
		it.Kind, it.Link = lms.CalLiveSession, fmt.Sprintf("/courses/%d/rooms/%d/live", c.ID, e.RoomID)
	}
	return it
}

// inRange keeps the items overlapping r (a point in time: in it) and
// sorts them by start, course, kind and uid.
func inRange(items []*lms.CalendarItem, r Range) []*lms.CalendarItem {
	out := make([]*lms.CalendarItem, 0, len(items))
	for _, it := range items {
		if it.StartsAt.Before(r.To) && (!it.StartsAt.Before(r.From) || it.End().After(r.From)) {
			it.StartsAt, it.EndsAt = it.StartsAt.UTC(), it.EndsAt.UTC()
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b *lms.CalendarItem) int {
		return cmp.Or(a.StartsAt.Compare(b.StartsAt), cmp.Compare(a.CourseID, b.CourseID),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.UID, b.UID))
	})
	return out
}
