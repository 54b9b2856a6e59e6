package rooms

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub/redisbroker"
	"github.com/lyceumhq/lyceum/internal/lms"
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
