package rooms

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/livequiz"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// Live quiz fan-out and limits.
const (
	// DefaultQuizCountInterval is how often at most the live answer count
	// (and the staff's chart) of a game with new answers is published:
	// aggregated, never once per answer.
	DefaultQuizCountInterval = 250 * time.Millisecond
	quizEventQueue           = 4096 // state and lobby changes waiting for the publisher
	quizPublishers           = 8    // parallel publishes of the players' own results
	// A player's command budget (answers, syncs, me) on this node.
	quizPlayerRate  = 10.0
	quizPlayerBurst = 20
	quizOpTimeout   = 5 * time.Second
)

// QuizParams are what NewQuiz needs.
type QuizParams struct {
	Hub     *hub.Hub
	Service *livequiz.Service
	Policy  *Policy
	// CountInterval: see DefaultQuizCountInterval.
	CountInterval time.Duration
	Log           zerolog.Logger
}

// Quiz is the live quiz layer of one node: it decides who may follow and
// command a game's topics, hands answers and control commands to the
// service, publishes the game's state, results and aggregated counts, and
// closes questions at their deadline with a timer (every node with players
// of an open question holds one; the store's compare-and-set makes the
// close happen once).
type Quiz struct {
	hub      *hub.Hub
	svc      *livequiz.Service
	policy   *Policy
	interval time.Duration
	log      zerolog.Logger

	events chan quizEvent
	mu     sync.Mutex
	timers map[int64]*quizTimer     // guarded by mu: finalize timers by game
	dirty  map[int64]struct{}       // guarded by mu: games with answers since the last count
	lobby  map[int64]struct{}       // guarded by mu: games whose players changed since the last lobby push
	clocks map[int64]*playerClock   // guarded by mu: players on this node, by player id
	limits map[int64]*playerLimiter // guarded by mu

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type quizEvent struct {
	game *lms.Game
	ev   livequiz.Event
}

type quizTimer struct {
	at time.Time
	t  *time.Timer
}

// playerClock measures a player's one-way delay from its sync rounds.
type playerClock struct {
	sentMS int64     // server_time of the last sync reply (the echo to expect)
	sentAt time.Time // when it was sent (monotonic)
	est    livequiz.ClockEstimator
}

// playerLimiter is a token bucket of one player's commands.
type playerLimiter struct {
	tokens float64
	last   time.Time
}

// NewQuiz starts the live quiz layer; Close stops it.
func NewQuiz(p QuizParams) *Quiz {
	if p.CountInterval <= 0 {
		p.CountInterval = DefaultQuizCountInterval
	}
	ctx, cancel := context.WithCancel(context.Background())
	q := &Quiz{hub: p.Hub, svc: p.Service, policy: p.Policy, interval: p.CountInterval, log: p.Log,
		events: make(chan quizEvent, quizEventQueue), timers: map[int64]*quizTimer{}, dirty: map[int64]struct{}{}, lobby: map[int64]struct{}{},
		clocks: map[int64]*playerClock{}, limits: map[int64]*playerLimiter{}, ctx: ctx, cancel: cancel}
	p.Service.SetNotifier(q)
	q.wg.Add(1)
	go q.run()
	return q
}

// Close stops the publisher and the timers.
func (q *Quiz) Close() {
	q.cancel()
	q.wg.Wait()
	q.mu.Lock()
	defer q.mu.Unlock()
	for id, t := range q.timers {
		t.t.Stop()
		delete(q.timers, id)
	}
}

// GameChanged queues a change for the publisher (livequiz.Notifier).
// Answers only mark the game for the next aggregated count, and joins and
// removals for the next lobby push: a lobby push reads every player, so
// one per join would queue hundreds of full reads ahead of the next state
// change (a question's close and its results) when a class joins at once.
func (q *Quiz) GameChanged(_ context.Context, g *lms.Game, ev livequiz.Event) {
	switch ev {
	case livequiz.EventAnswer, livequiz.EventPlayers:
		q.mu.Lock()
		if ev == livequiz.EventAnswer {
			q.dirty[g.ID] = struct{}{}
		} else {
			q.lobby[g.ID] = struct{}{}
		}
		q.mu.Unlock()
		return
	}
	gc := *g
	select {
	case q.events <- quizEvent{game: &gc, ev: ev}:
	default:
		q.log.Error().Int64("game_id", g.ID).Str("event", string(ev)).Msg("live quiz: event queue full, change not published")
	}
}

// PlayerRemoved re-checks the removed player's subscriptions on every
// node, so they end at once (livequiz.Notifier).
func (q *Quiz) PlayerRemoved(_ context.Context, p *lms.GamePlayer) {
	uid := GuestIdentity(p).UserID
	if !p.Guest() {
		uid = strconv.FormatInt(p.UserID, 10)
	}
	go func() {
		ctx, cancel := context.WithTimeout(q.ctx, quizOpTimeout)
		defer cancel()
		if err := q.hub.Recheck(ctx, uid, ""); err != nil {
			q.log.Warn().Err(err).Int64("player_id", p.ID).Msg("live quiz: re-check of a removed player failed")
		}
	}()
}

// run publishes queued changes and, every interval, the counts of the
// games that got answers and the lobbies of the games whose players
// changed.
func (q *Quiz) run() {
	defer q.wg.Done()
	tick := time.NewTicker(q.interval)
	defer tick.Stop()
	for {
		select {
		case <-q.ctx.Done():
			return
		case e := <-q.events:
			q.publishChange(e)
		case <-tick.C:
			q.mu.Lock()
			games, lobbies := keys(q.dirty), keys(q.lobby)
			clear(q.dirty)
			clear(q.lobby)
			q.mu.Unlock()
			for _, id := range games {
				q.publishCount(id)
			}
			for _, id := range lobbies {
				q.publishChange(quizEvent{game: &lms.Game{ID: id}, ev: livequiz.EventPlayers})
			}
		}
	}
}

// keys returns the ids in set.
func keys(set map[int64]struct{}) []int64 {
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	return ids
}

// publish sends v on topic, logging failures.
func (q *Quiz) publish(ctx context.Context, topic string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		q.log.Error().Err(err).Str("topic", topic).Msg("live quiz: encode")
		return
	}
	if _, err := q.hub.Publish(ctx, topic, data); err != nil {
		q.log.Warn().Err(err).Str("topic", topic).Msg("live quiz: publish failed")
	}
}

func (q *Quiz) publishChange(e quizEvent) {
	ctx, cancel := context.WithTimeout(q.ctx, quizOpTimeout)
	defer cancel()
	id := e.game.ID
	switch e.ev {
	case livequiz.EventDeleted:
		q.publish(ctx, QuizTopic(id), map[string]any{"type": livequiz.FrameDeleted, "game_id": id})
		q.publish(ctx, QuizStaffTopic(id), map[string]any{"type": livequiz.FrameDeleted, "game_id": id})
	case livequiz.EventPlayers:
		lobby, err := q.svc.Lobby(ctx, id)
		if err != nil {
			q.log.Warn().Err(err).Int64("game_id", id).Msg("live quiz: lobby")
			return
		}
		q.publish(ctx, QuizStaffTopic(id), lobby)
		q.publish(ctx, QuizTopic(id), livequiz.LobbyView{Type: livequiz.FrameLobby, Count: lobby.Count})
	case livequiz.EventState:
		q.publishState(ctx, id)
	}
}

// publishState publishes the game's state, arms its close timer while a
// question is open, and after a close publishes the results and every
// player's own standing.
func (q *Quiz) publishState(ctx context.Context, id int64) {
	st, err := q.svc.State(ctx, id)
	if err != nil {
		q.log.Warn().Err(err).Int64("game_id", id).Msg("live quiz: state")
		return
	}
	q.publish(ctx, QuizTopic(id), st)
	q.publish(ctx, QuizStaffTopic(id), st)
	if st.Phase == lms.PhaseOpen {
		q.arm(id, livequiz.FinalizeAt(lms.GameState{Phase: st.Phase, ClosesAt: st.ClosesAt, PausedAt: st.PausedAt}))
		return
	}
	res, err := q.svc.Results(ctx, id)
	if err != nil {
		q.log.Warn().Err(err).Int64("game_id", id).Msg("live quiz: results not published")
		return
	}
	if res.Results == nil {
		return
	}
	q.publish(ctx, QuizTopic(id), res.Results)
	q.publish(ctx, QuizStaffTopic(id), res.Results)
	if st.Phase != lms.PhaseResults && st.Phase != lms.PhaseFinished {
		return
	}
	// Each player's own standing on their channel, a few at a time.
	sem := make(chan struct{}, quizPublishers)
	var wg sync.WaitGroup
	for pid, me := range res.Mine {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			q.publish(ctx, QuizPlayerTopic(id, pid), me)
		}()
	}
	wg.Wait()
}

// publishCount publishes the open question's live count (players) and
// chart (staff).
func (q *Quiz) publishCount(id int64) {
	ctx, cancel := context.WithTimeout(q.ctx, quizOpTimeout)
	defer cancel()
	c, err := q.svc.Count(ctx, id)
	if err != nil || c == nil {
		return
	}
	q.publish(ctx, QuizStaffTopic(id), c)
	players := *c
	players.Chart = nil
	q.publish(ctx, QuizTopic(id), players)
}

// arm sets the game's close timer to at (zero: none).
func (q *Quiz) arm(id int64, at time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if old := q.timers[id]; old != nil {
		if old.at.Equal(at) {
			return
		}
		old.t.Stop()
		delete(q.timers, id)
	}
	if at.IsZero() || q.ctx.Err() != nil {
		return
	}
	qt := &quizTimer{at: at}
	qt.t = time.AfterFunc(max(at.Sub(q.svc.Now()), 0), func() { q.fire(id, qt) })
	q.timers[id] = qt
}

// fire closes the game's question if it is due (on one node: the CAS).
func (q *Quiz) fire(id int64, qt *quizTimer) {
	q.mu.Lock()
	if q.timers[id] == qt {
		delete(q.timers, id)
	}
	q.mu.Unlock()
	ctx, cancel := context.WithTimeout(q.ctx, quizOpTimeout)
	defer cancel()
	due, err := q.svc.Finalize(ctx, id)
	switch {
	case err != nil && !lms.IsCode(err, lms.ENOTFOUND) && q.ctx.Err() == nil:
		q.log.Warn().Err(err).Int64("game_id", id).Msg("live quiz: close at the deadline failed; retrying")
		q.arm(id, q.svc.Now().Add(time.Second))
	case !due.IsZero():
		q.arm(id, due)
	}
}

// guestCaller is Identity.Data of a guest's connection: one player of
// one game, nothing else.
type guestCaller struct {
	gameID, playerID int64
}

// GuestIdentity is the hub identity of a guest player's connection.
func GuestIdentity(p *lms.GamePlayer) hub.Identity {
	return hub.Identity{UserID: "guest-" + strconv.FormatInt(p.ID, 10), Name: p.Nickname,
		Data: guestCaller{gameID: p.GameID, playerID: p.ID}}
}

// Hooks wraps base with the live quiz topics.
func (q *Quiz) Hooks(base hub.Hooks) hub.Hooks {
	can, pub, info, unsub := base.CanSubscribe, base.OnPublish, base.ErrorInfo, base.Unsubscribed
	base.Unsubscribed = func(id hub.Identity, topic string) {
		if _, kind, pid, ok := quizTopic(topic); ok && kind == quizPlayer {
			q.mu.Lock()
			delete(q.clocks, pid)
			delete(q.limits, pid)
			q.mu.Unlock()
			return
		}
		if unsub != nil {
			unsub(id, topic)
		}
	}
	base.CanSubscribe = func(ctx context.Context, id hub.Identity, topic string) (hub.SubscribeOptions, error) {
		if _, _, _, ok := quizTopic(topic); ok {
			return q.canSubscribe(ctx, id, topic)
		}
		return can(ctx, id, topic)
	}
	base.OnPublish = func(ctx context.Context, req hub.PublishRequest) (hub.PublishResult, error) {
		if _, _, _, ok := quizTopic(req.Topic); ok {
			return q.onPublish(ctx, req)
		}
		return pub(ctx, req)
	}
	base.ErrorInfo = func(err error) (string, string) {
		var e *lms.Error
		if errors.As(err, &e) && quizReasons[e.Field] {
			return e.Field, e.Message
		}
		if info != nil {
			return info(err)
		}
		return lms.ErrorCode(err), lms.ErrorMessage(err)
	}
	return base
}

// quizReasons are the refusals sent with their own code in error frames.
var quizReasons = map[string]bool{livequiz.ReasonTooLate: true, livequiz.ReasonNotOpen: true,
	livequiz.ReasonUnknown: true, livequiz.ReasonAnswered: true, livequiz.ReasonRemoved: true}

// quizCaller is who a connection is in a game: a signed-in user (user set)
// or a guest player (guest set).
type quizCaller struct {
	user  *lms.User
	guest *lms.GamePlayer
}

// caller loads the connection's user, or its guest player (who must
// belong to gameID and not be removed).
func (q *Quiz) caller(ctx context.Context, id hub.Identity, gameID int64) (quizCaller, error) {
	if gc, ok := id.Data.(guestCaller); ok {
		if gc.gameID != gameID {
			return quizCaller{}, lms.Errorf(lms.EFORBIDDEN, "Guests only see their own game.")
		}
		p, err := q.svc.Player(ctx, gameID, gc.playerID)
		if err != nil {
			return quizCaller{}, err
		}
		if p.Removed() {
			return quizCaller{}, &lms.Error{Code: lms.EFORBIDDEN, Field: livequiz.ReasonRemoved,
				Message: "The instructor removed you from this game."}
		}
		return quizCaller{guest: p}, nil
	}
	c := callerOf(id)
	if c.userID == 0 {
		return quizCaller{}, lms.Errorf(lms.EUNAUTHORIZED, "Sign in first.")
	}
	u, err := q.policy.user(ctx, c)
	if err != nil {
		return quizCaller{}, err
	}
	return quizCaller{user: u}, nil
}

// canSubscribe lets room members (and the game's guests) follow the
// players' topic, staff the staff topic, and each player only their own
// channel.
func (q *Quiz) canSubscribe(ctx context.Context, id hub.Identity, topic string) (hub.SubscribeOptions, error) {
	gameID, kind, pid, _ := quizTopic(topic)
	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	who, err := q.caller(ctx, id, gameID)
	if err != nil {
		return hub.SubscribeOptions{}, err
	}
	var g *lms.Game
	opts := hub.SubscribeOptions{}
	if who.guest != nil {
		if kind == quizStaff || (kind == quizPlayer && pid != who.guest.ID) {
			return hub.SubscribeOptions{}, lms.Errorf(lms.EFORBIDDEN, "This is not your channel.")
		}
		if g, err = q.svc.GameByID(ctx, gameID); err != nil {
			return hub.SubscribeOptions{}, err
		}
	} else {
		var canRun bool
		if g, canRun, err = q.svc.Game(ctx, who.user, gameID); err != nil {
			return hub.SubscribeOptions{}, err
		}
		switch kind {
		case quizStaff:
			if !canRun {
				return hub.SubscribeOptions{}, lms.Errorf(lms.EFORBIDDEN, "Only the course staff run live quizzes.")
			}
		case quizPlayer:
			p, err := q.svc.PlayerOf(ctx, gameID, who.user.ID)
			if err != nil || p.ID != pid {
				return hub.SubscribeOptions{}, lms.Errorf(lms.EFORBIDDEN, "This is another player's channel.")
			}
			if p.Removed() {
				return hub.SubscribeOptions{}, &lms.Error{Code: lms.EFORBIDDEN, Field: livequiz.ReasonRemoved,
					Message: "The instructor removed you from this game."}
			}
		}
		opts.Scope = CourseScope(g.CourseID)
	}
	if g.State.Phase == lms.PhaseOpen {
		q.arm(g.ID, livequiz.FinalizeAt(g.State)) // any node with players closes on time
	}
	return opts, nil
}

// quizCommand is what clients publish on quiz topics.
type quizCommand struct {
	Type string `json:"type"`
	// control (staff topic)
	livequiz.ControlInput
	// answer
	Index    *int            `json:"index"`
	Key      string          `json:"key"`
	Response json.RawMessage `json:"response"`
	// sync
	T0   int64 `json:"t0"`
	Echo int64 `json:"echo"`
}

// onPublish runs a staff control command or a player's command.
func (q *Quiz) onPublish(ctx context.Context, req hub.PublishRequest) (hub.PublishResult, error) {
	gameID, kind, pid, _ := quizTopic(req.Topic)
	if kind == quizPlayers {
		return hub.PublishResult{}, lms.Errorf(lms.EFORBIDDEN, "You cannot publish on this topic.")
	}
	var cmd quizCommand
	if err := decode(req.Data, &cmd); err != nil {
		return hub.PublishResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	who, err := q.caller(ctx, req.Identity, gameID)
	if err != nil {
		return hub.PublishResult{}, err
	}
	if kind == quizStaff {
		if who.user == nil || cmd.Type != "control" {
			return hub.PublishResult{}, lms.Errorf(lms.EFORBIDDEN, "Only the course staff control a game.")
		}
		g, err := q.svc.Control(ctx, who.user, gameID, cmd.ControlInput)
		if err != nil {
			return hub.PublishResult{}, err
		}
		return q.result(g.State)
	}
	p := who.guest
	if p == nil {
		if p, err = q.svc.PlayerOf(ctx, gameID, who.user.ID); err != nil {
			return hub.PublishResult{}, lms.Errorf(lms.EFORBIDDEN, "Join the game first.")
		}
	}
	if p.ID != pid || p.GameID != gameID {
		return hub.PublishResult{}, lms.Errorf(lms.EFORBIDDEN, "This is another player's channel.")
	}
	if !q.allow(p.ID) {
		return hub.PublishResult{}, &lms.Error{Code: lms.ERATELIMIT, Message: "Too many commands: slow down.", RetryAfterSeconds: 1}
	}
	switch cmd.Type {
	case "sync":
		return q.result(q.sync(p.ID, cmd))
	case "me":
		me, err := q.svc.Me(ctx, p)
		if err != nil {
			return hub.PublishResult{}, err
		}
		return q.result(me)
	case "answer":
		if cmd.Index == nil {
			return hub.PublishResult{}, &lms.Error{Code: lms.EINVALID, Field: "index", Message: "Say which question you answer."}
		}
		key := req.Key
		if key == "" {
			key = cmd.Key
		}
		a, err := q.svc.Answer(ctx, p, livequiz.AnswerInput{Index: *cmd.Index, Key: key, Response: cmd.Response}, q.oneWay(p.ID))
		if err != nil {
			return hub.PublishResult{}, err
		}
		return q.result(AnswerAck{Index: a.Answer.Index, Key: a.Answer.Key, ReceivedAt: a.Answer.ReceivedAt, Stored: a.Stored})
	}
	return hub.PublishResult{}, lms.Errorf(lms.EINVALID, "Unknown command %q.", cmd.Type)
}

// AnswerAck is the result of an answer's ack: it is stored (Stored false:
// it was already, this was a retry of its key).
type AnswerAck struct {
	Index      int       `json:"index"`
	Key        string    `json:"key"`
	ReceivedAt time.Time `json:"received_at"`
	Stored     bool      `json:"stored"`
}

// SyncReply is the result of a sync's ack (docs/livequiz.md, "Clock").
type SyncReply struct {
	T0         int64 `json:"t0"`          // the client's t0, echoed
	ServerTime int64 `json:"server_time"` // server clock, unix ms: send it back as "echo" at once
	OneWayMS   int64 `json:"one_way_ms"`  // the server's estimate of this player's one-way delay (-1: none yet)
}

// sync answers a clock round: it measures the round trip since the last
// reply when the client echoes its server_time, and replies with the
// server's time.
func (q *Quiz) sync(playerID int64, cmd quizCommand) SyncReply {
	now := time.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	pc := q.clocks[playerID]
	if pc == nil {
		pc = &playerClock{}
		q.clocks[playerID] = pc
	}
	if cmd.Echo != 0 && cmd.Echo == pc.sentMS {
		pc.est.Add(livequiz.ClockSample{Sent: pc.sentAt, Server: pc.sentAt, Received: now})
	}
	server := q.svc.Now().UnixMilli()
	pc.sentMS, pc.sentAt = server, now
	ow := int64(-1)
	if d := pc.est.OneWay(); d >= 0 {
		ow = d.Milliseconds()
	}
	return SyncReply{T0: cmd.T0, ServerTime: server, OneWayMS: ow}
}

// oneWay is the player's measured one-way delay on this node (-1: none).
func (q *Quiz) oneWay(playerID int64) time.Duration {
	q.mu.Lock()
	defer q.mu.Unlock()
	if pc := q.clocks[playerID]; pc != nil {
		return pc.est.OneWay()
	}
	return -1
}

// allow takes a token from the player's command budget.
func (q *Quiz) allow(playerID int64) bool {
	now := time.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	l := q.limits[playerID]
	if l == nil {
		l = &playerLimiter{tokens: quizPlayerBurst, last: now}
		q.limits[playerID] = l
	}
	l.tokens = min(quizPlayerBurst, l.tokens+now.Sub(l.last).Seconds()*quizPlayerRate)
	l.last = now
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// result encodes v as an ack's result.
func (q *Quiz) result(v any) (hub.PublishResult, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return hub.PublishResult{}, err
	}
	return hub.PublishResult{Result: data}, nil
}
