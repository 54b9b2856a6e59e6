package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/livequiz"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// quizBody creates a game of one true/false question (guests allowed).
func quizBody() map[string]any {
	return map[string]any{"title": "Friday quiz", "settings": map[string]any{"guests": true, "scoring": "accuracy"},
		"questions": []map[string]any{{"seconds": 30, "question": map[string]any{"type": "truefalse", "text_md": "Wet?",
			"body": map[string]any{"truefalse": map[string]any{"answer": true}}}}}}
}

func TestLiveQuizAPI(t *testing.T) {
	e := newCourseEnv(t)
	w := newWorld(t, e)
	ctx := t.Context()
	inst, learner, outsider := w.people[roleInstructor], w.people[roleLearner], w.people[roleOutsider]
	rooms := "/api/v1/rooms/" + strconv.FormatInt(w.room.ID, 10) + "/live-quizzes"

	e.do(t, learner.c, "POST", rooms, quizBody()).want(t, http.StatusForbidden)
	e.do(t, outsider.c, "POST", rooms, quizBody()).want(t, http.StatusNotFound)
	var d GameDetail
	e.do(t, inst.c, "POST", rooms, quizBody()).want(t, http.StatusCreated).json(t, &d)
	if !d.CanRun || !lms.ValidGamePIN(d.Game.PIN) || len(d.Questions) != 1 || d.State.Phase != lms.PhaseLobby {
		t.Fatalf("created = %+v", d)
	}
	game := "/api/v1/live-quizzes/" + strconv.FormatInt(d.Game.ID, 10)
	var list GameList
	e.do(t, learner.c, "GET", rooms, nil).want(t, http.StatusOK).json(t, &list)
	if len(list.Items) != 1 || list.Items[0].PIN != "" {
		t.Fatalf("learner's list = %+v (the PIN is for staff)", list.Items)
	}
	var seen GameDetail
	e.do(t, learner.c, "GET", game, nil).want(t, http.StatusOK).json(t, &seen)
	if seen.CanRun || seen.Questions != nil || seen.Game.PIN != "" {
		t.Fatalf("learner's view = %+v", seen)
	}
	e.do(t, outsider.c, "GET", game, nil).want(t, http.StatusNotFound)
	e.do(t, learner.c, "POST", game+"/control", map[string]any{"action": "start"}).want(t, http.StatusForbidden)
	e.do(t, learner.c, "GET", game+"/results", nil).want(t, http.StatusForbidden)

	// A member and a guest join.
	var me livequiz.MeView
	e.do(t, learner.c, "POST", game+"/join", map[string]any{"nickname": "Lea"}).want(t, http.StatusOK).json(t, &me)
	if me.Player == nil || me.Player.Nickname != "Lea" {
		t.Fatalf("joined = %+v", me)
	}
	e.do(t, w.victim.c, "POST", game+"/join", map[string]any{"nickname": "lea"}).want(t, http.StatusConflict)
	e.do(t, anon, "POST", "/api/v1/live-quiz/join", map[string]any{"pin": "12345", "nickname": "Gus"}).want(t, http.StatusBadRequest)
	r := e.do(t, anon, "POST", "/api/v1/live-quiz/join", map[string]any{"pin": d.Game.PIN, "nickname": "Gus"}).want(t, http.StatusCreated)
	var joined GuestJoined
	r.json(t, &joined)
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == QuizGuestCookie {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != joined.Token || !cookie.HttpOnly {
		t.Fatalf("guest cookie = %+v", cookie)
	}
	e.do(t, anon, "GET", "/api/v1/live-quiz/me", nil, "X-Quiz-Token", joined.Token).want(t, http.StatusOK)
	e.do(t, anon, "GET", "/api/v1/live-quiz/me", nil, "Cookie", QuizGuestCookie+"="+joined.Token).want(t, http.StatusOK)
	e.do(t, anon, "GET", "/api/v1/live-quiz/me", nil, "X-Quiz-Token", "lqg_forged").want(t, http.StatusUnauthorized)

	// The guest token opens nothing else: every signed-in route answers 401.
	ids := strings.NewReplacer("{id}", strconv.FormatInt(w.a.ID, 10), "{category_id}", "1", "{user_id}", "1",
		"{token}", "x", "{lesson_id}", "1", "{module_id}", "1")
	for _, rt := range e.api.routes {
		if rt.Auth == authPublic || rt.Method != http.MethodGet || strings.HasSuffix(rt.Path, "/ws") {
			continue
		}
		path := rt.Path
		if strings.Contains(path, "/live-quizzes/{id}") {
			path = strings.Replace(path, "{id}", strconv.FormatInt(d.Game.ID, 10), 1)
		}
		path = ids.Replace(path)
		got := e.do(t, anon, "GET", path, nil, "Cookie", QuizGuestCookie+"="+joined.Token, "X-Quiz-Token", joined.Token)
		if got.Code != http.StatusUnauthorized {
			t.Errorf("guest GET %s = %d, want 401", path, got.Code)
		}
	}

	// Play: the learner answers, the game ends; results and CSV for staff.
	var st livequiz.StateView
	e.do(t, inst.c, "POST", game+"/control", map[string]any{"action": "start", "version": d.Game.State.Version}).
		want(t, http.StatusOK).json(t, &st)
	e.do(t, inst.c, "POST", game+"/control", map[string]any{"action": "start", "version": d.Game.State.Version}).
		want(t, http.StatusConflict)
	if _, err := e.api.quiz.Answer(ctx, me.Player, livequiz.AnswerInput{Index: 0, Key: "k",
		Response: json.RawMessage(`{"bool":true}`)}, -1); err != nil {
		t.Fatal(err)
	}
	e.do(t, learner.c, "GET", game+"/me", nil).want(t, http.StatusOK).json(t, &me)
	if !me.Answered || me.Answer.Key != "k" {
		t.Fatalf("me = %+v", me)
	}
	e.do(t, inst.c, "POST", game+"/control", map[string]any{"action": "end"}).want(t, http.StatusOK)
	var res livequiz.Results
	e.do(t, inst.c, "GET", game+"/results", nil).want(t, http.StatusOK).json(t, &res)
	if len(res.Questions) != 1 || len(res.Questions[0].Answers) != 1 || res.Standings[0].Nickname != "Lea" ||
		res.Standings[0].Score != 1000 {
		t.Fatalf("results = %+v", res)
	}
	csv := e.do(t, inst.c, "GET", game+"/results.csv", nil).want(t, http.StatusOK)
	if !strings.Contains(string(csv.Body), "1,Lea,learner,0,1000,1,1,1000") {
		t.Fatalf("CSV = %s", csv.Body)
	}
	// Finished: the PIN is free, guests cannot join any more.
	e.do(t, anon, "POST", "/api/v1/live-quiz/join", map[string]any{"pin": d.Game.PIN, "nickname": "Late"}).want(t, http.StatusNotFound)
	e.do(t, learner.c, "DELETE", game, nil).want(t, http.StatusForbidden)
	e.do(t, inst.c, "DELETE", game, nil).want(t, http.StatusNoContent)
	e.do(t, inst.c, "GET", game, nil).want(t, http.StatusNotFound)
}

// TestGradedLiveQuizReachesTheGradebook plays a graded game to its end
// with the real gradebook: the learner's percentage shows in it.
func TestGradedLiveQuizReachesTheGradebook(t *testing.T) {
	e := newCourseEnvWith(t, storetest.SQLite(t), withGrades(t), func(p *Params, st store.Store) {
		svc, err := livequiz.New(livequiz.Params{Data: st, Rooms: p.Courses.Chat, Access: p.Courses.Access,
			Gradebook: p.Grades, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		p.LiveQuiz = svc
	})
	w := newWorld(t, e)
	inst, learner := w.people[roleInstructor], w.people[roleLearner]
	body := quizBody()
	body["settings"] = map[string]any{"graded": true, "scoring": "accuracy", "max_points": 10}
	var d GameDetail
	e.do(t, inst.c, "POST", "/api/v1/rooms/"+strconv.FormatInt(w.room.ID, 10)+"/live-quizzes", body).
		want(t, http.StatusCreated).json(t, &d)
	game := "/api/v1/live-quizzes/" + strconv.FormatInt(d.Game.ID, 10)
	var me livequiz.MeView
	e.do(t, learner.c, "POST", game+"/join", map[string]any{}).want(t, http.StatusOK).json(t, &me)
	e.do(t, inst.c, "POST", game+"/control", map[string]any{"action": "start"}).want(t, http.StatusOK)
	if _, err := e.api.quiz.Answer(t.Context(), me.Player, livequiz.AnswerInput{Index: 0, Key: "k",
		Response: json.RawMessage(`{"bool":true}`)}, -1); err != nil {
		t.Fatal(err)
	}
	e.do(t, inst.c, "POST", game+"/control", map[string]any{"action": "end"}).want(t, http.StatusOK)
	var book GradebookPage
	e.do(t, inst.c, "GET", "/api/v1/courses/"+strconv.FormatInt(w.a.ID, 10)+"/gradebook", nil).
		want(t, http.StatusOK).json(t, &book)
	var item *lms.GradeItem
	for _, it := range book.GradeItems {
		if it.Source == lms.GradeLiveQuiz && it.SourceID == d.Game.ID {
			item = it
		}
	}
	if item == nil || item.MaxPoints != 10 || item.Title != "Friday quiz" {
		t.Fatalf("gradebook items = %+v, want the live quiz out of 10", book.GradeItems)
	}
	for _, row := range book.Items {
		if row.UserID == learner.u.ID {
			if gr := row.Grades[item.ID]; gr == nil || gr.Points != 10 {
				t.Fatalf("learner's grade = %+v, want 10", gr)
			}
			return
		}
	}
	t.Fatal("the learner has no gradebook row")
}

func TestGuestJoinsAreRateLimitedPerAddress(t *testing.T) {
	var l pinLimiter
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range guestJoinBurst {
		if ok, _ := l.allow("192.0.2.1", now); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	ok, wait := l.allow("192.0.2.1", now)
	if ok || wait <= 0 || wait > guestJoinEvery {
		t.Fatalf("after the burst: %v, wait %v", ok, wait)
	}
	if ok, _ := l.allow("192.0.2.2", now); !ok {
		t.Fatal("another address was refused")
	}
	if ok, _ := l.allow("192.0.2.1", now.Add(guestJoinEvery)); !ok {
		t.Fatal("refused after waiting")
	}
}
