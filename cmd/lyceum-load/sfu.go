package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lyceumhq/lyceum/signaling"
	"github.com/lyceumhq/lyceum/signaling/sfutest"
)

// The sfu mode: one pion publisher (VP8 ~1 Mbps + Opus) and N pion
// subscribers in a room's live session of a running server, each over its
// own WebSocket (the hub's live topics, docs/protocol.md "Live video"), so
// media goes through the server's SFU on loopback. It reports the server's
// CPU per subscriber (-server-pid), packet loss and the added latency (send
// time stamped in every packet -> received).

const (
	sfuJoinTimeout = 3 * time.Minute // default -join-timeout
	sfuReadMax     = 1 << 20         // largest frame read (an SDP offer with many m-lines)
)

type sfuResult struct {
	Subscribers   int      `json:"subscribers"`
	Seconds       float64  `json:"seconds"`
	JoinSeconds   float64  `json:"join_seconds"` // first join -> every subscriber receives media
	Tracks        int      `json:"tracks"`
	Packets       uint64   `json:"packets"`
	Lost          uint64   `json:"lost"`
	LossPercent   float64  `json:"loss_percent"`
	MeanLatencyMS float64  `json:"mean_latency_ms"`
	MaxLatencyMS  float64  `json:"max_latency_ms"`
	PLIs          int64    `json:"plis"`
	CPUPerSubPct  float64  `json:"server_cpu_percent_per_subscriber,omitempty"`
	CPU           cpuStats `json:"cpu"`
}

func (r *sfuResult) summary(w io.Writer) {
	fmt.Fprintf(w, "sfu: 1 publisher -> %d subscribers for %.0f s (all receiving after %.1f s)\n", r.Subscribers, r.Seconds, r.JoinSeconds)
	fmt.Fprintf(w, "  packets %d on %d tracks, lost %d (%.3f %%), latency mean %.2f ms max %.2f ms, PLIs %d\n",
		r.Packets, r.Tracks, r.Lost, r.LossPercent, r.MeanLatencyMS, r.MaxLatencyMS, r.PLIs)
	if r.CPU.ServerCPUSeconds == 0 {
		fmt.Fprintf(w, "  tool CPU %.1f %% (server CPU: pass -server-pid)\n", 100*r.CPU.ToolCPUUtil)
		return
	}
	fmt.Fprintf(w, "  server CPU %.2f s (%.1f %% of a core), %.2f %% of a core per subscriber; tool CPU %.1f %%\n",
		r.CPU.ServerCPUSeconds, 100*r.CPU.ServerCPUUtil, r.CPUPerSubPct, 100*r.CPU.ToolCPUUtil)
}

func runSFU(ctx context.Context, c *common, args []string) (result, error) {
	fs := c.flags("")
	subs := fs.Int("subscribers", 10, "subscribers (1..500)")
	dur := fs.Duration("duration", 20*time.Second, "measurement once every subscriber receives")
	bitrate := fs.Int("video-bitrate", 1_000_000, "publisher's video bits/s")
	joinTimeout := fs.Duration("join-timeout", sfuJoinTimeout, "until every subscriber is connected and receives media")
	pidList := fs.String("server-pid", "", "server process ids (comma-separated) whose CPU time to report")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	if *subs < 1 || *subs > 500 || *dur <= 0 || *dur > maxDuration {
		return nil, errors.New("-subscribers must be 1..500 and -duration at most 10m")
	}
	pids, err := parsePids(*pidList)
	if err != nil {
		return nil, fmt.Errorf("-server-pid: %w", err)
	}
	if err := c.authenticate(ctx); err != nil {
		return nil, err
	}
	admin := newAPIClient(c.baseURL, c.token)
	var me struct{ ID int64 }
	if _, err := admin.call(ctx, "GET", "/api/v1/me", nil, &me, http.StatusOK); err != nil {
		return nil, err
	}
	run := runID()
	var course struct{ ID int64 }
	if _, err := admin.call(ctx, "POST", "/api/v1/courses", map[string]string{"title": "SFU load " + run, "code": "SFU" + run},
		&course, http.StatusCreated); err != nil {
		return nil, err
	}
	defer func() {
		_, _ = admin.call(context.Background(), "DELETE", "/api/v1/courses/"+strconv.FormatInt(course.ID, 10), nil, nil, 0)
	}()
	var rooms struct {
		Items []struct {
			ID   int64
			Main bool
		}
	}
	if _, err := admin.call(ctx, "GET", fmt.Sprintf("/api/v1/courses/%d/rooms", course.ID), nil, &rooms, http.StatusOK); err != nil {
		return nil, err
	}
	if len(rooms.Items) == 0 {
		return nil, errors.New("the new course has no room")
	}
	router := sfutest.NewRouter()
	remote := &wsSFU{url: wsURL(c.pubURL), token: c.token, user: me.ID, room: rooms.Items[0].ID, run: run, router: router,
		log: c.stderr, conns: map[string]*sfuConn{}}
	defer remote.close()
	router.SetServer(remote)
	api, err := sfutest.NewAPI()
	if err != nil {
		return nil, err
	}
	jctx, cancel := context.WithTimeout(ctx, *joinTimeout+*dur)
	defer cancel()
	var meter *cpuMeter
	res, err := sfutest.Fanout(jctx, router, api, sfutest.FanoutParams{Subscribers: *subs, Duration: *dur,
		Publish: sfutest.PublishOptions{Video: true, Audio: true, VideoBitrate: *bitrate}, Measuring: func() { meter = startCPU(pids) }})
	if err != nil {
		return nil, err
	}
	out := &sfuResult{Subscribers: *subs, Seconds: dur.Seconds(), JoinSeconds: res.Joined.Seconds(), Tracks: res.Tracks,
		Packets: res.Packets, Lost: res.Lost, MeanLatencyMS: ms(res.MeanLatency), MaxLatencyMS: ms(res.MaxLatency), PLIs: res.PLIs}
	if meter != nil {
		out.CPU = meter.stop()
		out.CPUPerSubPct = 100 * out.CPU.ServerCPUUtil / float64(*subs)
	}
	if res.Packets+res.Lost > 0 {
		out.LossPercent = 100 * float64(res.Lost) / float64(res.Packets+res.Lost)
	}
	return out, nil
}

// wsSFU is an sfutest.Server over a lyceum server's WebSocket: every
// participant is a connection of the load user, joined to the room's live
// session from its own participant topic.
type wsSFU struct {
	url, token, run string
	user, room      int64
	router          *sfutest.Router
	log             io.Writer // errors the server answered with

	mu    sync.Mutex // guards conns
	conns map[string]*sfuConn
}

// sfuConn is one participant's connection.
type sfuConn struct {
	ws      *wsConn
	topic   string
	id      string // the sfutest participant id
	session string
	mu      sync.Mutex // guards next
	next    uint64
}

// Join connects the participant, subscribes its topic and sends "join".
func (s *wsSFU) Join(ctx context.Context, p signaling.JoinParams) error {
	ws, err := dial(ctx, s.url, http.Header{"Authorization": {"Bearer " + s.token}})
	if err != nil {
		return err
	}
	tag := s.run + "_" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, p.Participant.ID)
	c := &sfuConn{ws: ws, id: p.Participant.ID, session: p.Session,
		topic: fmt.Sprintf("live:%d:u%d-%s", s.room, s.user, tag)}
	first, err := ws.ReadMessage()
	if err != nil || !strings.Contains(string(first), `"hello"`) {
		ws.Close(1000, "")
		return fmt.Errorf("no hello: %v", err)
	}
	s.mu.Lock()
	s.conns[c.id] = c
	s.mu.Unlock()
	go s.read(c)
	if err := c.command(ctx, map[string]any{"type": "subscribe", "topic": c.topic}); err != nil {
		return err
	}
	return c.command(ctx, map[string]any{"type": "publish", "topic": c.topic, "data": map[string]string{"type": "join"},
		"key": randomHex(8)})
}

// Handle publishes a signaling message on the participant's topic.
func (s *wsSFU) Handle(ctx context.Context, _, participantID string, raw []byte) error {
	s.mu.Lock()
	c := s.conns[participantID]
	s.mu.Unlock()
	if c == nil {
		return errors.New("sfu: unknown participant")
	}
	return c.command(ctx, map[string]any{"type": "publish", "topic": c.topic, "data": json.RawMessage(raw), "key": randomHex(8)})
}

func (c *sfuConn) command(ctx context.Context, cmd map[string]any) error {
	c.mu.Lock()
	c.next++
	cmd["id"] = c.next
	c.mu.Unlock()
	b, err := json.Marshal(cmd)
	if err != nil {
		return err
	}
	return c.ws.Write(ctx, b)
}

// read hands the pushes on the participant's topic to the router.
func (s *wsSFU) read(c *sfuConn) {
	for {
		msg, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(msg), "\n") {
			var f struct {
				Type    string          `json:"type"`
				Topic   string          `json:"topic"`
				Data    json.RawMessage `json:"data"`
				Code    string          `json:"code"`
				Message string          `json:"message"`
			}
			if json.Unmarshal([]byte(line), &f) != nil {
				continue
			}
			if f.Type == "error" {
				fmt.Fprintf(s.log, "sfu: %s: %s %s\n", c.id, f.Code, f.Message)
			}
			if f.Type != "push" || f.Topic != c.topic {
				continue
			}
			var m signaling.Message
			if json.Unmarshal(f.Data, &m) != nil {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = s.router.Send(ctx, c.session, c.id, m)
			cancel()
		}
	}
}

func (s *wsSFU) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.ws.Close(1000, "done")
	}
}
