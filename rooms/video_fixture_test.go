package rooms

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/webrtc/v4"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/signaling"
	"github.com/lyceumhq/lyceum/signaling/sfutest"
)

// videoNode is one Lyceum node's live layer: a hub (behind httptest) with
// the policy and the video layer.
type videoNode struct {
	*hubtest.Node
	video *Video
}

// startVideoNode starts a node named id over broker for the site.
func startVideoNode(t *testing.T, s *site, id string, broker hub.Broker, tweak func(*VideoParams)) *videoNode {
	t.Helper()
	n := hubtest.NewNode(t, hub.Config{NodeID: id}, broker)
	p := VideoParams{Hub: n.Hub, Policy: s.policy, Store: s.st, NodeID: id, Heartbeat: 200 * time.Millisecond,
		Signaling: signaling.Config{ICE: signaling.ICEConfig{Loopback: true}},
		Log:       zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)}
	if tweak != nil {
		tweak(&p)
	}
	v, err := NewVideo(p)
	check(t, err)
	n.Hub.SetHooks(v.Hooks(s.policy.Hooks()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hubtest.WaitTimeout)
		defer cancel()
		if err := v.Close(ctx); err != nil {
			t.Errorf("video close: %v", err)
		}
	})
	return &videoNode{Node: n, video: v}
}

// wsPeer is a participant's WebSocket to a node, carrying a pion client's
// signaling (sfutest.Server) and collecting what else arrives.
type wsPeer struct {
	t      *testing.T
	ws     *websocket.Conn
	router *sfutest.Router
	room   int64
	pid    string

	wmu    sync.Mutex // serializes writes and guards nextID
	nextID int64

	mu      sync.Mutex // guards the fields below
	api     *webrtc.API
	clients map[string]*sfutest.Client // by SFU session (the main one, breakout groups)
	current string                     // the SFU session it is in
	waiting map[int64]chan hubtest.Frame
	states  []LiveState
	frames  []hubtest.Frame // every non-ack frame
}

// dialPeer connects user (an actor of s) to node as participant tag of room.
func dialPeer(t *testing.T, n *videoNode, u *lms.User, room int64, tag string) *wsPeer {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hubtest.WaitTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, n.URL+"?user="+strconv.FormatInt(u.ID, 10)+"&name="+u.Username, nil)
	check(t, err)
	ws.SetReadLimit(1 << 20)
	p := &wsPeer{t: t, ws: ws, router: sfutest.NewRouter(), room: room, pid: ParticipantID(u.ID, tag),
		waiting: map[int64]chan hubtest.Frame{}, clients: map[string]*sfutest.Client{}}
	p.router.SetServer(p)
	go p.read()
	t.Cleanup(func() {
		_ = ws.CloseNow()
		p.mu.Lock()
		clients := p.clients
		p.clients = nil
		p.mu.Unlock()
		for _, c := range clients {
			c.Close()
		}
	})
	return p
}

func (p *wsPeer) read() {
	for {
		_, data, err := p.ws.Read(context.Background())
		if err != nil {
			return
		}
		for line := range strings.SplitSeq(string(data), "\n") {
			var f hubtest.Frame
			if json.Unmarshal([]byte(line), &f) != nil {
				continue
			}
			p.dispatch(f)
		}
	}
}

func (p *wsPeer) dispatch(f hubtest.Frame) {
	p.mu.Lock()
	if ch := p.waiting[int64(f.ID)]; ch != nil && (f.Type == "ack" || f.Type == "error") {
		delete(p.waiting, int64(f.ID))
		p.mu.Unlock()
		ch <- f
		return
	}
	p.frames = append(p.frames, f)
	if f.Type == "push" && f.Topic == LiveTopic(p.room) {
		var st LiveState
		if json.Unmarshal(f.Data, &st) == nil && st.Type == "state" {
			p.states = append(p.states, st)
		}
	}
	p.mu.Unlock()
	if f.Type == "push" && f.Topic == ParticipantTopic(p.room, p.pid) {
		var m signaling.Message
		if json.Unmarshal(f.Data, &m) == nil {
			session := m.Session
			if session == "" {
				session = sessionName(p.room)
			}
			if m.Type == signaling.TypeJoined {
				p.attach(session)
			}
			_ = p.router.Send(context.Background(), session, p.pid, m)
		}
	}
}

// attach gives the participant a client in a session the server moved it
// to (a breakout group, or back), before that session's "joined" arrives.
func (p *wsPeer) attach(session string) {
	p.mu.Lock()
	if p.api == nil || p.clients == nil || p.current == session {
		p.mu.Unlock()
		return
	}
	c, err := p.router.Attach(p.api, session, signaling.ParticipantInfo{ID: p.pid})
	if err != nil {
		p.mu.Unlock()
		p.t.Errorf("attaching a client to %s: %v", session, err)
		return
	}
	old := p.clients[session]
	p.clients[session], p.current = c, session
	p.mu.Unlock()
	if old != nil {
		old.Close()
	}
}

// waitClient waits until the participant is in session with a client
// there. Being in it matters: a client of a session it left (the main one,
// before a breakout) stays in p.clients until the server moves it back and
// attach replaces it, so a test that asked for the main session's client as
// the breakout ended could get the old one, about to be closed, and wait in
// vain for media on it (CI, 17:05, TestVideoBreakoutGroupsAreSeparateSessions).
func (p *wsPeer) waitClient(t *testing.T, session string) *sfutest.Client {
	t.Helper()
	var c *sfutest.Client
	waitFor(t, p.pid+" joined to "+session, func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.current != session {
			return false
		}
		c = p.clients[session]
		return c != nil
	})
	return c
}

// command sends a hub command and returns its ack or error frame.
func (p *wsPeer) command(cmd hub.Command) hubtest.Frame {
	p.wmu.Lock()
	p.nextID++
	cmd.ID = uint64(p.nextID)
	ch := make(chan hubtest.Frame, 1)
	p.mu.Lock()
	p.waiting[p.nextID] = ch
	p.mu.Unlock()
	data, _ := json.Marshal(cmd)
	err := p.ws.Write(context.Background(), websocket.MessageText, data)
	p.wmu.Unlock()
	if err != nil {
		return hubtest.Frame{Type: "error", Code: "closed", Message: err.Error()}
	}
	select {
	case f := <-ch:
		return f
	case <-time.After(hubtest.WaitTimeout):
		return hubtest.Frame{Type: "error", Code: "timeout"}
	}
}

// publish publishes data on the participant's topic; an error frame is
// returned as an error.
func (p *wsPeer) publish(data []byte) error {
	f := p.command(hub.Command{Type: hub.CmdPublish, Topic: ParticipantTopic(p.room, p.pid), Data: data})
	if f.Type == "error" {
		return lms.Errorf(f.Code, "%s", f.Message)
	}
	return nil
}

// do publishes a live video command.
func (p *wsPeer) do(cmd command) error {
	data, _ := json.Marshal(cmd)
	return p.publish(data)
}

// Join implements sfutest.Server: subscribe to the room and the
// participant topics, then join.
func (p *wsPeer) Join(_ context.Context, _ signaling.JoinParams) error {
	for _, topic := range []string{LiveTopic(p.room), ParticipantTopic(p.room, p.pid)} {
		if f := p.command(hub.Command{Type: hub.CmdSubscribe, Topic: topic}); f.Type == "error" {
			return lms.Errorf(f.Code, "%s", f.Message)
		}
	}
	return p.do(command{Type: cmdJoin})
}

// Handle implements sfutest.Server.
func (p *wsPeer) Handle(_ context.Context, _, _ string, raw []byte) error { return p.publish(raw) }

// connect joins the peer's pion client to the live session.
func (p *wsPeer) connect(t *testing.T) *sfutest.Client {
	t.Helper()
	api, err := sfutest.NewAPI(webrtc.NetworkTypeUDP4)
	check(t, err)
	p.mu.Lock()
	p.api, p.current = api, sessionName(p.room)
	p.mu.Unlock()
	c, err := p.router.Connect(t.Context(), api, sessionName(p.room), signaling.ParticipantInfo{ID: p.pid}, signaling.Permissions{})
	check(t, err)
	p.mu.Lock()
	p.clients[sessionName(p.room)] = c
	p.mu.Unlock()
	t.Cleanup(c.Close)
	return c
}

// lastState returns the latest live state received.
func (p *wsPeer) lastState() (LiveState, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.states) == 0 {
		return LiveState{}, false
	}
	return p.states[len(p.states)-1], true
}

// waitState waits for a live state satisfying ok.
func (p *wsPeer) waitState(t *testing.T, what string, ok func(LiveState) bool) LiveState {
	t.Helper()
	var st LiveState
	waitFor(t, what, func() bool {
		var got bool
		st, got = p.lastState()
		return got && ok(st)
	})
	return st
}

// signals returns the signaling messages of a type received.
func (p *wsPeer) signals(typ string) []signaling.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []signaling.Message
	for _, f := range p.frames {
		var m signaling.Message
		if f.Type == "push" && f.Topic == ParticipantTopic(p.room, p.pid) && json.Unmarshal(f.Data, &m) == nil && m.Type == typ {
			out = append(out, m)
		}
	}
	return out
}

// mediaTimeout bounds a wait for media to flow: a new peer connection's
// ICE and DTLS handshakes take seconds of CPU under -race on a busy
// two-core machine (a breakout test once missed hubtest.WaitTimeout there).
const mediaTimeout = 3 * hubtest.WaitTimeout

// waitFor polls cond until it holds or the deadline (mediaTimeout) passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), mediaTimeout)
	defer cancel()
	if err := sfutest.Wait(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// trackOf returns the id of a participant's track of source, from c's
// view of the session.
func trackOf(c *sfutest.Client, participant string, source signaling.Source) string {
	for _, tr := range c.Tracks() {
		if tr.Participant == participant && tr.Source == source && tr.State != "refused" {
			return tr.ID
		}
	}
	return ""
}

// packets returns how many packets c received of a track.
func packets(c *sfutest.Client, track string) uint64 { return c.Received()[track].Packets }
