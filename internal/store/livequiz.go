package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// LiveQuizzes stores live quiz games, their question snapshots, players
// and answers. A game's state changes only by compare-and-set on its
// version, so of two concurrent changes (two instructor tabs, two nodes
// closing at the deadline) exactly one wins.
type LiveQuizzes interface {
	// CreateGame inserts g (in the lobby, version 1) with its questions
	// (their GameID and Index are set) and sets g.ID, State, CreatedAt
	// and UpdatedAt (= now). A PIN already used by an unfinished game is
	// ECONFLICT.
	CreateGame(ctx context.Context, g *lms.Game, qs []*lms.GameQuestion, now time.Time) error
	// GameByID returns the game (ENOTFOUND if none).
	GameByID(ctx context.Context, id int64) (*lms.Game, error)
	// GameByPIN returns the unfinished game with the PIN (ENOTFOUND if none).
	GameByPIN(ctx context.Context, pin string) (*lms.Game, error)
	// RoomGames returns a room's games, newest first, at most MaxRoomGames.
	RoomGames(ctx context.Context, roomID int64) ([]*lms.Game, error)
	// DeleteGame removes the game with its questions, players and answers.
	DeleteGame(ctx context.Context, id int64) error
	// SetGameQuestions replaces the game's questions (ENOTFOUND if no game).
	SetGameQuestions(ctx context.Context, gameID int64, qs []*lms.GameQuestion) error
	// GameQuestions returns the game's questions by index.
	GameQuestions(ctx context.Context, gameID int64) ([]*lms.GameQuestion, error)
	// SetGameState saves st as the game's state if its stored version is
	// still st.Version, and returns the saved state (version + 1). A
	// stale version is ECONFLICT; no game is ENOTFOUND.
	SetGameState(ctx context.Context, gameID int64, st lms.GameState, now time.Time) (lms.GameState, error)

	// AddPlayer inserts p and sets p.ID. A nickname taken in the game
	// (same NicknameKey) or a user already playing is ECONFLICT (field
	// "nickname" for the nickname).
	AddPlayer(ctx context.Context, p *lms.GamePlayer) error
	// GamePlayer returns a player of the game (ENOTFOUND if none).
	GamePlayer(ctx context.Context, gameID, playerID int64) (*lms.GamePlayer, error)
	// PlayerByUser returns the user's player in the game (ENOTFOUND if none).
	PlayerByUser(ctx context.Context, gameID, userID int64) (*lms.GamePlayer, error)
	// PlayerByTokenHash returns the guest player holding the token.
	PlayerByTokenHash(ctx context.Context, hash []byte) (*lms.GamePlayer, error)
	// GamePlayers returns the game's players (removed ones too) by id.
	GamePlayers(ctx context.Context, gameID int64) ([]*lms.GamePlayer, error)
	// CountPlayers returns how many players of the game are not removed.
	CountPlayers(ctx context.Context, gameID int64) (int, error)
	// RemovePlayer sets the player's RemovedAt (a no-op once set;
	// ENOTFOUND if the game has no such player).
	RemovePlayer(ctx context.Context, gameID, playerID int64, at time.Time) error

	// SaveAnswer stores a once: when the player already answered the
	// question it stores nothing and returns the stored answer with
	// created false (the caller compares keys: the same key is a retry,
	// another one a second answer). It sets a.ID when created.
	SaveAnswer(ctx context.Context, a *lms.GameAnswer) (stored *lms.GameAnswer, created bool, err error)
	// GameAnswers returns the game's answers ordered by index and id.
	GameAnswers(ctx context.Context, gameID int64) ([]*lms.GameAnswer, error)
	// QuestionAnswers returns the answers to one question ordered by id.
	QuestionAnswers(ctx context.Context, gameID int64, index int) ([]*lms.GameAnswer, error)
	// PlayerAnswers returns one player's answers ordered by index.
	PlayerAnswers(ctx context.Context, gameID, playerID int64) ([]*lms.GameAnswer, error)
	// CountAnswers returns how many players answered the question.
	CountAnswers(ctx context.Context, gameID int64, index int) (int, error)
}

// MaxRoomGames bounds one RoomGames answer.
const MaxRoomGames = 200
