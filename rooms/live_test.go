package rooms

import (
	"encoding/json"
	"net/url"
	"strconv"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// liveSite is the site behind a real hub, wired the way cmd/lyceum wires
// it: the hub first, the relay over it, the course service announcing
// through the relay, then the policy registered on the hub.
type liveSite struct {
	*site
	node  *hubtest.Node
	relay *Relay
}

func newLiveSite(t *testing.T) *liveSite {
	t.Helper()
	node := hubtest.NewNode(t, hub.Config{}, hub.NewMemoryBroker(hub.MemoryBrokerConfig{}))
	st := storetest.SQLite(t)
	relay := NewRelay(node.Hub, st, RelayConfig{}, zerolog.Nop())
	s := newSiteWith(t, st, relay)
	node.Hub.SetHooks(s.policy.Hooks())
	return &liveSite{site: s, node: node, relay: relay}
}

// dial connects an actor (the test node authenticates by user id).
func (s *liveSite) dial(t *testing.T, actor string) *hubtest.Client {
	t.Helper()
	u := s.users[actor]
	q := url.Values{"user": {strconv.FormatInt(u.ID, 10)}, "name": {u.Name}, "session": {"s-" + actor}}
	return hubtest.DialURL(t, s.node.URL+"?"+q.Encode(), true)
}

// event decodes a push's data.
func event(t *testing.T, f hubtest.Frame) course.Event {
	t.Helper()
	var ev course.Event
	if err := json.Unmarshal(f.Data, &ev); err != nil {
		t.Fatalf("push data %s: %v", f.Data, err)
	}
	return ev
}

// send publishes a chat message over the socket and returns the reply.
func send(t *testing.T, c *hubtest.Client, topic, key, body string) hubtest.Frame {
	t.Helper()
	data, _ := json.Marshal(map[string]string{"type": "message", "body": body})
	reply, _ := c.Reply(c.Command(hub.Command{Type: hub.CmdPublish, Topic: topic, Key: key, Data: data}))
	return reply
}

func TestRoomChatOverTheHub(t *testing.T) {
	t.Parallel()
	s := newLiveSite(t)
	topic := RoomTopic(s.main.ID)
	learner, ta := s.dial(t, "learner"), s.dial(t, "ta")
	ta.Subscribe(topic, nil)
	learner.Subscribe(topic, nil)
	history := func() []*lms.Message {
		t.Helper()
		list, _, err := s.courses.Chat.History(t.Context(), s.users["ta"], lms.MessageFilter{RoomID: s.main.ID})
		check(t, err)
		return list
	}

	t.Run("the ack comes once the message is stored", func(t *testing.T) {
		if reply := send(t, learner, topic, "key-1", "Hello class"); reply.Type != hub.FrameAck {
			t.Fatalf("reply %+v, want ack", reply)
		}
		if list := history(); len(list) != 1 || list[0].Body != "Hello class" {
			t.Fatalf("history after the ack: %+v", list)
		}
	})
	t.Run("the other member receives the message", func(t *testing.T) {
		ev := event(t, ta.Pushes(topic, 1)[0])
		if ev.Kind != course.EventMessageCreated || ev.Message == nil || ev.Message.Body != "Hello class" ||
			ev.Message.AuthorID != s.users["learner"].ID {
			t.Fatalf("push %+v, want the learner's message", ev)
		}
	})
	t.Run("a retry with the same key stores and pushes nothing new", func(t *testing.T) {
		if reply := send(t, learner, topic, "key-1", "Hello class"); reply.Type != hub.FrameAck {
			t.Fatalf("reply %+v, want ack", reply)
		}
		if n := len(history()); n != 1 {
			t.Fatalf("%d messages stored, want 1", n)
		}
		send(t, learner, topic, "key-2", "Second")
		if ev := event(t, ta.Pushes(topic, 1)[0]); ev.Message == nil || ev.Message.Body != "Second" {
			t.Fatalf("next push %+v, want the second message", ev)
		}
	})
	t.Run("a message too long gets a too_large error frame", func(t *testing.T) {
		long := make([]byte, lms.MaxMessageChars+1)
		for i := range long {
			long[i] = 'x'
		}
		reply := send(t, learner, topic, "key-3", string(long))
		if reply.Type != hub.FrameError || reply.Code != lms.ETOOLARGE {
			t.Fatalf("reply %+v, want a too_large error", reply)
		}
	})
	t.Run("presence lists both members", func(t *testing.T) {
		reply, _ := ta.Reply(ta.Command(hub.Command{Type: hub.CmdPresence, Topic: topic}))
		users := map[string]bool{}
		for _, p := range reply.Presence {
			users[p.ID] = true
		}
		for _, name := range []string{"learner", "ta"} {
			if !users[strconv.FormatInt(s.users[name].ID, 10)] {
				t.Errorf("%s missing from presence %+v", name, reply.Presence)
			}
		}
	})
	t.Run("an outsider cannot subscribe", func(t *testing.T) {
		c := s.dial(t, "outsider")
		reply, _ := c.Reply(c.Command(hub.Command{Type: hub.CmdSubscribe, Topic: topic}))
		if reply.Type != hub.FrameError || reply.Code != lms.ENOTFOUND {
			t.Fatalf("reply %+v, want a not_found error", reply)
		}
	})
}

func TestProgressFeedOverTheHub(t *testing.T) {
	t.Parallel()
	s := newLiveSite(t)
	topic := ProgressTopic(s.course.ID)
	t.Run("a learner is refused", func(t *testing.T) {
		c := s.dial(t, "learner")
		reply, _ := c.Reply(c.Command(hub.Command{Type: hub.CmdSubscribe, Topic: topic}))
		if reply.Type != hub.FrameError || reply.Code != lms.EFORBIDDEN {
			t.Fatalf("reply %+v, want a forbidden error", reply)
		}
	})
	t.Run("the instructor sees a learner complete a lesson", func(t *testing.T) {
		ins := s.dial(t, "instructor")
		ins.Subscribe(topic, nil)
		_, err := s.courses.Progress.CompleteLesson(t.Context(), s.users["learner"], s.lesson.ID, true)
		check(t, err)
		ev := event(t, ins.Pushes(topic, 1)[0])
		if ev.Kind != course.EventProgress || ev.Progress == nil || ev.Progress.UserID != s.users["learner"].ID ||
			!ev.Progress.Completed() || ev.Course == nil || ev.Course.Percent != 100 {
			t.Fatalf("push %+v, want the learner's completion", ev)
		}
	})
}

func TestTypingOverTheHub(t *testing.T) {
	t.Parallel()
	s := newLiveSite(t)
	topic := TypingTopic(s.main.ID)
	learner, ta := s.dial(t, "learner"), s.dial(t, "ta")
	ta.Subscribe(topic, nil)
	reply, _ := learner.Reply(learner.Command(hub.Command{Type: hub.CmdPublish, Topic: topic,
		Data: json.RawMessage(`{"type":"typing","name":"Someone else"}`)}))
	if reply.Type != hub.FrameAck {
		t.Fatalf("reply %+v, want ack", reply)
	}
	var got Typing
	check(t, json.Unmarshal(ta.Pushes(topic, 1)[0].Data, &got))
	if got.UserID != s.users["learner"].ID || got.Name != s.users["learner"].Name || !got.Active {
		t.Fatalf("typing %+v, want the learner as the server knows them", got)
	}
}
