package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// Stored chat messages reach their subscribers through a Redis outage and a
// node's death: the item "an ack must not claim what did not happen" and
// "nothing stored is left unpublished" of the hardening issue.

// outageLength is how long Redis stays down in the test.
const outageLength = 5 * time.Second

// chatEvent is the part of a room push the test reads.
type chatEvent struct {
	Kind    string `json:"kind"`
	Message *struct {
		ID int64 `json:"id"`
	} `json:"message"`
}

// follower follows a room on one node as a client would: it resubscribes
// with its position when the stream lost continuity and reloads the history
// when recovery was impossible, and counts the messages it was given.
type follower struct {
	t      *testing.T
	c      *hubtest.Client
	topic  string
	pos    *hub.Position
	seen   map[int64]int // message id -> pushes received
	reload func() []int64
}

func (f *follower) subscribe() {
	f.t.Helper()
	ack := f.c.Subscribe(f.topic, f.pos)
	f.handleAck(ack)
}

func (f *follower) handleAck(ack hubtest.Frame) {
	if ack.Recovered != nil && !*ack.Recovered {
		for _, id := range f.reload() { // recovery impossible: reload from the API
			if f.seen[id] == 0 {
				f.seen[id] = 1
			}
		}
	}
	if ack.Offset != nil && (ack.Recovered == nil || !*ack.Recovered) {
		f.pos = &hub.Position{Epoch: ack.Epoch, Offset: *ack.Offset}
	}
}

// until reads frames until every id in want was seen, failing after wait.
func (f *follower) until(want []int64, wait time.Duration) {
	f.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		missing := 0
		for _, id := range want {
			if f.seen[id] == 0 {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("%d of %d stored messages never reached the follower", missing, len(want))
		}
		select {
		case fr := <-f.c.Frames:
			switch {
			case fr.Type == hub.FramePush && fr.Topic == f.topic:
				f.pos = &hub.Position{Epoch: fr.Epoch, Offset: *fr.Offset}
				var ev chatEvent
				if err := json.Unmarshal(fr.Data, &ev); err != nil {
					f.t.Fatal(err)
				}
				if ev.Kind == "message.created" {
					f.seen[ev.Message.ID]++
				}
			case fr.Type == hub.FrameUnsubscribed && fr.Code == hub.CodeInsufficientState:
				f.subscribe()
			case fr.Type == hub.FrameUnsubscribed:
				f.t.Fatalf("unsubscribed: %+v", fr)
			}
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// noDuplicates fails if a message was pushed twice.
func (f *follower) noDuplicates() {
	f.t.Helper()
	for id, n := range f.seen {
		if n > 1 {
			f.t.Errorf("message %d was pushed %d times", id, n)
		}
	}
}

func TestStoredMessagesSurviveARedisOutageAndANodeDeath(t *testing.T) {
	target, err := url.Parse(redisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxyA, proxyB := testenv.NewProxy(t, target.Host), testenv.NewProxy(t, target.Host)
	db := storetest.PostgresURL(t)
	node := func(id string, p *testenv.Proxy) *testNode {
		return startTestNode(t, map[string]string{"LYCEUM_NODE_ID": id, "LYCEUM_DATABASE_URL": db,
			"LYCEUM_REDIS_URL": "redis://" + p.Addr() + target.Path})
	}
	a := node("node-a", proxyA)
	b := node("node-b", proxyB)
	w := newChatWorld(t, b)
	topic := fmt.Sprintf("room:%d", w.roomID)
	history := func() []int64 {
		var page struct{ Items []struct{ ID int64 } }
		w.api.call("GET", fmt.Sprintf("/rooms/%d/messages?limit=100", w.roomID), nil, &page)
		var ids []int64
		for _, m := range page.Items {
			ids = append(ids, m.ID)
		}
		return ids
	}
	sender := liveAs(t, a, "lin", chatLearnerPW)
	followers := []*follower{
		{t: t, c: liveAs(t, b, "ada", chatAdminPW), topic: topic, seen: map[int64]int{}, reload: history},
		{t: t, c: liveAs(t, a, "ada", chatAdminPW), topic: topic, seen: map[int64]int{}, reload: history},
	}
	for _, f := range followers {
		f.subscribe()
	}
	var stored []int64
	send := func(i int) (queued bool) {
		t.Helper()
		data, _ := json.Marshal(map[string]string{"type": "message", "body": fmt.Sprintf("message %d", i)})
		reply, _ := sender.Reply(sender.Command(hub.Command{Type: hub.CmdPublish, Topic: topic, Key: fmt.Sprint("k", i), Data: data}))
		if reply.Type != hub.FrameAck {
			t.Fatalf("send %d: %+v, want an ack (the message is stored)", i, reply)
		}
		var res struct {
			Message struct{ ID int64 }
			Queued  bool
		}
		if err := json.Unmarshal(reply.Result, &res); err != nil || res.Message.ID == 0 {
			t.Fatalf("send %d: result %s, want the stored message", i, reply.Result)
		}
		if res.Queued == (reply.Offset != nil) {
			t.Fatalf("send %d: queued %v with position %v: an ack has a position exactly when it went out live", i, res.Queued, reply.Offset)
		}
		stored = append(stored, res.Message.ID)
		return res.Queued
	}

	t.Run("messages stored while Redis is down reach every follower once", func(t *testing.T) {
		send(0)
		proxyA.Cut()
		proxyB.Cut()
		queued := 0
		for i := 1; i <= 20; i++ { // sends spread over the outage
			if send(i) {
				queued++
			}
			time.Sleep(outageLength / 20) // the scenario: sends spread over the outage, not an ordering wait
		}
		proxyA.Restore()
		proxyB.Restore()
		if queued == 0 {
			t.Fatal("no send was acknowledged as queued while Redis was down")
		}
		for _, f := range followers {
			f.until(stored, 30*time.Second)
			f.noDuplicates()
		}
	})
	t.Run("a message stored by a node that dies before publishing is published by another", func(t *testing.T) {
		proxyA.Cut()
		if !send(100) {
			t.Fatal("node A published with its Redis cut")
		}
		a.stop()
		followers[0].until(stored, 30*time.Second)
		followers[0].noDuplicates()
		if h := history(); len(h) != len(stored) {
			t.Fatalf("history has %d messages, %d were acknowledged", len(h), len(stored))
		}
	})
}
