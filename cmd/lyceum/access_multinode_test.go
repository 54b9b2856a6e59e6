package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// accessLossBound is how soon a lost access must end a live subscription on
// another node.
const accessLossBound = time.Second

// twoNodes starts two nodes sharing PostgreSQL and Redis and builds the
// chat world through the second.
func twoNodes(t *testing.T) (a, b *testNode, w *chatWorld) {
	t.Helper()
	vars := map[string]string{"LYCEUM_DATABASE_URL": storetest.PostgresURL(t), "LYCEUM_REDIS_URL": redisURL(t)}
	with := func(id string) map[string]string {
		v := map[string]string{"LYCEUM_NODE_ID": id}
		for k, x := range vars {
			v[k] = x
		}
		return v
	}
	a = startTestNode(t, with("node-a"))
	b = startTestNode(t, with("node-b"))
	return a, b, newChatWorld(t, b)
}

// liveAs opens a WebSocket on node n with a fresh API token of login.
func liveAs(t *testing.T, n *testNode, login, password string) *hubtest.Client {
	t.Helper()
	return hubtest.DialHeader(t, wsURL(n), tokenHeader(t, n, login, password), true)
}

// tokenHeader signs in as login on node n and returns the Authorization
// header of a new API token of theirs.
func tokenHeader(t *testing.T, n *testNode, login, password string) http.Header {
	t.Helper()
	c := newAPIClient(t, n.url)
	loginAPI(c, login, password)
	var tok struct{ Token string }
	c.call("POST", "/me/tokens", map[string]string{"name": "live test"}, &tok)
	return http.Header{"Authorization": {"Bearer " + tok.Token}}
}

// lostOn waits for the subscription on topic to end with code, within
// accessLossBound of start.
func lostOn(t *testing.T, c *hubtest.Client, topic, code string, start time.Time) {
	t.Helper()
	f := c.WaitFor(hub.FrameUnsubscribed, topic)
	if f.Code != code {
		t.Fatalf("unsubscribed from %s with %q, want %q", topic, f.Code, code)
	}
	if d := time.Since(start); d > accessLossBound {
		t.Errorf("unsubscribed from %s %v after the change, want within %v", topic, d, accessLossBound)
	}
}

// TestAccessLossEndsSubscriptionsOnOtherNodes changes access through node
// A while the people concerned follow the course live on node B.
func TestAccessLossEndsSubscriptionsOnOtherNodes(t *testing.T) {
	a, b, w := twoNodes(t)
	ada := newAPIClient(t, a.url)
	loginAPI(ada, "ada", chatAdminPW)
	ada.call("POST", "/admin/users", map[string]string{"email": "tia@school.example", "username": "tia",
		"name": "Tia TA", "password": chatLearnerPW}, nil)
	ada.call("POST", fmt.Sprintf("/courses/%d/members", w.courseID), map[string]string{"login": "tia", "role": "ta"}, nil)
	var g1, g2, groupRoom struct{ ID int64 }
	ada.call("POST", fmt.Sprintf("/courses/%d/groups", w.courseID), map[string]any{"name": "Team 1"}, &g1)
	ada.call("POST", fmt.Sprintf("/courses/%d/groups", w.courseID), map[string]any{"name": "Team 2"}, &g2)
	ada.call("POST", fmt.Sprintf("/courses/%d/rooms", w.courseID), map[string]any{"name": "Team 1 room", "group_id": g1.ID}, &groupRoom)
	var lin struct {
		Items []struct {
			UserID   int64  `json:"user_id"`
			Username string `json:"username"`
		}
	}
	ada.call("GET", fmt.Sprintf("/courses/%d/members", w.courseID), nil, &lin)
	ids := map[string]int64{}
	for _, m := range lin.Items {
		ids[m.Username] = m.UserID
	}
	ada.call("PUT", fmt.Sprintf("/courses/%d/members/%d/group", w.courseID, ids["lin"]), map[string]int64{"group_id": g1.ID}, nil)

	room, group := fmt.Sprintf("room:%d", w.roomID), fmt.Sprintf("room:%d", groupRoom.ID)
	forum, progress := fmt.Sprintf("forum:%d", w.forumID), fmt.Sprintf("course:%d:progress", w.courseID)
	learner := liveAs(t, b, "lin", chatLearnerPW)
	ta := liveAs(t, b, "tia", chatLearnerPW)
	for _, tp := range []string{room, group, forum} {
		learner.Subscribe(tp, nil)
	}
	ta.Subscribe(progress, nil)
	ta.Subscribe(room, nil)

	t.Run("a learner moved to another group stops receiving the old group's room", func(t *testing.T) {
		start := time.Now()
		ada.call("PUT", fmt.Sprintf("/courses/%d/members/%d/group", w.courseID, ids["lin"]), map[string]int64{"group_id": g2.ID}, nil)
		lostOn(t, learner, group, "not_found", start)
	})
	t.Run("a demoted TA stops receiving the progress feed", func(t *testing.T) {
		start := time.Now()
		ada.call("PATCH", fmt.Sprintf("/courses/%d/members/%d", w.courseID, ids["tia"]), map[string]string{"role": "learner"}, nil)
		lostOn(t, ta, progress, "forbidden", start)
	})
	t.Run("a removed learner stops receiving the course's room and forum", func(t *testing.T) {
		start := time.Now()
		ada.call("DELETE", fmt.Sprintf("/courses/%d/members/%d", w.courseID, ids["lin"]), nil, nil)
		lost := map[string]bool{}
		for len(lost) < 2 {
			if f := learner.Next(); f.Type == hub.FrameUnsubscribed {
				if f.Code != "not_found" {
					t.Fatalf("unsubscribed from %s with %q, want not_found", f.Topic, f.Code)
				}
				lost[f.Topic] = true
			}
		}
		if d := time.Since(start); d > accessLossBound {
			t.Errorf("unsubscribed %v after the removal, want within %v", d, accessLossBound)
		}
		ada.call("POST", fmt.Sprintf("/rooms/%d/messages", w.roomID), map[string]string{"body": "after the removal"}, nil)
		ta.Pushes(room, 1)                            // the message went out ...
		learner.WaitQuiet(300*time.Millisecond, room) // ... but not to the removed learner
		reply, _ := learner.Reply(learner.Command(hub.Command{Type: hub.CmdSubscribe, Topic: room}))
		if reply.Type != hub.FrameError || reply.Code != "not_found" {
			t.Fatalf("subscribing again: %+v, want not_found", reply)
		}
	})
}
