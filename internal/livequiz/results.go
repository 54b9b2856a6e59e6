package livequiz

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Results is a game's full results for its staff: every question with its
// chart and right answer, who answered what and when, and the standings.
type Results struct {
	Game      *lms.Game         `json:"game"`
	Questions []QuestionResults `json:"questions"`
	Standings []Standing        `json:"standings"`
	Teams     []TeamStanding    `json:"teams,omitempty"`
	Players   []*lms.GamePlayer `json:"players"`
}

// QuestionResults is one question's results.
type QuestionResults struct {
	Question *lms.GameQuestion `json:"question"`
	View     QuestionView      `json:"view"` // as players saw it (presented ids)
	Chart    Chart             `json:"chart"`
	Right    *lms.Response     `json:"right,omitempty"`
	Answers  []AnswerRow       `json:"answers"`
}

// AnswerRow is one stored answer, for review.
type AnswerRow struct {
	PlayerID   int64        `json:"player_id"`
	Nickname   string       `json:"nickname"`
	Response   lms.Response `json:"response"` // presented ids, as in View
	Fraction   float64      `json:"fraction"`
	Points     float64      `json:"points"` // without the streak bonus
	ElapsedMS  int64        `json:"elapsed_ms"`
	ReceivedAt time.Time    `json:"received_at"`
}

// FullResults returns a game's results for its staff.
func (s *Service) FullResults(ctx context.Context, actor *lms.User, gameID int64) (*Results, error) {
	if _, err := s.staffGame(ctx, actor, gameID); err != nil {
		return nil, err
	}
	sn, err := s.snapshot(ctx, gameID, true)
	if err != nil {
		return nil, err
	}
	nick := map[int64]string{}
	for _, p := range sn.players {
		nick[p.ID] = p.Nickname
	}
	out := &Results{Game: sn.g, Players: sn.players, Questions: []QuestionResults{}}
	for _, q := range sn.qs {
		k, err := newKit(q)
		if err != nil {
			return nil, err
		}
		var these []*lms.GameAnswer
		qr := QuestionResults{Question: q, View: k.View(sn.g.Settings), Right: k.Right(), Answers: []AnswerRow{}}
		for _, a := range sn.answers {
			if a.Index != q.Index {
				continue
			}
			these = append(these, a)
			qr.Answers = append(qr.Answers, AnswerRow{PlayerID: a.PlayerID, Nickname: nick[a.PlayerID],
				Response: k.Present(a.Response), Fraction: a.Fraction, Points: a.Points, ElapsedMS: a.ElapsedMS,
				ReceivedAt: a.ReceivedAt})
		}
		qr.Chart = k.Chart(these)
		out.Questions = append(out.Questions, qr)
	}
	last := sn.g.State.Index
	if sn.g.State.Phase == lms.PhaseOpen {
		last--
	}
	out.Standings = Standings(sn.g.Settings, sn.qs, sn.players, sn.answers, last)
	out.Teams = TeamStandings(out.Standings)
	return out, nil
}

// WriteCSV writes a game's results as CSV: a row per ranked player
// (rank, nickname, username or empty for guests, team, score, correct,
// answered) and a column of points per question (empty: no answer).
func (s *Service) WriteCSV(ctx context.Context, actor *lms.User, gameID int64, w io.Writer) error {
	r, err := s.FullResults(ctx, actor, gameID)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := []string{"rank", "nickname", "username", "team", "score", "correct", "answered"}
	for i := range r.Questions {
		head = append(head, "q"+strconv.Itoa(i+1))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	userOf := map[int64]int64{}
	for _, p := range r.Players {
		userOf[p.ID] = p.UserID
	}
	points := map[int64]map[int]float64{}
	for _, q := range r.Questions {
		for _, a := range q.Answers {
			if points[a.PlayerID] == nil {
				points[a.PlayerID] = map[int]float64{}
			}
			points[a.PlayerID][q.Question.Index] = a.Points
		}
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, st := range r.Standings {
		username := ""
		if uid := userOf[st.PlayerID]; uid != 0 {
			if u, err := s.data.UserByID(ctx, uid); err == nil {
				username = u.Username
			}
		}
		row := []string{strconv.Itoa(st.Rank), safeCell(st.Nickname), safeCell(username), strconv.Itoa(st.Team),
			f(st.Score), strconv.Itoa(st.Correct), strconv.Itoa(st.Answered)}
		for i := range r.Questions {
			cell := ""
			if p, ok := points[st.PlayerID][i]; ok {
				cell = f(p)
			}
			row = append(row, cell)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell defuses text a spreadsheet would read as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
