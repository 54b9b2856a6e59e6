package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// quizJourneyTimeout bounds each browser of the live quiz journey: four
// browsers take turns through a whole game on a loaded machine.
const quizJourneyTimeout = 8 * time.Minute

// quizPlayer is one player's browser in the live quiz journey.
type quizPlayer struct {
	name string
	ctx  context.Context
}

// answerChoice taps the option with the given text on a player's phone.
func answerChoice(t *testing.T, p quizPlayer, text string) {
	t.Helper()
	waitJS(t, p.ctx, p.name+" sees the question", `!!document.querySelector('[data-testid=lq-player-view][data-phase=open] [data-testid=lq-choices]')`)
	do(t, p.ctx, p.name+" answers "+text, chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid=lq-choice][data-label=%q]`, text)), chromedp.NodeVisible))
	// Stored: "Answer sent", or already the results (the last answer closes the question).
	waitJS(t, p.ctx, p.name+"'s answer is stored", answerStored)
}

// answerStored is true once a player's page shows the answer stored.
const answerStored = `!!document.querySelector('[data-testid=lq-sent], [data-testid=lq-verdict]')`

// waitPhase waits until a page shows the game in phase at question index.
func waitPhase(t *testing.T, ctx context.Context, who, sel, phase string, index int) {
	t.Helper()
	waitJS(t, ctx, fmt.Sprintf("%s shows %s of question %d", who, phase, index+1),
		fmt.Sprintf(`(() => { const e = document.querySelector('[data-testid=%s]'); return !!e && e.dataset.phase === %q && (%d < 0 || e.dataset.index === undefined || e.dataset.index === "%d"); })()`,
			sel, phase, index, index))
}

// control clicks one of the control panel's buttons.
func controlClick(t *testing.T, ctx context.Context, action string) {
	t.Helper()
	do(t, ctx, "the instructor clicks "+action, chromedp.Click(chromedp.CSS(`[data-testid=lq-`+action+`]`), chromedp.NodeVisible))
}

// TestBrowserLiveQuizGame: an instructor creates a live quiz in a room
// (three questions typed on the spot, guests allowed, graded); two course
// members join from the room page and a guest joins by PIN on a 360 px
// phone; they play the three questions to the podium; one member reloads
// mid-game and keeps the score; the gradebook shows the results.
func TestBrowserLiveQuizGame(t *testing.T) {
	n := startTestNode(t, nil)
	inst := newBrowserFor(t, desktop, quizJourneyTimeout)
	createFirstAdmin(t, inst, n)
	api := newAPIClient(t, n.url)
	loginAPI(api, "ada", liveAdminPW)
	createLearner(api, "lin")
	s := seedProgressCourse(api)
	api.call("POST", "/admin/users", map[string]string{"email": "max@school.example", "username": "max",
		"name": "Max Mover", "password": courseLearnerPW, "role": "user"}, nil)
	for _, login := range []string{"lin", "max"} {
		api.call("POST", fmt.Sprintf("/courses/%d/members", s.CourseID), map[string]string{"login": login, "role": "learner"}, nil)
	}
	var rooms struct {
		Items []struct {
			ID   int64
			Main bool
		}
	}
	api.call("GET", fmt.Sprintf("/courses/%d/rooms", s.CourseID), nil, &rooms)
	var roomID int64
	for _, r := range rooms.Items {
		if r.Main {
			roomID = r.ID
		}
	}
	roomQuizzes := fmt.Sprintf("%s/courses/%d/rooms/%d/quizzes", n.url, s.CourseID, roomID)

	// The instructor builds the game from the room page.
	do(t, inst, "open the room's live quizzes", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/rooms/%d", n.url, s.CourseID, roomID)),
		chromedp.Click(chromedp.CSS(`[data-testid=room-quizzes-link]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lq-empty]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=lq-new]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=live-quiz-form]`)),
		fill(map[string]string{"#lq-title": "Planets warm-up"}), setSelect("#lq-seconds", "120"))
	addSpot := func(kind, text, lines, right string) {
		t.Helper()
		do(t, inst, "type the question "+text, setSelect("#lq-spot-kind", kind),
			chromedp.WaitVisible(chromedp.CSS("#lq-spot-text")), fill(map[string]string{"#lq-spot-text": text}))
		if lines != "" {
			do(t, inst, "its options", sendKeys(chromedp.CSS("#lq-spot-lines"), lines, chromedp.NodeVisible))
		}
		switch kind {
		case "truefalse":
			do(t, inst, "its answer", setSelect("#lq-spot-tf", right))
		case "single":
			do(t, inst, "its answer", setSelect("#lq-spot-right", right))
		}
		do(t, inst, "add it", chromedp.Click(chromedp.CSS(`[data-testid=lq-add-spot]`), chromedp.NodeVisible))
	}
	addSpot("single", "Which planet is the largest?", "Mars\nJupiter\nVenus", "2")
	addSpot("truefalse", "The Sun is a star.", "", "true")
	addSpot("shortanswer", "Which planet has the famous rings?", "Saturn", "")
	waitJS(t, inst, "three questions listed", `document.querySelectorAll('[data-testid=lq-qlist] li').length === 3`)
	do(t, inst, "allow guests and grade it", chromedp.Click(chromedp.CSS(`[data-testid=lq-guests]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#lq-new input[name=graded]`), chromedp.NodeVisible))
	screenshot(t, inst, "new-live-quiz")
	submitForm(t, inst, "live-quiz-form", `!!document.querySelector('[data-testid=lq-control]')`, submitButton("live-quiz-form"))
	pin := textOf(t, inst, `[data-testid=lq-pin]`)
	if len(pin) != 6 {
		t.Fatalf("the control panel's PIN is %q, want 6 digits", pin)
	}
	controlURL := pathOf(t, inst)

	// Two members join from the room page, a guest by PIN on a phone.
	lin := quizPlayer{"lin", newBrowserFor(t, phone360, quizJourneyTimeout)}
	maxp := quizPlayer{"max", newBrowserFor(t, desktop, quizJourneyTimeout)}
	guest := quizPlayer{"guest", newBrowserFor(t, phone360, quizJourneyTimeout)}
	for _, p := range []quizPlayer{lin, maxp} {
		do(t, p.ctx, p.name+" signs in", chromedp.Navigate(n.url+"/login"))
		signIn(t, p.ctx, p.name, courseLearnerPW)
		do(t, p.ctx, p.name+" joins from the room", chromedp.Navigate(roomQuizzes),
			chromedp.Click(chromedp.CSS(`[data-testid=lq-play-link]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=lq-lobby]`)))
	}
	do(t, guest.ctx, "the guest opens /join", chromedp.Navigate(n.url+"/join"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=quiz-pin-form]`)))
	screenshot(t, guest.ctx, "pin-join")
	submitForm(t, guest.ctx, "quiz-pin-form", `!!document.querySelector('[data-testid=lq-lobby]')`,
		fill(map[string]string{"#quiz-pin": pin, "#quiz-nickname": "Comet"}), submitButton("quiz-pin-form"))
	screenshot(t, guest.ctx, "player-lobby")
	waitJS(t, inst, "the lobby shows three players", `document.querySelectorAll('[data-testid=lq-player]').length === 3`)

	presenter, cancel := chromedp.NewContext(inst)
	defer cancel()
	do(t, presenter, "open the presenter view", chromedp.Navigate(n.url+controlURL+"/present"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lq-present-pin]`)))
	waitJS(t, presenter, "the presenter counts three players", `document.querySelector('[data-testid=lq-present-players]').textContent.startsWith('3')`)
	screenshot(t, presenter, "presenter-lobby")

	// Question 1: single choice (Jupiter is right).
	controlClick(t, inst, "start")
	waitPhase(t, presenter, "the presenter", "lq-presenter", "open", -1)
	screenshot(t, presenter, "presenter-question")
	answerChoice(t, lin, "Jupiter")
	screenshot(t, lin.ctx, "player-sent")
	answerChoice(t, maxp, "Mars")
	waitPhase(t, guest.ctx, "the guest", "lq-player-view", "open", 0)
	screenshot(t, guest.ctx, "player-question")
	answerChoice(t, guest, "Jupiter")
	// Everyone answered: the question closes by itself (auto close).
	for _, p := range []quizPlayer{lin, maxp, guest} {
		waitJS(t, p.ctx, p.name+" sees the feedback", `!!document.querySelector('[data-testid=lq-verdict]')`)
	}
	screenshot(t, guest.ctx, "player-feedback")
	waitPhase(t, presenter, "the presenter", "lq-presenter", "results", -1)
	waitJS(t, presenter, "the chart shows the answers", `document.querySelectorAll('[data-testid=lq-present-chart] [data-testid=lq-bar]').length === 3`)
	screenshot(t, presenter, "presenter-results")
	screenshot(t, inst, "control-results")
	if v := textOf(t, lin.ctx, `[data-testid=lq-verdict]`); v != "Right!" {
		t.Errorf("lin's verdict is %q, want Right!", v)
	}
	if v := textOf(t, maxp.ctx, `[data-testid=lq-verdict]`); v != "Wrong" {
		t.Errorf("max's verdict is %q, want Wrong", v)
	}
	controlClick(t, inst, "leaderboard")
	waitPhase(t, presenter, "the presenter", "lq-presenter", "leaderboard", -1)
	waitJS(t, presenter, "the leaderboard lists three", `document.querySelectorAll('[data-testid=lq-standing]').length === 3`)
	screenshot(t, presenter, "presenter-leaderboard")
	linScore := textOf(t, lin.ctx, `[data-testid=lq-score]`)

	// Question 2: true/false; lin reloads mid-question and keeps the score.
	controlClick(t, inst, "next")
	waitPhase(t, lin.ctx, "lin", "lq-player-view", "open", 1)
	do(t, lin.ctx, "lin reloads mid-question", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid=lq-true]`)))
	do(t, lin.ctx, "lin answers true", chromedp.Click(chromedp.CSS(`[data-testid=lq-true]`), chromedp.NodeVisible))
	waitJS(t, lin.ctx, "lin's answer is stored", answerStored)
	do(t, maxp.ctx, "max answers true", chromedp.Click(chromedp.CSS(`[data-testid=lq-true]`), chromedp.NodeVisible))
	do(t, guest.ctx, "the guest answers false", chromedp.Click(chromedp.CSS(`[data-testid=lq-false]`), chromedp.NodeVisible))
	for _, p := range []quizPlayer{lin, maxp, guest} {
		waitPhase(t, p.ctx, p.name, "lq-player-view", "results", 1)
	}
	waitJS(t, lin.ctx, "lin's score is more than before", fmt.Sprintf(`Number(document.querySelector('[data-testid=lq-score]').textContent) > %s`, linScore))

	// Question 3: short answer, typed.
	controlClick(t, inst, "next")
	for _, p := range []quizPlayer{lin, maxp, guest} {
		waitJS(t, p.ctx, p.name+" sees the typed question", `!!document.querySelector('[data-testid=lq-answer-form]')`)
	}
	submitForm(t, lin.ctx, "lq-answer-form", answerStored,
		fill(map[string]string{"#lq-text": "Saturn"}), submitButton("lq-answer-form"))
	submitForm(t, maxp.ctx, "lq-answer-form", answerStored,
		fill(map[string]string{"#lq-text": "saturn"}), submitButton("lq-answer-form"))
	submitForm(t, guest.ctx, "lq-answer-form", answerStored,
		fill(map[string]string{"#lq-text": "Uranus"}), submitButton("lq-answer-form"))
	waitPhase(t, inst, "the control panel", "lq-control", "results", -1)
	controlClick(t, inst, "next") // the last question: to the podium
	for _, p := range []quizPlayer{lin, maxp, guest} {
		waitJS(t, p.ctx, p.name+" sees the podium", `document.querySelectorAll('[data-testid=lq-podium-place]').length === 3`)
	}
	waitJS(t, presenter, "the presenter shows the podium", `document.querySelectorAll('[data-testid=lq-podium-place]').length === 3`)
	screenshot(t, presenter, "presenter-podium")
	screenshot(t, guest.ctx, "player-podium")
	if first := textOf(t, presenter, `.lq-place-1 .lq-place-name`); first != "Lin Learner" {
		t.Errorf("the podium's first is %q, want Lin Learner (three right answers)", first)
	}

	// The results page and the gradebook.
	do(t, inst, "open the results", chromedp.Click(chromedp.CSS(`[data-testid=lq-open-results]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lq-results]`)))
	waitJS(t, inst, "three questions with their answers", `document.querySelectorAll('[data-testid=lq-result-question]').length === 3 && document.querySelectorAll('[data-testid=lq-answer-row]').length === 9`)
	screenshot(t, inst, "results")
	do(t, inst, "open the gradebook", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/grades", n.url, s.CourseID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=gradebook]`)))
	waitJS(t, inst, "the gradebook has the live quiz with both members' grades", `(() => {
		const th = [...document.querySelectorAll('[data-testid=gradebook-table] th[data-item-id]')].find((h) => h.textContent.includes('Planets warm-up'));
		if (!th) return false;
		const cells = [...document.querySelectorAll('[data-testid=grade-cell][data-item-id="' + th.dataset.itemId + '"]')];
		return cells.length === 2 && cells.every((c) => /\d/.test(c.textContent));
	})()`)
	screenshot(t, inst, "gradebook")
	if strings.Contains(textOf(t, inst, `[data-testid=gradebook-table]`), "Comet") {
		t.Error("the guest has a gradebook row")
	}
}
