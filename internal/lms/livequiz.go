package lms

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Live quiz limits.
const (
	MaxGameQuestions   = 100             // questions in one game
	MaxNicknameChars   = 20              // a player's nickname
	MinQuestionSeconds = 5               // shortest time limit of one question
	MaxQuestionSeconds = 600             // longest time limit of one question
	DefaultGamePoints  = 1000            // points of a fully correct answer
	MaxGamePoints      = 10_000          // largest Points setting
	MaxGameTeams       = 20              // teams in random team mode
	MaxGamePlayers     = 5000            // players of one game (removed ones included)
	MaxGameAnswerBytes = 4 << 10         // one answer's stored response (JSON)
	MaxWordCloudChars  = 40              // one word-cloud entry
	GamePINDigits      = 6               // digits of a guest PIN
	MaxGameExtend      = 5 * time.Minute // one "extend" adds at most this much
)

// GamePhase is where a live quiz game stands. The values are stored and
// are part of the API and protocol: never rename one.
type GamePhase string

// Game phases, in the order a game goes through them. After results the
// instructor may show the leaderboard or go straight to the next question.
const (
	PhaseLobby       GamePhase = "lobby"       // players join; no question shown yet
	PhaseOpen        GamePhase = "open"        // the current question takes answers (unless paused)
	PhaseResults     GamePhase = "results"     // answers closed: distribution and correct answer shown
	PhaseLeaderboard GamePhase = "leaderboard" // the standings after the current question
	PhaseFinished    GamePhase = "finished"    // the game is over: podium and per-player results
)

// Valid reports whether p is a known phase.
func (p GamePhase) Valid() bool {
	switch p {
	case PhaseLobby, PhaseOpen, PhaseResults, PhaseLeaderboard, PhaseFinished:
		return true
	}
	return false
}

// ScoringMode says how a correct answer scores.
type ScoringMode string

// Scoring modes (see docs/livequiz.md for the formulas).
const (
	ScoreAccuracy ScoringMode = "accuracy" // Points × credit
	ScoreSpeed    ScoringMode = "speed"    // Points × credit × (1 − elapsed/limit ÷ 2)
)

// TeamMode says how players are put into teams.
type TeamMode string

// Team modes.
const (
	TeamsNone   TeamMode = ""       // every player for themself
	TeamsGroups TeamMode = "groups" // a course member's team is their course group; guests form team 0
	TeamsRandom TeamMode = "random" // players are dealt round-robin into TeamCount teams as they join
)

// GameSettings are a game's rules, chosen by the instructor before it
// starts.
type GameSettings struct {
	Scoring   ScoringMode `json:"scoring"`
	Points    int         `json:"points"`              // full marks of one question (0: DefaultGamePoints)
	Streak    bool        `json:"streak"`              // add a streak bonus (docs/livequiz.md)
	Teams     TeamMode    `json:"teams,omitempty"`     // "" (none), groups, random
	TeamCount int         `json:"team_count"`          // random mode: 2..MaxGameTeams
	Guests    bool        `json:"guests"`              // anyone with the PIN may join with a nickname
	Graded    bool        `json:"graded"`              // results go to the gradebook as a graded item
	AutoClose bool        `json:"auto_close"`          // close a question as soon as every player answered
	MaxPoints float64     `json:"max_points,omitzero"` // the gradebook item's maximum (0: the game's maximum score)
}

// Normalize fills defaults.
func (s *GameSettings) Normalize() {
	if s.Scoring == "" {
		s.Scoring = ScoreSpeed
	}
	if s.Points == 0 {
		s.Points = DefaultGamePoints
	}
	if s.Teams != TeamsRandom {
		s.TeamCount = 0
	}
}

// Validate checks the settings (after Normalize).
func (s *GameSettings) Validate() error {
	switch {
	case s.Scoring != ScoreAccuracy && s.Scoring != ScoreSpeed:
		return FieldError("scoring", "Scoring must be accuracy or speed.")
	case s.Points < 1 || s.Points > MaxGamePoints:
		return FieldError("points", "Points must be between 1 and %d.", MaxGamePoints)
	case s.Teams != TeamsNone && s.Teams != TeamsGroups && s.Teams != TeamsRandom:
		return FieldError("teams", "Teams must be none, groups or random.")
	case s.Teams == TeamsRandom && (s.TeamCount < 2 || s.TeamCount > MaxGameTeams):
		return FieldError("team_count", "Random teams need between 2 and %d teams.", MaxGameTeams)
	case s.MaxPoints < 0 || (s.MaxPoints > 0 && !ValidPoints(s.MaxPoints)):
		return FieldError("max_points", "The gradebook maximum must be more than 0 and at most %d.", MaxAssignmentPoints)
	}
	return nil
}

// GameState is the live part of a game, stored with a version that every
// change compares and increments (compare-and-set), so two instructor tabs
// or two nodes cannot advance the same game twice.
type GameState struct {
	Phase GamePhase `json:"phase"`
	// Index is the current question (0-based); -1 in the lobby.
	Index int `json:"index"`
	// OpenedAt and ClosesAt bound the current question (server time).
	// ClosesAt moves with extend and pause; zero outside PhaseOpen except
	// that results keep the times the question ran with.
	OpenedAt time.Time `json:"opened_at,omitzero"`
	ClosesAt time.Time `json:"closes_at,omitzero"`
	// PausedAt is set while the open question is paused: its countdown is
	// frozen with ClosesAt − PausedAt left, and resuming moves ClosesAt on
	// by the pause.
	PausedAt time.Time `json:"paused_at,omitzero"`
	Version  int64     `json:"version"`
}

// Paused reports whether the open question is paused.
func (s GameState) Paused() bool { return !s.PausedAt.IsZero() }

// Game is one live quiz in a room.
type Game struct {
	ID       int64  `json:"id"`
	RoomID   int64  `json:"room_id"`
	CourseID int64  `json:"course_id"`
	OwnerID  int64  `json:"owner_id"`
	Title    string `json:"title"`
	// PIN is the 6-digit guest PIN, "" when guests may not join. It is
	// unique among games that are not finished.
	PIN       string       `json:"pin,omitempty"`
	Settings  GameSettings `json:"settings"`
	State     GameState    `json:"state"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// Validate checks the game's own fields (not its state).
func (g *Game) Validate() error {
	if err := CheckText("title", g.Title, MaxTitleChars, true); err != nil {
		return err
	}
	if g.PIN != "" && !ValidGamePIN(g.PIN) {
		return FieldError("pin", "A PIN has %d digits.", GamePINDigits)
	}
	return g.Settings.Validate()
}

// ValidGamePIN reports whether pin is GamePINDigits ASCII digits.
func ValidGamePIN(pin string) bool {
	if len(pin) != GamePINDigits {
		return false
	}
	for _, c := range pin {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Live-only question kinds: a game question is of a bank QuestionType
// (single, multiple, truefalse, shortanswer, numerical, ordering) or one of
// these ungraded kinds.
const (
	QPoll      QuestionType = "poll"      // pick one option; nothing is right or wrong
	QWordCloud QuestionType = "wordcloud" // type a word; entries are aggregated live
)

// LiveQuestionTypes are the kinds a game question may be.
var LiveQuestionTypes = []QuestionType{QSingle, QMultiple, QTrueFalse, QShortAnswer, QNumerical, QOrdering,
	QPoll, QWordCloud}

// GameQuestion is a snapshot of one question of a game, taken when the
// question was picked: editing the bank later does not change a game.
type GameQuestion struct {
	GameID int64 `json:"game_id"`
	Index  int   `json:"index"` // 0-based position in the game
	// Question is the snapshot. For QPoll only Body.Choice (the options,
	// fractions ignored) and TextMD matter; for QWordCloud only TextMD.
	Question  Question `json:"question"`
	SourceID  int64    `json:"source_id,omitzero"` // the bank question it came from, 0 if typed on the spot
	Seconds   int      `json:"seconds"`            // time limit
	ImagePath string   `json:"image_path,omitempty"`
}

// Ungraded reports whether the question scores nothing (poll, word cloud).
func (q *GameQuestion) Ungraded() bool {
	return q.Question.Type == QPoll || q.Question.Type == QWordCloud
}

// Validate checks the question's kind, limit and (for graded kinds) the
// bank question rules.
func (q *GameQuestion) Validate() error {
	ok := false
	for _, k := range LiveQuestionTypes {
		ok = ok || q.Question.Type == k
	}
	if !ok {
		return FieldError("type", "A live quiz cannot ask a %q question.", q.Question.Type)
	}
	if q.Seconds < MinQuestionSeconds || q.Seconds > MaxQuestionSeconds {
		return FieldError("seconds", "The time limit must be between %d and %d seconds.", MinQuestionSeconds, MaxQuestionSeconds)
	}
	switch q.Question.Type {
	case QPoll:
		if err := checkMD("text_md", "question", q.Question.TextMD, true); err != nil {
			return err
		}
		c := q.Question.Body.Choice
		if c == nil || len(c.Choices) < 2 || len(c.Choices) > MaxChoices {
			return FieldError("body.choice", "A poll needs between 2 and %d options.", MaxChoices)
		}
		for _, ch := range c.Choices {
			if !ValidAnswerID(ch.ID) {
				return FieldError("body.choice", "Each option needs a valid id.")
			}
			if err := checkMD("body.choice", "option", ch.TextMD, true); err != nil {
				return err
			}
		}
		return nil
	case QWordCloud:
		return checkMD("text_md", "question", q.Question.TextMD, true)
	}
	return q.Question.Validate()
}

// GamePlayer is one player of a game: a course member (UserID) or a guest
// (UserID 0, TokenHash: the hash of the resume token the guest keeps).
type GamePlayer struct {
	ID        int64     `json:"id"`
	GameID    int64     `json:"game_id"`
	UserID    int64     `json:"user_id,omitzero"`
	Nickname  string    `json:"nickname"`
	Team      int       `json:"team,omitzero"` // 0: no team
	TokenHash []byte    `json:"-"`
	JoinedAt  time.Time `json:"joined_at"`
	RemovedAt time.Time `json:"removed_at,omitzero"`
}

// Guest reports whether the player joined by PIN without an account.
func (p *GamePlayer) Guest() bool { return p.UserID == 0 }

// Removed reports whether the instructor removed the player.
func (p *GamePlayer) Removed() bool { return !p.RemovedAt.IsZero() }

// CheckNickname checks a nickname: 1..MaxNicknameChars characters after
// trimming, no control characters.
func CheckNickname(nick string) error {
	n := strings.TrimSpace(nick)
	if n == "" {
		return FieldError("nickname", "Choose a nickname.")
	}
	if n != nick {
		return FieldError("nickname", "A nickname must not start or end with spaces.")
	}
	if !utf8.ValidString(n) || utf8.RuneCountInString(n) > MaxNicknameChars {
		return FieldError("nickname", "A nickname is at most %d characters long.", MaxNicknameChars)
	}
	return CheckText("nickname", n, MaxNicknameChars, true)
}

// NicknameKey is what makes two nicknames duplicates: case and inner runs
// of spaces do not count.
func NicknameKey(nick string) string {
	return strings.ToLower(strings.Join(strings.Fields(nick), " "))
}

// GameAnswer is one player's stored answer to one question: stored once
// (unique per game, question and player) before it is acknowledged.
type GameAnswer struct {
	ID       int64  `json:"id"`
	GameID   int64  `json:"game_id"`
	Index    int    `json:"index"`
	PlayerID int64  `json:"player_id"`
	Key      string `json:"key"` // the client's idempotency key
	// Response is what was answered, in the question's stored ids. A poll
	// answer is Choices (one option id); a word-cloud answer is Text.
	Response Response `json:"response"`
	Fraction float64  `json:"fraction"` // credit 0..1 (0 for ungraded kinds)
	// Points are the answer's points without the streak bonus (which
	// depends on the answers before it and is added when scores are
	// computed).
	Points     float64   `json:"points"`
	ElapsedMS  int64     `json:"elapsed_ms"` // from the question's opening to the answer's receipt
	ReceivedAt time.Time `json:"received_at"`
}

// MaxIdempotencyKeyChars bounds a client's idempotency key.
const MaxIdempotencyKeyChars = 64

// CheckIdempotencyKey checks a client idempotency key: 1..64 printable
// ASCII characters.
func CheckIdempotencyKey(k string) error {
	if k == "" || len(k) > MaxIdempotencyKeyChars {
		return FieldError("key", "An answer needs a key of 1 to %d characters.", MaxIdempotencyKeyChars)
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return FieldError("key", "An answer key is printable ASCII.")
		}
	}
	return nil
}
