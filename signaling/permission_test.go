package signaling_test

import (
	"testing"

	"github.com/lyceumhq/lyceum/signaling"
	"github.com/lyceumhq/lyceum/signaling/sfutest"
)

func TestTrackWithoutPermissionIsRefused(t *testing.T) {
	r := newRig(t, nil)
	teacher := r.join("teacher", staff)
	publish(t, teacher, av)
	learnerC := r.join("lea", learner)
	publish(t, learnerC, av)
	waitFor(t, "two refusals", func() bool {
		n := 0
		for _, m := range learnerC.Events() {
			if m.Type == signaling.TypeTrackRefused && m.Code == signaling.CodeForbidden {
				n++
			}
		}
		return n == 2
	})
	// The teacher keeps receiving nothing of lea's while lea's media flows.
	receiving(t, learnerC, "teacher", signaling.SourceCamera, 60)
	for _, ti := range teacher.Tracks() {
		if ti.Participant == "lea" {
			t.Errorf("teacher sees lea's refused track %+v", ti)
		}
	}
	if n := len(teacher.Received()); n != 0 {
		t.Errorf("teacher received %d tracks, want none", n)
	}
	if r.hasEvent("published lea camera") {
		t.Error("a refused track was reported published")
	}

	t.Run("allowed at run time", func(t *testing.T) {
		perms := learner
		perms.Publish = []signaling.Source{signaling.SourceMicrophone}
		if err := r.srv.SetPermissions("s1", "lea", perms); err != nil {
			t.Fatal(err)
		}
		receiving(t, teacher, "lea", signaling.SourceMicrophone, 10)
		if trackOf(teacher, "lea", signaling.SourceCamera) != "" {
			t.Error("the camera was not allowed but is listed")
		}
		if _, ok := event(learnerC, signaling.TypePermissions); !ok {
			t.Error("lea was not told her new permissions")
		}
	})
}

func TestMutedTrackStopsBeingForwarded(t *testing.T) {
	r := newRig(t, nil)
	teacher := r.join("teacher", staff)
	speaker := r.join("lea", signaling.Permissions{Subscribe: true, Publish: []signaling.Source{signaling.SourceMicrophone, signaling.SourceCamera}})
	publish(t, speaker, av)
	mic := receiving(t, teacher, "lea", signaling.SourceMicrophone, 10)

	if err := r.srv.Mute("s1", mic); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "lea told of the mute", func() bool { _, ok := event(speaker, signaling.TypeTrackMuted); return ok })
	waitFor(t, "the muted state listed", func() bool {
		for _, ti := range teacher.Tracks() {
			if ti.ID == mic {
				return ti.State == signaling.TrackMuted
			}
		}
		return false
	})
	// Packets in flight drain; then the count stays put while lea sends.
	stable := quiet(t, teacher, mic)
	cam := receiving(t, teacher, "lea", signaling.SourceCamera, 1)
	camBefore := packets(teacher, cam)
	waitFor(t, "the camera to flow on", func() bool { return packets(teacher, cam) > camBefore+20 })
	if n := packets(teacher, mic); n != stable {
		t.Errorf("muted track forwarded: %d packets, then %d", stable, n)
	}

	t.Run("unmuted by its publisher", func(t *testing.T) {
		if err := speaker.Send(signaling.Message{Type: signaling.TypeUnmute, Track: mic}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "audio again", func() bool { return packets(teacher, mic) > stable+10 })
	})
	t.Run("stopped by staff", func(t *testing.T) {
		if err := r.srv.StopTrack("s1", cam); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "lea told of the stop", func() bool { _, ok := event(speaker, signaling.TypeTrackStopped); return ok })
		waitFor(t, "the camera unlisted", func() bool { return trackOf(teacher, "lea", signaling.SourceCamera) == "" })
		if !r.hasEvent("removed lea camera") {
			t.Error("TrackRemoved hook not called")
		}
	})
	t.Run("others' tracks cannot be muted by a participant", func(t *testing.T) {
		err := teacher.Send(signaling.Message{Type: signaling.TypeMute, Track: mic})
		if codeOf(err) != signaling.CodeForbidden {
			t.Errorf("got %v, want forbidden", err)
		}
	})
}

func TestLimitsGiveClearErrors(t *testing.T) {
	r := newRig(t, func(c *signaling.Config) {
		c.MaxParticipants = 2
		c.MaxPublishers = 1
		c.MaxSessions = 1
	})
	a := r.join("a", staff)
	b := r.join("b", staff)
	_, err := r.router.Connect(t.Context(), r.api, "s1", signaling.ParticipantInfo{ID: "c"}, learner)
	if codeOf(err) != signaling.CodeLimitExceeded {
		t.Errorf("third participant: %v, want limit_exceeded", err)
	}
	_, err = r.router.Connect(t.Context(), r.api, "s2", signaling.ParticipantInfo{ID: "d"}, learner)
	if codeOf(err) != signaling.CodeLimitExceeded {
		t.Errorf("second session: %v, want limit_exceeded", err)
	}
	publish(t, a, av)
	receiving(t, b, "a", signaling.SourceCamera, 5)
	publish(t, b, sfutest.PublishOptions{Audio: true})
	waitFor(t, "b's track refused for the publisher limit", func() bool {
		m, ok := event(b, signaling.TypeTrackRefused)
		return ok && m.Code == signaling.CodeLimitExceeded
	})
}
