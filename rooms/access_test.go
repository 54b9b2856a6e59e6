package rooms

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// accessDeadline is how soon a lost access must end a live subscription.
const accessDeadline = time.Second

// lostWithin waits for the unsubscribed frame on topic and checks it came
// within accessDeadline of start with code.
func lostWithin(t *testing.T, c *hubtest.Client, topic, code string, start time.Time) {
	t.Helper()
	f := c.WaitFor(hub.FrameUnsubscribed, topic)
	if f.Code != code {
		t.Fatalf("unsubscribed from %s with %q, want %q", topic, f.Code, code)
	}
	if d := time.Since(start); d > accessDeadline {
		t.Errorf("unsubscribed after %v, want within %v", d, accessDeadline)
	}
}

// say sends a chat message as the instructor (not over a socket).
func (s *liveSite) say(t *testing.T, roomID int64, body string) {
	t.Helper()
	_, err := s.courses.Chat.SendMessage(t.Context(), s.users["instructor"], course.SendInput{RoomID: roomID, Body: body})
	check(t, err)
}

func TestLostAccessEndsLiveSubscriptions(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ins := func(s *liveSite) *lms.User { return s.users["instructor"] }

	t.Run("a removed learner stops receiving the course's rooms, threads and forums", func(t *testing.T) {
		s := newLiveSite(t)
		learner, ta := s.dial(t, "learner"), s.dial(t, "ta")
		topics := []string{RoomTopic(s.main.ID), TypingTopic(s.main.ID), ThreadTopic(s.thread.Thread.ID),
			ForumTopic(s.thread.Thread.ForumID)}
		for _, tp := range topics {
			learner.Subscribe(tp, nil)
		}
		ta.Subscribe(RoomTopic(s.main.ID), nil)
		start := time.Now()
		check(t, s.courses.Enrolment.RemoveMember(ctx, ins(s), s.course.ID, s.users["learner"].ID))
		lost := map[string]bool{}
		for len(lost) < len(topics) {
			if f := learner.Next(); f.Type == hub.FrameUnsubscribed {
				if f.Code != lms.ENOTFOUND {
					t.Fatalf("unsubscribed from %s with %q, want not_found", f.Topic, f.Code)
				}
				lost[f.Topic] = true
			}
		}
		if d := time.Since(start); d > accessDeadline {
			t.Errorf("unsubscribed after %v, want within %v", d, accessDeadline)
		}
		s.say(t, s.main.ID, "not for the learner")
		ta.Pushes(RoomTopic(s.main.ID), 1)
		learner.WaitQuiet(200*time.Millisecond, RoomTopic(s.main.ID))
		reply, _ := learner.Reply(learner.Command(hub.Command{Type: hub.CmdSubscribe, Topic: RoomTopic(s.main.ID)}))
		if reply.Type != hub.FrameError || reply.Code != lms.ENOTFOUND {
			t.Fatalf("subscribing again: %+v, want not_found", reply)
		}
	})
	t.Run("a demoted TA loses the progress and gradebook feeds and keeps the room", func(t *testing.T) {
		s := newLiveSite(t)
		ta := s.dial(t, "ta")
		ta.Subscribe(ProgressTopic(s.course.ID), nil)
		ta.Subscribe(GradebookTopic(s.course.ID), nil)
		ta.Subscribe(RoomTopic(s.main.ID), nil)
		start := time.Now()
		_, err := s.courses.Enrolment.SetRole(ctx, ins(s), s.course.ID, s.users["ta"].ID, lms.CourseLearner)
		check(t, err)
		lost := map[string]bool{}
		for len(lost) < 2 { // both feeds end, in either order
			f := ta.Next()
			if f.Type != hub.FrameUnsubscribed {
				continue
			}
			if f.Code != lms.EFORBIDDEN || f.Topic != ProgressTopic(s.course.ID) && f.Topic != GradebookTopic(s.course.ID) {
				t.Fatalf("unsubscribed from %s with %q, want the progress and gradebook feeds with forbidden", f.Topic, f.Code)
			}
			lost[f.Topic] = true
		}
		if d := time.Since(start); d > accessDeadline {
			t.Errorf("unsubscribed after %v, want within %v", d, accessDeadline)
		}
		s.say(t, s.main.ID, "still here")
		ta.Pushes(RoomTopic(s.main.ID), 1)
	})
	t.Run("a learner moved to another group loses the old group's room", func(t *testing.T) {
		s := newLiveSite(t)
		learner := s.dial(t, "learner")
		learner.Subscribe(RoomTopic(s.groupRoom.ID), nil)
		learner.Subscribe(RoomTopic(s.main.ID), nil)
		groups, err := s.courses.Enrolment.ListGroups(ctx, ins(s), s.course.ID)
		check(t, err)
		var other int64
		for _, g := range groups {
			if g.ID != s.groupRoom.GroupID {
				other = g.ID
			}
		}
		start := time.Now()
		check(t, s.courses.Enrolment.AssignGroup(ctx, ins(s), s.course.ID, s.users["learner"].ID, other))
		lostWithin(t, learner, RoomTopic(s.groupRoom.ID), lms.ENOTFOUND, start)
	})
	t.Run("a course back in draft closes it to learners, not to staff", func(t *testing.T) {
		s := newLiveSite(t)
		learner, ta := s.dial(t, "learner"), s.dial(t, "ta")
		learner.Subscribe(RoomTopic(s.main.ID), nil)
		ta.Subscribe(RoomTopic(s.main.ID), nil)
		start := time.Now()
		_, err := s.courses.Courses.SetVisibility(ctx, ins(s), s.course.ID, lms.CourseDraft)
		check(t, err)
		lostWithin(t, learner, RoomTopic(s.main.ID), lms.ENOTFOUND, start)
		s.say(t, s.main.ID, "staff only now")
		ta.Pushes(RoomTopic(s.main.ID), 1)
	})
	t.Run("a disabled account loses the whole connection", func(t *testing.T) {
		s := newLiveSite(t)
		learner := s.dial(t, "learner")
		learner.Subscribe(RoomTopic(s.main.ID), nil)
		u := *s.users["learner"]
		u.Disabled = true
		check(t, s.st.UpdateUser(ctx, &u))
		check(t, s.node.Hub.Recheck(ctx, "", CourseScope(s.course.ID)))
		if code := learner.Closed(); int(code) != int(hub.CloseRevoked) {
			t.Fatalf("closed with %d, want %d", code, hub.CloseRevoked)
		}
	})
}

func TestChatAckCarriesTheStoredMessage(t *testing.T) {
	t.Parallel()
	s := newLiveSite(t)
	topic := RoomTopic(s.main.ID)
	learner, ta := s.dial(t, "learner"), s.dial(t, "ta")
	ta.Subscribe(topic, nil)
	learner.Subscribe(topic, nil)
	reply := send(t, learner, topic, "ack-1", "Hello")
	var res SendResult
	check(t, json.Unmarshal(reply.Result, &res))
	if reply.Type != hub.FrameAck || res.Message == nil || res.Message.Body != "Hello" || res.Queued {
		t.Fatalf("ack %+v result %s, want the stored message", reply, reply.Result)
	}
	push := ta.Pushes(topic, 1)[0]
	if reply.Offset == nil || push.Offset == nil || *reply.Offset != *push.Offset || reply.Epoch != push.Epoch {
		t.Fatalf("ack at %s/%v, push at %s/%v: want the same position", reply.Epoch, reply.Offset, push.Epoch, push.Offset)
	}
	if ev := event(t, push); ev.Message.ID != res.Message.ID {
		t.Fatalf("push carries message %d, ack %d", ev.Message.ID, res.Message.ID)
	}
	t.Run("a retry is acked with the same message", func(t *testing.T) {
		again := send(t, learner, topic, "ack-1", "Hello")
		var res2 SendResult
		check(t, json.Unmarshal(again.Result, &res2))
		if res2.Message.ID != res.Message.ID {
			t.Fatalf("retry acked with %d, want %d", res2.Message.ID, res.Message.ID)
		}
	})
}

// failingAnnouncer is a node that stores changes and dies before
// announcing them.
type failingAnnouncer struct{}

func (failingAnnouncer) Announce(context.Context, *lms.Announcement) (lms.FeedPosition, error) {
	return lms.FeedPosition{}, hub.ErrUnavailable
}

func TestTheRelayAnnouncesWhatADeadNodeLeft(t *testing.T) {
	t.Parallel()
	s := newLiveSite(t)
	topic := RoomTopic(s.main.ID)
	ta := s.dial(t, "ta")
	ta.Subscribe(topic, nil)
	// The "dead" node: the same store, a course service that cannot announce.
	dead, err := course.NewServices(course.Params{Store: s.st, Logger: zerolog.Nop(), Announcer: failingAnnouncer{},
		Uploads: course.UploadParams{Dir: t.TempDir()}})
	check(t, err)
	sent, err := dead.Chat.SendMessage(t.Context(), s.users["learner"], course.SendInput{RoomID: s.main.ID, Body: "orphan",
		IdemKey: "k-orphan"})
	check(t, err)
	if sent.Position != nil {
		t.Fatalf("position %+v from a node that could not announce", sent.Position)
	}
	relay := NewRelay(s.node.Hub, s.st, RelayConfig{Interval: 20 * time.Millisecond, Grace: time.Millisecond}, zerolog.Nop())
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); relay.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if ev := event(t, ta.Pushes(topic, 1)[0]); ev.Message == nil || ev.Message.ID != sent.Message.ID {
		t.Fatalf("push %+v, want the orphaned message", ev)
	}
	waitEmptyOutbox(t, s)
	ta.WaitQuiet(3*20*time.Millisecond, topic) // announced once, not at every sweep
}

// waitEmptyOutbox waits until the relay has deleted everything it announced.
func waitEmptyOutbox(t *testing.T, s *liveSite) {
	t.Helper()
	deadline := time.Now().Add(hubtest.WaitTimeout)
	for {
		list, err := s.st.PendingOutbox(t.Context(), time.Now().Add(time.Hour), 10)
		check(t, err)
		if len(list) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d announcements still in the outbox", len(list))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
