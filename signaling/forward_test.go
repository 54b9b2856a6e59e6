package signaling_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/signaling"
	"github.com/lyceumhq/lyceum/signaling/sfutest"
)

func TestForwardsVideoAndAudioToEverySubscriber(t *testing.T) {
	r := newRig(t, nil)
	pub := r.join("teacher", staff)
	publish(t, pub, av)
	subs := []string{"ann", "bob", "cy"}
	for _, id := range subs {
		c := r.join(id, learner)
		receiving(t, c, "teacher", signaling.SourceCamera, 30)
		receiving(t, c, "teacher", signaling.SourceMicrophone, 20)
		vid := trackOf(c, "teacher", signaling.SourceCamera)
		if st := c.Received()[vid]; st.Keyframes == 0 {
			t.Errorf("%s got no keyframe", id)
		}
	}
	waitFor(t, "speaking indicator", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, l := range r.levels {
			if l.Participant == "teacher" && l.Speaking {
				return true
			}
		}
		return false
	})
	for _, ev := range []string{"joined teacher", "joined ann", "published teacher camera", "published teacher microphone"} {
		if !r.hasEvent(ev) {
			t.Errorf("missing hook event %q", ev)
		}
	}
}

func TestLateSubscriberGetsKeyframeQuickly(t *testing.T) {
	r := newRig(t, nil)
	pub, _, _ := r.lecture("early", 30)
	plis := pub.PLIs()
	late := r.join("late", learner)
	start := time.Now()
	waitFor(t, "a keyframe at the late subscriber", func() bool {
		id := trackOf(late, "teacher", signaling.SourceCamera)
		return id != "" && late.Received()[id].Keyframes > 0
	})
	// sfutest publishers also send a keyframe every 3 s; the PLI must be
	// quicker than that.
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("first keyframe after %v, want under 3s", d)
	}
	if pub.PLIs() <= plis {
		t.Error("the publisher got no keyframe request for the late subscriber")
	}
}

func TestSecondPublisherReachesExistingSubscribers(t *testing.T) {
	r := newRig(t, nil)
	first, sub, _ := r.lecture("ann", 10)
	second := r.join("ta", staff)
	publish(t, second, av)
	receiving(t, sub, "ta", signaling.SourceCamera, 10)
	receiving(t, sub, "ta", signaling.SourceMicrophone, 10)
	receiving(t, first, "ta", signaling.SourceCamera, 10)
	receiving(t, second, "teacher", signaling.SourceCamera, 10)
	if offers := countType(sub, signaling.TypeOffer); offers < 2 {
		t.Errorf("subscriber got %d server offers, want a renegotiation (>= 2)", offers)
	}
}

func TestCandidatesAreTrickled(t *testing.T) {
	r := newRig(t, nil)
	pub, sub, _ := r.lecture("ann", 1)
	if len(sub.Candidates()) == 0 || len(pub.Candidates()) == 0 {
		t.Errorf("candidates trickled to ann %v, teacher %v; want some", sub.Candidates(), pub.Candidates())
	}
	for _, m := range sub.Events() {
		if m.Type == signaling.TypeOffer || m.Type == signaling.TypeAnswer {
			if strings.Contains(m.SDP, "a=candidate") {
				t.Error("the server's first description carries candidates; they must be trickled")
			}
			break
		}
	}
}

func TestSlowSubscriberDoesNotStallOthers(t *testing.T) {
	release := make(chan struct{})
	var blocked atomic.Bool
	r := newRig(t, func(c *signaling.Config) { c.SubscriberQueue = 16 })
	signaling.SetBeforeWrite(r.srv, func(id string) {
		if id == "slow" && blocked.CompareAndSwap(false, true) {
			<-release
		}
	})
	defer close(release)
	pub := r.join("teacher", staff)
	publish(t, pub, av)
	slow := r.join("slow", learner)
	fast := r.join("fast", learner)
	id := receiving(t, fast, "teacher", signaling.SourceCamera, 10)
	waitFor(t, "the slow subscriber blocked", blocked.Load)
	before := packets(fast, id)
	waitFor(t, "fast to keep receiving", func() bool { return packets(fast, id) >= before+100 })
	waitFor(t, "drops for the slow subscriber", func() bool { return r.srv.Stats().Dropped > 0 })
	_ = slow
}

func TestSimulcastLayerChosenPerSubscriber(t *testing.T) {
	r := newRig(t, nil)
	pub := r.join("teacher", staff)
	publish(t, pub, sfutest.PublishOptions{Video: true, Simulcast: true, VideoBitrate: 600_000})
	low := r.join("low", learner)
	high := r.join("high", learner)
	idLow := receiving(t, low, "teacher", signaling.SourceCamera, 10)
	idHigh := receiving(t, high, "teacher", signaling.SourceCamera, 10)
	if err := low.Send(signaling.Message{Type: signaling.TypeLayer, Track: idLow, Quality: "low"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the low layer at low", func() bool { return low.Received()[idLow].Layer == 0 })
	waitFor(t, "the high layer at high", func() bool { return high.Received()[idHigh].Layer == 2 })
	if err := r.srv.SetLayer("s1", "low", idLow, 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the medium layer at low", func() bool { return low.Received()[idLow].Layer == 1 })
	// The track's layer list reaches the subscriber in an update of its own,
	// after the layers' first packets: wait for it, bounded.
	ti := trackOf(high, "teacher", signaling.SourceCamera)
	waitFor(t, "the track to list its 3 layers", func() bool {
		for _, info := range high.Tracks() {
			if info.ID == ti {
				return len(info.Layers) == 3
			}
		}
		return false
	})
	if st := high.Received()[idHigh]; st.Lost > st.Packets/10 {
		t.Errorf("lost %d of %d packets across layer switches", st.Lost, st.Packets)
	}
}

func TestSimulcastLayerFollowsTheDisplaySize(t *testing.T) {
	r := newRig(t, nil)
	pub := r.join("teacher", staff)
	publish(t, pub, sfutest.PublishOptions{Video: true, Simulcast: true, VideoBitrate: 600_000})
	sub := r.join("sub", learner)
	id := receiving(t, sub, "teacher", signaling.SourceCamera, 10)
	// The layers are 320x180, 640x360 and 1280x720 (sfutest): the server
	// picks the smallest at least the displayed size.
	for _, c := range []struct{ w, h, layer int }{{300, 170, 0}, {1000, 560, 2}, {640, 360, 1}, {2000, 1200, 2}, {100, 60, 0}} {
		if err := sub.Send(signaling.Message{Type: signaling.TypeSize, Track: id, Width: c.w, Height: c.h}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, fmt.Sprintf("layer %d at %dx%d", c.layer, c.w, c.h), func() bool { return sub.Received()[id].Layer == c.layer })
	}
	for _, bad := range []string{`{"type":"size","track":"` + id + `","width":0,"height":10}`, `{"type":"size","width":10,"height":10}`,
		`{"type":"size","track":"` + id + `","width":10,"height":99999}`} {
		if err := sub.SendRaw([]byte(bad)); signaling.ErrorCode(err) != signaling.CodeInvalid {
			t.Fatalf("%s: %v, want invalid", bad, err)
		}
	}
	if err := sub.Send(signaling.Message{Type: signaling.TypeSize, Track: "t99", Width: 10, Height: 10}); signaling.ErrorCode(err) != signaling.CodeNotFound {
		t.Fatalf("an unknown track: %v, want not_found", err)
	}
}

// BenchmarkFanout runs one publisher to ten subscribers in process. It
// checks that fan-out works under load; it is not a performance record.
func BenchmarkFanout(b *testing.B) {
	router := sfutest.NewRouter()
	srv, err := signaling.New(signaling.Config{Send: router.Send, ICE: signaling.ICEConfig{Loopback: true, SingleUDPPort: true}}, zerolog.Nop())
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close(context.Background())
	router.SetServer(srv)
	api, err := sfutest.NewAPI()
	if err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		res, err := sfutest.Fanout(ctx, router, api, sfutest.FanoutParams{Session: "bench" + strconv.Itoa(i), Subscribers: 10, Duration: time.Second})
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		if res.Packets == 0 {
			b.Fatal("nothing received")
		}
		b.ReportMetric(float64(res.Lost)/float64(res.Packets+res.Lost), "loss")
		b.ReportMetric(float64(res.MeanLatency.Microseconds()), "µs-latency")
	}
}

func TestFanoutHelper(t *testing.T) {
	r := newRig(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	res, err := sfutest.Fanout(ctx, r.router, r.api, sfutest.FanoutParams{Subscribers: 3, Duration: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tracks != 6 || res.Packets == 0 || res.Lost > res.Packets/10 {
		t.Errorf("fan-out result %+v", res)
	}
}

func TestRemovedTracksLeaveAndNewOnesArrive(t *testing.T) {
	r := newRig(t, nil)
	teacher, ann, _ := r.lecture("ann", 5)
	teacher.Leave()
	waitFor(t, "the removal negotiated", func() bool {
		return len(ann.Tracks()) == 0 && countType(ann, signaling.TypeOffer) >= 2 &&
			ann.PeerConnection().SignalingState() == webrtc.SignalingStateStable
	})
	ta := r.join("ta", staff)
	publish(t, ta, av)
	receiving(t, ann, "ta", signaling.SourceCamera, 5)
	receiving(t, ann, "ta", signaling.SourceMicrophone, 5)
	var last signaling.Message
	for _, m := range ann.Events() {
		if m.Type == signaling.TypeOffer {
			last = m
		}
	}
	if strings.Count(last.SDP, "a=inactive") != 2 {
		t.Errorf("the latest offer should keep the two freed m-lines inactive:\n%s", last.SDP)
	}
}

func countType(c *sfutest.Client, typ string) int {
	n := 0
	for _, m := range c.Events() {
		if m.Type == typ {
			n++
		}
	}
	return n
}
