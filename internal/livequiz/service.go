package livequiz

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Data is what the service reads and writes: the games (store.LiveQuizzes,
// documented there), the files its questions show, and the question bank
// for picking questions.
type Data interface {
	store.LiveQuizzes
	// SetUploadRefs makes ref reference exactly uploadIDs (RefGame);
	// UploadUsableBy says whether a user may show an upload in a course.
	SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error
	UploadUsableBy(ctx context.Context, uploadID, userID, courseID int64) (bool, error)

	QuestionByID(ctx context.Context, id int64) (*lms.Question, error)
	LatestQuestion(ctx context.Context, familyID int64) (*lms.Question, error)
	QuizByID(ctx context.Context, id int64) (*lms.Quiz, error)
	UserByID(ctx context.Context, id int64) (*lms.User, error)
}

// Rooms says who a caller is in a room (course.Chat).
type Rooms interface {
	RoomAccess(ctx context.Context, actor *lms.User, roomID int64) (*lms.Room, lms.CourseRole, bool, error)
}

// Access says who a caller is in a course (course.Loader).
type Access interface {
	Load(ctx context.Context, u *lms.User, courseID int64, act lms.CourseAction) (*course.Access, error)
}

// Gradebook receives the results of graded games (grades.Service).
type Gradebook interface {
	Report(ctx context.Context, r lms.GradeResult) error
}

// Scheduler schedules the durable job that closes an open question at
// its deadline even when no node holds a timer for it (internal/jobs).
type Scheduler interface {
	Schedule(ctx context.Context, kind, key string, at time.Time, payload any) error
}

// Event says what changed in a game, for the live layer.
type Event string

// Events.
const (
	EventState   Event = "state"   // the game's state changed (phase, question, times, pause)
	EventPlayers Event = "players" // a player joined or was removed
	EventAnswer  Event = "answer"  // an answer was stored (the live layer aggregates these)
	EventDeleted Event = "deleted" // the game was deleted
)

// Notifier hears of every change, after it is stored (rooms publishes
// them). It must not block.
type Notifier interface {
	GameChanged(ctx context.Context, g *lms.Game, ev Event)
	// PlayerRemoved says the instructor removed p (the live layer ends
	// their subscriptions).
	PlayerRemoved(ctx context.Context, p *lms.GamePlayer)
}

// Params are what New needs.
type Params struct {
	Data      Data
	Rooms     Rooms
	Access    Access
	Gradebook Gradebook // nil: graded games report nothing
	Jobs      Scheduler // nil: only the live layer's timers close questions
	Clock     func() time.Time
	Logger    zerolog.Logger
}

// Service runs live quizzes.
type Service struct {
	data   Data
	rooms  Rooms
	access Access
	book   Gradebook
	jobs   Scheduler
	now    func() time.Time
	log    zerolog.Logger
	notify Notifier

	qmu    sync.Mutex
	qcache map[int64][]*lms.GameQuestion // guarded by qmu: questions of started games (they no longer change)
}

// maxCachedGames bounds the question cache (it starts afresh when full).
const maxCachedGames = 1000

// questions returns a game's questions: from the cache once the game has
// started (questions change only in the lobby).
func (s *Service) questions(ctx context.Context, g *lms.Game) ([]*lms.GameQuestion, error) {
	if g.State.Phase == lms.PhaseLobby {
		return s.data.GameQuestions(ctx, g.ID)
	}
	s.qmu.Lock()
	qs, ok := s.qcache[g.ID]
	s.qmu.Unlock()
	if ok {
		return qs, nil
	}
	qs, err := s.data.GameQuestions(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	if s.qcache == nil || len(s.qcache) >= maxCachedGames {
		s.qcache = map[int64][]*lms.GameQuestion{}
	}
	s.qcache[g.ID] = qs
	return qs, nil
}

// New returns the service.
func New(p Params) (*Service, error) {
	if p.Data == nil || p.Rooms == nil || p.Access == nil {
		return nil, errors.New("livequiz: Data, Rooms and Access are required")
	}
	if p.Clock == nil {
		p.Clock = time.Now
	}
	return &Service{data: p.Data, rooms: p.Rooms, access: p.Access, book: p.Gradebook, jobs: p.Jobs,
		now: p.Clock, log: p.Logger, notify: nopNotifier{}}, nil
}

// SetNotifier installs the live layer (built after the service).
func (s *Service) SetNotifier(n Notifier) {
	if n == nil {
		n = nopNotifier{}
	}
	s.notify = n
}

// Now is the service's clock (server time).
func (s *Service) Now() time.Time { return s.now() }

type nopNotifier struct{}

func (nopNotifier) GameChanged(context.Context, *lms.Game, Event) {}

func (nopNotifier) PlayerRemoved(context.Context, *lms.GamePlayer) {}

// QuestionInput is one question to put into a game: from the bank (the
// latest version of BankQuestionID's family), every fixed question of a
// quiz (QuizID), or typed on the spot (Question, of a live kind).
type QuestionInput struct {
	BankQuestionID int64         `json:"bank_question_id,omitzero"`
	QuizID         int64         `json:"quiz_id,omitzero"`
	Question       *lms.Question `json:"question,omitempty"`
	Seconds        int           `json:"seconds"` // 0: 20
	ImagePath      string        `json:"image_path,omitempty"`
}

// DefaultSeconds is a question's time limit when none is given.
const DefaultSeconds = 20

// CreateInput creates a game.
type CreateInput struct {
	Title     string           `json:"title"`
	Settings  lms.GameSettings `json:"settings"`
	Questions []QuestionInput  `json:"questions"`
}

// canRun loads the caller as someone who may run live quizzes in the
// course (run_live); others get EFORBIDDEN (ENOTFOUND outside).
func (s *Service) canRun(ctx context.Context, actor *lms.User, courseID int64) error {
	_, err := s.access.Load(ctx, actor, courseID, lms.ActRunLive)
	if lms.IsCode(err, lms.EFORBIDDEN) {
		return lms.Errorf(lms.EFORBIDDEN, "Only the course staff run live quizzes.")
	}
	return err
}

// Create creates a game in a room, in the lobby.
func (s *Service) Create(ctx context.Context, actor *lms.User, roomID int64, in CreateInput) (*lms.Game, []*lms.GameQuestion, error) {
	r, _, _, err := s.rooms.RoomAccess(ctx, actor, roomID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.canRun(ctx, actor, r.CourseID); err != nil {
		return nil, nil, err
	}
	in.Settings.Normalize()
	g := &lms.Game{RoomID: r.ID, CourseID: r.CourseID, OwnerID: actor.ID, Title: strings.TrimSpace(in.Title), Settings: in.Settings}
	if err := g.Validate(); err != nil {
		return nil, nil, err
	}
	qs, err := s.pick(ctx, r.CourseID, in.Questions)
	if err == nil {
		err = s.checkImages(ctx, actor, r.CourseID, qs)
	}
	if err != nil {
		return nil, nil, err
	}
	for try := 0; ; try++ {
		if g.Settings.Guests {
			g.PIN = newPIN()
		}
		err = s.data.CreateGame(ctx, g, qs, s.now())
		if !lms.IsCode(err, lms.ECONFLICT) || !g.Settings.Guests || try == 8 {
			break
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if err := s.linkUploads(ctx, g, qs); err != nil {
		return nil, nil, err
	}
	return g, qs, nil
}

// newPIN returns a random 6-digit PIN (leading zeros allowed).
func newPIN() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// pick turns the inputs into question snapshots of the course.
func (s *Service) pick(ctx context.Context, courseID int64, in []QuestionInput) ([]*lms.GameQuestion, error) {
	var out []*lms.GameQuestion
	for i, qi := range in {
		field := fmt.Sprintf("questions[%d]", i)
		secs := qi.Seconds
		if secs == 0 {
			secs = DefaultSeconds
		}
		var picked []*lms.Question
		var sources []int64
		switch {
		case qi.Question != nil && qi.BankQuestionID == 0 && qi.QuizID == 0:
			q := *qi.Question
			q.ID, q.CourseID, q.FamilyID, q.Version = 0, courseID, 0, 0
			if strings.TrimSpace(q.Title) == "" { // typed on the spot: named after its text
				q.Title = strings.TrimSpace(q.TextMD)
				if r := []rune(q.Title); len(r) > 60 {
					q.Title = strings.TrimSpace(string(r[:60]))
				}
			}
			if q.DefaultPoints == 0 {
				q.DefaultPoints = 1
			}
			picked, sources = append(picked, &q), append(sources, 0)
		case qi.BankQuestionID != 0 && qi.QuizID == 0 && qi.Question == nil:
			q, err := s.bankQuestion(ctx, courseID, qi.BankQuestionID)
			if err != nil {
				return nil, err
			}
			picked, sources = append(picked, q), append(sources, q.ID)
		case qi.QuizID != 0 && qi.BankQuestionID == 0 && qi.Question == nil:
			quiz, err := s.data.QuizByID(ctx, qi.QuizID)
			if err != nil || quiz.CourseID != courseID {
				return nil, lms.FieldError(field+".quiz_id", "No such quiz in this course.")
			}
			for _, sl := range quiz.Slots {
				if sl.FamilyID == 0 {
					continue // random slots draw per learner: a live game asks fixed questions
				}
				q, err := s.bankQuestion(ctx, courseID, sl.FamilyID)
				if err != nil {
					return nil, err
				}
				picked, sources = append(picked, q), append(sources, q.ID)
			}
		default:
			return nil, lms.FieldError(field, "Give one of bank_question_id, quiz_id or question.")
		}
		for j, q := range picked {
			gq := &lms.GameQuestion{Question: *q, SourceID: sources[j], Seconds: secs, ImagePath: qi.ImagePath}
			if err := gq.Validate(); err != nil {
				var e *lms.Error
				if errors.As(err, &e) {
					e2 := *e
					e2.Field = field + "." + e.Field
					return nil, &e2
				}
				return nil, err
			}
			out = append(out, gq)
		}
	}
	if len(out) > lms.MaxGameQuestions {
		return nil, lms.FieldError("questions", "A game has at most %d questions.", lms.MaxGameQuestions)
	}
	return out, nil
}

// bankQuestion returns the latest version of a bank question's family,
// which must belong to the course.
func (s *Service) bankQuestion(ctx context.Context, courseID, id int64) (*lms.Question, error) {
	q, err := s.data.QuestionByID(ctx, id)
	if err == nil && q.FamilyID != 0 {
		if latest, lerr := s.data.LatestQuestion(ctx, q.FamilyID); lerr == nil {
			q = latest
		}
	}
	if err != nil || q.CourseID != courseID {
		if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
			return nil, err
		}
		return nil, lms.FieldError("bank_question_id", "No such question in this course's bank.")
	}
	return q, nil
}

// SetQuestions replaces the questions of a game still in the lobby.
func (s *Service) SetQuestions(ctx context.Context, actor *lms.User, gameID int64, in []QuestionInput) ([]*lms.GameQuestion, error) {
	g, err := s.staffGame(ctx, actor, gameID)
	if err != nil {
		return nil, err
	}
	if g.State.Phase != lms.PhaseLobby {
		return nil, lms.Errorf(lms.ECONFLICT, "Questions can only change before the game starts.")
	}
	qs, err := s.pick(ctx, g.CourseID, in)
	if err == nil {
		err = s.checkImages(ctx, actor, g.CourseID, qs)
	}
	if err != nil {
		return nil, err
	}
	if err := s.data.SetGameQuestions(ctx, g.ID, qs); err != nil {
		return nil, err
	}
	if err := s.linkUploads(ctx, g, qs); err != nil {
		return nil, err
	}
	return qs, nil
}

// staffGame returns the game for someone who may run it.
func (s *Service) staffGame(ctx context.Context, actor *lms.User, gameID int64) (*lms.Game, error) {
	g, err := s.memberGame(ctx, actor, gameID)
	if err != nil {
		return nil, err
	}
	if err := s.canRun(ctx, actor, g.CourseID); err != nil {
		return nil, err
	}
	return g, nil
}

// memberGame returns the game for a member of its room (ENOTFOUND for
// anyone else).
func (s *Service) memberGame(ctx context.Context, actor *lms.User, gameID int64) (*lms.Game, error) {
	g, err := s.data.GameByID(ctx, gameID)
	if err != nil {
		return nil, err
	}
	if _, _, _, err := s.rooms.RoomAccess(ctx, actor, g.RoomID); err != nil {
		if lms.IsCode(err, lms.EFORBIDDEN) {
			return nil, lms.Errorf(lms.ENOTFOUND, "game not found")
		}
		return nil, err
	}
	return g, nil
}

// CanRun reports whether actor may run the game (for the live layer).
func (s *Service) CanRun(ctx context.Context, actor *lms.User, g *lms.Game) bool {
	return s.canRun(ctx, actor, g.CourseID) == nil
}

// List returns a room's games for its members.
func (s *Service) List(ctx context.Context, actor *lms.User, roomID int64) ([]*lms.Game, error) {
	if _, _, _, err := s.rooms.RoomAccess(ctx, actor, roomID); err != nil {
		return nil, err
	}
	return s.data.RoomGames(ctx, roomID)
}

// Game returns a game and whether the caller may run it.
func (s *Service) Game(ctx context.Context, actor *lms.User, gameID int64) (*lms.Game, bool, error) {
	g, err := s.memberGame(ctx, actor, gameID)
	if err != nil {
		return nil, false, err
	}
	return g, s.CanRun(ctx, actor, g), nil
}

// Questions returns a game's questions, with answers, for its staff.
func (s *Service) Questions(ctx context.Context, actor *lms.User, gameID int64) ([]*lms.GameQuestion, error) {
	if _, err := s.staffGame(ctx, actor, gameID); err != nil {
		return nil, err
	}
	return s.data.GameQuestions(ctx, gameID)
}

// Delete deletes a game with its players and answers (its gradebook
// column, if any, stays).
func (s *Service) Delete(ctx context.Context, actor *lms.User, gameID int64) error {
	g, err := s.staffGame(ctx, actor, gameID)
	if err != nil {
		return err
	}
	if err := s.data.DeleteGame(ctx, gameID); err != nil {
		return err
	}
	if err := s.data.SetUploadRefs(ctx, g.CourseID, gameRef(g.ID), nil); err != nil {
		s.log.Warn().Err(err).Int64("game", g.ID).Msg("drop a deleted game's file references (the sweep keeps its files)")
	}
	s.notify.GameChanged(ctx, g, EventDeleted)
	return nil
}

// Players returns the game's players (removed ones too).
func (s *Service) Players(ctx context.Context, gameID int64) ([]*lms.GamePlayer, error) {
	return s.data.GamePlayers(ctx, gameID)
}

// GameByID returns a game without access checks (for the live layer,
// which checked the caller already, and for jobs).
func (s *Service) GameByID(ctx context.Context, id int64) (*lms.Game, error) {
	return s.data.GameByID(ctx, id)
}

// PlayerOf returns the user's player in the game (ENOTFOUND if they did
// not join).
func (s *Service) PlayerOf(ctx context.Context, gameID, userID int64) (*lms.GamePlayer, error) {
	return s.data.PlayerByUser(ctx, gameID, userID)
}

// Player returns a player of the game (ENOTFOUND if none).
func (s *Service) Player(ctx context.Context, gameID, playerID int64) (*lms.GamePlayer, error) {
	return s.data.GamePlayer(ctx, gameID, playerID)
}
