package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newGame creates a game in a new room of a new course with two questions.
func newGame(t *testing.T, s store.Store, pin string) (*lms.Game, []*lms.GameQuestion) {
	t.Helper()
	c := newCourse(t, s, "quiz"+pin, 0)
	r := newRoom(t, s, c, "main", true)
	g := &lms.Game{RoomID: r.ID, CourseID: c.ID, OwnerID: 7, Title: "Friday quiz", PIN: pin,
		Settings: lms.GameSettings{Scoring: lms.ScoreSpeed, Points: 1000, Streak: true, Guests: pin != ""}}
	tf := true
	qs := []*lms.GameQuestion{
		{Question: lms.Question{Type: lms.QTrueFalse, TextMD: "The sky is blue.", DefaultPoints: 1,
			Body: lms.QuestionBody{TrueFalse: &lms.TrueFalseBody{Answer: tf}}}, Seconds: 20, SourceID: 3},
		{Question: lms.Question{Type: lms.QWordCloud, TextMD: "One word for today?"}, Seconds: 30, ImagePath: "img/1.png"},
	}
	noErr(t, s.CreateGame(ctxOf(t), g, qs, base), "CreateGame")
	return g, qs
}

// newPlayer adds a player with the nickname (a guest when userID is 0).
func newPlayer(t *testing.T, s store.Store, g *lms.Game, userID int64, nick string) *lms.GamePlayer {
	t.Helper()
	p := &lms.GamePlayer{GameID: g.ID, UserID: userID, Nickname: nick, JoinedAt: base}
	if userID == 0 {
		p.TokenHash = []byte("hash-" + nick)
	}
	noErr(t, s.AddPlayer(ctxOf(t), p), "AddPlayer "+nick)
	return p
}

var liveQuizTests = map[string]func(*testing.T, store.Store){
	"a game reads back with its questions, by id, by PIN and in its room": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		g, qs := newGame(t, s, "123456")
		if g.ID == 0 || g.State != (lms.GameState{Phase: lms.PhaseLobby, Index: -1, Version: 1}) || !g.CreatedAt.Equal(base) {
			t.Fatalf("created game = %+v", g)
		}
		got, err := s.GameByID(ctx, g.ID)
		noErr(t, err, "GameByID")
		diff(t, "game", got, g)
		byPIN, err := s.GameByPIN(ctx, "123456")
		noErr(t, err, "GameByPIN")
		diff(t, "game by PIN", byPIN, g)
		list, err := s.RoomGames(ctx, g.RoomID)
		noErr(t, err, "RoomGames")
		diff(t, "room games", list, []*lms.Game{g})
		gotQs, err := s.GameQuestions(ctx, g.ID)
		noErr(t, err, "GameQuestions")
		diff(t, "questions", gotQs, qs)
		if qs[1].GameID != g.ID || qs[1].Index != 1 {
			t.Fatalf("question ids not set: %+v", qs[1])
		}
		_, err = s.GameByID(ctx, g.ID+100)
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.GameByPIN(ctx, "654321")
		wantCode(t, err, lms.ENOTFOUND)
	},
	"a PIN is unique among unfinished games only": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		g, _ := newGame(t, s, "111111")
		other := &lms.Game{RoomID: g.RoomID, CourseID: g.CourseID, OwnerID: 1, Title: "Again", PIN: "111111",
			Settings: g.Settings}
		wantCode(t, s.CreateGame(ctx, other, nil, base), lms.ECONFLICT)
		st := g.State
		st.Phase = lms.PhaseFinished
		_, err := s.SetGameState(ctx, g.ID, st, base)
		noErr(t, err, "finish")
		_, err = s.GameByPIN(ctx, "111111")
		wantCode(t, err, lms.ENOTFOUND)
		noErr(t, s.CreateGame(ctx, other, nil, base), "CreateGame with a released PIN")
	},
	"state changes compare the version: of racing changes one wins": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		g, _ := newGame(t, s, "")
		open := lms.GameState{Phase: lms.PhaseOpen, Index: 0, OpenedAt: base, ClosesAt: base.Add(20 * time.Second),
			Version: g.State.Version}
		const racers = 8
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			won, lost int
		)
		for range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.SetGameState(ctx, g.ID, open, base)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case lms.IsCode(err, lms.ECONFLICT):
					lost++
				default:
					t.Errorf("SetGameState: %v", err)
				}
			}()
		}
		wg.Wait()
		if won != 1 || lost != racers-1 {
			t.Fatalf("%d won, %d lost; want 1 and %d", won, lost, racers-1)
		}
		got, err := s.GameByID(ctx, g.ID)
		noErr(t, err, "GameByID")
		open.Version = 2
		diff(t, "state", got.State, open)
		paused := open
		paused.PausedAt = base.Add(5 * time.Second)
		saved, err := s.SetGameState(ctx, g.ID, paused, base)
		noErr(t, err, "pause")
		if saved.Version != 3 || !saved.Paused() {
			t.Fatalf("saved = %+v, want version 3, paused", saved)
		}
		_, err = s.SetGameState(ctx, g.ID+100, paused, base)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"questions are replaced as a whole; deleting a game removes everything": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		g, qs := newGame(t, s, "")
		noErr(t, s.SetGameQuestions(ctx, g.ID, qs[1:]), "SetGameQuestions")
		got, err := s.GameQuestions(ctx, g.ID)
		noErr(t, err, "GameQuestions")
		if len(got) != 1 || got[0].Index != 0 || got[0].Question.Type != lms.QWordCloud {
			t.Fatalf("questions = %+v, want the word cloud at index 0", got)
		}
		wantCode(t, s.SetGameQuestions(ctx, g.ID+100, qs), lms.ENOTFOUND)
		p := newPlayer(t, s, g, 0, "ada")
		_, _, err = s.SaveAnswer(ctx, &lms.GameAnswer{GameID: g.ID, Index: 0, PlayerID: p.ID, Key: "k",
			Response: lms.Response{Text: "sun"}, ReceivedAt: base})
		noErr(t, err, "SaveAnswer")
		noErr(t, s.DeleteGame(ctx, g.ID), "DeleteGame")
		wantCode(t, s.DeleteGame(ctx, g.ID), lms.ENOTFOUND)
		_, err = s.PlayerByTokenHash(ctx, p.TokenHash)
		wantCode(t, err, lms.ENOTFOUND)
		as, err := s.GameAnswers(ctx, g.ID)
		noErr(t, err, "GameAnswers")
		if len(as) != 0 {
			t.Fatalf("%d answers left", len(as))
		}
	},
	"players: nicknames unique per game in any case, one player per user, guests by token": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		g, _ := newGame(t, s, "")
		g2, _ := newGame(t, s, "222222")
		ada := newPlayer(t, s, g, 0, "Ada L")
		bob := newPlayer(t, s, g, 42, "bob")
		newPlayer(t, s, g2, 0, "ada l") // another game: no clash
		dup := &lms.GamePlayer{GameID: g.ID, Nickname: "ada  l", JoinedAt: base}
		err := s.AddPlayer(ctx, dup)
		wantCode(t, err, lms.ECONFLICT)
		if e, _ := err.(*lms.Error); e == nil || e.Field != "nickname" {
			t.Fatalf("duplicate nickname error = %v, want field nickname", err)
		}
		wantCode(t, s.AddPlayer(ctx, &lms.GamePlayer{GameID: g.ID, UserID: 42, Nickname: "bob2", JoinedAt: base}), lms.ECONFLICT)
		wantCode(t, s.AddPlayer(ctx, &lms.GamePlayer{GameID: g.ID + 100, Nickname: "x", JoinedAt: base}), lms.ENOTFOUND)
		got, err := s.PlayerByTokenHash(ctx, []byte("hash-Ada L"))
		noErr(t, err, "PlayerByTokenHash")
		diff(t, "guest", got, ada)
		got, err = s.PlayerByUser(ctx, g.ID, 42)
		noErr(t, err, "PlayerByUser")
		diff(t, "member", got, bob)
		_, err = s.PlayerByUser(ctx, g.ID, 0)
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.PlayerByTokenHash(ctx, nil)
		wantCode(t, err, lms.ENOTFOUND)
		noErr(t, s.RemovePlayer(ctx, g.ID, bob.ID, base.Add(time.Minute)), "RemovePlayer")
		noErr(t, s.RemovePlayer(ctx, g.ID, bob.ID, base.Add(2*time.Minute)), "RemovePlayer again")
		wantCode(t, s.RemovePlayer(ctx, g2.ID, bob.ID, base), lms.ENOTFOUND)
		list, err := s.GamePlayers(ctx, g.ID)
		noErr(t, err, "GamePlayers")
		n, err := s.CountPlayers(ctx, g.ID)
		noErr(t, err, "CountPlayers")
		if n != 1 {
			t.Fatalf("CountPlayers = %d, want 1 (bob was removed)", n)
		}
		bob.RemovedAt = base.Add(time.Minute)
		diff(t, "players", list, []*lms.GamePlayer{ada, bob})
		got, err = s.GamePlayer(ctx, g.ID, bob.ID)
		noErr(t, err, "GamePlayer")
		diff(t, "removed player", got, bob)
	},
	"an answer is stored once per question and player; a retry returns it": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		g, _ := newGame(t, s, "")
		ada, bob := newPlayer(t, s, g, 0, "ada"), newPlayer(t, s, g, 5, "bob")
		yes := true
		a := &lms.GameAnswer{GameID: g.ID, Index: 0, PlayerID: ada.ID, Key: "k1", Response: lms.Response{Bool: &yes},
			Fraction: 1, Points: 812.5, ElapsedMS: 3750, ReceivedAt: base.Add(3750 * ms)}
		stored, created, err := s.SaveAnswer(ctx, a)
		noErr(t, err, "SaveAnswer")
		if !created || stored.ID == 0 {
			t.Fatalf("first save: created %v, id %d", created, stored.ID)
		}
		first := *stored
		retry := first
		retry.ID, retry.Points = 0, 1
		again, created, err := s.SaveAnswer(ctx, &retry)
		noErr(t, err, "SaveAnswer retry")
		if created {
			t.Fatal("a retry stored a second answer")
		}
		diff(t, "retry", again, &first)
		other := first
		other.ID, other.Key = 0, "k2"
		again, created, err = s.SaveAnswer(ctx, &other)
		noErr(t, err, "SaveAnswer with another key")
		if created || again.Key != "k1" {
			t.Fatalf("second answer: created %v, stored key %q; want the first answer", created, again.Key)
		}
		// The same key for another question is the stored answer too.
		moved := first
		moved.ID, moved.Index = 0, 1
		again, created, err = s.SaveAnswer(ctx, &moved)
		noErr(t, err, "SaveAnswer reusing a key")
		if created || again.Index != 0 {
			t.Fatalf("reused key: created %v, index %d; want the stored answer", created, again.Index)
		}
		_, _, err = s.SaveAnswer(ctx, &lms.GameAnswer{GameID: g.ID, Index: 0, PlayerID: bob.ID + 100, Key: "x",
			ReceivedAt: base})
		wantCode(t, err, lms.ENOTFOUND)

		// Racing saves of one player's answer: one is stored.
		var (
			wg sync.WaitGroup
			mu sync.Mutex
			n  int
		)
		for i := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, created, err := s.SaveAnswer(ctx, &lms.GameAnswer{GameID: g.ID, Index: 1, PlayerID: bob.ID,
					Key: fmt.Sprintf("r%d", i), Response: lms.Response{Text: "rain"}, ReceivedAt: base})
				if err != nil {
					t.Errorf("SaveAnswer: %v", err)
				}
				mu.Lock()
				defer mu.Unlock()
				if created {
					n++
				}
			}()
		}
		wg.Wait()
		if n != 1 {
			t.Fatalf("%d racing answers stored, want 1", n)
		}
		cnt, err := s.CountAnswers(ctx, g.ID, 1)
		noErr(t, err, "CountAnswers")
		if cnt != 1 {
			t.Fatalf("CountAnswers = %d, want 1", cnt)
		}
		all, err := s.GameAnswers(ctx, g.ID)
		noErr(t, err, "GameAnswers")
		if len(all) != 2 || all[0].Index != 0 || all[1].Index != 1 {
			t.Fatalf("answers = %+v", all)
		}
		diff(t, "ada's answer", all[0], &first)
		q1, err := s.QuestionAnswers(ctx, g.ID, 0)
		noErr(t, err, "QuestionAnswers")
		diff(t, "question 0", q1, []*lms.GameAnswer{&first})
		mine, err := s.PlayerAnswers(ctx, g.ID, bob.ID)
		noErr(t, err, "PlayerAnswers")
		if len(mine) != 1 || mine[0].Response.Text != "rain" {
			t.Fatalf("bob's answers = %+v", mine)
		}
	},
}
