package signaling_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/signaling"
	"github.com/lyceumhq/lyceum/signaling/sfutest"
)

// waitTimeout bounds every wait for media or signaling in these tests.
const waitTimeout = 10 * time.Second

// Permissions used by the tests.
var (
	staff   = signaling.Permissions{Subscribe: true, Publish: []signaling.Source{signaling.SourceCamera, signaling.SourceMicrophone, signaling.SourceScreen, signaling.SourceScreenAudio}}
	learner = signaling.Permissions{Subscribe: true}
)

// rig is a server on 127.0.0.1 with its router, client API and recorded hooks.
type rig struct {
	t      *testing.T
	srv    *signaling.Server
	router *sfutest.Router
	api    *webrtc.API

	mu     sync.Mutex // guards events and levels
	events []string
	levels []signaling.AudioLevel
}

func newRig(t *testing.T, tweak func(*signaling.Config)) *rig {
	t.Helper()
	r := &rig{t: t, router: sfutest.NewRouter()}
	cfg := signaling.Config{Send: r.router.Send, ICE: signaling.ICEConfig{Loopback: true}}
	cfg.Hooks = signaling.Hooks{
		ParticipantJoined: func(s string, p signaling.ParticipantInfo) { r.record("joined " + p.ID) },
		ParticipantLeft: func(s string, p signaling.ParticipantInfo, reason string) {
			r.record("left " + p.ID + " " + reason)
		},
		TrackPublished: func(s string, ti signaling.TrackInfo) {
			r.record("published " + ti.Participant + " " + string(ti.Source))
		},
		TrackRemoved: func(s string, ti signaling.TrackInfo) {
			r.record("removed " + ti.Participant + " " + string(ti.Source))
		},
		SessionEmpty: func(s string) { r.record("empty " + s) },
		SessionEnded: func(s string) { r.record("ended " + s) },
		AudioLevels: func(s string, levels []signaling.AudioLevel) {
			r.mu.Lock()
			r.levels = append(r.levels, levels...)
			r.mu.Unlock()
		},
	}
	if tweak != nil {
		tweak(&cfg)
	}
	srv, err := signaling.New(cfg, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel))
	if err != nil {
		t.Fatal(err)
	}
	r.srv = srv
	r.router.SetServer(srv)
	api, err := sfutest.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	r.api = api
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			t.Errorf("closing the server: %v", err)
		}
	})
	return r
}

func (r *rig) record(ev string) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

func (r *rig) hasEvent(ev string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.events {
		if e == ev {
			return true
		}
	}
	return false
}

// join connects a client to session "s1" (or the given session).
func (r *rig) join(id string, perms signaling.Permissions) *sfutest.Client {
	r.t.Helper()
	return r.joinSession("s1", id, perms)
}

func (r *rig) joinSession(session, id string, perms signaling.Permissions) *sfutest.Client {
	r.t.Helper()
	c, err := r.router.Connect(r.t.Context(), r.api, session, signaling.ParticipantInfo{ID: id, Name: id}, perms)
	if err != nil {
		r.t.Fatalf("join %s: %v", id, err)
	}
	r.t.Cleanup(c.Close)
	return c
}

// publish starts camera and microphone (or opts) on c.
func publish(t *testing.T, c *sfutest.Client, opts sfutest.PublishOptions) {
	t.Helper()
	if err := c.Publish(opts); err != nil {
		t.Fatalf("publish: %v", err)
	}
}

var av = sfutest.PublishOptions{Video: true, Audio: true}

// waitFor polls cond with the test's bound and fails with what.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	if err := sfutest.Wait(ctx, cond); err != nil {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// trackOf returns the id of participant's track of source in c's list.
func trackOf(c *sfutest.Client, participant string, source signaling.Source) string {
	for _, ti := range c.Tracks() {
		if ti.Participant == participant && ti.Source == source {
			return ti.ID
		}
	}
	return ""
}

// packets returns how many packets c received of track id.
func packets(c *sfutest.Client, id string) uint64 { return c.Received()[id].Packets }

// receiving waits until c has received at least n packets of participant's
// source.
func receiving(t *testing.T, c *sfutest.Client, participant string, source signaling.Source, n uint64) string {
	t.Helper()
	var id string
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	if sfutest.Wait(ctx, func() bool {
		id = trackOf(c, participant, source)
		return id != "" && packets(c, id) >= n
	}) != nil {
		t.Fatalf("timed out waiting for %s receiving %s's %s: tracks %+v, received %+v, errors %v",
			c.ID, participant, source, c.Tracks(), c.Received(), c.Errors())
	}
	return id
}

// event returns the first event of type typ c received, if any.
func event(c *sfutest.Client, typ string) (signaling.Message, bool) {
	for _, m := range c.Events() {
		if m.Type == typ {
			return m, true
		}
	}
	return signaling.Message{}, false
}

// codeOf returns the signaling code of err.
func codeOf(err error) signaling.Code {
	var e *signaling.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// settleGoroutines waits until the goroutine count is back to at most
// base, failing with a dump otherwise.
func settleGoroutines(t *testing.T, base int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if sfutest.Wait(ctx, func() bool { return runtime.NumGoroutine() <= base }) != nil {
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutines: %d, want at most %d\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
	}
}

// quietWindow is how long a track must receive nothing to count as
// no longer forwarded (audio packets come every 20 ms).
const quietWindow = 500 * time.Millisecond

// quiet waits until c stops receiving track id and returns its count.
func quiet(t *testing.T, c *sfutest.Client, id string) uint64 {
	t.Helper()
	last, changed := packets(c, id), time.Now()
	waitFor(t, "forwarding of "+id+" to stop", func() bool {
		if n := packets(c, id); n != last {
			last, changed = n, time.Now()
		}
		return time.Since(changed) > quietWindow
	})
	return last
}

// lecture joins a teacher publishing camera and microphone and a learner
// sub that receives at least n camera packets; it returns both clients
// and the camera's track id.
func (r *rig) lecture(sub string, n uint64) (teacher, learnerClient *sfutest.Client, camera string) {
	r.t.Helper()
	teacher = r.join("teacher", staff)
	publish(r.t, teacher, av)
	learnerClient = r.join(sub, learner)
	camera = receiving(r.t, learnerClient, "teacher", signaling.SourceCamera, n)
	return teacher, learnerClient, camera
}
