package rooms

import (
	"encoding/json"
	"testing"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/livequiz"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// TestQuizOverTwoNodesResumeAndRace plays a game on two nodes sharing
// PostgreSQL and Redis: a player reconnects mid-question to the other node
// (same answer, can retry with the same key, nothing counted twice), the
// live count is aggregated, the close at the deadline needs no instructor,
// and two instructors racing to advance advance once.
func TestQuizOverTwoNodesResumeAndRace(t *testing.T) {
	s := newSiteWith(t, storetest.Postgres(t), nil)
	prefix := redisPrefix(t)
	a := startQuizNode(t, s, "a", redisBroker(t, "a", prefix))
	b := startQuizNode(t, s, "b", redisBroker(t, "b", prefix))
	ctx := t.Context()
	g := newQuizGame(t, s, a.svc, lms.GameSettings{Streak: true})
	lea, _, err := a.svc.Join(ctx, s.users["learner"], g.ID, "")
	check(t, err)
	oth, _, err := b.svc.Join(ctx, s.users["other"], g.ID, "")
	check(t, err)

	inst := dialAs(t, a, s.users["instructor"])
	sub(t, inst, QuizTopic(g.ID), nil)
	sub(t, inst, QuizStaffTopic(g.ID), nil)
	inst2 := dialAs(t, b, s.users["ta"])
	sub(t, inst2, QuizStaffTopic(g.ID), nil)
	l := dialAs(t, a, s.users["learner"])
	sub(t, l, QuizTopic(g.ID), nil)
	sub(t, l, QuizPlayerTopic(g.ID, lea.ID), nil)
	o := dialAs(t, b, s.users["other"])
	sub(t, o, QuizTopic(g.ID), nil)
	sub(t, o, QuizPlayerTopic(g.ID, oth.ID), nil)

	var st lms.GameState
	ok(t, publish(t, inst, QuizStaffTopic(g.ID), "", map[string]any{"type": "control", "action": "start"}), &st)
	var view livequiz.StateView
	pushOf(t, l, QuizTopic(g.ID), livequiz.FrameState, &view, func() bool { return view.Phase == lms.PhaseOpen })
	if view.Question == nil || view.Question.Type != lms.QTrueFalse {
		t.Fatalf("state = %+v", view)
	}
	// Clock rounds: the second measures the round trip.
	var sync1, sync2 SyncReply
	ok(t, publish(t, l, QuizPlayerTopic(g.ID, lea.ID), "", map[string]any{"type": "sync", "t0": 1}), &sync1)
	ok(t, publish(t, l, QuizPlayerTopic(g.ID, lea.ID), "", map[string]any{"type": "sync", "t0": 2, "echo": sync1.ServerTime}), &sync2)
	if sync1.OneWayMS != -1 || sync2.OneWayMS < 0 || sync2.T0 != 2 {
		t.Fatalf("sync replies %+v, %+v", sync1, sync2)
	}

	var ack AnswerAck
	ok(t, publish(t, l, QuizPlayerTopic(g.ID, lea.ID), "lea-q0", map[string]any{"type": "answer", "index": 0,
		"response": map[string]any{"bool": true}}), &ack)
	if !ack.Stored || ack.Key != "lea-q0" {
		t.Fatalf("ack = %+v", ack)
	}
	var count livequiz.LiveCount
	pushOf(t, inst, QuizStaffTopic(g.ID), livequiz.FrameCount, &count, func() bool { return count.Answered == 1 })
	if count.Chart == nil || count.Chart.Counts["true"] != 1 {
		t.Fatalf("staff count = %+v", count)
	}

	// The learner's phone drops and comes back on node b.
	l.WS.CloseNow()
	l2 := dialAs(t, b, s.users["learner"])
	sub(t, l2, QuizTopic(g.ID), nil)
	sub(t, l2, QuizPlayerTopic(g.ID, lea.ID), nil)
	var me livequiz.MeView
	ok(t, publish(t, l2, QuizPlayerTopic(g.ID, lea.ID), "", map[string]any{"type": "me"}), &me)
	if !me.Answered || me.Answer.Key != "lea-q0" || me.State.Phase != lms.PhaseOpen || me.State.Index != 0 {
		t.Fatalf("resumed = %+v", me)
	}
	ok(t, publish(t, l2, QuizPlayerTopic(g.ID, lea.ID), "lea-q0", map[string]any{"type": "answer", "index": 0,
		"response": map[string]any{"bool": true}}), &ack)
	if ack.Stored {
		t.Fatal("a retry with the same key was stored again")
	}
	refused(t, publish(t, l2, QuizPlayerTopic(g.ID, lea.ID), "lea-q0-again", map[string]any{"type": "answer", "index": 0,
		"response": map[string]any{"bool": false}}), livequiz.ReasonAnswered)
	ok(t, publish(t, o, QuizPlayerTopic(g.ID, oth.ID), "oth-q0", map[string]any{"type": "answer", "index": 0,
		"response": map[string]any{"bool": false}}), &ack)

	// The instructor ends the countdown and leaves; the timers close it.
	ok(t, publish(t, inst, QuizStaffTopic(g.ID), "", map[string]any{"type": "control", "action": "close"}), &st)
	inst.WS.CloseNow()
	var res livequiz.ResultsView
	pushOf(t, l2, QuizTopic(g.ID), livequiz.FrameResults, &res, nil)
	if res.Chart.Answered != 2 || res.Chart.Correct != 1 || res.Right == nil || len(res.Top) != 2 {
		t.Fatalf("results = %+v", res)
	}
	var mine livequiz.MeView
	pushOf(t, l2, QuizPlayerTopic(g.ID, lea.ID), livequiz.FrameMe, &mine, nil)
	if mine.Standing.Rank != 1 || mine.Standing.Last == nil || !mine.Standing.Last.Correct || mine.Standing.Score <= 0 {
		t.Fatalf("lea's feedback = %+v", mine.Standing)
	}
	var theirs livequiz.MeView
	pushOf(t, o, QuizPlayerTopic(g.ID, oth.ID), livequiz.FrameMe, &theirs, nil)
	if theirs.Standing.Rank != 2 || theirs.Standing.Last == nil || theirs.Standing.Last.Correct {
		t.Fatalf("other's feedback = %+v", theirs.Standing)
	}
	n, err := s.st.CountAnswers(ctx, g.ID, 0)
	check(t, err)
	if n != 2 {
		t.Fatalf("%d answers stored, want 2", n)
	}

	// Two instructors on two nodes advance with the version they saw.
	cur, err := a.svc.GameByID(ctx, g.ID)
	check(t, err)
	inst3 := dialAs(t, a, s.users["instructor"])
	frames := make(chan string, 2)
	fa := publishAsync(inst3, QuizStaffTopic(g.ID), map[string]any{"type": "control", "action": "next", "version": cur.State.Version})
	fb := publishAsync(inst2, QuizStaffTopic(g.ID), map[string]any{"type": "control", "action": "next", "version": cur.State.Version})
	ra, _ := inst3.Reply(fa)
	rb, _ := inst2.Reply(fb)
	frames <- ra.Type + "/" + ra.Code
	frames <- rb.Type + "/" + rb.Code
	close(frames)
	acks, conflicts := 0, 0
	for f := range frames {
		switch f {
		case "ack/":
			acks++
		case "error/conflict":
			conflicts++
		default:
			t.Fatalf("unexpected reply %s", f)
		}
	}
	after, err := a.svc.GameByID(ctx, g.ID)
	check(t, err)
	if acks != 1 || conflicts != 1 || after.State.Index != 1 || after.State.Phase != lms.PhaseOpen {
		t.Fatalf("%d acks, %d conflicts, state %+v; want one advance to question 1", acks, conflicts, after.State)
	}
}

// publishAsync sends a publish without waiting for its reply.
func publishAsync(c interface{ Command(hub.Command) uint64 }, topic string, data any) uint64 {
	b, _ := json.Marshal(data)
	return c.Command(hub.Command{Type: hub.CmdPublish, Topic: topic, Data: b})
}

// TestQuizRefusesBadInputAndKeepsGuestsInTheirGame checks, on one node,
// the error frames of bad commands, another player's channel, floods, and
// that a guest's socket reaches nothing but its own game.
func TestQuizRefusesBadInputAndKeepsGuestsInTheirGame(t *testing.T) {
	s := newSite(t)
	n := startQuizNode(t, s, "a", hub.NewMemoryBroker(hub.MemoryBrokerConfig{}))
	ctx := t.Context()
	g := newQuizGame(t, s, n.svc, lms.GameSettings{Guests: true})
	other := newQuizGame(t, s, n.svc, lms.GameSettings{Guests: true})
	lea, _, err := n.svc.Join(ctx, s.users["learner"], g.ID, "")
	check(t, err)
	oth, _, err := n.svc.Join(ctx, s.users["other"], g.ID, "")
	check(t, err)
	guest, _, token, err := n.svc.GuestJoin(ctx, g.PIN, "Gus")
	check(t, err)

	l := dialAs(t, n, s.users["learner"])
	me := QuizPlayerTopic(g.ID, lea.ID)
	sub(t, l, me, nil)
	if code := subscribeErr(t, l, QuizPlayerTopic(g.ID, oth.ID)); code != lms.EFORBIDDEN {
		t.Fatalf("another player's channel: %q", code)
	}
	if code := subscribeErr(t, l, QuizStaffTopic(g.ID)); code != lms.EFORBIDDEN {
		t.Fatalf("the staff topic: %q", code)
	}
	if code := subscribeErr(t, dialAs(t, n, s.users["outsider"]), QuizTopic(g.ID)); code != lms.ENOTFOUND {
		t.Fatalf("an outsider: %q", code)
	}
	refused(t, publish(t, l, QuizPlayerTopic(g.ID, oth.ID), "k", map[string]any{"type": "answer", "index": 0,
		"response": map[string]any{"bool": true}}), lms.EFORBIDDEN)
	refused(t, publish(t, l, QuizStaffTopic(g.ID), "", map[string]any{"type": "control", "action": "start"}), lms.EFORBIDDEN)
	refused(t, publish(t, l, QuizTopic(g.ID), "", map[string]any{"type": "answer"}), lms.EFORBIDDEN)

	// The lobby: no question yet.
	refused(t, publish(t, l, me, "k0", map[string]any{"type": "answer", "index": 0, "response": map[string]any{"bool": true}}),
		livequiz.ReasonUnknown)
	_, err = n.svc.Control(ctx, s.users["instructor"], g.ID, livequiz.ControlInput{Action: livequiz.ActStart})
	check(t, err)
	for name, c := range map[string]struct {
		key  string
		data any
		code string
	}{
		"no index":         {"k1", map[string]any{"type": "answer", "response": map[string]any{"bool": true}}, lms.EINVALID},
		"a later question": {"k2", map[string]any{"type": "answer", "index": 1, "response": map[string]any{"bool": true}}, livequiz.ReasonUnknown},
		"malformed":        {"k3", map[string]any{"type": "answer", "index": 0, "response": "yes"}, lms.EINVALID},
		"another type":     {"k4", map[string]any{"type": "answer", "index": 0, "response": map[string]any{"choices": []string{"x"}}}, lms.EINVALID},
		"no key":           {"", map[string]any{"type": "answer", "index": 0, "response": map[string]any{"bool": true}}, lms.EINVALID},
		"unknown command":  {"", map[string]any{"type": "cheat"}, lms.EINVALID},
		"not an object":    {"", []int{1}, lms.EINVALID},
	} {
		f := publish(t, l, me, c.key, c.data)
		if f.Type != hub.FrameError || f.Code != c.code {
			t.Errorf("%s: %s %q (%s), want %q", name, f.Type, f.Code, f.Message, c.code)
		}
	}
	// A flood is cut off; nothing was stored meanwhile.
	limited := 0
	for range 40 {
		if f := publish(t, l, me, "", map[string]any{"type": "sync", "t0": 1}); f.Code == lms.ERATELIMIT {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("40 commands in a burst were all accepted")
	}
	if k, _ := s.st.CountAnswers(ctx, g.ID, 0); k != 0 {
		t.Fatalf("%d answers stored by bad commands", k)
	}

	// The guest's socket: its game and channel only.
	gc := hubtest.DialURL(t, n.guestURL+"?token="+token, true)
	sub(t, gc, QuizTopic(g.ID), nil)
	sub(t, gc, QuizPlayerTopic(g.ID, guest.ID), nil)
	for topic, code := range map[string]string{
		RoomTopic(s.main.ID):             lms.EUNAUTHORIZED,
		UserTopic(s.users["learner"].ID): lms.EUNAUTHORIZED,
		QuizStaffTopic(g.ID):             lms.EFORBIDDEN,
		QuizPlayerTopic(g.ID, lea.ID):    lms.EFORBIDDEN,
		QuizTopic(other.ID):              lms.EFORBIDDEN,
		ThreadTopic(s.thread.Thread.ID):  lms.EUNAUTHORIZED,
		ProgressTopic(s.course.ID):       lms.EUNAUTHORIZED,
	} {
		if got := subscribeErr(t, gc, topic); got != code {
			t.Errorf("guest subscribing to %s: %q, want %q", topic, got, code)
		}
	}
	refused(t, publish(t, gc, RoomTopic(s.main.ID), "m", map[string]any{"type": "message", "body": "hi"}), lms.EUNAUTHORIZED)
	var ack AnswerAck
	ok(t, publish(t, gc, QuizPlayerTopic(g.ID, guest.ID), "g0", map[string]any{"type": "answer", "index": 0,
		"response": map[string]any{"bool": true}}), &ack)
	// Removed, the guest can no longer answer or subscribe.
	_, err = n.svc.Control(ctx, s.users["instructor"], g.ID, livequiz.ControlInput{Action: livequiz.ActRemove, PlayerID: guest.ID})
	check(t, err)
	// Its subscriptions end at once (the re-check); commands are refused.
	if f := gc.WaitFor(hub.FrameUnsubscribed, QuizPlayerTopic(g.ID, guest.ID)); f.Code != livequiz.ReasonRemoved {
		t.Fatalf("unsubscribed with %q, want %q", f.Code, livequiz.ReasonRemoved)
	}
	refused(t, publish(t, gc, QuizPlayerTopic(g.ID, guest.ID), "g1", map[string]any{"type": "me"}), livequiz.ReasonRemoved)
}

// TestQuizNodeKilledDuringAQuestion runs three nodes on PostgreSQL and
// Redis; the node of one player and of the instructor dies mid-question
// (its sockets cut, its timers gone): the acknowledged answer is kept,
// the player resumes on another node, the question still closes on time
// and the game goes on.
func TestQuizNodeKilledDuringAQuestion(t *testing.T) {
	s := newSiteWith(t, storetest.Postgres(t), nil)
	prefix := redisPrefix(t)
	nodes := []*quizNode{}
	for _, id := range []string{"a", "b", "c"} {
		nodes = append(nodes, startQuizNode(t, s, id, redisBroker(t, id, prefix)))
	}
	a, b, c := nodes[0], nodes[1], nodes[2]
	ctx := t.Context()
	g := newQuizGame(t, s, a.svc, lms.GameSettings{})
	lea, _, err := a.svc.Join(ctx, s.users["learner"], g.ID, "")
	check(t, err)
	oth, _, err := a.svc.Join(ctx, s.users["other"], g.ID, "")
	check(t, err)

	inst := dialAs(t, c, s.users["instructor"])
	sub(t, inst, QuizStaffTopic(g.ID), nil)
	l := dialAs(t, c, s.users["learner"])
	sub(t, l, QuizPlayerTopic(g.ID, lea.ID), nil)
	o := dialAs(t, b, s.users["other"])
	sub(t, o, QuizTopic(g.ID), nil)
	sub(t, o, QuizPlayerTopic(g.ID, oth.ID), nil)
	var st lms.GameState
	ok(t, publish(t, inst, QuizStaffTopic(g.ID), "", map[string]any{"type": "control", "action": "start"}), &st)
	var ack AnswerAck
	ok(t, publish(t, l, QuizPlayerTopic(g.ID, lea.ID), "lea-0", map[string]any{"type": "answer", "index": 0,
		"response": map[string]any{"bool": true}}), &ack)

	// Node c dies: its sockets drop, its timers and publisher stop.
	c.Server.CloseClientConnections()
	c.quiz.Close()
	check(t, c.Hub.Shutdown(ctx))

	// The learner comes back on a: the acknowledged answer is there.
	l2 := dialAs(t, a, s.users["learner"])
	sub(t, l2, QuizTopic(g.ID), nil)
	sub(t, l2, QuizPlayerTopic(g.ID, lea.ID), nil)
	var me livequiz.MeView
	ok(t, publish(t, l2, QuizPlayerTopic(g.ID, lea.ID), "", map[string]any{"type": "me"}), &me)
	if !me.Answered || me.Answer.Key != "lea-0" {
		t.Fatalf("after the node died: %+v", me)
	}
	ok(t, publish(t, o, QuizPlayerTopic(g.ID, oth.ID), "oth-0", map[string]any{"type": "answer", "index": 0,
		"response": map[string]any{"bool": true}}), &ack)
	// The instructor reconnects on b and ends the countdown; a and b close it.
	inst2 := dialAs(t, b, s.users["instructor"])
	ok(t, publish(t, inst2, QuizStaffTopic(g.ID), "", map[string]any{"type": "control", "action": "close"}), &st)
	var res livequiz.ResultsView
	pushOf(t, l2, QuizTopic(g.ID), livequiz.FrameResults, &res, nil)
	if res.Chart.Answered != 2 || res.Chart.Correct != 2 {
		t.Fatalf("results after the node died = %+v", res)
	}
	ok(t, publish(t, inst2, QuizStaffTopic(g.ID), "", map[string]any{"type": "control", "action": "next"}), &st)
	var view livequiz.StateView
	pushOf(t, o, QuizTopic(g.ID), livequiz.FrameState, &view, func() bool { return view.Index == 1 && view.Phase == lms.PhaseOpen })
	ok(t, publish(t, l2, QuizPlayerTopic(g.ID, lea.ID), "lea-1", map[string]any{"type": "answer", "index": 1,
		"response": map[string]any{"choices": []string{view.Question.Choices[0].ID}}}), &ack)
	all, err := s.st.GameAnswers(ctx, g.ID)
	check(t, err)
	if len(all) != 3 {
		t.Fatalf("%d answers stored, want 3", len(all))
	}
}

// TestQuizResumeThroughTheHubsRecovery reconnects a player with the last
// position seen on the players' topic: the pushes missed while away (the
// close's results, the next question) follow the ack.
func TestQuizResumeThroughTheHubsRecovery(t *testing.T) {
	s := newSite(t)
	n := startQuizNode(t, s, "a", hub.NewMemoryBroker(hub.MemoryBrokerConfig{}))
	ctx := t.Context()
	g := newQuizGame(t, s, n.svc, lms.GameSettings{})
	_, _, err := n.svc.Join(ctx, s.users["learner"], g.ID, "")
	check(t, err)
	l := dialAs(t, n, s.users["learner"])
	sub(t, l, QuizTopic(g.ID), nil)
	inst := s.users["instructor"]
	_, err = n.svc.Control(ctx, inst, g.ID, livequiz.ControlInput{Action: livequiz.ActStart})
	check(t, err)
	var last hubtest.Frame
	for last.Type != hub.FramePush {
		last = l.Next()
	}
	l.WS.CloseNow()
	_, err = n.svc.Control(ctx, inst, g.ID, livequiz.ControlInput{Action: livequiz.ActClose})
	check(t, err)
	waitFor(t, "the results", func() bool {
		cur, err := n.svc.GameByID(ctx, g.ID)
		return err == nil && cur.State.Phase == lms.PhaseResults
	})
	l2 := dialAs(t, n, s.users["learner"])
	ack := sub(t, l2, QuizTopic(g.ID), &hub.Position{Epoch: last.Epoch, Offset: *last.Offset})
	if ack.Recovered == nil || !*ack.Recovered {
		t.Fatalf("subscribe since %s/%d: %+v, want recovered", last.Epoch, *last.Offset, ack)
	}
	var res livequiz.ResultsView
	pushOf(t, l2, QuizTopic(g.ID), livequiz.FrameResults, &res, nil)
	if res.Index != 0 || res.Right == nil {
		t.Fatalf("missed results = %+v", res)
	}
}
