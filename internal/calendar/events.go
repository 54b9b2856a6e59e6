package calendar

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/remind"
)

// EventInput is a new course event.
type EventInput struct {
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Location    string    `json:"location,omitempty"`
	RoomID      int64     `json:"room_id,omitzero"` // a live session in this room of the course
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at,omitzero"` // zero: a point in time
}

// EventPatch changes the fields it sets of a course event.
type EventPatch struct {
	Title       *string    `json:"title,omitempty"`
	Description *string    `json:"description,omitempty"`
	Location    *string    `json:"location,omitempty"`
	RoomID      *int64     `json:"room_id,omitempty"` // 0 takes the event off its room
	StartsAt    *time.Time `json:"starts_at,omitempty"`
	EndsAt      *time.Time `json:"ends_at,omitempty"` // the zero time makes it a point in time
}

// apply returns e with the patch's fields.
func (p EventPatch) apply(e lms.CourseEvent) lms.CourseEvent {
	lms.SetTo(&e.Title, p.Title)
	lms.SetTo(&e.Description, p.Description)
	lms.SetTo(&e.Location, p.Location)
	lms.SetTo(&e.RoomID, p.RoomID)
	lms.SetTo(&e.StartsAt, p.StartsAt)
	lms.SetTo(&e.EndsAt, p.EndsAt)
	return e
}

// clean trims the event's text and checks it and its room.
func (s *Service) clean(ctx context.Context, e *lms.CourseEvent) error {
	e.Title, e.Location = strings.TrimSpace(e.Title), strings.TrimSpace(e.Location)
	e.Description = strings.TrimSpace(strings.ReplaceAll(e.Description, "\r\n", "\n"))
	if err := e.Validate(); err != nil {
		return err
	}
	e.StartsAt, e.EndsAt = e.StartsAt.UTC(), e.EndsAt.UTC()
	if e.RoomID != 0 {
		r, err := s.store.RoomByID(ctx, e.RoomID)
		if lms.IsCode(err, lms.ENOTFOUND) || (err == nil && r.CourseID != e.CourseID) {
			return lms.FieldError("room_id", "There is no such room in this course.")
		}
		if err != nil {
			return fmt.Errorf("calendar: room: %w", err)
		}
	}
	return nil
}

// CreateEvent adds an event to the course's calendar (instructors).
func (s *Service) CreateEvent(ctx context.Context, actor *lms.User, courseID int64, in EventInput) (*lms.CourseEvent, error) {
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActEditContent); err != nil {
		return nil, err
	}
	e := &lms.CourseEvent{CourseID: courseID, Title: in.Title, Description: in.Description, Location: in.Location,
		RoomID: in.RoomID, StartsAt: in.StartsAt, EndsAt: in.EndsAt, CreatedBy: actor.ID}
	if err := s.clean(ctx, e); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(st Store) error {
		if err := st.CreateCourseEvent(ctx, e); err != nil {
			return err
		}
		if err := s.planLive(ctx, st, e, false); err != nil {
			return err
		}
		return s.audit(ctx, st, actor, lms.AuditEventCreate, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Event returns one course event (members of its course; a live session
// in another group's room is not found for learners).
func (s *Service) Event(ctx context.Context, actor *lms.User, id int64) (*lms.CourseEvent, error) {
	e, a, err := s.load(ctx, actor, id, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	if e.RoomID != 0 && !a.Can(lms.ActModerate) {
		r, err := s.store.RoomByID(ctx, e.RoomID)
		if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
			return nil, fmt.Errorf("calendar: room: %w", err)
		}
		if err != nil || !seesRoom(a, r) {
			return nil, errEventNotFound()
		}
	}
	return e, nil
}

// PatchEvent changes the fields p sets (instructors).
func (s *Service) PatchEvent(ctx context.Context, actor *lms.User, id int64, p EventPatch) (*lms.CourseEvent, error) {
	old, _, err := s.load(ctx, actor, id, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	e := p.apply(*old)
	if err := s.clean(ctx, &e); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(st Store) error {
		if err := st.UpdateCourseEvent(ctx, &e); err != nil {
			return err
		}
		if err := s.planLive(ctx, st, &e, false); err != nil {
			return err
		}
		return s.audit(ctx, st, actor, lms.AuditEventUpdate, &e)
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// DeleteEvent removes a course event (instructors).
func (s *Service) DeleteEvent(ctx context.Context, actor *lms.User, id int64) error {
	e, _, err := s.load(ctx, actor, id, lms.ActEditContent)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(st Store) error {
		if err := st.DeleteCourseEvent(ctx, id); err != nil {
			return err
		}
		if err := s.planLive(ctx, st, e, true); err != nil {
			return err
		}
		return s.audit(ctx, st, actor, lms.AuditEventDelete, e)
	})
}

// load returns the event and the caller's access to its course; a missing
// event and an outsider get the same ENOTFOUND.
func (s *Service) load(ctx context.Context, actor *lms.User, id int64, act lms.CourseAction) (*lms.CourseEvent, *course.Access, error) {
	if err := requireUser(actor); err != nil {
		return nil, nil, err
	}
	e, err := s.store.CourseEventByID(ctx, id)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, errEventNotFound()
	}
	if err != nil {
		return nil, nil, err
	}
	a, err := s.access.Load(ctx, actor, e.CourseID, act)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, errEventNotFound()
	}
	if err != nil {
		return nil, nil, err
	}
	return e, a, nil
}

func errEventNotFound() error { return lms.Errorf(lms.ENOTFOUND, "Event not found.") }

// audit records a change of an event in st (the change's transaction).
func (s *Service) audit(ctx context.Context, st Store, actor *lms.User, action string, e *lms.CourseEvent) error {
	detail, err := json.Marshal(map[string]any{"course": e.CourseID, "title": e.Title, "starts_at": e.StartsAt,
		"room": e.RoomID})
	if err != nil {
		return fmt.Errorf("encode audit detail: %w", err)
	}
	return st.AppendAudit(ctx, &lms.AuditEntry{At: s.now().UTC(), ActorID: actor.ID, Action: action,
		Target: fmt.Sprintf("event:%d", e.ID), IP: lms.ClientFrom(ctx).IP, Detail: string(detail)})
}

// planLive schedules (or, with deleted, cancels) the "live session
// starting" notification of e in st (the change's transaction).
func (s *Service) planLive(ctx context.Context, st Store, e *lms.CourseEvent, deleted bool) error {
	sch := remind.SchedulerIn(st, s.now)
	if !s.remind || sch == nil {
		return nil
	}
	if deleted {
		return remind.CancelLive(ctx, sch, e.ID)
	}
	return remind.PlanLive(ctx, sch, s.now(), e)
}
