package signaling_test

import (
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/signaling"
)

func TestBadInputGetsClearErrorsAndDisturbsNobody(t *testing.T) {
	r := newRig(t, func(c *signaling.Config) { c.MaxMessageBytes = 32 << 10 })
	teacher := r.join("teacher", staff)
	publish(t, teacher, av)
	good := r.join("ann", learner)
	bad := r.join("mallory", learner)
	id := receiving(t, good, "teacher", signaling.SourceCamera, 10)
	receiving(t, bad, "teacher", signaling.SourceCamera, 10)

	tests := []struct {
		name string
		raw  string
		want signaling.Code
	}{
		{"not JSON", `{"type":`, signaling.CodeInvalid},
		{"two objects", `{"type":"leave"} {"type":"leave"}`, signaling.CodeInvalid},
		{"unknown type", `{"type":"explode"}`, signaling.CodeInvalid},
		{"oversized", `{"type":"offer","sdp":"` + strings.Repeat("a", 33<<10) + `"}`, signaling.CodeTooLarge},
		{"malformed SDP", `{"type":"offer","sdp":"this is not SDP"}`, signaling.CodeInvalid},
		{"offer without sdp", `{"type":"offer"}`, signaling.CodeInvalid},
		{"unknown source", `{"type":"offer","sdp":"v=0","tracks":[{"mid":"0","source":"hologram"}]}`, signaling.CodeInvalid},
		{"answer without offer", `{"type":"answer","sdp":"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"}`, signaling.CodeConflict},
		{"garbage candidate", `{"type":"candidate","candidate":{"candidate":"candidate:nonsense","sdpMid":"s1"}}`, signaling.CodeInvalid},
		{"mute an unknown track", `{"type":"mute","track":"t999"}`, signaling.CodeNotFound},
		{"mute someone else's track", `{"type":"mute","track":"` + id + `"}`, signaling.CodeForbidden},
		{"bad layer quality", `{"type":"layer","track":"` + id + `","quality":"ultra"}`, signaling.CodeInvalid},
		{"layer of a track not received", `{"type":"layer","track":"t999","quality":"low"}`, signaling.CodeNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := codeOf(bad.SendRaw([]byte(tc.raw))); got != tc.want {
				t.Errorf("code %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("unknown session", func(t *testing.T) {
		err := r.srv.Handle(t.Context(), "nope", "mallory", []byte(`{"type":"leave"}`))
		if codeOf(err) != signaling.CodeNotFound {
			t.Errorf("got %v, want not_found", err)
		}
	})
	t.Run("unknown participant", func(t *testing.T) {
		err := r.srv.Handle(t.Context(), "s1", "ghost", []byte(`{"type":"candidate","candidate":{"candidate":"x"}}`))
		if codeOf(err) != signaling.CodeNotFound {
			t.Errorf("got %v, want not_found", err)
		}
	})
	t.Run("flood is rate limited", func(t *testing.T) {
		limited := 0
		for range 2 * signaling.DefaultRateBurst {
			if codeOf(bad.SendRaw([]byte(`{"type":"candidate"}`))) == signaling.CodeRateLimited {
				limited++
			}
		}
		if limited == 0 {
			t.Error("no message was rate limited")
		}
	})
	// Everyone else is undisturbed: media still flows to ann.
	before := packets(good, id)
	waitFor(t, "ann to keep receiving", func() bool { return packets(good, id) > before+30 })
	if errs := good.Errors(); len(errs) > 0 {
		t.Errorf("ann got errors: %v", errs)
	}
	if info, err := r.srv.Session("s1"); err != nil || len(info.Participants) != 3 {
		t.Errorf("session after bad input: %+v, %v", info, err)
	}
}

func TestJoinRejectsBadIDs(t *testing.T) {
	r := newRig(t, nil)
	for _, p := range []signaling.JoinParams{
		{Session: "", Participant: signaling.ParticipantInfo{ID: "a"}},
		{Session: "s1", Participant: signaling.ParticipantInfo{ID: "a b"}},
		{Session: strings.Repeat("x", 65), Participant: signaling.ParticipantInfo{ID: "a"}},
	} {
		if err := r.srv.Join(t.Context(), p); codeOf(err) != signaling.CodeInvalid {
			t.Errorf("Join(%+v) = %v, want invalid", p, err)
		}
	}
}

func TestRejoinReplacesTheEarlierParticipant(t *testing.T) {
	r := newRig(t, nil)
	r.join("ann", learner)
	r.join("bob", learner)
	// The router addresses participants by id, so the new client takes
	// over the address; the server removes the earlier participant.
	second := r.join("ann", learner)
	waitFor(t, "the replaced hook", func() bool { return r.hasEvent("left ann replaced") })
	if second.Left() {
		t.Error("the new connection was removed")
	}
	info, err := r.srv.Session("s1")
	if err != nil || len(info.Participants) != 2 {
		t.Errorf("participants %+v, %v; want ann and bob", info.Participants, err)
	}
}

func TestLeaveTellsTheOthers(t *testing.T) {
	r := newRig(t, nil)
	teacher, ann, _ := r.lecture("ann", 5)
	teacher.Leave()
	waitFor(t, "ann told teacher left", func() bool {
		m, ok := event(ann, signaling.TypeParticipantLeft)
		return ok && m.Participant != nil && m.Participant.ID == "teacher"
	})
	waitFor(t, "teacher's tracks unlisted", func() bool { return len(ann.Tracks()) == 0 })
	for _, ev := range []string{"left teacher leave", "removed teacher camera", "removed teacher microphone"} {
		waitFor(t, "hook "+ev, func() bool { return r.hasEvent(ev) })
	}
}
