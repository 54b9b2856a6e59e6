package rooms

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/hub/redisbroker"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
	"github.com/lyceumhq/lyceum/signaling"
	"github.com/lyceumhq/lyceum/signaling/sfutest"
)

// redisBroker returns a Redis broker for node id under prefix (closed at
// cleanup), or skips without LYCEUM_TEST_REDIS_URL.
func redisBroker(t *testing.T, id, prefix string) *redisbroker.Broker {
	t.Helper()
	url := testenv.Lookup(t, "LYCEUM_TEST_REDIS_URL")
	opts, err := redis.ParseURL(url)
	check(t, err)
	rdb := redis.NewClient(opts)
	b := redisbroker.New(rdb, redisbroker.Config{Prefix: prefix, NodeID: id}, zerolog.Nop())
	t.Cleanup(func() {
		_ = b.Close()
		ctx := context.Background()
		if keys, _ := rdb.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		_ = rdb.Close()
	})
	return b
}

func TestVideoTwoNodesRouteSignalingToTheSessionsNode(t *testing.T) {
	s := newSite(t)
	prefix := fmt.Sprintf("lyceumtest:%d:%s:", time.Now().UnixNano(), strings.ReplaceAll(t.Name(), "/", "_"))
	a := startVideoNode(t, s, "a", redisBroker(t, "a", prefix), nil)
	b := startVideoNode(t, s, "b", redisBroker(t, "b", prefix), nil)
	room := s.main.ID

	teacher := dialPeer(t, a, s.users["instructor"], room, "t")
	tc := teacher.connect(t)
	check(t, tc.Publish(sfutest.PublishOptions{Video: true, Audio: true}))
	host, err := s.st.OpenVideoSession(t.Context(), room)
	check(t, err)
	if host.NodeID != "a" {
		t.Fatalf("session hosted by %q, want a (the first joiner's node)", host.NodeID)
	}

	// The learner's socket is on b: its signaling is routed to a.
	learner := dialPeer(t, b, s.users["learner"], room, "l")
	lc := learner.connect(t)
	var cam string
	waitFor(t, "the learner on b receiving the instructor's camera from a", func() bool {
		cam = trackOf(lc, teacher.pid, signaling.SourceCamera)
		return cam != "" && packets(lc, cam) > 10
	})
	if n := b.video.Server().Stats().Participants; n != 0 {
		t.Fatalf("node b's SFU has %d participants, want 0 (the session lives on a)", n)
	}
	// Commands are routed too, and their refusals come back to b's client.
	check(t, learner.do(command{Type: cmdRaiseHand}))
	teacher.waitState(t, "the hand raised through b", func(st LiveState) bool { return len(st.Hands) == 1 && st.Hands[0] == learner.pid })
	check(t, learner.publish([]byte(`{"type":"offer","sdp":"v=0 nonsense","id":7}`)))
	waitFor(t, "the routed error", func() bool {
		for _, m := range learner.signals(signaling.TypeError) {
			if m.ID == 7 && m.Code == signaling.CodeInvalid {
				return true
			}
		}
		return false
	})
	growing(t, "media still flowing after the bad offer", lc, cam)

	// Leaving on b ends the participant on a, and its attendance.
	_ = learner.ws.CloseNow()
	teacher.waitState(t, "the learner gone", func(st LiveState) bool { return len(st.Participants) == 1 && len(st.Hands) == 0 })
	waitFor(t, "the learner's attendance ended", func() bool {
		rows, err := s.st.CourseAttendance(t.Context(), s.course.ID, time.Time{}, time.Time{})
		if err != nil {
			return false
		}
		for _, r := range rows {
			if r.UserID == s.users["learner"].ID && !r.LeftAt.IsZero() {
				return true
			}
		}
		return false
	})
}

func TestVideoAccessLossEndsTheParticipant(t *testing.T) {
	s, n := newVideoSite(t, nil)
	teacher, learner, _, _, _ := classroom(t, s, n)
	ins := s.users["instructor"]
	check(t, s.courses.Enrolment.RemoveMember(t.Context(), ins, s.course.ID, s.users["learner"].ID))
	check(t, n.Hub.Recheck(t.Context(), "", CourseScope(s.course.ID)))
	teacher.waitState(t, "the removed learner gone from the session", func(st LiveState) bool {
		return len(st.Participants) == 1 && st.Participants[0].ID == teacher.pid
	})
	waitFor(t, "the learner's signaling topic ended", func() bool {
		learner.mu.Lock()
		defer learner.mu.Unlock()
		for _, f := range learner.frames {
			if f.Type == "unsubscribed" && f.Topic == ParticipantTopic(s.main.ID, learner.pid) && f.Code == lms.ENOTFOUND {
				return true
			}
		}
		return false
	})
	wantCode(t, "the removed learner joining again", learner.Join(t.Context(), signaling.JoinParams{}), lms.ENOTFOUND)
}

// crash stops a node's live video as a crash would: no heartbeat, no
// routed operation applied, and its SFU gone without a word to anyone (its
// messages find no room) and without ending the stored session.
func crash(t *testing.T, n *videoNode) {
	t.Helper()
	v := n.video
	v.cancel()
	v.mu.Lock()
	hosted := v.hosted
	v.hosted = map[int64]*hostedRoom{}
	v.mu.Unlock()
	for _, h := range hosted {
		close(h.dirty) // ends its state publisher
	}
	v.wg.Wait()
	ctx, cancel := context.WithTimeout(t.Context(), hubtest.WaitTimeout)
	defer cancel()
	check(t, v.srv.Close(ctx))
}

func TestVideoNodeDeathTellsParticipantsAndRejoinRestartsElsewhere(t *testing.T) {
	s := newSiteWith(t, storetest.Postgres(t), nil)
	prefix := fmt.Sprintf("lyceumtest:%d:%s:", time.Now().UnixNano(), strings.ReplaceAll(t.Name(), "/", "_"))
	a := startVideoNode(t, s, "a", redisBroker(t, "a", prefix), nil)
	b := startVideoNode(t, s, "b", redisBroker(t, "b", prefix), nil)
	room := s.main.ID

	teacher := dialPeer(t, a, s.users["instructor"], room, "t")
	tc := teacher.connect(t)
	check(t, tc.Publish(sfutest.PublishOptions{Video: true, Audio: true}))
	learner := dialPeer(t, b, s.users["learner"], room, "l")
	lc := learner.connect(t)
	waitFor(t, "the learner on b receiving the instructor from a", func() bool {
		cam := trackOf(lc, teacher.pid, signaling.SourceCamera)
		return cam != "" && packets(lc, cam) > 10
	})
	dead, err := s.st.OpenVideoSession(t.Context(), room)
	check(t, err)
	if dead.NodeID != "a" {
		t.Fatalf("session hosted by %q, want a", dead.NodeID)
	}

	// Node a dies: the learner, on b, is told.
	crash(t, a)
	waitFor(t, "the learner told its session's node was lost", func() bool {
		return slices.ContainsFunc(learner.signals(signaling.TypeLeft), func(m signaling.Message) bool { return m.Reason == ReasonNodeLost })
	})
	if !lc.Left() {
		t.Fatal("the learner's client was not told it left")
	}

	// Joining again (the page joins with a new participant tag) restarts
	// the session on b, the surviving node.
	teacher2 := dialPeer(t, b, s.users["instructor"], room, "t2")
	tc2 := teacher2.connect(t)
	check(t, tc2.Publish(sfutest.PublishOptions{Video: true, Audio: true}))
	learner2 := dialPeer(t, b, s.users["learner"], room, "l2")
	lc2 := learner2.connect(t)
	waitFor(t, "the learner receiving the instructor again, from b", func() bool {
		cam := trackOf(lc2, teacher2.pid, signaling.SourceCamera)
		return cam != "" && packets(lc2, cam) > 10
	})
	now, err := s.st.OpenVideoSession(t.Context(), room)
	check(t, err)
	if now.NodeID != "b" || now.ID == dead.ID {
		t.Fatalf("session %+v after the restart, want a new one on b (the dead one was %d)", now, dead.ID)
	}
	if n := b.video.Server().Stats().Participants; n != 2 {
		t.Fatalf("node b's SFU has %d participants, want 2", n)
	}
}
