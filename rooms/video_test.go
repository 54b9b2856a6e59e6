package rooms

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/signaling"
	"github.com/lyceumhq/lyceum/signaling/sfutest"
)

// newVideoSite is the site with one node's live video layer.
func newVideoSite(t *testing.T, tweak func(*VideoParams)) (*site, *videoNode) {
	t.Helper()
	s := newSite(t)
	return s, startVideoNode(t, s, "a", hub.NewMemoryBroker(hub.MemoryBrokerConfig{}), tweak)
}

// wantCode checks err carries code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if lms.ErrorCode(err) != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

// growing waits until c has received more packets of track than now.
func growing(t *testing.T, what string, c *sfutest.Client, track string) {
	t.Helper()
	before := packets(c, track)
	waitFor(t, what, func() bool { return packets(c, track) > before+5 })
}

// classroom joins the instructor (publishing camera and microphone) and
// the learner to the main room's session and waits until the learner
// receives the instructor's camera.
func classroom(t *testing.T, s *site, n *videoNode) (teacher, learner *wsPeer, tc, lc *sfutest.Client, cam string) {
	t.Helper()
	teacher = dialPeer(t, n, s.users["instructor"], s.main.ID, "t1")
	learner = dialPeer(t, n, s.users["learner"], s.main.ID, "l1")
	tc = teacher.connect(t)
	check(t, tc.Publish(sfutest.PublishOptions{Video: true, Audio: true}))
	lc = learner.connect(t)
	waitFor(t, "the learner receiving the instructor's camera", func() bool {
		cam = trackOf(lc, teacher.pid, signaling.SourceCamera)
		return cam != "" && packets(lc, cam) > 10
	})
	return teacher, learner, tc, lc, cam
}

func TestVideoLearnerPublishesOnlyWhenAllowedAndStaffMuteStopsForwarding(t *testing.T) {
	s, n := newVideoSite(t, nil)
	teacher, learner, tc, lc, _ := classroom(t, s, n)

	// A learner without permission: the server refuses the track.
	check(t, lc.Publish(sfutest.PublishOptions{Video: true, Audio: true}))
	waitFor(t, "the learner's track refused", func() bool { return len(learner.signals(signaling.TypeTrackRefused)) > 0 })
	if r := learner.signals(signaling.TypeTrackRefused)[0]; r.Code != signaling.CodeForbidden {
		t.Fatalf("refusal %+v, want forbidden", r)
	}
	if trackOf(tc, learner.pid, signaling.SourceMicrophone) != "" {
		t.Fatal("the instructor sees a refused track of the learner")
	}

	// A learner cannot let themselves speak.
	wantCode(t, "a learner's allow", learner.do(command{Type: cmdAllow, Participant: learner.pid, Allow: true}), lms.EFORBIDDEN)

	// Hand raised, then allowed: the track is forwarded (renegotiation:
	// the instructor gets a server offer with the learner's tracks).
	check(t, learner.do(command{Type: cmdRaiseHand}))
	teacher.waitState(t, "the raised hand", func(st LiveState) bool { return slices.Equal(st.Hands, []string{learner.pid}) })
	check(t, teacher.do(command{Type: cmdAllow, Participant: learner.pid, Allow: true}))
	var mic string
	waitFor(t, "the instructor receiving the learner's microphone", func() bool {
		mic = trackOf(tc, learner.pid, signaling.SourceMicrophone)
		return mic != "" && packets(tc, mic) > 10
	})
	st := teacher.waitState(t, "the learner allowed, hand lowered, mic live", func(st LiveState) bool {
		return len(st.Hands) == 0 && slices.ContainsFunc(st.Participants, func(p LiveParticipant) bool {
			return p.ID == learner.pid && p.Allowed && p.Mic == "live"
		})
	})
	if len(st.Participants) != 2 {
		t.Fatalf("participants %+v, want the instructor and the learner", st.Participants)
	}

	// Staff mute: the server stops forwarding and tells the publisher.
	check(t, teacher.do(command{Type: cmdMuteTrack, Track: mic}))
	waitFor(t, "track_muted to the learner", func() bool { return len(learner.signals(signaling.TypeTrackMuted)) > 0 })
	teacher.waitState(t, "the mic shown muted", func(st LiveState) bool {
		return slices.ContainsFunc(st.Participants, func(p LiveParticipant) bool { return p.ID == learner.pid && p.Mic == "muted" })
	})
	settled := packets(tc, mic)
	growing(t, "the learner's camera still forwarded", tc, trackOf(tc, learner.pid, signaling.SourceCamera))
	if got := packets(tc, mic); got > settled+3 {
		t.Fatalf("muted microphone: %d packets after the mute settled at %d", got, settled)
	}

	// Permission withdrawn: the learner's camera is refused again.
	check(t, teacher.do(command{Type: cmdAllow, Participant: learner.pid, Allow: false}))
	teacher.waitState(t, "the learner's camera off", func(st LiveState) bool {
		return slices.ContainsFunc(st.Participants, func(p LiveParticipant) bool {
			return p.ID == learner.pid && !p.Allowed && p.Camera == "off"
		})
	})
}

func TestVideoHandQueueAndOpenMic(t *testing.T) {
	s, n := newVideoSite(t, nil)
	room := s.main.ID
	teacher := dialPeer(t, n, s.users["instructor"], room, "t")
	a := dialPeer(t, n, s.users["learner"], room, "a")
	b := dialPeer(t, n, s.users["other"], room, "b")
	teacher.connect(t)
	a.connect(t)
	b.connect(t)
	check(t, b.do(command{Type: cmdRaiseHand}))
	check(t, a.do(command{Type: cmdRaiseHand}))
	check(t, b.do(command{Type: cmdRaiseHand})) // twice: one place
	teacher.waitState(t, "hands in order", func(st LiveState) bool { return slices.Equal(st.Hands, []string{b.pid, a.pid}) })
	check(t, b.do(command{Type: cmdLowerHand}))
	teacher.waitState(t, "b's own hand lowered", func(st LiveState) bool { return slices.Equal(st.Hands, []string{a.pid}) })
	wantCode(t, "a learner lowering every hand", a.do(command{Type: cmdLowerHands}), lms.EFORBIDDEN)
	check(t, b.do(command{Type: cmdRaiseHand}))
	teacher.waitState(t, "two hands", func(st LiveState) bool { return len(st.Hands) == 2 })
	check(t, teacher.do(command{Type: cmdLowerHands, Participant: a.pid}))
	teacher.waitState(t, "a's hand lowered by staff", func(st LiveState) bool { return slices.Equal(st.Hands, []string{b.pid}) })
	check(t, teacher.do(command{Type: cmdLowerHands}))
	teacher.waitState(t, "every hand lowered", func(st LiveState) bool { return len(st.Hands) == 0 })

	check(t, teacher.do(command{Type: cmdOpenMic, On: true}))
	waitFor(t, "a's permissions widened", func() bool {
		for _, m := range a.signals(signaling.TypePermissions) {
			if slices.Contains(m.Permissions.Publish, signaling.SourceMicrophone) {
				return true
			}
		}
		return false
	})
	a.waitState(t, "everyone allowed", func(st LiveState) bool {
		return st.OpenMic && !slices.ContainsFunc(st.Participants, func(p LiveParticipant) bool { return !p.Allowed })
	})
}

func TestVideoBadInputIsRefusedAndOthersUndisturbed(t *testing.T) {
	s, n := newVideoSite(t, func(p *VideoParams) { p.Signaling.MaxMessageBytes = 16 << 10 })
	room := s.main.ID
	_, learner, tc, lc, cam := classroom(t, s, n)

	wantCode(t, "malformed SDP", learner.publish([]byte(`{"type":"offer","sdp":"v=0 nonsense"}`)), lms.EINVALID)
	wantCode(t, "unknown type", learner.publish([]byte(`{"type":"explode"}`)), lms.EINVALID)
	wantCode(t, "oversized", learner.publish([]byte(`{"type":"offer","sdp":"`+strings.Repeat("a", 20<<10)+`"}`)), lms.ETOOLARGE)

	// Someone else's participant topic: neither subscribe nor publish.
	outsider := dialPeer(t, n, s.users["outsider"], room, "o")
	if f := outsider.command(hub.Command{Type: hub.CmdSubscribe, Topic: ParticipantTopic(room, learner.pid)}); f.Code != lms.EFORBIDDEN {
		t.Fatalf("subscribing to another's topic: %+v, want forbidden", f)
	}
	if f := outsider.command(hub.Command{Type: hub.CmdPublish, Topic: ParticipantTopic(room, learner.pid), Data: []byte(`{"type":"leave"}`)}); f.Code != lms.EFORBIDDEN {
		t.Fatalf("publishing as another: %+v, want forbidden", f)
	}
	// Not a member of the room's course: cannot join.
	wantCode(t, "an outsider joining", outsider.Join(t.Context(), signaling.JoinParams{}), lms.ENOTFOUND)
	// Not joined: signaling is refused.
	other := dialPeer(t, n, s.users["other"], room, "x")
	check(t, frameErr(other.command(hub.Command{Type: hub.CmdSubscribe, Topic: ParticipantTopic(room, other.pid)})))
	wantCode(t, "an offer before joining", other.publish([]byte(`{"type":"negotiate"}`)), lms.ENOTFOUND)
	// An unknown session (a room that does not exist).
	ghost := dialPeer(t, n, s.users["learner"], 999999, "g")
	wantCode(t, "joining an unknown room", ghost.Join(t.Context(), signaling.JoinParams{}), lms.ENOTFOUND)

	growing(t, "media still flowing to the learner", lc, cam)
	if errs := tc.Errors(); len(errs) > 0 {
		t.Fatalf("the instructor's client saw errors: %v", errs)
	}
}

// err is an error frame as an error (nil for an ack).
func frameErr(f hubtest.Frame) error {
	if f.Type == "error" {
		return lms.Errorf(f.Code, "%s", f.Message)
	}
	return nil
}

// liveCalls records LiveStarted calls.
type liveCalls chan [3]int64

func (c liveCalls) LiveStarted(_ context.Context, roomID, sessionID, startedBy int64) error {
	c <- [3]int64{roomID, sessionID, startedBy}
	return nil
}

func TestVideoTellsTheRoomWhenTheFirstStaffMemberJoins(t *testing.T) {
	calls := make(liveCalls, 8)
	s, n := newVideoSite(t, func(p *VideoParams) { p.Live = calls })
	room := s.main.ID
	a := dialPeer(t, n, s.users["learner"], room, "a")
	a.connect(t)
	a.waitState(t, "the learner in the session", func(st LiveState) bool { return len(st.Participants) == 1 })
	if len(calls) != 0 {
		t.Fatalf("a learner joining first told the room: %v", <-calls)
	}
	teacher := dialPeer(t, n, s.users["instructor"], room, "t")
	teacher.connect(t)
	var got [3]int64
	select {
	case got = <-calls:
	case <-time.After(hubtest.WaitTimeout):
		t.Fatal("the instructor joined, but the room was not told the session is on")
	}
	if got[0] != room || got[1] == 0 || got[2] != s.users["instructor"].ID {
		t.Fatalf("LiveStarted(room %d, session %d, by %d), want room %d by the instructor", got[0], got[1], got[2], room)
	}
	b := dialPeer(t, n, s.users["other"], room, "b")
	b.connect(t)
	teacher.waitState(t, "three in the session", func(st LiveState) bool { return len(st.Participants) == 3 })
	if len(calls) != 0 {
		t.Fatalf("told the room again: %v", <-calls)
	}
}
