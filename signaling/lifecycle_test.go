package signaling_test

import (
	"context"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/signaling"
	"github.com/lyceumhq/lyceum/signaling/sfutest"
)

// fakeClock runs AfterFunc callbacks only when fire is called.
type fakeClock struct {
	mu      sync.Mutex
	pending []*fakeTimer
}

type fakeTimer struct {
	f       func()
	stopped bool
}

func (c *fakeClock) Now() time.Time { return time.Now() }

func (c *fakeClock) AfterFunc(_ time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{f: f}
	c.pending = append(c.pending, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// fire runs every timer not stopped.
func (c *fakeClock) fire() {
	c.mu.Lock()
	timers := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, t := range timers {
		if !t.stopped {
			t.f()
		}
	}
}

func TestEmptySessionEndsAfterTimeout(t *testing.T) {
	clock := &fakeClock{}
	r := newRig(t, func(c *signaling.Config) { c.Clock = clock })
	ann := r.join("ann", learner)
	ann.Leave()
	waitFor(t, "the empty hook", func() bool { return r.hasEvent("empty s1") })

	t.Run("a join in time keeps it", func(t *testing.T) {
		bob := r.join("bob", learner)
		clock.fire() // the timer was stopped by the join
		if _, err := r.srv.Session("s1"); err != nil {
			t.Fatalf("session ended although bob joined: %v", err)
		}
		bob.Leave()
	})
	t.Run("ends when the timer fires", func(t *testing.T) {
		clock.fire()
		if !r.hasEvent("ended s1") {
			t.Error("SessionEnded not called")
		}
		if _, err := r.srv.Session("s1"); codeOf(err) != signaling.CodeNotFound {
			t.Errorf("session still there: %v", err)
		}
	})
}

func TestEndSessionRemovesEveryone(t *testing.T) {
	r := newRig(t, nil)
	a := r.join("a", staff)
	b := r.join("b", learner)
	if err := r.srv.EndSession("s1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both told", func() bool { return a.Left() && b.Left() })
	if !r.hasEvent("left a ended") || !r.hasEvent("ended s1") {
		t.Error("hooks missing")
	}
	if err := b.Send(signaling.Message{Type: signaling.TypeLeave}); codeOf(err) != signaling.CodeNotFound {
		t.Errorf("message after the end: %v, want not_found", err)
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	base := runtime.NumGoroutine()
	router := sfutest.NewRouter()
	srv, err := signaling.New(signaling.Config{Send: router.Send, ICE: signaling.ICEConfig{Loopback: true, SingleUDPPort: true}},
		zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel))
	if err != nil {
		t.Fatal(err)
	}
	router.SetServer(srv)
	api, err := sfutest.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	var clients []*sfutest.Client
	for i, perms := range []signaling.Permissions{staff, learner, learner} {
		c, err := router.Connect(t.Context(), api, "s1", signaling.ParticipantInfo{ID: "p" + strconv.Itoa(i)}, perms)
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	if err := clients[0].Publish(av); err != nil {
		t.Fatal(err)
	}
	receiving(t, clients[1], "p0", signaling.SourceCamera, 20)
	receiving(t, clients[2], "p0", signaling.SourceMicrophone, 20)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		c.Close()
	}
	if err := srv.Join(ctx, signaling.JoinParams{Session: "s1", Participant: signaling.ParticipantInfo{ID: "late"}}); codeOf(err) != signaling.CodeUnavailable {
		t.Errorf("join after Close: %v, want unavailable", err)
	}
	settleGoroutines(t, base)
}

func TestTURNCredentials(t *testing.T) {
	// Reference value: printf '1700000000:alice' | openssl dgst -sha1 -hmac s3cret -binary | base64
	user, pass := signaling.TURNCredentials("s3cret", "alice", time.Unix(1700000000, 0))
	if user != "1700000000:alice" || pass != "TtElzSjT0GdnTQ9xdcRNxx96yQs=" {
		t.Errorf("got %q %q", user, pass)
	}
	r := newRig(t, func(c *signaling.Config) {
		c.ICE.Servers = []signaling.ICEServer{{URLs: []string{"stun:stun.example.org:3478"}},
			{URLs: []string{"turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"}}}
		c.ICE.TURNSecret = "s3cret"
	})
	ann := r.join("ann", learner)
	waitFor(t, "joined", func() bool { _, ok := event(ann, signaling.TypeJoined); return ok })
	m, _ := event(ann, signaling.TypeJoined)
	if len(m.ICEServers) != 2 || m.ICEServers[0].Username != "" {
		t.Fatalf("ice servers %+v", m.ICEServers)
	}
	turn := m.ICEServers[1]
	exp, _, _ := strings.Cut(turn.Username, ":")
	sec, _ := strconv.ParseInt(exp, 10, 64)
	if !strings.HasSuffix(turn.Username, ":ann") || time.Until(time.Unix(sec, 0)) < time.Hour {
		t.Errorf("turn username %q", turn.Username)
	}
	if _, want := signaling.TURNCredentials("s3cret", "ann", time.Unix(sec, 0)); turn.Credential != want {
		t.Errorf("turn credential %q, want %q", turn.Credential, want)
	}
}

func TestSingleUDPPortAndTCPFallback(t *testing.T) {
	r := newRig(t, func(c *signaling.Config) {
		c.ICE.SingleUDPPort = true
		c.ICE.TCP = true
	})
	udp := r.srv.UDPAddrs()
	if len(udp) != 1 {
		t.Fatalf("udp addresses %v", udp)
	}
	udpPort := strconv.Itoa(udp[0].(*net.UDPAddr).Port)
	tcpPort := strconv.Itoa(r.srv.TCPAddr().(*net.TCPAddr).Port)
	_, ann, _ := r.lecture("ann", 10)
	var sawUDP, sawTCP bool
	for _, c := range ann.Candidates() {
		f := strings.Fields(c)
		switch {
		case len(f) < 6:
			t.Errorf("candidate %q", c)
		case strings.EqualFold(f[2], "udp"):
			sawUDP = true
			if f[5] != udpPort {
				t.Errorf("udp candidate on port %s, want %s: %s", f[5], udpPort, c)
			}
		case strings.EqualFold(f[2], "tcp"):
			sawTCP = sawTCP || f[5] == tcpPort
		}
	}
	if !sawUDP || !sawTCP {
		t.Errorf("trickled candidates %v: udp %v tcp %v", ann.Candidates(), sawUDP, sawTCP)
	}

	t.Run("a TCP-only client receives media", func(t *testing.T) {
		api, err := sfutest.NewAPI(webrtc.NetworkTypeTCP4)
		if err != nil {
			t.Fatal(err)
		}
		c, err := r.router.Connect(t.Context(), api, "s1", signaling.ParticipantInfo{ID: "tcp"}, learner)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		receiving(t, c, "teacher", signaling.SourceCamera, 10)
	})
}
