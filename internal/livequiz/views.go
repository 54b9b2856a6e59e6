package livequiz

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Frame types pushed on the game's topics (docs/livequiz.md, "Protocol").
const (
	FrameState   = "state"   // the game's phase, current question and times
	FrameResults = "results" // a closed question's chart, right answer and top standings
	FrameBoard   = "leaderboard"
	FrameLobby   = "lobby"    // the players (staff) or their count (players)
	FrameCount   = "count"    // live answer count (and chart, for staff), aggregated
	FrameMe      = "me"       // a player's own standing (personal topic)
	FrameDeleted = "deleted"  // the game was deleted
	FramePodium  = "finished" // the final standings
)

// BoardSize is how many standings a leaderboard or results frame carries.
const BoardSize = 10

// StateView is the FrameState push and the state part of every view: what
// any player may see.
type StateView struct {
	Type       string        `json:"type"`
	GameID     int64         `json:"game_id"`
	Title      string        `json:"title"`
	Phase      lms.GamePhase `json:"phase"`
	Index      int           `json:"index"`
	Questions  int           `json:"questions"`
	OpenedAt   time.Time     `json:"opened_at,omitzero"`
	ClosesAt   time.Time     `json:"closes_at,omitzero"`
	PausedAt   time.Time     `json:"paused_at,omitzero"`
	ServerTime time.Time     `json:"server_time"`
	Version    int64         `json:"version"`
	Players    int           `json:"players"`
	Teams      lms.TeamMode  `json:"teams,omitempty"`
	// Question is the current question (from its opening on; nil in the
	// lobby).
	Question *QuestionView `json:"question,omitempty"`
}

// ResultsView is the FrameResults push: after a question closes.
type ResultsView struct {
	Type  string         `json:"type"`
	Index int            `json:"index"`
	Chart Chart          `json:"chart"`
	Right *lms.Response  `json:"right,omitempty"` // a full-credit response, presented ids
	Top   []Standing     `json:"top"`
	Teams []TeamStanding `json:"teams,omitempty"`
}

// MeView is a player's own view (FrameMe on the personal topic, the join
// and resume answers).
type MeView struct {
	Type     string          `json:"type"`
	Player   *lms.GamePlayer `json:"player"`
	Standing Standing        `json:"standing"`
	Players  int             `json:"players"` // ranked players (Standing.Rank is out of these)
	// Answered says the player answered the current question; Answer is
	// that answer (presented ids) with its key, so a reloaded page shows it.
	Answered bool          `json:"answered"`
	Answer   *PlayerAnswer `json:"answer,omitempty"`
	State    StateView     `json:"state"`
	Results  *ResultsView  `json:"results,omitempty"` // in the results phase
}

// PlayerAnswer is one stored answer as its player sees it.
type PlayerAnswer struct {
	Index      int          `json:"index"`
	Key        string       `json:"key"`
	Response   lms.Response `json:"response"`
	ReceivedAt time.Time    `json:"received_at"`
}

// snapshot is everything the views of one game are computed from.
type snapshot struct {
	g       *lms.Game
	qs      []*lms.GameQuestion
	players []*lms.GamePlayer
	answers []*lms.GameAnswer // nil unless loaded
}

func (s *Service) snapshot(ctx context.Context, gameID int64, withAnswers bool) (*snapshot, error) {
	g, err := s.data.GameByID(ctx, gameID)
	if err != nil {
		return nil, err
	}
	sn := &snapshot{g: g}
	if sn.qs, err = s.data.GameQuestions(ctx, gameID); err != nil {
		return nil, err
	}
	if sn.players, err = s.data.GamePlayers(ctx, gameID); err != nil {
		return nil, err
	}
	if withAnswers {
		if sn.answers, err = s.data.GameAnswers(ctx, gameID); err != nil {
			return nil, err
		}
	}
	return sn, nil
}

// active counts the players not removed.
func (sn *snapshot) active() int {
	n := 0
	for _, p := range sn.players {
		if !p.Removed() {
			n++
		}
	}
	return n
}

func (s *Service) stateView(sn *snapshot) StateView {
	st := sn.g.State
	v := StateView{Type: FrameState, GameID: sn.g.ID, Title: sn.g.Title, Phase: st.Phase, Index: st.Index,
		Questions: len(sn.qs), OpenedAt: st.OpenedAt, ClosesAt: st.ClosesAt, PausedAt: st.PausedAt,
		ServerTime: s.now().UTC(), Version: st.Version, Players: sn.active(), Teams: sn.g.Settings.Teams}
	if st.Index >= 0 && st.Index < len(sn.qs) {
		if k, err := newKit(sn.qs[st.Index]); err == nil {
			qv := k.View(sn.g.Settings)
			v.Question = &qv
		}
	}
	return v
}

// State returns the players' view of the game's state (FrameState).
func (s *Service) State(ctx context.Context, gameID int64) (StateView, error) {
	sn, err := s.snapshot(ctx, gameID, false)
	if err != nil {
		return StateView{}, err
	}
	return s.stateView(sn), nil
}

// resultsView computes the results of question index.
func (s *Service) resultsView(sn *snapshot, index int) (*ResultsView, []Standing) {
	if index < 0 || index >= len(sn.qs) {
		return nil, nil
	}
	k, err := newKit(sn.qs[index])
	if err != nil {
		return nil, nil
	}
	var these []*lms.GameAnswer
	for _, a := range sn.answers {
		if a.Index == index {
			these = append(these, a)
		}
	}
	all := Standings(sn.g.Settings, sn.qs, sn.players, sn.answers, index)
	r := &ResultsView{Type: FrameResults, Index: index, Chart: k.Chart(these), Right: k.Right(),
		Top: all[:min(BoardSize, len(all))], Teams: TeamStandings(all)}
	return r, all
}

// ResultsPush is what a closed question's results produce: the shared frame
// and every player's own view.
type ResultsPush struct {
	Results *ResultsView
	Mine    map[int64]MeView // by player id
}

// Results computes the shared results of the current question and every
// player's own standing (pushed on the personal topics), or, in the
// leaderboard and finished phases, the standings. Nil Results outside
// those phases.
func (s *Service) Results(ctx context.Context, gameID int64) (*ResultsPush, error) {
	sn, err := s.snapshot(ctx, gameID, true)
	if err != nil {
		return nil, err
	}
	switch sn.g.State.Phase {
	case lms.PhaseResults, lms.PhaseLeaderboard, lms.PhaseFinished:
	default:
		return &ResultsPush{}, nil
	}
	res, all := s.resultsView(sn, sn.g.State.Index)
	if res == nil {
		return &ResultsPush{}, nil
	}
	switch sn.g.State.Phase {
	case lms.PhaseLeaderboard:
		res.Type = FrameBoard
	case lms.PhaseFinished:
		res.Type = FramePodium
	}
	out := &ResultsPush{Results: res, Mine: map[int64]MeView{}}
	state := s.stateView(sn)
	byID := map[int64]*lms.GamePlayer{}
	for _, p := range sn.players {
		byID[p.ID] = p
	}
	for _, st := range all {
		out.Mine[st.PlayerID] = MeView{Type: FrameMe, Player: byID[st.PlayerID], Standing: st, Players: len(all),
			State: state}
	}
	return out, nil
}

// Me returns a player's own view: their standing, their answer to the
// current question, the state and (after a close) the results. It is how
// a player resumes on any node: everything comes from the store.
func (s *Service) Me(ctx context.Context, p *lms.GamePlayer) (*MeView, error) {
	sn, err := s.snapshot(ctx, p.GameID, true)
	if err != nil {
		return nil, err
	}
	st := sn.g.State
	upTo := st.Index
	if st.Phase == lms.PhaseOpen {
		upTo-- // the open question's answers are not scored yet
	}
	var all []Standing
	var res *ResultsView
	if st.Phase == lms.PhaseResults || st.Phase == lms.PhaseLeaderboard || st.Phase == lms.PhaseFinished {
		res, all = s.resultsView(sn, st.Index)
		switch {
		case res == nil:
			all = Standings(sn.g.Settings, sn.qs, sn.players, sn.answers, st.Index)
		case st.Phase == lms.PhaseLeaderboard:
			res.Type = FrameBoard
		case st.Phase == lms.PhaseFinished:
			res.Type = FramePodium
		}
	} else {
		all = Standings(sn.g.Settings, sn.qs, sn.players, sn.answers, upTo)
	}
	v := &MeView{Type: FrameMe, Player: p, Players: len(all), State: s.stateView(sn), Results: res}
	for _, x := range all {
		if x.PlayerID == p.ID {
			v.Standing = x
		}
	}
	if v.Standing.PlayerID == 0 {
		v.Standing = Standing{PlayerID: p.ID, Nickname: p.Nickname, Team: p.Team}
	}
	for _, a := range sn.answers {
		if a.PlayerID == p.ID && a.Index == st.Index {
			v.Answered = true
			resp := a.Response
			if k, err := newKit(sn.qs[a.Index]); err == nil {
				resp = k.Present(resp)
			}
			v.Answer = &PlayerAnswer{Index: a.Index, Key: a.Key, Response: resp, ReceivedAt: a.ReceivedAt}
		}
	}
	return v, nil
}

// LiveCount is the aggregated live answer count of the open question
// (FrameCount); Chart is for staff only.
type LiveCount struct {
	Type     string `json:"type"`
	Index    int    `json:"index"`
	Answered int    `json:"answered"`
	Players  int    `json:"players"`
	Chart    *Chart `json:"chart,omitempty"`
}

// Count returns the open question's live count and chart.
func (s *Service) Count(ctx context.Context, gameID int64) (*LiveCount, error) {
	sn, err := s.snapshot(ctx, gameID, false)
	if err != nil {
		return nil, err
	}
	st := sn.g.State
	if st.Index < 0 || st.Index >= len(sn.qs) {
		return nil, nil
	}
	answers, err := s.data.QuestionAnswers(ctx, gameID, st.Index)
	if err != nil {
		return nil, err
	}
	k, err := newKit(sn.qs[st.Index])
	if err != nil {
		return nil, err
	}
	c := k.Chart(answers)
	return &LiveCount{Type: FrameCount, Index: st.Index, Answered: len(answers), Players: sn.active(), Chart: &c}, nil
}

// LobbyView is the FrameLobby push: the players (staff topic) or only
// their count (players' topic: Players nil).
type LobbyView struct {
	Type    string            `json:"type"`
	Count   int               `json:"count"`
	Players []*lms.GamePlayer `json:"players,omitempty"`
}

// Lobby returns the staff's lobby view (players not removed).
func (s *Service) Lobby(ctx context.Context, gameID int64) (*LobbyView, error) {
	players, err := s.data.GamePlayers(ctx, gameID)
	if err != nil {
		return nil, err
	}
	v := &LobbyView{Type: FrameLobby, Players: []*lms.GamePlayer{}}
	for _, p := range players {
		if !p.Removed() {
			v.Players = append(v.Players, p)
		}
	}
	v.Count = len(v.Players)
	return v, nil
}
