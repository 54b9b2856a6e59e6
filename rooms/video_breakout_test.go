package rooms

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/signaling"
	"github.com/lyceumhq/lyceum/signaling/sfutest"
)

// groupOf returns the group a participant is in according to st.
func groupOf(st LiveState, pid string) string {
	for _, p := range st.Participants {
		if p.ID == pid {
			return p.Group
		}
	}
	return "?"
}

// broadcasts returns the broadcast texts p received.
func (p *wsPeer) broadcasts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, f := range p.frames {
		var b Broadcast
		if f.Type == "push" && f.Topic == LiveTopic(p.room) && json.Unmarshal(f.Data, &b) == nil && b.Type == "broadcast" {
			out = append(out, b.Text)
		}
	}
	return out
}

func TestVideoBreakoutGroupsAreSeparateSessionsWithLearnerRights(t *testing.T) {
	s, n := newVideoSite(t, nil)
	room := s.main.ID
	teacher := dialPeer(t, n, s.users["instructor"], room, "t")
	a := dialPeer(t, n, s.users["learner"], room, "a")
	b := dialPeer(t, n, s.users["other"], room, "b")
	teacher.connect(t)
	a.connect(t)
	b.connect(t)
	g1, g2 := sessionName(room)+"-g1", sessionName(room)+"-g2"

	// Only staff split the session; bad input is refused.
	wantCode(t, "a learner starting a breakout", a.do(command{Type: cmdBreakoutStart, Count: 2, Minutes: 5}), lms.EFORBIDDEN)
	wantCode(t, "no length", teacher.do(command{Type: cmdBreakoutStart, Count: 2}), lms.EINVALID)
	wantCode(t, "no groups", teacher.do(command{Type: cmdBreakoutStart, Minutes: 5}), lms.EINVALID)
	wantCode(t, "one person in two groups", teacher.do(command{Type: cmdBreakoutStart, Minutes: 5, Groups: []GroupSpec{
		{Name: "A", Users: []int64{s.users["learner"].ID}}, {Name: "B", Users: []int64{s.users["learner"].ID}}}}), lms.EINVALID)
	wantCode(t, "a call outside a breakout", a.do(command{Type: cmdCallStaff}), lms.ECONFLICT)

	// Course groups: each learner lands in their group's own SFU session.
	check(t, teacher.do(command{Type: cmdBreakoutStart, Minutes: 30, Groups: []GroupSpec{
		{Name: "Team 1", Users: []int64{s.users["learner"].ID}}, {Name: "Team 2", Users: []int64{s.users["other"].ID}}}}))
	st := teacher.waitState(t, "the groups", func(st LiveState) bool {
		return st.Breakout != nil && groupOf(st, a.pid) == "g1" && groupOf(st, b.pid) == "g2" && groupOf(st, teacher.pid) == ""
	})
	if len(st.Breakout.Groups) != 2 || st.Breakout.Groups[0].Name != "Team 1" || !slices.Equal(st.Breakout.Groups[0].Participants, []string{a.pid}) {
		t.Fatalf("breakout %+v", st.Breakout)
	}
	if d := time.Until(st.Breakout.EndsAt); d < 25*time.Minute || d > 31*time.Minute {
		t.Fatalf("ends in %v, want about 30 minutes", d)
	}
	wantCode(t, "a second breakout", teacher.do(command{Type: cmdBreakoutStart, Count: 2, Minutes: 5}), lms.ECONFLICT)
	ac, bc := a.waitClient(t, g1), b.waitClient(t, g2)

	// A learner keeps learner rights in a group: its track is refused.
	waitFor(t, "a's joined in its group", func() bool {
		return slices.ContainsFunc(ac.Events(), func(m signaling.Message) bool { return m.Type == signaling.TypeJoined })
	})
	check(t, ac.Publish(sfutest.PublishOptions{Video: true, Audio: true}))
	waitFor(t, "a's track refused in the group", func() bool {
		return slices.ContainsFunc(a.signals(signaling.TypeTrackRefused), func(m signaling.Message) bool { return m.Session == g1 })
	})

	// Call the instructor: queued for staff; learners cannot move or broadcast.
	check(t, a.do(command{Type: cmdCallStaff}))
	check(t, a.do(command{Type: cmdCallStaff})) // twice: one call
	teacher.waitState(t, "a's call", func(st LiveState) bool {
		return st.Breakout != nil && len(st.Breakout.Calls) == 1 && st.Breakout.Calls[0].Participant == a.pid && st.Breakout.Calls[0].Group == "g1"
	})
	wantCode(t, "a learner moving", a.do(command{Type: cmdMove, Group: "g2"}), lms.EFORBIDDEN)
	wantCode(t, "a learner broadcasting", a.do(command{Type: cmdBroadcast, Text: "hi"}), lms.EFORBIDDEN)
	wantCode(t, "an empty broadcast", teacher.do(command{Type: cmdBroadcast, Text: "  "}), lms.EINVALID)
	check(t, teacher.do(command{Type: cmdBroadcast, Text: "Five minutes left"}))
	waitFor(t, "the broadcast in both groups", func() bool {
		return slices.Contains(a.broadcasts(), "Five minutes left") && slices.Contains(b.broadcasts(), "Five minutes left")
	})

	// Staff move to a group: its calls are answered; the group sees and
	// hears the instructor, the other group does not.
	wantCode(t, "an unknown group", teacher.do(command{Type: cmdMove, Group: "g9"}), lms.EINVALID)
	check(t, teacher.do(command{Type: cmdMove, Group: "g1"}))
	teacher.waitState(t, "the instructor in g1, the call answered", func(st LiveState) bool {
		return groupOf(st, teacher.pid) == "g1" && len(st.Breakout.Calls) == 0
	})
	tc := teacher.waitClient(t, g1)
	check(t, tc.Publish(sfutest.PublishOptions{Video: true, Audio: true}))
	var cam string
	waitFor(t, "a receiving the instructor in g1", func() bool {
		cam = trackOf(ac, teacher.pid, signaling.SourceCamera)
		return cam != "" && packets(ac, cam) > 10
	})
	if trackOf(bc, teacher.pid, signaling.SourceCamera) != "" {
		t.Fatal("the other group sees the instructor's camera")
	}
	teacher.waitState(t, "the instructor's camera shown live", func(st LiveState) bool {
		return slices.ContainsFunc(st.Participants, func(p LiveParticipant) bool { return p.ID == teacher.pid && p.Camera == "live" })
	})

	// Staff end it: everyone is back in the main session.
	check(t, teacher.do(command{Type: cmdBreakoutEnd}))
	teacher.waitState(t, "everyone back", func(st LiveState) bool {
		return st.Breakout == nil && groupOf(st, a.pid) == "" && groupOf(st, b.pid) == "" && groupOf(st, teacher.pid) == ""
	})
	main := teacher.waitClient(t, sessionName(room))
	check(t, main.Publish(sfutest.PublishOptions{Video: true}))
	bm := b.waitClient(t, sessionName(room))
	waitFor(t, "b receiving the instructor in the main session", func() bool {
		c := trackOf(bm, teacher.pid, signaling.SourceCamera)
		return c != "" && packets(bm, c) > 10
	})
	if info, err := n.video.Server().Session(sessionName(room)); err != nil || len(info.Participants) != 3 {
		t.Fatalf("main session %+v, %v: want the three participants", info, err)
	}
}

func TestVideoBreakoutEndsOnTimeWithoutStaff(t *testing.T) {
	s, n := newVideoSite(t, nil)
	n.video.mu.Lock()
	n.video.minute = 1500 * time.Millisecond
	n.video.mu.Unlock()
	room := s.main.ID
	teacher := dialPeer(t, n, s.users["instructor"], room, "t")
	a := dialPeer(t, n, s.users["learner"], room, "a")
	b := dialPeer(t, n, s.users["other"], room, "b")
	teacher.connect(t)
	a.connect(t)
	b.connect(t)

	check(t, teacher.do(command{Type: cmdBreakoutStart, Count: 2, Minutes: 1}))
	st := a.waitState(t, "two random groups", func(st LiveState) bool {
		return st.Breakout != nil && groupOf(st, a.pid) != "" && groupOf(st, b.pid) != "" && groupOf(st, a.pid) != groupOf(st, b.pid)
	})
	if len(st.Breakout.Groups) != 2 {
		t.Fatalf("groups %+v", st.Breakout.Groups)
	}
	// The staff leave; the server's timer still brings everyone back.
	check(t, teacher.do(command{Type: signaling.TypeLeave}))
	a.waitState(t, "back in the main session at the end", func(st LiveState) bool {
		return st.Breakout == nil && len(st.Participants) == 2 && groupOf(st, a.pid) == "" && groupOf(st, b.pid) == ""
	})
	ac := a.waitClient(t, sessionName(room))
	waitFor(t, "a joined to the main session again", func() bool {
		return slices.ContainsFunc(ac.Events(), func(m signaling.Message) bool { return m.Type == signaling.TypeJoined })
	})
	if _, err := n.video.Server().Session(sessionName(room) + "-g1"); err == nil {
		info, _ := n.video.Server().Session(sessionName(room) + "-g1")
		if len(info.Participants) != 0 {
			t.Fatalf("group session still has %+v", info.Participants)
		}
	}
}
