package remind

import (
	"context"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// PlanLesson plans the "new lesson released" notification of l in the
// transaction that saves it; old is the lesson before the change (nil for a
// new one). A draft has none (unpublishing cancels it). A lesson available
// from a later time is announced then (a new date moves the job); one that
// is available now is announced at once when it was not before (new,
// published from a draft, or its date brought forward to the past).
// Editing a lesson that was available already plans nothing.
func PlanLesson(ctx context.Context, sch Scheduler, now time.Time, old, l *lms.Lesson) error {
	key := Key(SourceLesson, l.ID, Released)
	p := payload{Source: SourceLesson, ID: l.ID, Moment: Released, At: l.AvailableFrom}
	switch {
	case l.Draft:
		return sch.Cancel(ctx, key)
	case l.AvailableFrom.After(now):
		return put(ctx, sch, key, l.AvailableFrom, p)
	case old == nil || old.Draft || old.AvailableFrom.After(now):
		return put(ctx, sch, key, now, p)
	}
	return nil
}

// CancelLesson removes the release notification of a deleted lesson.
func CancelLesson(ctx context.Context, sch Scheduler, lessonID int64) error {
	return sch.Cancel(ctx, Key(SourceLesson, lessonID, Released))
}

// PlanLive plans the "live session starting" notification of a course
// event in the transaction that saves it: at its start when it is a live
// session (it has a room) starting later; otherwise it has none.
func PlanLive(ctx context.Context, sch Scheduler, now time.Time, e *lms.CourseEvent) error {
	key := Key(SourceEvent, e.ID, Starts)
	if e.RoomID == 0 || !e.StartsAt.After(now) {
		return sch.Cancel(ctx, key)
	}
	return put(ctx, sch, key, e.StartsAt, payload{Source: SourceEvent, ID: e.ID, Moment: Starts, At: e.StartsAt})
}

// CancelLive removes the notification of a deleted course event.
func CancelLive(ctx context.Context, sch Scheduler, eventID int64) error {
	return sch.Cancel(ctx, Key(SourceEvent, eventID, Starts))
}

// lessonNotice is the release notification of the job's lesson, for the
// course's learners; nil when there is nothing to say (the lesson is gone,
// a draft, not available yet, or its course is not open to learners). Its
// dedup key is the lesson's alone: a learner hears of a lesson once.
func (s *Service) lessonNotice(ctx context.Context, p payload) (*notice, error) {
	l, err := s.store.LessonByID(ctx, p.ID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if l.Draft || l.AvailableFrom.After(s.now()) {
		return nil, nil
	}
	c, err := s.store.CourseByID(ctx, l.CourseID)
	if err != nil {
		return nil, err
	}
	if c.Visibility != lms.CoursePublished {
		return nil, nil
	}
	learners, err := s.members(ctx, l.CourseID, lms.CourseLearner)
	if err != nil {
		return nil, err
	}
	return &notice{kind: lms.NotifyLessonReleased, dedup: fmt.Sprintf("%s:lesson:%d", lms.NotifyLessonReleased, l.ID),
		to: learners, data: map[string]any{"course_id": l.CourseID, "lesson_id": l.ID, "title": l.Title,
			"course_title": c.Title}}, nil
}

// liveNotice is the "live session starting" notification of the job's
// event, for the members who may enter its room (a group's room: that
// group's learners and the staff), not the event's author; nil when the
// event is gone, moved or no longer live, or its room is gone.
func (s *Service) liveNotice(ctx context.Context, p payload) (*notice, error) {
	e, err := s.store.CourseEventByID(ctx, p.ID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if e.RoomID == 0 || !e.StartsAt.Equal(p.At) {
		return nil, nil
	}
	r, err := s.store.RoomByID(ctx, e.RoomID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := s.store.CourseByID(ctx, e.CourseID)
	if err != nil {
		return nil, err
	}
	if c.Visibility != lms.CoursePublished {
		return nil, nil
	}
	to, err := s.roomAudience(ctx, r, e.CreatedBy)
	if err != nil {
		return nil, err
	}
	return &notice{kind: lms.NotifyLiveStarting,
		dedup: fmt.Sprintf("%s:event:%d:%d", lms.NotifyLiveStarting, e.ID, e.StartsAt.UnixMilli()), to: to,
		data: map[string]any{"course_id": e.CourseID, "room_id": r.ID, "room": r.Name, "event_id": e.ID,
			"title": e.Title, "starts_at": e.StartsAt,
			"link": fmt.Sprintf("/courses/%d/rooms/%d/live", e.CourseID, r.ID)}}, nil
}

// roomAudience returns the course's active members who may enter room r
// (a group's room: that group and the staff), leaving out the user but.
func (s *Service) roomAudience(ctx context.Context, r *lms.Room, but int64) ([]*lms.Enrollment, error) {
	all, err := s.members(ctx, r.CourseID, "")
	if err != nil {
		return nil, err
	}
	var to []*lms.Enrollment
	for _, m := range all {
		staff := lms.Can(false, m.Role, lms.ActModerate)
		if m.UserID != but && (staff || r.GroupID == 0 || m.GroupID == r.GroupID) {
			to = append(to, m)
		}
	}
	return to, nil
}

// LiveStarted tells the members who may enter a room that a live session
// is on there now: the live layer calls it when the first of the course's
// staff joins a stored session (started on the spot, or a scheduled one
// whose host arrived; the scheduled one's own notice came at its start
// time). Once per session (the dedup key holds sessionID), never to
// startedBy, nothing in a course not open to learners.
func (s *Service) LiveStarted(ctx context.Context, roomID, sessionID, startedBy int64) error {
	r, err := s.store.RoomByID(ctx, roomID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return err
	}
	c, err := s.store.CourseByID(ctx, r.CourseID)
	if err != nil || c.Visibility != lms.CoursePublished {
		return err
	}
	to, err := s.roomAudience(ctx, r, startedBy)
	if err != nil {
		return err
	}
	ids := make([]int64, len(to))
	for i, e := range to {
		ids[i] = e.UserID
	}
	_, err = s.notify.NotifyOnceEach(ctx, ids, fmt.Sprintf("%s:session:%d", lms.NotifyLiveStarting, sessionID),
		lms.NotifyLiveStarting, map[string]any{"course_id": r.CourseID, "room_id": r.ID, "room": r.Name,
			"session_id": sessionID, "link": fmt.Sprintf("/courses/%d/rooms/%d/live", r.CourseID, r.ID)})
	return err
}
