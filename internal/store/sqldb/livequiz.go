package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.LiveQuizzes = (*DB)(nil)

const gameCols = `id, room_id, course_id, owner_id, title, pin, settings, phase, idx, opened_at, closes_at, paused_at,
	version, created_at, updated_at`

func scanGame(sc scanner) (*lms.Game, error) {
	var (
		g                                        lms.Game
		settings, phase                          string
		opened, closes, paused, created, updated int64
	)
	if err := sc.Scan(&g.ID, &g.RoomID, &g.CourseID, &g.OwnerID, &g.Title, &g.PIN, &settings, &phase, &g.State.Index,
		&opened, &closes, &paused, &g.State.Version, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(settings), &g.Settings); err != nil {
		return nil, fmt.Errorf("game %d settings: %w", g.ID, err)
	}
	g.State.Phase = lms.GamePhase(phase)
	g.State.OpenedAt, g.State.ClosesAt, g.State.PausedAt = fromMS(opened), fromMS(closes), fromMS(paused)
	g.CreatedAt, g.UpdatedAt = fromMS(created), fromMS(updated)
	return &g, nil
}

// CreateGame inserts g in the lobby with its questions.
func (s *DB) CreateGame(ctx context.Context, g *lms.Game, qs []*lms.GameQuestion, now time.Time) error {
	settings, err := json.Marshal(g.Settings)
	if err != nil {
		return fmt.Errorf("encode game settings: %w", err)
	}
	now = normalize(now)
	return s.InTx(ctx, func(st store.Store) error {
		tx := st.(*DB)
		err := tx.q.QueryRowContext(ctx, `INSERT INTO live_quiz_games (room_id, course_id, owner_id, title, pin, settings,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			g.RoomID, g.CourseID, g.OwnerID, g.Title, g.PIN, string(settings), toMS(now)).Scan(&g.ID)
		if err != nil {
			return tx.wrapFK(err, "create game", "room or course")
		}
		g.State = lms.GameState{Phase: lms.PhaseLobby, Index: -1, Version: 1}
		g.CreatedAt, g.UpdatedAt = now, now
		return tx.insertGameQuestions(ctx, g.ID, qs)
	})
}

// insertGameQuestions inserts qs as the game's questions 0, 1, ...
func (s *DB) insertGameQuestions(ctx context.Context, gameID int64, qs []*lms.GameQuestion) error {
	for i, q := range qs {
		q.GameID, q.Index = gameID, i
		data, err := json.Marshal(q.Question)
		if err != nil {
			return fmt.Errorf("encode game question: %w", err)
		}
		if _, err := s.q.ExecContext(ctx, `INSERT INTO live_quiz_questions (game_id, idx, source_id, seconds, image, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, gameID, i, q.SourceID, q.Seconds, q.ImagePath, string(data)); err != nil {
			return s.wrapFK(err, "insert game question", "game")
		}
	}
	return nil
}

// GameByID returns the game.
func (s *DB) GameByID(ctx context.Context, id int64) (*lms.Game, error) {
	g, err := scanGame(s.q.QueryRowContext(ctx, `SELECT `+gameCols+` FROM live_quiz_games WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "game")
	}
	return g, nil
}

// GameByPIN returns the unfinished game with the PIN.
func (s *DB) GameByPIN(ctx context.Context, pin string) (*lms.Game, error) {
	g, err := scanGame(s.q.QueryRowContext(ctx, `SELECT `+gameCols+` FROM live_quiz_games
		WHERE pin = $1 AND pin <> '' AND phase <> 'finished'`, pin))
	if err != nil {
		return nil, s.notFound(err, "game")
	}
	return g, nil
}

// RoomGames returns a room's games, newest first.
func (s *DB) RoomGames(ctx context.Context, roomID int64) ([]*lms.Game, error) {
	return queryList(ctx, s, "list games", scanGame, `SELECT `+gameCols+` FROM live_quiz_games WHERE room_id = $1
		ORDER BY id DESC LIMIT $2`, roomID, store.MaxRoomGames)
}

// DeleteGame removes the game and everything in it.
func (s *DB) DeleteGame(ctx context.Context, id int64) error {
	return s.execOne(ctx, "game", `DELETE FROM live_quiz_games WHERE id = $1`, id)
}

// SetGameQuestions replaces the game's questions.
func (s *DB) SetGameQuestions(ctx context.Context, gameID int64, qs []*lms.GameQuestion) error {
	return s.InTx(ctx, func(st store.Store) error {
		tx := st.(*DB)
		if err := tx.execOne(ctx, "game", `UPDATE live_quiz_games SET version = version WHERE id = $1`, gameID); err != nil {
			return err
		}
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM live_quiz_questions WHERE game_id = $1`, gameID); err != nil {
			return tx.wrap(err, "delete game questions")
		}
		return tx.insertGameQuestions(ctx, gameID, qs)
	})
}

// GameQuestions returns the game's questions by index.
func (s *DB) GameQuestions(ctx context.Context, gameID int64) ([]*lms.GameQuestion, error) {
	return queryList(ctx, s, "list game questions", func(sc scanner) (*lms.GameQuestion, error) {
		var (
			q    lms.GameQuestion
			data string
		)
		if err := sc.Scan(&q.GameID, &q.Index, &q.SourceID, &q.Seconds, &q.ImagePath, &data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &q.Question); err != nil {
			return nil, fmt.Errorf("game %d question %d: %w", q.GameID, q.Index, err)
		}
		return &q, nil
	}, `SELECT game_id, idx, source_id, seconds, image, data FROM live_quiz_questions
		WHERE game_id = $1 ORDER BY idx`, gameID)
}

// SetGameState compares the version and saves st.
func (s *DB) SetGameState(ctx context.Context, gameID int64, st lms.GameState, now time.Time) (lms.GameState, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE live_quiz_games SET phase = $3, idx = $4, opened_at = $5, closes_at = $6,
		paused_at = $7, version = version + 1, updated_at = $8 WHERE id = $1 AND version = $2`,
		gameID, st.Version, string(st.Phase), st.Index, toMS(st.OpenedAt), toMS(st.ClosesAt), toMS(st.PausedAt), toMS(now))
	if err != nil {
		return st, s.wrap(err, "set game state")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return st, s.wrap(err, "set game state")
	}
	if n == 0 {
		if _, err := s.GameByID(ctx, gameID); err != nil {
			return st, err
		}
		return st, lms.Errorf(lms.ECONFLICT, "The game was changed meanwhile.")
	}
	st.Version++
	st.OpenedAt, st.ClosesAt, st.PausedAt = normalize(st.OpenedAt), normalize(st.ClosesAt), normalize(st.PausedAt)
	return st, nil
}

const playerCols = `id, game_id, user_id, nickname, team, token_hash, joined_at, removed_at`

func scanPlayer(sc scanner) (*lms.GamePlayer, error) {
	var (
		p               lms.GamePlayer
		joined, removed int64
	)
	if err := sc.Scan(&p.ID, &p.GameID, &p.UserID, &p.Nickname, &p.Team, &p.TokenHash, &joined, &removed); err != nil {
		return nil, err
	}
	if len(p.TokenHash) == 0 {
		p.TokenHash = nil
	}
	p.JoinedAt, p.RemovedAt = fromMS(joined), fromMS(removed)
	return &p, nil
}

// AddPlayer inserts p.
func (s *DB) AddPlayer(ctx context.Context, p *lms.GamePlayer) error {
	var hash any
	if len(p.TokenHash) > 0 {
		hash = p.TokenHash
	}
	p.JoinedAt = normalize(p.JoinedAt)
	err := s.q.QueryRowContext(ctx, `INSERT INTO live_quiz_players (game_id, user_id, nickname, nickname_key, team,
		token_hash, joined_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		p.GameID, p.UserID, p.Nickname, lms.NicknameKey(p.Nickname), p.Team, hash, toMS(p.JoinedAt)).Scan(&p.ID)
	if err != nil {
		if lms.IsCode(s.wrap(err, ""), lms.ECONFLICT) {
			if c, _ := s.dialect.UniqueViolation(err); strings.Contains(strings.ToLower(c), "nickname") {
				return &lms.Error{Code: lms.ECONFLICT, Field: "nickname", Message: "This nickname is already taken in this game."}
			}
			return lms.Errorf(lms.ECONFLICT, "You already play in this game.")
		}
		return s.wrapFK(err, "add player", "game")
	}
	return nil
}

// GamePlayer returns a player of the game.
func (s *DB) GamePlayer(ctx context.Context, gameID, playerID int64) (*lms.GamePlayer, error) {
	p, err := scanPlayer(s.q.QueryRowContext(ctx, `SELECT `+playerCols+` FROM live_quiz_players
		WHERE game_id = $1 AND id = $2`, gameID, playerID))
	if err != nil {
		return nil, s.notFound(err, "player")
	}
	return p, nil
}

// PlayerByUser returns the user's player in the game.
func (s *DB) PlayerByUser(ctx context.Context, gameID, userID int64) (*lms.GamePlayer, error) {
	p, err := scanPlayer(s.q.QueryRowContext(ctx, `SELECT `+playerCols+` FROM live_quiz_players
		WHERE game_id = $1 AND user_id = $2 AND user_id <> 0`, gameID, userID))
	if err != nil {
		return nil, s.notFound(err, "player")
	}
	return p, nil
}

// PlayerByTokenHash returns the guest player holding the token.
func (s *DB) PlayerByTokenHash(ctx context.Context, hash []byte) (*lms.GamePlayer, error) {
	if len(hash) == 0 {
		return nil, lms.Errorf(lms.ENOTFOUND, "player not found")
	}
	p, err := scanPlayer(s.q.QueryRowContext(ctx, `SELECT `+playerCols+` FROM live_quiz_players WHERE token_hash = $1`, hash))
	if err != nil {
		return nil, s.notFound(err, "player")
	}
	return p, nil
}

// GamePlayers returns the game's players by id.
func (s *DB) GamePlayers(ctx context.Context, gameID int64) ([]*lms.GamePlayer, error) {
	return queryList(ctx, s, "list players", scanPlayer,
		`SELECT `+playerCols+` FROM live_quiz_players WHERE game_id = $1 ORDER BY id`, gameID)
}

// CountPlayers returns how many players of the game are not removed.
func (s *DB) CountPlayers(ctx context.Context, gameID int64) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM live_quiz_players WHERE game_id = $1 AND removed_at = 0`,
		gameID).Scan(&n)
	return n, s.wrap(err, "count players")
}

// RemovePlayer marks the player removed.
func (s *DB) RemovePlayer(ctx context.Context, gameID, playerID int64, at time.Time) error {
	if _, err := s.GamePlayer(ctx, gameID, playerID); err != nil {
		return err
	}
	_, err := s.q.ExecContext(ctx, `UPDATE live_quiz_players SET removed_at = $3 WHERE game_id = $1 AND id = $2
		AND removed_at = 0`, gameID, playerID, toMS(at))
	return s.wrap(err, "remove player")
}

const answerCols = `id, game_id, idx, player_id, idem_key, response, fraction, points, elapsed_ms, received_at`

func scanAnswer(sc scanner) (*lms.GameAnswer, error) {
	var (
		a        lms.GameAnswer
		resp     string
		received int64
	)
	if err := sc.Scan(&a.ID, &a.GameID, &a.Index, &a.PlayerID, &a.Key, &resp, &a.Fraction, &a.Points, &a.ElapsedMS,
		&received); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(resp), &a.Response); err != nil {
		return nil, fmt.Errorf("answer %d: %w", a.ID, err)
	}
	a.ReceivedAt = fromMS(received)
	return &a, nil
}

// SaveAnswer stores a once.
func (s *DB) SaveAnswer(ctx context.Context, a *lms.GameAnswer) (*lms.GameAnswer, bool, error) {
	resp, err := json.Marshal(a.Response)
	if err != nil {
		return nil, false, fmt.Errorf("encode answer: %w", err)
	}
	a.ReceivedAt = normalize(a.ReceivedAt)
	var id int64
	err = s.q.QueryRowContext(ctx, `INSERT INTO live_quiz_answers (game_id, idx, player_id, idem_key, response, fraction,
		points, elapsed_ms, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT DO NOTHING RETURNING id`,
		a.GameID, a.Index, a.PlayerID, a.Key, string(resp), a.Fraction, a.Points, a.ElapsedMS, toMS(a.ReceivedAt)).Scan(&id)
	switch {
	case err == nil:
		a.ID = id
		return a, true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, false, s.wrapFK(err, "save answer", "game or player")
	}
	// Stored already: by the question (a second answer) or by the key
	// (a retry, possibly naming another question).
	old, err := scanAnswer(s.q.QueryRowContext(ctx, `SELECT `+answerCols+` FROM live_quiz_answers
		WHERE game_id = $1 AND player_id = $2 AND (idx = $3 OR idem_key = $4) ORDER BY (idem_key = $4) DESC LIMIT 1`,
		a.GameID, a.PlayerID, a.Index, a.Key))
	if err != nil {
		return nil, false, s.notFound(err, "answer")
	}
	return old, false, nil
}

// GameAnswers returns the game's answers by index and id.
func (s *DB) GameAnswers(ctx context.Context, gameID int64) ([]*lms.GameAnswer, error) {
	return s.answers(ctx, `WHERE game_id = $1 ORDER BY idx, id`, gameID)
}

// QuestionAnswers returns the answers to one question by id.
func (s *DB) QuestionAnswers(ctx context.Context, gameID int64, index int) ([]*lms.GameAnswer, error) {
	return s.answers(ctx, `WHERE game_id = $1 AND idx = $2 ORDER BY id`, gameID, index)
}

// PlayerAnswers returns one player's answers by index.
func (s *DB) PlayerAnswers(ctx context.Context, gameID, playerID int64) ([]*lms.GameAnswer, error) {
	return s.answers(ctx, `WHERE game_id = $1 AND player_id = $2 ORDER BY idx`, gameID, playerID)
}

func (s *DB) answers(ctx context.Context, where string, args ...any) ([]*lms.GameAnswer, error) {
	return queryList(ctx, s, "list answers", scanAnswer, `SELECT `+answerCols+` FROM live_quiz_answers `+where, args...)
}

// CountAnswers returns how many players answered the question.
func (s *DB) CountAnswers(ctx context.Context, gameID int64, index int) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM live_quiz_answers WHERE game_id = $1 AND idx = $2`,
		gameID, index).Scan(&n)
	return n, s.wrap(err, "count answers")
}
