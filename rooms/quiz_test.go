package rooms

import (
	"encoding/json"
	"testing"

	"github.com/lyceumhq/lyceum/hub"
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
	inst.Subscribe(QuizTopic(g.ID), nil)
	inst.Subscribe(QuizStaffTopic(g.ID), nil)
	inst2 := dialAs(t, b, s.users["ta"])
	inst2.Subscribe(QuizStaffTopic(g.ID), nil)
	l := dialAs(t, a, s.users["learner"])
	l.Subscribe(QuizTopic(g.ID), nil)
	l.Subscribe(QuizPlayerTopic(g.ID, lea.ID), nil)
	o := dialAs(t, b, s.users["other"])
	o.Subscribe(QuizTopic(g.ID), nil)
	o.Subscribe(QuizPlayerTopic(g.ID, oth.ID), nil)

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
	l2.Subscribe(QuizTopic(g.ID), nil)
	l2.Subscribe(QuizPlayerTopic(g.ID, lea.ID), nil)
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
