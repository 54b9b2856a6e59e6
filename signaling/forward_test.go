package signaling_test

import (
	"testing"

	"github.com/lyceumhq/lyceum/signaling"
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
