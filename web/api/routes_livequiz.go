package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/livequiz"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// QuizGuestCookie carries a guest player's token (docs/livequiz.md): set
// by POST /live-quiz/join, read by the guest routes and the guest socket.
const QuizGuestCookie = "lyceum_quiz"

// quizGuestHeader may carry the guest token instead of the cookie.
const quizGuestHeader = "X-Quiz-Token"

// liveQuizRoutes lists the live quiz routes (docs/api.md, "Live
// quizzes"). Members' routes are for signed-in users (the service decides
// per room and course); the guest routes are public and work only with a
// guest token, which opens nothing but its own game.
func (a *API) liveQuizRoutes() []route {
	p := Prefix
	g := p + "/live-quizzes/{id}"
	rs := []route{
		{Method: "GET", Path: p + "/rooms/{id}/live-quizzes", Summary: "A room's live quizzes, newest first", Auth: authUser,
			Resp: GameList{}, Status: 200, Handler: a.getRoomGames},
		{Method: "POST", Path: p + "/rooms/{id}/live-quizzes", Summary: "Create a live quiz in a room (in its lobby)", Auth: authUser,
			Req: livequiz.CreateInput{}, Resp: GameDetail{}, Status: 201, Handler: a.postGame},
		{Method: "GET", Path: g, Summary: "A live quiz (questions and PIN for its staff)", Auth: authUser,
			Resp: GameDetail{}, Status: 200, Handler: a.getGame},
		{Method: "PUT", Path: g + "/questions", Summary: "Replace a live quiz's questions (in the lobby)", Auth: authUser,
			Req: QuestionsRequest{}, Resp: GameDetail{}, Status: 200, Handler: a.putGameQuestions},
		{Method: "DELETE", Path: g, Summary: "Delete a live quiz with its players and answers", Auth: authUser,
			Status: 204, Handler: a.deleteGame},
		{Method: "POST", Path: g + "/control", Summary: "Start, advance, close, pause, resume, extend, skip or end; remove a player", Auth: authUser,
			Req: livequiz.ControlInput{}, Resp: livequiz.StateView{}, Status: 200, Handler: a.postControl},
		{Method: "POST", Path: g + "/join", Summary: "Join a live quiz as a course member (or resume)", Auth: authUser,
			Req: GameJoinRequest{}, Resp: livequiz.MeView{}, Status: 200, Handler: a.postGameJoin},
		{Method: "GET", Path: g + "/me", Summary: "Your standing and answer in a live quiz (resume)", Auth: authUser,
			Resp: livequiz.MeView{}, Status: 200, Handler: a.getGameMe},
		{Method: "GET", Path: g + "/results", Summary: "A live quiz's results: charts, who answered what and when, standings", Auth: authUser,
			Resp: livequiz.Results{}, Status: 200, Handler: a.getGameResults},
		{Method: "GET", Path: g + "/results.csv", Summary: "A live quiz's results as CSV", Auth: authUser,
			RespType: "text/csv", Status: 200, Handler: a.getGameResultsCSV},
		{Method: "POST", Path: p + "/live-quiz/join", Summary: "Join a live quiz as a guest with its PIN and a nickname", Auth: authPublic,
			Req: GuestJoinRequest{}, Resp: GuestJoined{}, Status: 201, Handler: a.postGuestJoin},
		{Method: "GET", Path: p + "/live-quiz/me", Summary: "A guest's standing and answer (resume with the guest token)", Auth: authPublic,
			Resp: livequiz.MeView{}, Status: 200, Handler: a.getGuestMe},
	}
	if a.quizWS != nil {
		rs = append(rs, route{Method: "GET", Path: p + "/live-quiz/ws", Summary: "A guest's WebSocket upgrade (guest token; docs/livequiz.md)",
			Auth: authPublic, Status: 101, Handler: a.getGuestWS})
	}
	return rs
}

// GameList is a room's games.
type GameList struct {
	Items []*lms.Game `json:"items"`
}

// GameDetail is one game as the caller may see it.
type GameDetail struct {
	Game   *lms.Game          `json:"game"`
	CanRun bool               `json:"can_run"`
	State  livequiz.StateView `json:"state"`
	// Questions are the full snapshots (with answers), for staff only.
	Questions []*lms.GameQuestion `json:"questions,omitempty"`
	// Player is the caller's player when they joined.
	Player *lms.GamePlayer `json:"player,omitempty"`
}

// QuestionsRequest replaces a game's questions.
type QuestionsRequest struct {
	Questions []livequiz.QuestionInput `json:"questions"`
}

// GameJoinRequest is a member's join; the nickname defaults to their name.
type GameJoinRequest struct {
	Nickname string `json:"nickname,omitempty"`
}

// GuestJoinRequest is a guest's join.
type GuestJoinRequest struct {
	PIN      string `json:"pin"`
	Nickname string `json:"nickname"`
}

// GuestJoined answers a guest's join: the token (also set as the
// lyceum_quiz cookie) is shown once; keep it to resume.
type GuestJoined struct {
	Token string           `json:"token"`
	Me    *livequiz.MeView `json:"me"`
}

// hidePIN returns g without its PIN unless the caller runs it.
func hidePIN(g *lms.Game, canRun bool) *lms.Game {
	if canRun {
		return g
	}
	c := *g
	c.PIN = ""
	return &c
}

func (a *API) getRoomGames(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, func(ctx context.Context, u *lms.User, id int64) (GameList, error) {
		list, err := a.quiz.List(ctx, u, id)
		if err != nil {
			return GameList{}, err
		}
		out := GameList{Items: make([]*lms.Game, 0, len(list))}
		for _, g := range list {
			out.Items = append(out.Items, hidePIN(g, a.quiz.CanRun(ctx, u, g)))
		}
		return out, nil
	})
}

// detail builds the caller's view of a game.
func (a *API) detail(ctx context.Context, u *lms.User, gameID int64) (*GameDetail, error) {
	g, canRun, err := a.quiz.Game(ctx, u, gameID)
	if err != nil {
		return nil, err
	}
	st, err := a.quiz.State(ctx, gameID)
	if err != nil {
		return nil, err
	}
	d := &GameDetail{Game: hidePIN(g, canRun), CanRun: canRun, State: st}
	if canRun {
		if d.Questions, err = a.quiz.Questions(ctx, u, gameID); err != nil {
			return nil, err
		}
	}
	if p, err := a.quiz.PlayerOf(ctx, gameID, u.ID); err == nil {
		d.Player = p
	}
	return d, nil
}

func (a *API) postGame(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, roomID int64, in livequiz.CreateInput) (*GameDetail, error) {
		g, _, err := a.quiz.Create(ctx, u, roomID, in)
		if err != nil {
			return nil, err
		}
		return a.detail(ctx, u, g.ID)
	})
}

func (a *API) getGame(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.detail)
}

func (a *API) putGameQuestions(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, in QuestionsRequest) (*GameDetail, error) {
		if _, err := a.quiz.SetQuestions(ctx, u, id, in.Questions); err != nil {
			return nil, err
		}
		return a.detail(ctx, u, id)
	})
}

func (a *API) deleteGame(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.quiz.Delete)
}

func (a *API) postControl(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, in livequiz.ControlInput) (livequiz.StateView, error) {
		if _, err := a.quiz.Control(ctx, u, id, in); err != nil {
			return livequiz.StateView{}, err
		}
		return a.quiz.State(ctx, id)
	})
}

func (a *API) postGameJoin(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, in GameJoinRequest) (*livequiz.MeView, error) {
		p, _, err := a.quiz.Join(ctx, u, id, in.Nickname)
		if err != nil {
			return nil, err
		}
		return a.quiz.Me(ctx, p)
	})
}

func (a *API) getGameMe(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, func(ctx context.Context, u *lms.User, id int64) (*livequiz.MeView, error) {
		if _, _, err := a.quiz.Game(ctx, u, id); err != nil {
			return nil, err
		}
		p, err := a.quiz.PlayerOf(ctx, id, u.ID)
		if err != nil {
			return nil, lms.Errorf(lms.ENOTFOUND, "You have not joined this game.")
		}
		return a.quiz.Me(ctx, p)
	})
}

func (a *API) getGameResults(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.quiz.FullResults)
}

func (a *API) getGameResultsCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.quiz.WriteCSV(r.Context(), caller(r), id, &buf); err != nil {
		return err
	}
	downloadHeaders(w, "text/csv; charset=utf-8", "live-quiz-"+strconv.FormatInt(id, 10)+".csv")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}

func (a *API) postGuestJoin(w http.ResponseWriter, r *http.Request) error {
	if ok, wait := a.pins.allow(a.clientIP(r), time.Now()); !ok {
		return &lms.Error{Code: lms.ERATELIMIT, Message: "Too many attempts: wait a moment.",
			RetryAfterSeconds: int(wait.Seconds()) + 1}
	}
	var in GuestJoinRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, _, token, err := a.quiz.GuestJoin(r.Context(), strings.TrimSpace(in.PIN), in.Nickname)
	if err != nil {
		return err
	}
	me, err := a.quiz.Me(r.Context(), p)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: QuizGuestCookie, Value: token, Path: Prefix + "/live-quiz", MaxAge: 24 * 3600,
		HttpOnly: true, Secure: a.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
	return writeJSON(w, http.StatusCreated, GuestJoined{Token: token, Me: me})
}

// guest returns the guest player of the request's token (cookie or
// X-Quiz-Token header).
func (a *API) guest(r *http.Request) (*lms.GamePlayer, error) {
	token := r.Header.Get(quizGuestHeader)
	if token == "" {
		if c, err := r.Cookie(QuizGuestCookie); err == nil {
			token = c.Value
		}
	}
	p, _, err := a.quiz.GuestPlayer(r.Context(), token)
	return p, err
}

func (a *API) getGuestMe(w http.ResponseWriter, r *http.Request) error {
	p, err := a.guest(r)
	if err != nil {
		return err
	}
	me, err := a.quiz.Me(r.Context(), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, me)
}

func (a *API) getGuestWS(w http.ResponseWriter, r *http.Request) error {
	p, err := a.guest(r)
	if err != nil {
		return err
	}
	a.quizWS(w, r, p)
	return nil
}
