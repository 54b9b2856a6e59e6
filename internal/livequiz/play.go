package livequiz

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Join makes a course member a player of the game (or returns their
// player when they joined before: joining is how a member resumes). The
// nickname defaults to the member's name.
func (s *Service) Join(ctx context.Context, actor *lms.User, gameID int64, nickname string) (*lms.GamePlayer, *lms.Game, error) {
	g, err := s.memberGame(ctx, actor, gameID)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.data.PlayerByUser(ctx, g.ID, actor.ID)
	if err == nil {
		if p.Removed() {
			return nil, nil, refusal(lms.EFORBIDDEN, ReasonRemoved, "The instructor removed you from this game.")
		}
		return p, g, nil
	}
	if !lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, err
	}
	if g.State.Phase == lms.PhaseFinished {
		return nil, nil, lms.Errorf(lms.ECONFLICT, "This game is over.")
	}
	if nickname == "" {
		nickname = actor.Name
		if nickname == "" {
			nickname = actor.Username
		}
		if r := []rune(nickname); len(r) > lms.MaxNicknameChars {
			nickname = strings.TrimSpace(string(r[:lms.MaxNicknameChars]))
		}
	}
	p = &lms.GamePlayer{GameID: g.ID, UserID: actor.ID, Nickname: nickname, JoinedAt: s.now()}
	if g.Settings.Teams == lms.TeamsGroups {
		// The member's course group is their team (none: no team).
		if acc, err := s.access.Load(ctx, actor, g.CourseID, lms.ActViewContent); err == nil && acc.Enrollment != nil {
			p.Team = int(acc.Enrollment.GroupID)
		}
	}
	if err := s.addPlayer(ctx, g, p); err != nil {
		return nil, nil, err
	}
	return p, g, nil
}

// GuestJoin makes a guest a player of the unfinished game with the PIN.
// It returns the guest's resume token (shown once: only its hash is
// stored).
func (s *Service) GuestJoin(ctx context.Context, pin, nickname string) (*lms.GamePlayer, *lms.Game, string, error) {
	if !lms.ValidGamePIN(pin) {
		return nil, nil, "", lms.FieldError("pin", "A PIN has %d digits.", lms.GamePINDigits)
	}
	g, err := s.data.GameByPIN(ctx, pin)
	if err != nil || !g.Settings.Guests {
		if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
			return nil, nil, "", err
		}
		return nil, nil, "", &lms.Error{Code: lms.ENOTFOUND, Field: "pin", Message: "No game with this PIN is running."}
	}
	token := newToken()
	p := &lms.GamePlayer{GameID: g.ID, Nickname: nickname, TokenHash: HashToken(token), JoinedAt: s.now()}
	if err := s.addPlayer(ctx, g, p); err != nil {
		return nil, nil, "", err
	}
	return p, g, token, nil
}

// GuestPlayer returns the guest player holding token and their game
// (ENOTFOUND for an unknown token; EFORBIDDEN once removed).
func (s *Service) GuestPlayer(ctx context.Context, token string) (*lms.GamePlayer, *lms.Game, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, lms.Errorf(lms.EUNAUTHORIZED, "Join the game with its PIN first.")
	}
	p, err := s.data.PlayerByTokenHash(ctx, HashToken(token))
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, lms.Errorf(lms.EUNAUTHORIZED, "Join the game with its PIN first.")
	}
	if err != nil {
		return nil, nil, err
	}
	if p.Removed() {
		return nil, nil, refusal(lms.EFORBIDDEN, ReasonRemoved, "The instructor removed you from this game.")
	}
	g, err := s.data.GameByID(ctx, p.GameID)
	if err != nil {
		return nil, nil, err
	}
	return p, g, nil
}

// HashToken is the stored hash of a guest token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return "lqg_" + base64.RawURLEncoding.EncodeToString(b)
}

// addPlayer checks the nickname and the player count, deals the team and
// stores the player.
func (s *Service) addPlayer(ctx context.Context, g *lms.Game, p *lms.GamePlayer) error {
	if err := lms.CheckNickname(p.Nickname); err != nil {
		return err
	}
	players, err := s.data.GamePlayers(ctx, g.ID)
	if err != nil {
		return err
	}
	if len(players) >= lms.MaxGamePlayers {
		return lms.Errorf(lms.ECONFLICT, "This game is full.")
	}
	if g.Settings.Teams == lms.TeamsRandom && g.Settings.TeamCount > 0 {
		p.Team = len(players)%g.Settings.TeamCount + 1
	}
	if err := s.data.AddPlayer(ctx, p); err != nil {
		return err
	}
	s.notify.GameChanged(ctx, g, EventPlayers)
	return nil
}

// AnswerInput is one answer: to question Index, with the client's
// idempotency key. Response is in the ids the player was shown (they are
// the stored ids: live questions are not shuffled per player).
type AnswerInput struct {
	Index    int             `json:"index"`
	Key      string          `json:"key"`
	Response json.RawMessage `json:"response"`
}

// Answered is the outcome of an answer: the stored answer and whether
// this call stored it (false: a retry of the same key).
type Answered struct {
	Answer *lms.GameAnswer
	Stored bool
}

// Answer stores a player's answer once, before it is acknowledged. The
// server's clock decides whether it is in time (CheckAnswerTime, with
// the player's measured one-way delay oneWay, -1 if unknown); a retry
// with the same key returns the stored answer.
func (s *Service) Answer(ctx context.Context, p *lms.GamePlayer, in AnswerInput, oneWay time.Duration) (*Answered, error) {
	now := s.now()
	if err := lms.CheckIdempotencyKey(in.Key); err != nil {
		return nil, refusal(lms.EINVALID, ReasonMalformed, "An answer needs a key of 1 to 64 printable characters.")
	}
	if len(in.Response) > lms.MaxGameAnswerBytes {
		return nil, refusal(lms.ETOOLARGE, ReasonMalformed, "The answer is too long.")
	}
	cur, err := s.data.GamePlayer(ctx, p.GameID, p.ID)
	if err != nil {
		return nil, err
	}
	if cur.Removed() {
		return nil, refusal(lms.EFORBIDDEN, ReasonRemoved, "The instructor removed you from this game.")
	}
	g, err := s.data.GameByID(ctx, p.GameID)
	if err != nil {
		return nil, err
	}
	qs, err := s.questions(ctx, g)
	if err != nil {
		return nil, err
	}
	elapsed, terr := CheckAnswerTime(g.State, len(qs), in.Index, now, oneWay)
	if terr != nil {
		// A retry of a stored answer is acknowledged again, even late.
		if old, ok := s.storedAnswer(ctx, p, in); ok {
			return &Answered{Answer: old}, nil
		}
		return nil, terr
	}
	q := qs[in.Index]
	k, err := newKit(q)
	if err != nil {
		return nil, err
	}
	resp, fraction, err := k.Grade(in.Response)
	if err != nil {
		return nil, err
	}
	a := &lms.GameAnswer{GameID: g.ID, Index: in.Index, PlayerID: p.ID, Key: in.Key, Response: resp, Fraction: fraction,
		ElapsedMS: elapsed.Milliseconds(), ReceivedAt: now}
	if !q.Ungraded() {
		a.Points = AnswerPoints(g.Settings, fraction, elapsed, g.State.ClosesAt.Sub(g.State.OpenedAt))
	}
	stored, created, err := s.data.SaveAnswer(ctx, a)
	if err != nil {
		return nil, err
	}
	if !created && stored.Key != in.Key {
		return nil, refusal(lms.ECONFLICT, ReasonAnswered, "You already answered this question.")
	}
	if created {
		s.notify.GameChanged(ctx, g, EventAnswer)
		if g.Settings.AutoClose {
			s.closeIfAllAnswered(ctx, g)
		}
	}
	return &Answered{Answer: stored, Stored: created}, nil
}

// storedAnswer returns the player's stored answer with in's key.
func (s *Service) storedAnswer(ctx context.Context, p *lms.GamePlayer, in AnswerInput) (*lms.GameAnswer, bool) {
	mine, err := s.data.PlayerAnswers(ctx, p.GameID, p.ID)
	if err != nil {
		return nil, false
	}
	for _, a := range mine {
		if a.Key == in.Key {
			return a, true
		}
	}
	return nil, false
}
