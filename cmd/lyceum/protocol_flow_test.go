package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/testenv"
	"github.com/lyceumhq/lyceum/rooms"
)

// protocolRun drives a node through the situations docs/protocol.md
// documents and records what was sent and received.
type protocolRun struct {
	t        *testing.T
	examples map[string]docExample
	w        *chatWorld
	threadID int64
	got      map[string]frame // server example name -> the frame the node sent
	sent     map[string]bool  // client example names sent and answered
}

func newProtocolRun(t *testing.T, w *chatWorld) *protocolRun {
	return &protocolRun{t: t, examples: docExamples(t), w: w, got: map[string]frame{}, sent: map[string]bool{}}
}

// topic maps a documented topic to the same kind of topic in this world
// (a user's personal topic: the sender's).
func (r *protocolRun) topic(c *wireClient, doc string) string {
	r.t.Helper()
	if strings.HasPrefix(doc, "typing:") {
		return rooms.TypingTopic(r.w.roomID)
	}
	f, ok := rooms.TopicFeed(doc)
	if !ok {
		r.t.Fatalf("the documented topic %q is not a topic Lyceum knows", doc)
	}
	switch f.Kind {
	case lms.FeedRoom:
		return rooms.RoomTopic(r.w.roomID)
	case lms.FeedThread:
		return rooms.ThreadTopic(r.threadID)
	case lms.FeedForum:
		return rooms.ForumTopic(r.w.forumID)
	case lms.FeedProgress:
		return rooms.ProgressTopic(r.w.courseID)
	case lms.FeedUser:
		return rooms.UserTopic(c.userID)
	case lms.FeedGradebook:
		return rooms.GradebookTopic(r.w.courseID)
	}
	r.t.Fatalf("no topic of kind %s in the test", f.Kind)
	return ""
}

// client sends the documented client example name from c, its topic mapped
// to this world and then changed by fix (nil: none), and returns the
// answer.
func (r *protocolRun) client(c *wireClient, name string, fix func(frame)) frame {
	r.t.Helper()
	ex, ok := r.examples["client "+name]
	if !ok {
		r.t.Fatalf("%s has no example ```json client %s```", protocolDocPath, name)
	}
	var cmd frame
	b, _ := json.Marshal(ex.value)
	if err := json.Unmarshal(b, &cmd); err != nil {
		r.t.Fatal(err)
	}
	if tp, ok := cmd["topic"].(string); ok {
		cmd["topic"] = r.topic(c, tp)
	}
	if fix != nil {
		fix(cmd)
	}
	answer := c.reply(c.send(cmd))
	r.sent[name] = true
	return answer
}

// accepted is client for an example the server must acknowledge.
func (r *protocolRun) accepted(c *wireClient, name string, fix func(frame)) frame {
	r.t.Helper()
	f := r.client(c, name, fix)
	if f["type"] != hub.FrameAck {
		r.t.Fatalf("%s: the documented client example %q is refused: %v", protocolDocPath, name, f)
	}
	return f
}

// record keeps f as what the node sends for the server example name.
func (r *protocolRun) record(name string, f frame) {
	r.t.Helper()
	if _, dup := r.got[name]; dup {
		r.t.Fatalf("the test records %q twice", name)
	}
	r.got[name] = f
}

// checkedElsewhere are server examples another test produces.
var checkedElsewhere = map[string]string{
	"ack-message-queued": "TestProtocolDocQueuedAck (it cuts Redis)",
}

// verify compares every documented example with what happened.
func (r *protocolRun) verify() {
	r.t.Helper()
	var keys []string
	for k := range r.examples {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ex := r.examples[k]
		at := fmt.Sprintf("%s:%d (%s)", protocolDocPath, ex.line, k)
		if ex.side == "client" {
			if !r.sent[ex.name] {
				r.t.Errorf("%s: the client example is never sent by this test", at)
			}
			continue
		}
		got, ok := r.got[ex.name]
		if !ok {
			if _, elsewhere := checkedElsewhere[ex.name]; !elsewhere {
				r.t.Errorf("%s: no situation in this test produces the server example", at)
			}
			continue
		}
		r.compare(ex, got)
	}
	for name, f := range r.got {
		if _, ok := r.examples["server "+name]; !ok {
			b, _ := json.Marshal(f)
			r.t.Errorf("%s has no example ```json server %s``` for what the node sends: %s", protocolDocPath, name, b)
		}
	}
}

// compare fails the test when got does not have the shape of ex.
func (r *protocolRun) compare(ex docExample, got frame) {
	r.t.Helper()
	if diff := shapeDiff(ex.value, got, ex.name); len(diff) > 0 {
		b, _ := json.Marshal(got)
		r.t.Errorf("%s:%d: example %q does not have the shape of the real frame:\n  %s\nreal frame: %s",
			protocolDocPath, ex.line, ex.name, strings.Join(diff, "\n  "), b)
	}
}

// number reads an integer field of a decoded object.
func number(t *testing.T, v any, path ...string) int64 {
	t.Helper()
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %s in %v", strings.Join(path, "."), v)
		}
		v = m[k]
	}
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%s is %v, not a number", strings.Join(path, "."), v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// TestProtocolDocExamples sends every client example of docs/protocol.md
// to a real node and checks that the frames the node sends have the shapes
// documented, on the embedded backend (SQLite and the in-process broker).
func TestProtocolDocExamples(t *testing.T) {
	n := startTestNode(t, nil)
	w := newChatWorld(t, n)
	r := newProtocolRun(t, w)
	ada := w.api
	var module, lesson struct{ ID int64 }
	ada.call("POST", fmt.Sprintf("/courses/%d/modules", w.courseID), map[string]string{"title": "Week 1"}, &module)
	ada.call("POST", fmt.Sprintf("/modules/%d/lessons", module.ID), map[string]any{"title": "Welcome", "body_md": "Hello."}, &lesson)
	lin := newAPIClient(t, n.url)
	loginAPI(lin, "lin", chatLearnerPW)

	staff := dialWire(t, n, "ada", chatAdminPW)
	learner := dialWire(t, n, "lin", chatLearnerPW)
	watcher := dialWire(t, n, "ada", chatAdminPW)
	r.record("hello", learner.hello)
	room := rooms.RoomTopic(w.roomID)

	// Subscriptions, presence, ping.
	r.record("ack-subscribe", r.accepted(staff, "subscribe", nil))
	first := r.accepted(learner, "subscribe", nil)
	r.record("join", staff.event(hub.FrameJoin, room))
	r.record("ack-presence", r.accepted(learner, "presence", nil))
	r.record("ack-ping", r.accepted(learner, "ping", nil))
	r.record("ack-unsubscribe", r.accepted(learner, "unsubscribe", nil))
	r.record("leave", staff.event(hub.FrameLeave, room))
	epoch, offset := position(t, first)
	again := r.accepted(learner, "subscribe-since", func(c frame) { c["since"] = frame{"epoch": epoch, "offset": offset} })
	if again["recovered"] != true {
		t.Fatalf("resubscribing from the position just acknowledged: %v, want recovered", again)
	}
	r.record("ack-subscribe-since", again)
	r.record("ack-subscribe-quiet", r.accepted(watcher, "subscribe-quiet", nil))
	for _, c := range []*wireClient{staff, learner} {
		r.accepted(c, "subscribe-typing", nil)
		r.accepted(c, "subscribe-forum", nil)
		r.accepted(c, "subscribe-user", nil)
	}
	r.accepted(staff, "subscribe-progress", nil)

	// Chat: send, retry, a refused publication, typing.
	sent := r.accepted(learner, "send-message", nil)
	r.record("ack-message", sent)
	msgID := number(t, sent["result"], "message", "id")
	r.record("room-message-created", staff.push(room, "message.created"))
	retry := r.accepted(learner, "send-message", nil)
	if got := number(t, retry["result"], "message", "id"); got != msgID {
		t.Fatalf("a retry with the same key stored message %d, the first send %d", got, msgID)
	}
	r.record("ack-message-retry", retry)
	r.accepted(learner, "send-reply", func(c frame) { c["data"].(map[string]any)["reply_to"] = msgID })
	r.record("room-message-reply", staff.push(room, "message.created"))
	r.record("user-notification", staff.push(rooms.UserTopic(staff.userID), "notification"))
	refused := r.client(learner, "publish-text", nil)
	if refused["type"] != hub.FrameError {
		t.Fatalf("publishing {\"text\": …} to a room: %v, want an error", refused)
	}
	r.record("error", refused)
	r.record("ack-typing", r.accepted(learner, "typing", nil))
	r.record("typing", staff.push(rooms.TypingTopic(w.roomID), "typing"))
	r.accepted(learner, "typing-stop", nil)

	// Chat changes made over HTTP reach the room's subscribers.
	lin.call("PATCH", fmt.Sprintf("/messages/%d", msgID), map[string]string{"body": "hello, edited"}, nil)
	r.record("room-message-edited", staff.push(room, "message.edited"))
	ada.call("POST", fmt.Sprintf("/messages/%d/reactions", msgID), map[string]string{"emoji": "👍"}, nil)
	r.record("room-reaction", learner.push(room, "reaction"))
	ada.call("POST", fmt.Sprintf("/messages/%d/reactions", msgID), map[string]any{"emoji": "👍", "remove": true}, nil)
	r.record("room-reaction-removed", learner.push(room, "reaction"))
	ada.call("PUT", fmt.Sprintf("/rooms/%d/read", w.roomID), map[string]int64{"last_read_id": msgID}, nil)
	r.record("room-read", learner.push(room, "read"))
	lin.call("DELETE", fmt.Sprintf("/messages/%d", msgID), nil, nil)
	r.record("room-message-deleted", staff.push(room, "message.deleted"))

	// Forums and threads.
	forum := rooms.ForumTopic(w.forumID)
	var opened struct{ Thread struct{ ID int64 } }
	ada.call("POST", fmt.Sprintf("/forums/%d/threads", w.forumID), map[string]string{"title": "Week 1 questions",
		"body_md": "Ask here."}, &opened)
	r.threadID = opened.Thread.ID
	r.record("forum-thread-created", learner.push(forum, "thread.created"))
	r.accepted(learner, "subscribe-thread", nil)
	topic := rooms.ThreadTopic(r.threadID)
	var post struct{ ID int64 }
	ada.call("POST", fmt.Sprintf("/threads/%d/posts", r.threadID), map[string]string{"body_md": "Welcome!"}, &post)
	r.record("thread-post-created", learner.push(topic, "post.created"))
	r.record("forum-post-created", learner.push(forum, "post.created"))
	ada.call("PATCH", fmt.Sprintf("/posts/%d", post.ID), map[string]string{"body_md": "Welcome, all!"}, nil)
	r.record("thread-post-edited", learner.push(topic, "post.edited"))
	ada.call("POST", fmt.Sprintf("/posts/%d/reactions", post.ID), map[string]string{"emoji": "🎉"}, nil)
	r.record("thread-reaction", learner.push(topic, "reaction"))
	ada.call("PATCH", fmt.Sprintf("/threads/%d", r.threadID), map[string]bool{"pinned": true}, nil)
	r.record("thread-updated", learner.push(topic, "thread.updated"))
	ada.call("DELETE", fmt.Sprintf("/posts/%d", post.ID), nil, nil)
	r.record("thread-post-deleted", learner.push(topic, "post.deleted"))

	// Progress: opening a lesson, then completing it.
	progress := rooms.ProgressTopic(w.courseID)
	lin.call("GET", fmt.Sprintf("/lessons/%d", lesson.ID), nil, nil)
	r.record("progress", staff.push(progress, "progress"))
	lin.call("POST", fmt.Sprintf("/lessons/%d/complete", lesson.ID), map[string]bool{"done": true}, nil)
	r.record("progress-completed", staff.push(progress, "progress"))

	// The gradebook: a grade typed in and released.
	r.accepted(staff, "subscribe-gradebook", nil)
	var item struct{ ID int64 }
	ada.call("POST", fmt.Sprintf("/courses/%d/gradebook/items", w.courseID), map[string]any{"title": "Oral exam", "max_points": 10}, &item)
	ada.call("PATCH", fmt.Sprintf("/grade-items/%d/grades/%d", item.ID, learner.userID), map[string]any{"points": 8, "released": true}, nil)
	r.record("gradebook-change", staff.push(rooms.GradebookTopic(w.courseID), "grade_changed"))
	r.record("user-notification-grade", learner.take("the grade notification", func(f frame) bool {
		d, _ := f["data"].(map[string]any)
		n, _ := d["notification"].(map[string]any)
		return f["type"] == hub.FramePush && f["topic"] == rooms.UserTopic(learner.userID) && n != nil && n["kind"] == "grade"
	}))

	// The personal topic: account changes.
	personal := rooms.UserTopic(learner.userID)
	ada.call("PATCH", fmt.Sprintf("/admin/users/%d", learner.userID), map[string]string{"name": "Lin L. Learner"}, nil)
	r.record("user-changed", learner.push(personal, "user_changed"))
	other := newAPIClient(t, n.url)
	loginAPI(other, "lin", chatLearnerPW)
	var sessions struct {
		Items []struct {
			ID      int64
			Current bool
		}
	}
	other.call("GET", "/me/sessions", nil, &sessions)
	for _, s := range sessions.Items {
		if !s.Current {
			other.call("DELETE", fmt.Sprintf("/me/sessions/%d", s.ID), nil, nil)
			break
		}
	}
	r.record("user-session-revoked", learner.push(personal, "session_revoked"))

	// Losing access ends the subscriptions.
	ada.call("DELETE", fmt.Sprintf("/courses/%d/members/%d", w.courseID, learner.userID), nil, nil)
	r.record("unsubscribed", learner.event(hub.FrameUnsubscribed, room))

	r.verify()
}

// TestProtocolDocQueuedAck checks the documented ack of a chat message
// stored while the broker is down: a node on Redis, reached through a proxy
// that the test cuts.
func TestProtocolDocQueuedAck(t *testing.T) {
	target, err := url.Parse(redisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := testenv.NewProxy(t, target.Host)
	n := startTestNode(t, map[string]string{"LYCEUM_REDIS_URL": "redis://" + proxy.Addr() + target.Path})
	w := newChatWorld(t, n)
	r := newProtocolRun(t, w)
	learner := dialWire(t, n, "lin", chatLearnerPW)
	proxy.Cut()
	ack := r.accepted(learner, "send-message", nil)
	proxy.Restore()
	if res, _ := ack["result"].(map[string]any); res == nil || res["queued"] != true {
		t.Fatalf("a message sent while Redis is cut: %v, want an ack with result.queued", ack)
	}
	ex, ok := r.examples["server ack-message-queued"]
	if !ok {
		t.Fatalf("%s has no example ```json server ack-message-queued```", protocolDocPath)
	}
	r.compare(ex, ack)
}
