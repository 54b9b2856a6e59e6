package livequiz

import (
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestAGameIsPlayedScoredAndResumedOnAnotherNode(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	g := f.game(lms.GameSettings{Scoring: lms.ScoreSpeed, Streak: true, Graded: true})
	lea, _, err := f.svc.Join(ctx, f.lea, g.ID, "")
	must(t, err)
	leo, _, err := f.svc.Join(ctx, f.leo, g.ID, "Leo")
	must(t, err)
	if lea.Nickname != "Name lea" {
		t.Fatalf("default nickname = %q", lea.Nickname)
	}
	again, _, err := f.svc.Join(ctx, f.lea, g.ID, "ignored")
	must(t, err)
	if again.ID != lea.ID {
		t.Fatal("joining twice made a second player")
	}

	// Question 0 (true/false, 20 s): lea at 5 s, leo wrong at once.
	g = f.control(g, ActStart)
	f.clock.Advance(5 * time.Second)
	a, err := f.answer(f.svc, lea, 0, "lea-0", `{"bool":true}`)
	must(t, err)
	if !a.Stored || a.Answer.Points != 875 || a.Answer.Fraction != 1 {
		t.Fatalf("lea's answer = %+v, want stored, 875 points", a.Answer)
	}
	_, err = f.answer(f.svc, leo, 0, "leo-0", `{"bool":false}`)
	must(t, err)

	// Lea's page reloads on another node: same answer, same key, acknowledged once.
	node2 := f.service()
	me, err := node2.Me(ctx, lea)
	must(t, err)
	if !me.Answered || me.Answer.Key != "lea-0" || me.State.Phase != lms.PhaseOpen || me.State.Question == nil {
		t.Fatalf("resumed view = %+v", me)
	}
	retry, err := f.answer(node2, lea, 0, "lea-0", `{"bool":true}`)
	must(t, err)
	if retry.Stored || retry.Answer.ID != a.Answer.ID {
		t.Fatalf("retry = %+v, want the stored answer", retry)
	}
	_, err = f.answer(node2, lea, 0, "lea-0b", `{"bool":false}`)
	wantReason(t, err, ReasonAnswered)

	// Not due yet; due after the close plus the grace cap.
	due, err := node2.Finalize(ctx, g.ID)
	must(t, err)
	if !due.Equal(t0.Add(20*time.Second + GraceCap)) {
		t.Fatalf("Finalize before the time: due %v", due)
	}
	f.clock.Set(due)
	_, err = node2.Finalize(ctx, g.ID)
	must(t, err)
	_, err = f.svc.Finalize(ctx, g.ID) // the other node's timer: a no-op
	must(t, err)
	res, err := f.svc.Results(ctx, g.ID)
	must(t, err)
	if res.Results == nil || res.Results.Chart.Correct != 1 || res.Results.Chart.Wrong != 1 ||
		res.Results.Chart.Counts["true"] != 1 || res.Results.Right == nil || res.Results.Right.Bool == nil || !*res.Results.Right.Bool {
		t.Fatalf("results = %+v", res.Results)
	}
	if m := res.Mine[lea.ID]; m.Standing.Score != 875 || m.Standing.Rank != 1 || m.Standing.Last == nil || !m.Standing.Last.Correct {
		t.Fatalf("lea's standing = %+v", m.Standing)
	}

	// Question 1 (single choice, 10 s) after the leaderboard.
	g = f.control(f.control(g, ActLeaderboard), ActNext)
	v := f.view(g)
	if v.Index != 1 || len(v.Choices) != 3 || v.Points != 1000 {
		t.Fatalf("question view = %+v", v)
	}
	for _, c := range v.Choices {
		if c.ID == "a" || c.ID == "b" || c.ID == "c" {
			t.Fatalf("stored choice ids are shown: %+v", v.Choices)
		}
	}
	must(t, err)
	_, err = f.answer(f.svc, lea, 1, "lea-1", choiceResp(v, "4"))
	must(t, err)
	// Leo disconnects, and comes back on node 2 with his score kept.
	me, err = node2.Me(ctx, leo)
	must(t, err)
	if me.Answered || me.Standing.Score != 0 || me.State.Index != 1 {
		t.Fatalf("leo resumed = %+v", me)
	}
	_, err = f.answer(node2, leo, 1, "leo-1", choiceResp(v, "4"))
	must(t, err)
	f.clock.Advance(10*time.Second + GraceCap)
	_, err = node2.Finalize(ctx, g.ID)
	must(t, err)
	me, err = f.svc.Me(ctx, lea)
	must(t, err)
	// 875 + 1000 (at once) + 100 (streak of 2).
	if me.Standing.Score != 1975 || me.Standing.Streak != 2 || me.Results == nil {
		t.Fatalf("lea after 2 = %+v", me.Standing)
	}

	// The poll, then the end: the gradebook gets percentages of the best score.
	g = f.control(g, ActNext)
	_, err = f.answer(f.svc, leo, 2, "leo-2", `{"choices":["y"]}`)
	must(t, err)
	g = f.control(g, ActEnd)
	if g.State.Phase != lms.PhaseFinished {
		t.Fatalf("phase = %s", g.State.Phase)
	}
	f.book.mu.Lock()
	defer f.book.mu.Unlock()
	if len(f.book.reports) != 2 {
		t.Fatalf("%d reports, want 2", len(f.book.reports))
	}
	best := MaxScore(g.Settings, nil) + 1000 + 1100
	for _, r := range f.book.reports {
		want := map[int64]float64{f.lea.ID: 1975, f.leo.ID: 1000}[r.UserID] / best * 100
		if r.Source != lms.GradeLiveQuiz || r.SourceID != g.ID || r.MaxPoints != 100 || !r.Released ||
			r.Points != float64(int(want*100+0.5))/100 {
			t.Fatalf("report = %+v, want %.2f points", r, want)
		}
	}
}

func TestTwoInstructorsRacingToAdvanceAdvanceOnce(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	g := f.game(lms.GameSettings{})
	g = f.control(g, ActStart)
	g = f.control(g, ActClose)
	f.clock.Advance(GraceCap)
	_, err := f.svc.Finalize(ctx, g.ID)
	must(t, err)
	g, err = f.svc.GameByID(ctx, g.ID)
	must(t, err)
	tabs := []*Service{f.svc, f.service(), f.service(), f.service()}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		won  int
		lost int
	)
	for i, svc := range tabs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := f.inst
			if i%2 == 1 {
				who = f.ta
			}
			_, err := svc.Control(ctx, who, g.ID, ControlInput{Action: ActNext, Version: g.State.Version})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case lms.IsCode(err, lms.ECONFLICT):
				lost++
			default:
				t.Errorf("Control: %v", err)
			}
		}()
	}
	wg.Wait()
	after, err := f.svc.GameByID(ctx, g.ID)
	must(t, err)
	if won != 1 || lost != len(tabs)-1 || after.State.Index != 1 || after.State.Phase != lms.PhaseOpen {
		t.Fatalf("won %d, lost %d, state %+v; want one advance to question 1", won, lost, after.State)
	}
}

func TestAnswersOutsideTheWindowAndBadInputAreRefused(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	g := f.game(lms.GameSettings{Guests: true})
	lea, _, err := f.svc.Join(ctx, f.lea, g.ID, "")
	must(t, err)
	_, err = f.answer(f.svc, lea, 0, "k0", `{"bool":true}`)
	wantReason(t, err, ReasonUnknown) // the lobby
	g = f.control(g, ActStart)
	for _, c := range []struct {
		name, key, resp string
		index           int
		code, reason    string
	}{
		{"an unknown question", "k1", `{"bool":true}`, 7, lms.ENOTFOUND, ReasonUnknown},
		{"a later question", "k2", `{"bool":true}`, 1, lms.ENOTFOUND, ReasonUnknown},
		{"no key", "", `{"bool":true}`, 0, lms.EINVALID, ReasonMalformed},
		{"a key with spaces", "a b", `{"bool":true}`, 0, lms.EINVALID, ReasonMalformed},
		{"not an object", "k3", `[true]`, 0, lms.EINVALID, ReasonMalformed},
		{"the wrong field", "k4", `{"text":"yes"}`, 0, lms.EINVALID, ReasonMalformed},
		{"empty", "k5", `{}`, 0, lms.EINVALID, ReasonMalformed},
		{"not JSON", "k6", `{"bool":`, 0, lms.EINVALID, ReasonMalformed},
	} {
		_, err := f.answer(f.svc, lea, c.index, c.key, c.resp)
		if lms.ErrorCode(err) != c.code || reasonOf(err) != c.reason {
			t.Errorf("%s: error %v, want %s/%s", c.name, err, c.code, c.reason)
		}
	}
	// Just inside the grace (20 ms one-way: 70 ms), then just after.
	f.clock.Set(g.State.ClosesAt.Add(GraceBase + 20*time.Millisecond))
	_, err = f.answer(f.svc, lea, 0, "late-ok", `{"bool":true}`)
	must(t, err)
	guest, _, token, err := f.svc.GuestJoin(ctx, g.PIN, "Gus")
	must(t, err)
	f.clock.Advance(time.Millisecond)
	_, err = f.answer(f.svc, guest, 0, "late", `{"bool":true}`)
	wantReason(t, err, ReasonTooLate)
	// The removed guest's token no longer works; nothing was stored for them.
	_, err = f.svc.Control(ctx, f.inst, g.ID, ControlInput{Action: ActRemove, PlayerID: guest.ID})
	must(t, err)
	_, _, err = f.svc.GuestPlayer(ctx, token)
	wantReason(t, err, ReasonRemoved)
	_, err = f.answer(f.svc, guest, 0, "late", `{"bool":true}`)
	wantReason(t, err, ReasonRemoved)
	n, err := f.st.CountAnswers(ctx, g.ID, 0)
	must(t, err)
	if n != 1 {
		t.Fatalf("%d answers stored, want 1", n)
	}
	// Who may do what.
	_, _, err = f.svc.Join(ctx, f.out, g.ID, "")
	wantCode(t, err, lms.ENOTFOUND)
	_, err = f.svc.Control(ctx, f.lea, g.ID, ControlInput{Action: ActClose})
	wantCode(t, err, lms.EFORBIDDEN)
	_, _, err = f.svc.Create(ctx, f.lea, f.room.ID, CreateInput{Title: "Mine", Questions: typedQuestions()})
	wantCode(t, err, lms.EFORBIDDEN)
	_, _, _, err = f.svc.GuestJoin(ctx, "000000", "Gus")
	wantCode(t, err, lms.ENOTFOUND)
	_, _, _, err = f.svc.GuestJoin(ctx, g.PIN, "gus")
	wantCode(t, err, lms.ECONFLICT)
	_, _, _, err = f.svc.GuestJoin(ctx, g.PIN, " ")
	wantCode(t, err, lms.EINVALID)
	_, _, _, err = f.svc.GuestJoin(ctx, g.PIN, "a name far too long for this game")
	wantCode(t, err, lms.EINVALID)
	_, _, err = f.svc.GuestPlayer(ctx, "lqg_nope")
	wantCode(t, err, lms.EUNAUTHORIZED)
}

func TestPauseResumeAndExtendMoveTheDeadline(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	g := f.game(lms.GameSettings{Scoring: lms.ScoreSpeed})
	lea, _, err := f.svc.Join(ctx, f.lea, g.ID, "")
	must(t, err)
	g = f.control(g, ActStart)
	f.clock.Advance(4 * time.Second)
	g = f.control(g, ActPause)
	_, err = f.answer(f.svc, lea, 0, "p", `{"bool":true}`)
	wantReason(t, err, ReasonNotOpen)
	if due, _ := f.svc.Finalize(ctx, g.ID); !due.IsZero() {
		t.Fatalf("a paused question is due at %v", due)
	}
	f.clock.Advance(time.Minute)
	g = f.control(g, ActResume)
	if want := t0.Add(time.Minute + 20*time.Second); !g.State.ClosesAt.Equal(want) {
		t.Fatalf("ClosesAt after the pause = %v, want %v", g.State.ClosesAt, want)
	}
	out, err := f.svc.Control(ctx, f.inst, g.ID, ControlInput{Action: ActExtend, Seconds: 10})
	must(t, err)
	if want := t0.Add(time.Minute + 30*time.Second); !out.State.ClosesAt.Equal(want) {
		t.Fatalf("ClosesAt after extending = %v, want %v", out.State.ClosesAt, want)
	}
	// 4 s into a 30 s question: the pause does not count.
	f.clock.Advance(time.Second)
	a, err := f.answer(f.svc, lea, 0, "p", `{"bool":true}`)
	must(t, err)
	if a.Answer.ElapsedMS != 5000 || a.Answer.Points != AnswerPoints(g.Settings, 1, 5*time.Second, 30*time.Second) {
		t.Fatalf("answer = %+v", a.Answer)
	}
	_, err = f.svc.Control(ctx, f.inst, g.ID, ControlInput{Action: ActExtend, Seconds: 0})
	wantCode(t, err, lms.EINVALID)
	_, err = f.svc.Control(ctx, f.inst, g.ID, ControlInput{Action: "explode"})
	wantCode(t, err, lms.EINVALID)
}

func TestAutoCloseWhenEveryoneAnswered(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	g := f.game(lms.GameSettings{AutoClose: true, Teams: lms.TeamsRandom, TeamCount: 2})
	lea, _, err := f.svc.Join(ctx, f.lea, g.ID, "")
	must(t, err)
	leo, _, err := f.svc.Join(ctx, f.leo, g.ID, "")
	must(t, err)
	if lea.Team != 1 || leo.Team != 2 {
		t.Fatalf("teams %d, %d; want 1, 2", lea.Team, leo.Team)
	}
	g = f.control(g, ActStart)
	_, err = f.answer(f.svc, lea, 0, "a", `{"bool":true}`)
	must(t, err)
	if st, _ := f.svc.GameByID(ctx, g.ID); st.State.Phase != lms.PhaseOpen {
		t.Fatal("closed before everyone answered")
	}
	_, err = f.answer(f.svc, leo, 0, "b", `{"bool":true}`)
	must(t, err)
	st, err := f.svc.GameByID(ctx, g.ID)
	must(t, err)
	if st.State.Phase != lms.PhaseResults {
		t.Fatalf("phase = %s, want results", st.State.Phase)
	}
	res, err := f.svc.Results(ctx, g.ID)
	must(t, err)
	if len(res.Results.Teams) != 2 {
		t.Fatalf("teams = %+v", res.Results.Teams)
	}
}

func TestGroupTeamsFollowCourseGroups(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	grp := &lms.Group{CourseID: f.course.ID, Name: "Red"}
	must(t, f.st.CreateGroup(ctx, grp))
	must(t, f.st.PutEnrollment(ctx, &lms.Enrollment{CourseID: f.course.ID, UserID: f.lea.ID, Role: lms.CourseLearner,
		Status: lms.EnrollActive, GroupID: grp.ID}))
	g := f.game(lms.GameSettings{Teams: lms.TeamsGroups, Guests: true})
	lea, _, err := f.svc.Join(ctx, f.lea, g.ID, "")
	must(t, err)
	leo, _, err := f.svc.Join(ctx, f.leo, g.ID, "")
	must(t, err)
	gus, _, _, err := f.svc.GuestJoin(ctx, g.PIN, "Gus")
	must(t, err)
	if lea.Team != int(grp.ID) || leo.Team != 0 || gus.Team != 0 {
		t.Fatalf("teams %d, %d, %d; want %d, 0, 0", lea.Team, leo.Team, gus.Team, grp.ID)
	}
}

func TestAGameEndedEarlyGradesOnTheQuestionsAsked(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	g := f.game(lms.GameSettings{Scoring: lms.ScoreAccuracy, Graded: true, MaxPoints: 20})
	lea, _, err := f.svc.Join(ctx, f.lea, g.ID, "")
	must(t, err)
	g = f.control(g, ActStart)
	_, err = f.answer(f.svc, lea, 0, "k", `{"bool":true}`)
	must(t, err)
	f.control(g, ActEnd)
	f.book.mu.Lock()
	defer f.book.mu.Unlock()
	if len(f.book.reports) != 1 || f.book.reports[0].Points != 20 || f.book.reports[0].MaxPoints != 20 {
		t.Fatalf("reports = %+v, want 20 of 20", f.book.reports)
	}
}
