package livequiz

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Control actions of the instructor (docs/livequiz.md, "Flow").
const (
	ActStart       = "start"       // lobby → open question 0
	ActNext        = "next"        // results or leaderboard → open the next question (finished after the last)
	ActClose       = "close"       // open → the countdown ends now (results follow after the grace)
	ActPause       = "pause"       // open → paused (the countdown freezes)
	ActResume      = "resume"      // paused → open (the deadline moves on by the pause)
	ActExtend      = "extend"      // open → the deadline moves on by Seconds
	ActSkip        = "skip"        // open, results or leaderboard → open the next question at once
	ActLeaderboard = "leaderboard" // results → leaderboard
	ActEnd         = "end"         // any → finished (answers so far count)
	ActRemove      = "remove"      // remove PlayerID from the game
)

// Job kinds.
const (
	JobFinalize = "livequiz.finalize" // closes an open question at ClosesAt + GraceCap
	JobGrades   = "livequiz.grades"   // reports a finished graded game to the gradebook
)

// ControlInput is one instructor action. Version, when not 0, must be the
// game's current state version: of two tabs acting on what they saw, the
// second gets ECONFLICT instead of advancing twice.
type ControlInput struct {
	Action   string `json:"action"`
	Version  int64  `json:"version,omitzero"`
	Seconds  int    `json:"seconds,omitzero"`   // extend
	PlayerID int64  `json:"player_id,omitzero"` // remove
}

// Control carries out an instructor action and returns the game as it
// then stands.
func (s *Service) Control(ctx context.Context, actor *lms.User, gameID int64, in ControlInput) (*lms.Game, error) {
	g, err := s.staffGame(ctx, actor, gameID)
	if err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != g.State.Version {
		return nil, lms.Errorf(lms.ECONFLICT, "The game moved on meanwhile (another tab or instructor?).")
	}
	if in.Action == ActRemove {
		if err := s.data.RemovePlayer(ctx, g.ID, in.PlayerID, s.now()); err != nil {
			return nil, err
		}
		if p, err := s.data.GamePlayer(ctx, g.ID, in.PlayerID); err == nil {
			s.notify.PlayerRemoved(ctx, p)
		}
		s.notify.GameChanged(ctx, g, EventPlayers)
		return g, nil
	}
	qs, err := s.data.GameQuestions(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	next, err := Transition(g.State, len(qs), qs, in, s.now())
	if err != nil {
		return nil, err
	}
	return s.setState(ctx, g, next)
}

// Transition is the state machine: the state after action in (pure).
func Transition(st lms.GameState, n int, qs []*lms.GameQuestion, in ControlInput, now time.Time) (lms.GameState, error) {
	next := st
	open := func(i int) {
		if i >= n {
			next = lms.GameState{Phase: lms.PhaseFinished, Index: st.Index, Version: st.Version}
			return
		}
		secs := time.Duration(qs[i].Seconds) * time.Second
		next = lms.GameState{Phase: lms.PhaseOpen, Index: i, OpenedAt: now, ClosesAt: now.Add(secs), Version: st.Version}
	}
	bad := func(msg string) (lms.GameState, error) { return st, lms.Errorf(lms.ECONFLICT, "%s", msg) }
	isOpen := st.Phase == lms.PhaseOpen
	switch in.Action {
	case ActStart:
		if st.Phase != lms.PhaseLobby {
			return bad("The game has started already.")
		}
		if n == 0 {
			return bad("Add questions first.")
		}
		open(0)
	case ActNext:
		switch st.Phase {
		case lms.PhaseLobby:
			return Transition(st, n, qs, ControlInput{Action: ActStart}, now)
		case lms.PhaseResults, lms.PhaseLeaderboard:
			open(st.Index + 1)
		default:
			return bad("Close the question first.")
		}
	case ActSkip:
		if st.Phase == lms.PhaseLobby || st.Phase == lms.PhaseFinished {
			return bad("There is no question to skip.")
		}
		open(st.Index + 1)
	case ActClose:
		if !isOpen {
			return bad("No question is open.")
		}
		if now.Before(next.ClosesAt) || st.Paused() {
			next.ClosesAt = now
		}
		next.PausedAt = time.Time{}
		if next.OpenedAt.After(next.ClosesAt) {
			next.OpenedAt = next.ClosesAt
		}
	case ActPause:
		if !isOpen || st.Paused() || !now.Before(st.ClosesAt) {
			return bad("Only a running countdown can be paused.")
		}
		next.PausedAt = now
	case ActResume:
		if !isOpen || !st.Paused() {
			return bad("The question is not paused.")
		}
		d := max(now.Sub(st.PausedAt), 0)
		next.OpenedAt, next.ClosesAt, next.PausedAt = st.OpenedAt.Add(d), st.ClosesAt.Add(d), time.Time{}
	case ActExtend:
		ext := time.Duration(in.Seconds) * time.Second
		if in.Seconds < 1 || ext > lms.MaxGameExtend {
			return st, lms.FieldError("seconds", "Extend by 1 to %d seconds.", int(lms.MaxGameExtend.Seconds()))
		}
		if !isOpen || now.After(FinalizeAt(st)) && !st.Paused() {
			return bad("No question is open.")
		}
		base := st.ClosesAt
		if !st.Paused() && now.After(base) {
			// Reopening after time was up: the length grows by the wait too.
			base = now
		}
		next.ClosesAt = base.Add(ext)
	case ActLeaderboard:
		if st.Phase != lms.PhaseResults {
			return bad("The leaderboard follows a question's results.")
		}
		next.Phase = lms.PhaseLeaderboard
	case ActEnd:
		if st.Phase == lms.PhaseFinished {
			return bad("The game is over already.")
		}
		next = lms.GameState{Phase: lms.PhaseFinished, Index: st.Index, OpenedAt: st.OpenedAt, ClosesAt: st.ClosesAt,
			Version: st.Version}
		if isOpen && now.Before(st.ClosesAt) {
			next.ClosesAt = now
		}
	default:
		return st, lms.FieldError("action", "Unknown action %q.", in.Action)
	}
	return next, nil
}

// setState stores next by compare-and-set and tells the live layer; it
// schedules the close job of an open question and the gradebook job of a
// finished graded game.
func (s *Service) setState(ctx context.Context, g *lms.Game, next lms.GameState) (*lms.Game, error) {
	saved, err := s.data.SetGameState(ctx, g.ID, next, s.now())
	if err != nil {
		return nil, err
	}
	g.State = saved
	key := JobFinalize + ":" + strconv.FormatInt(g.ID, 10)
	if at := FinalizeAt(saved); !at.IsZero() && s.jobs != nil {
		if err := s.jobs.Schedule(ctx, JobFinalize, key, at, jobPayload{GameID: g.ID}); err != nil {
			// The live layer's timer closes it too; the job is the safety net.
			s.log.Warn().Err(err).Int64("game_id", g.ID).Msg("live quiz: could not schedule the close job")
		}
	}
	if saved.Phase == lms.PhaseFinished && g.Settings.Graded {
		s.reportLater(ctx, g)
	}
	s.notify.GameChanged(ctx, g, EventState)
	return g, nil
}

// jobPayload is the payload of the service's jobs.
type jobPayload struct {
	GameID int64 `json:"game_id"`
}

// Finalize closes the game's open question when its time (plus the
// grace cap) is up: the results phase. It is called by the live layer's
// timers and the close job, on any node: the compare-and-set makes the
// close happen once. It reports the time to call again when the question
// is not due yet (zero when nothing is left to do).
func (s *Service) Finalize(ctx context.Context, gameID int64) (time.Time, error) {
	g, err := s.data.GameByID(ctx, gameID)
	if err != nil {
		return time.Time{}, err
	}
	at := FinalizeAt(g.State)
	if at.IsZero() {
		return time.Time{}, nil
	}
	if s.now().Before(at) {
		return at, nil
	}
	next := g.State
	next.Phase = lms.PhaseResults
	if _, err := s.setState(ctx, g, next); err != nil {
		if lms.IsCode(err, lms.ECONFLICT) {
			return time.Time{}, nil // another node or tab moved the game on
		}
		return time.Time{}, err
	}
	return time.Time{}, nil
}

// closeIfAllAnswered moves the open question to its results as soon as
// every player still in the game answered it (AutoClose): nothing is in
// flight, so no grace is needed.
func (s *Service) closeIfAllAnswered(ctx context.Context, g *lms.Game) {
	fresh, err := s.data.GameByID(ctx, g.ID)
	if err != nil || fresh.State.Phase != lms.PhaseOpen {
		return
	}
	n, err := s.data.CountAnswers(ctx, g.ID, fresh.State.Index)
	if err != nil {
		return
	}
	active, err := s.data.CountPlayers(ctx, g.ID)
	if err != nil || n < active {
		return
	}
	next := fresh.State
	next.Phase, next.PausedAt = lms.PhaseResults, time.Time{}
	if now := s.now(); now.Before(next.ClosesAt) {
		next.ClosesAt = now
	}
	if _, err := s.setState(ctx, fresh, next); err != nil && !lms.IsCode(err, lms.ECONFLICT) {
		s.log.Warn().Err(err).Int64("game_id", g.ID).Msg("live quiz: auto-close failed")
	}
}

// reportLater sends a finished graded game's results to the gradebook:
// through a durable job when there is a scheduler, else at once.
func (s *Service) reportLater(ctx context.Context, g *lms.Game) {
	if s.jobs != nil {
		key := JobGrades + ":" + strconv.FormatInt(g.ID, 10)
		if err := s.jobs.Schedule(ctx, JobGrades, key, time.Time{}, jobPayload{GameID: g.ID}); err == nil {
			return
		}
	}
	if err := s.ReportGrades(ctx, g.ID); err != nil {
		s.log.Error().Err(err).Int64("game_id", g.ID).Msg("live quiz: could not report grades")
	}
}

// DefaultGradeMax is the gradebook maximum of a graded game whose
// settings give none: the score as a percentage of MaxScore.
const DefaultGradeMax = 100

// ReportGrades reports every course member's result of a finished graded
// game to the gradebook: score / MaxScore of the questions asked × the
// item's maximum (rounded to 2 decimals), released. Guests have no gradebook row. It may be
// repeated (the gradebook's report is an upsert).
func (s *Service) ReportGrades(ctx context.Context, gameID int64) error {
	if s.book == nil {
		return nil
	}
	g, err := s.data.GameByID(ctx, gameID)
	if err != nil || !g.Settings.Graded || g.State.Phase != lms.PhaseFinished {
		return err
	}
	qs, err := s.data.GameQuestions(ctx, g.ID)
	if err != nil {
		return err
	}
	played := qs[:min(max(g.State.Index+1, 0), len(qs))] // a game ended early counts the questions asked
	best := MaxScore(g.Settings, played)
	if best == 0 {
		return nil
	}
	players, err := s.data.GamePlayers(ctx, g.ID)
	if err != nil {
		return err
	}
	answers, err := s.data.GameAnswers(ctx, g.ID)
	if err != nil {
		return err
	}
	userOf := map[int64]int64{}
	for _, p := range players {
		userOf[p.ID] = p.UserID
	}
	maxPts := g.Settings.MaxPoints
	if maxPts == 0 {
		maxPts = DefaultGradeMax
	}
	for _, st := range Standings(g.Settings, played, players, answers, len(played)-1) {
		uid := userOf[st.PlayerID]
		if uid == 0 {
			continue
		}
		pts := math.Round(min(st.Score/best, 1)*maxPts*100) / 100
		if err := s.book.Report(ctx, lms.GradeResult{CourseID: g.CourseID, Source: lms.GradeLiveQuiz, SourceID: g.ID,
			Title: g.Title, UserID: uid, Points: pts, MaxPoints: maxPts, Released: true, At: g.UpdatedAt}); err != nil {
			return err
		}
	}
	return nil
}

// HandleJob runs one of the service's jobs (JobFinalize, JobGrades).
func (s *Service) HandleJob(ctx context.Context, kind string, gameID int64) error {
	switch kind {
	case JobFinalize:
		due, err := s.Finalize(ctx, gameID)
		if lms.IsCode(err, lms.ENOTFOUND) {
			return nil // the game was deleted
		}
		if err != nil {
			return err
		}
		if !due.IsZero() {
			// Not due on this clock: the runner retries (an extension
			// scheduled the job again already).
			return fmt.Errorf("livequiz: game %d closes at %s", gameID, due.Format(time.RFC3339Nano))
		}
		return nil
	case JobGrades:
		err := s.ReportGrades(ctx, gameID)
		if lms.IsCode(err, lms.ENOTFOUND) {
			return nil
		}
		return err
	}
	return lms.Errorf(lms.EINVALID, "unknown live quiz job %q", kind)
}
