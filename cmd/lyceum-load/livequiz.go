package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Live quiz defaults (issue 10's benchmark: 1,000 players answer one
// question in a 2-second burst).
const (
	defaultLQPlayers = 1000
	defaultLQBurst   = 2 * time.Second
	maxLQPlayers     = 5000
	lqQuestionSecs   = 120 // the question stays open; the run closes it
	lqResultsWait    = 90 * time.Second
)

// lqResult is the outcome of the livequiz mode.
type lqResult struct {
	URLs         []string       `json:"urls"`
	GameID       int64          `json:"game_id"`
	Players      int            `json:"players"`
	Guests       bool           `json:"guests"`
	BurstS       float64        `json:"burst_seconds"`
	SetupSeconds float64        `json:"setup_seconds"`
	Connected    int            `json:"connected"`
	Sent         int            `json:"sent"`
	Acked        int            `json:"acked"`
	Refused      map[string]int `json:"refused"` // error codes of answers
	FirstError   string         `json:"first_error,omitempty"`
	AckLatency   LatencySummary `json:"ack_latency"`
	// Stored answers of the question in the results API; Lost: acked but
	// not stored (or stored with another choice); Twice: a player stored
	// more than once.
	Stored int `json:"stored"`
	Lost   int `json:"lost"`
	Twice  int `json:"twice"`
	// Results: from the close request to the results push (chart) and the
	// personal standing (me) reaching each player.
	ResultsLatency LatencySummary `json:"results_latency"`
	MeLatency      LatencySummary `json:"me_latency"`
	ResultsMissing int            `json:"results_missing"`
	// PhaseAfter is the game's phase when the wait for the results ended.
	PhaseAfter string   `json:"phase_after"`
	JoinFailed int      `json:"join_failed"`
	JoinError  string   `json:"join_error,omitempty"`
	CPU        cpuStats `json:"cpu"`
	OK         bool     `json:"ok"`
}

func (r *lqResult) summary(w io.Writer) {
	kind := "members"
	if r.Guests {
		kind = "guests"
	}
	fmt.Fprintf(w, "livequiz: %d players (%s) on %s, one question answered in a %.1fs burst\n", r.Players, kind, strings.Join(r.URLs, ","), r.BurstS)
	fmt.Fprintf(w, "  setup %.1fs; connected %d; answers sent %d, acked %d, refused %v\n", r.SetupSeconds, r.Connected, r.Sent, r.Acked, r.Refused)
	l := r.AckLatency
	fmt.Fprintf(w, "  ack      p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", l.P50MS, l.P90MS, l.P99MS, l.MaxMS)
	l = r.ResultsLatency
	fmt.Fprintf(w, "  close -> results p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms (all players: max); missing %d\n", l.P50MS, l.P99MS, l.MaxMS, r.ResultsMissing)
	l = r.MeLatency
	fmt.Fprintf(w, "  close -> standing p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", l.P50MS, l.P99MS, l.MaxMS)
	fmt.Fprintf(w, "  stored %d, lost %d, stored twice %d; phase after the wait %q\n", r.Stored, r.Lost, r.Twice, r.PhaseAfter)
	if r.JoinFailed > 0 {
		fmt.Fprintf(w, "  %d players failed to join: %s\n", r.JoinFailed, r.JoinError)
	}
	if r.FirstError != "" {
		fmt.Fprintf(w, "  first error: %s\n", r.FirstError)
	}
	fmt.Fprintf(w, "  CPU: tool %.0f%%, server %.0f%%\n", 100*r.CPU.ToolCPUUtil, 100*r.CPU.ServerCPUUtil)
	verdict := "PASS: every acknowledged answer stored exactly once, results reached every player"
	if !r.OK {
		verdict = "FAIL: see the counts above"
	}
	fmt.Fprintf(w, "  %s\n", verdict)
}

// lqOptions are the livequiz mode's flags.
type lqOptions struct {
	players int
	guests  bool
	burst   time.Duration
	urls    []string
	fixtureFlags
}

func parseLQFlags(c *common, args []string) (*lqOptions, error) {
	fs := c.flags("A live quiz (docs/livequiz.md) played by many players at once: setup (not measured) creates, as\n" +
		"the administrator, a course, a game in its main room with one single-choice question and -players\n" +
		"players (course members with their own tokens, or with -guests guests joining by PIN). Every player\n" +
		"connects (alternating over -urls), subscribes to the game and its own topic; the question is opened\n" +
		"and every player answers once, the answers spread evenly over -burst; then the question is closed.\n" +
		"Reports the answers' ack latency, every acknowledged answer checked against the results API (stored\n" +
		"exactly once), and the time from the close to the results and the standing reaching each player.")
	o := &lqOptions{}
	fs.IntVar(&o.players, "players", defaultLQPlayers, "players in the game")
	fs.BoolVar(&o.guests, "guests", false, "players join as guests by PIN (default: course members)")
	fs.DurationVar(&o.burst, "burst", defaultLQBurst, "the answers are spread evenly over this time")
	urls := fs.String("urls", "", "comma-separated base URLs of the nodes the players' connections alternate over (default -url)")
	o.define(fs)
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	if err := o.parsed(); err != nil {
		return nil, err
	}
	if err := checkCount("players", o.players, maxLQPlayers); err != nil {
		return nil, err
	}
	if o.burst < 0 || o.burst > time.Minute {
		return nil, errors.New("-burst must be in [0, 1m]")
	}
	o.urls = []string{c.baseURL}
	if *urls != "" {
		o.urls = nil
		for u := range strings.SplitSeq(*urls, ",") {
			if err := checkLoopbackURL(u); err != nil {
				return nil, fmt.Errorf("-urls: %w", err)
			}
			o.urls = append(o.urls, u)
		}
		c.baseURL = o.urls[0]
	}
	return o, nil
}

// lqState is the part of a StateView the mode reads.
type lqState struct {
	Version  int64 `json:"version"`
	Question *struct {
		Choices []struct {
			ID string `json:"id"`
		} `json:"choices"`
	} `json:"question"`
}

// lqGame is what setup made.
type lqGame struct {
	chatFixture
	GameID int64
	PIN    string
}

func setupLiveQuiz(ctx context.Context, admin *apiClient, run string, o *lqOptions, say func(string)) (*lqGame, error) {
	fx := &lqGame{}
	var err error
	if fx.CourseID, err = createCourse(ctx, admin, "Load live quiz "+run, "LOADLQ-"+run); err != nil {
		return fx, err
	}
	coursePath := "/api/v1/courses/" + strconv.FormatInt(fx.CourseID, 10)
	var rooms struct {
		Items []chatRoom `json:"items"`
	}
	if _, err := admin.call(ctx, http.MethodGet, coursePath+"/rooms", nil, &rooms, http.StatusOK); err != nil {
		return fx, fmt.Errorf("listing the rooms: %w", err)
	}
	var room int64
	for _, r := range rooms.Items {
		if r.Main {
			room = r.ID
		}
	}
	choices := []map[string]any{}
	for j := range 4 {
		choices = append(choices, map[string]any{"id": fmt.Sprintf("c%d", j+1), "text_md": fmt.Sprintf("Answer %d", j+1), "fraction": map[bool]float64{true: 1}[j == 0]})
	}
	var g struct {
		Game struct {
			ID  int64  `json:"id"`
			PIN string `json:"pin"`
		} `json:"game"`
	}
	if _, err := admin.call(ctx, http.MethodPost, "/api/v1/rooms/"+strconv.FormatInt(room, 10)+"/live-quizzes", map[string]any{
		"title": "Load game", "settings": map[string]any{"scoring": "speed", "streak": true, "guests": true},
		"questions": []any{map[string]any{"seconds": lqQuestionSecs, "question": map[string]any{"type": "single",
			"text_md": "Which answer?", "body": map[string]any{"choice": map[string]any{"choices": choices}}}}},
	}, &g, http.StatusCreated); err != nil {
		return fx, fmt.Errorf("creating the game: %w", err)
	}
	fx.GameID, fx.PIN = g.Game.ID, g.Game.PIN
	say(fmt.Sprintf("course %d, game %d (PIN %s)", fx.CourseID, fx.GameID, fx.PIN))
	if !o.guests {
		fx.Members, err = enrolMembers(ctx, admin, coursePath, run, o.players, say)
	}
	return fx, err
}

// lqPlayer is one player's connection.
type lqPlayer struct {
	i      int
	id     int64
	ws     *wsConn
	topic  string // the personal topic
	nextID atomic.Uint64
	mu     sync.Mutex
	acks   map[uint64]chan frame
	gotRes atomic.Int64 // unix ns of the first results push (0: none)
	gotMe  atomic.Int64 // unix ns of the first me push
	done   chan struct{}
}

// join makes player i a player of the game and connects it.
func (r *lqRun) join(ctx context.Context, i int) (*lqPlayer, error) {
	var (
		hdr http.Header
		me  struct {
			Player struct{ ID int64 } `json:"player"`
		}
		path = "/api/v1/ws"
	)
	nick := fmt.Sprintf("p%d-%s", i, r.run)
	if r.o.guests {
		var j struct {
			Token string `json:"token"`
			Me    struct {
				Player struct{ ID int64 } `json:"player"`
			} `json:"me"`
		}
		if _, err := r.guestClient(i).call(ctx, http.MethodPost, "/api/v1/live-quiz/join", map[string]string{"pin": r.fx.PIN, "nickname": nick}, &j, http.StatusCreated); err != nil {
			return nil, fmt.Errorf("guest join: %w", err)
		}
		hdr, me.Player.ID, path = http.Header{"X-Quiz-Token": {j.Token}}, j.Me.Player.ID, "/api/v1/live-quiz/ws"
	} else {
		tok := r.fx.Members[i].Token
		if _, err := r.admin.as(tok).call(ctx, http.MethodPost, fmt.Sprintf("/api/v1/live-quizzes/%d/join", r.fx.GameID),
			map[string]string{"nickname": nick}, &me, http.StatusOK); err != nil {
			return nil, fmt.Errorf("join: %w", err)
		}
		hdr = http.Header{"Authorization": {"Bearer " + tok}}
	}
	u := strings.TrimSuffix(wsURL(r.o.urls[i%len(r.o.urls)]), "/api/v1/ws") + path
	ws, err := dial(ctx, u, hdr)
	if err != nil {
		return nil, err
	}
	p := &lqPlayer{i: i, id: me.Player.ID, ws: ws, acks: map[uint64]chan frame{}, done: make(chan struct{}),
		topic: fmt.Sprintf("quiz:%d:p%d", r.fx.GameID, me.Player.ID)}
	hello := make(chan frame, 1)
	go p.readLoop(hello)
	select {
	case <-hello:
	case <-p.done:
		return nil, errors.New("closed before hello")
	case <-ctx.Done():
		ws.CloseNow()
		return nil, ctx.Err()
	}
	for _, t := range []string{fmt.Sprintf("quiz:%d", r.fx.GameID), p.topic} {
		f, err := p.command(ctx, map[string]any{"type": "subscribe", "topic": t, "quiet": true})
		if err == nil && f.Type != "ack" {
			err = fmt.Errorf("subscribe %s: %s %s", t, f.Code, f.Message)
		}
		if err != nil {
			ws.CloseNow()
			return nil, err
		}
	}
	return p, nil
}

func (p *lqPlayer) command(ctx context.Context, cmd map[string]any) (frame, error) {
	id := p.nextID.Add(1)
	cmd["id"] = id
	ch := make(chan frame, 1)
	p.mu.Lock()
	p.acks[id] = ch
	p.mu.Unlock()
	b, _ := json.Marshal(cmd)
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	err := p.ws.Write(wctx, b)
	cancel()
	if err != nil {
		return frame{}, err
	}
	t := time.NewTimer(commandTimeout)
	defer t.Stop()
	select {
	case f := <-ch:
		return f, nil
	case <-p.done:
		return frame{}, errors.New("connection closed")
	case <-t.C:
		return frame{}, errors.New("no answer")
	}
}

var (
	lqResultsMark = []byte(`"type":"results"`)
	lqMeMark      = []byte(`"type":"me"`)
)

func (p *lqPlayer) readLoop(hello chan<- frame) {
	defer close(p.done)
	first := true
	for {
		msg, err := p.ws.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now().UnixNano()
		for len(msg) > 0 {
			line, tail, _ := bytes.Cut(msg, []byte{'\n'})
			msg = tail
			if len(line) == 0 {
				continue
			}
			if bytes.HasPrefix(line, pushPrefix) {
				if bytes.Contains(line, lqResultsMark) {
					p.gotRes.CompareAndSwap(0, now)
				} else if bytes.Contains(line, lqMeMark) {
					p.gotMe.CompareAndSwap(0, now)
				}
				continue
			}
			var f frame
			if json.Unmarshal(line, &f) != nil {
				continue
			}
			if first {
				first = false
				hello <- f
				continue
			}
			p.mu.Lock()
			ch := p.acks[f.ID]
			delete(p.acks, f.ID)
			p.mu.Unlock()
			if ch != nil {
				ch <- f
			}
		}
	}
}

// guestsPerAddress is how many guests join from one loopback address: the
// server allows 20 PIN joins per client address at once (web/api/pinlimit.go),
// so the run spreads its guests over 127.0.x.y as many phones behind
// different addresses would be.
const guestsPerAddress = 15

// guestClient is the API client guest i joins with: its connections come
// from its own loopback address (127.0.0.0/8 is all loopback on Linux).
func (r *lqRun) guestClient(i int) *apiClient {
	g := i / guestsPerAddress
	r.mu.Lock()
	defer r.mu.Unlock()
	if a := r.guests[g]; a != nil {
		return a
	}
	local := &net.TCPAddr{IP: net.IPv4(127, 0, byte(g/250), byte(2+g%250))}
	d := &net.Dialer{LocalAddr: local, Timeout: dialTimeout}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute}
	a := &apiClient{base: r.admin.base, hc: &http.Client{Transport: tr, Timeout: apiTimeout}}
	r.guests[g] = a
	return a
}

// lqRun is the shared state of one run.
type lqRun struct {
	o     *lqOptions
	run   string
	admin *apiClient
	fx    *lqGame
	ack   *Recorder
	mu    sync.Mutex
	acked map[int64]string // player id -> the acknowledged choice
	codes map[string]int
	first string
	// guests: the API clients guests join with, by address group.
	guests map[int]*apiClient
	sent   atomic.Int64
}

func (r *lqRun) fail(code, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.codes[code]++
	if r.first == "" {
		r.first = msg
	}
}

func (r *lqRun) control(ctx context.Context, action string) (lqState, error) {
	var st lqState
	_, err := r.admin.call(ctx, http.MethodPost, fmt.Sprintf("/api/v1/live-quizzes/%d/control", r.fx.GameID),
		map[string]any{"action": action}, &st, http.StatusOK)
	return st, err
}

func runLiveQuiz(ctx context.Context, c *common, args []string) (result, error) {
	o, err := parseLQFlags(c, args)
	if err != nil {
		return nil, err
	}
	if err := c.checkFiles(o.players); err != nil {
		return nil, err
	}
	if err := c.authenticate(ctx); err != nil {
		return nil, err
	}
	admin := newAPIClient(c.baseURL, c.token)
	r := &lqRun{o: o, run: runID(), admin: admin, ack: NewRecorder(), acked: map[int64]string{}, codes: map[string]int{},
		guests: map[int]*apiClient{}}
	say, setupStart := c.setupLog()
	fx, err := setupLiveQuiz(ctx, admin, r.run, o, say)
	if !o.keep {
		defer c.cleanupFixture(ctx, admin, &fx.chatFixture, 5*time.Minute)
	}
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	r.fx = fx
	players, cs := dialMany(ctx, c, o.players, r.join)
	defer func() {
		for _, p := range players {
			if p != nil {
				p.ws.CloseNow()
			}
		}
	}()
	say(fmt.Sprintf("%d players connected (%d failed)", cs.Connections, cs.Failed))
	res := &lqResult{URLs: o.urls, GameID: fx.GameID, Players: o.players, Guests: o.guests, BurstS: o.burst.Seconds(),
		SetupSeconds: time.Since(setupStart).Seconds(), Connected: cs.Connections, Refused: r.codes,
		JoinFailed: cs.Failed, JoinError: cs.FirstError}
	if cs.Connections == 0 {
		return nil, fmt.Errorf("no player connected: %s", cs.FirstError)
	}

	stop := c.progress(func(time.Duration) string {
		h := r.ack.Interval()
		r.mu.Lock()
		n := len(r.acked)
		r.mu.Unlock()
		return fmt.Sprintf("answers sent %d, acked %d, ack p50 %.1f ms p99 %.1f ms", r.sent.Load(), n, ms(h.Quantile(0.5)), ms(h.Quantile(0.99)))
	})
	cpu := startCPU(o.pids)
	st, err := r.control(ctx, "start")
	if err != nil || st.Question == nil || len(st.Question.Choices) == 0 {
		stop()
		return nil, fmt.Errorf("opening the question: %v", err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for k, p := range players {
		if p == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTimer(time.Until(start.Add(o.burst * time.Duration(k) / time.Duration(len(players)))))
			defer t.Stop()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			choice := st.Question.Choices[p.i%len(st.Question.Choices)].ID
			r.sent.Add(1)
			t0 := time.Now()
			f, err := p.command(ctx, map[string]any{"type": "publish", "topic": p.topic, "key": fmt.Sprintf("lq-%s-%d", r.run, p.i),
				"data": map[string]any{"type": "answer", "index": 0, "response": map[string]any{"choices": []string{choice}}}})
			switch {
			case err != nil:
				r.fail("transport", err.Error())
			case f.Type != "ack":
				r.fail(f.Code, f.Code+": "+f.Message)
			default:
				r.ack.Record(p.i, time.Since(t0))
				r.mu.Lock()
				r.acked[p.id] = choice
				r.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	closeAt := time.Now()
	if _, err := r.control(ctx, "close"); err != nil {
		stop()
		return nil, fmt.Errorf("closing the question: %w", err)
	}
	// Wait until every player has the results and its standing, or the bound.
	deadline := time.Now().Add(lqResultsWait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		all := true
		for _, p := range players {
			if p != nil && (p.gotRes.Load() == 0 || p.gotMe.Load() == 0) {
				all = false
				break
			}
		}
		if all {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling the players' flags, not synchronising a test
	}
	res.CPU = cpu.stop()
	stop()
	var after struct {
		State struct {
			Phase string `json:"phase"`
		} `json:"state"`
	}
	if _, err := admin.call(ctx, http.MethodGet, fmt.Sprintf("/api/v1/live-quizzes/%d", fx.GameID), nil, &after, http.StatusOK); err == nil {
		res.PhaseAfter = after.State.Phase
	}
	resH, meH := &Histogram{}, &Histogram{}
	for _, p := range players {
		if p == nil {
			continue
		}
		if t := p.gotRes.Load(); t != 0 {
			resH.Record(time.Unix(0, t).Sub(closeAt))
		} else {
			res.ResultsMissing++
		}
		if t := p.gotMe.Load(); t != 0 {
			meH.Record(time.Unix(0, t).Sub(closeAt))
		}
	}
	res.ResultsLatency, res.MeLatency = resH.Summary(), meH.Summary()
	res.AckLatency = r.ack.Total().Summary()
	res.Sent, res.Acked, res.FirstError = int(r.sent.Load()), len(r.acked), r.first
	if err := r.check(ctx, res); err != nil && res.FirstError == "" {
		res.FirstError = "check: " + err.Error()
	}
	res.OK = res.Lost == 0 && res.Twice == 0 && res.Acked == o.players && res.ResultsMissing == 0 && cs.Connections == o.players
	return res, nil
}

// check reads the results as the administrator: every acknowledged answer
// must be stored once with its choice.
func (r *lqRun) check(ctx context.Context, res *lqResult) error {
	var rs struct {
		Questions []struct {
			Answers []struct {
				PlayerID int64 `json:"player_id"`
				Response struct {
					Choices []string `json:"choices"`
				} `json:"response"`
			} `json:"answers"`
		} `json:"questions"`
	}
	if _, err := r.admin.call(ctx, http.MethodGet, fmt.Sprintf("/api/v1/live-quizzes/%d/results", r.fx.GameID), nil, &rs, http.StatusOK); err != nil {
		return err
	}
	if len(rs.Questions) == 0 {
		return errors.New("no question in the results")
	}
	seen := map[int64]string{}
	for _, a := range rs.Questions[0].Answers {
		if _, dup := seen[a.PlayerID]; dup {
			res.Twice++
		}
		seen[a.PlayerID] = strings.Join(a.Response.Choices, ",")
	}
	res.Stored = len(rs.Questions[0].Answers)
	for pid, choice := range r.acked {
		if seen[pid] != choice {
			res.Lost++
		}
	}
	return nil
}
