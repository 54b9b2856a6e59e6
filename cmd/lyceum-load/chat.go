package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"
)

// Chat defaults (issue 4's benchmark: 30 rooms x 40 members, one message
// every 10 s each for 60 s).
const (
	defaultChatRooms    = 30
	defaultChatMembers  = 40
	defaultChatInterval = 10 * time.Second
	defaultChatDuration = 60 * time.Second
	defaultChatDrain    = 15 * time.Second // wait for answers and pushes after the last send
	maxChatMembers      = 1000
	maxChatRooms        = 500
	minChatInterval     = 100 * time.Millisecond // the hub allows 20 commands/s per connection
	chatDrainPoll       = 50 * time.Millisecond
)

// chatRoomReport is the history check of one room.
type chatRoomReport struct {
	RoomID     int64 `json:"room_id"`
	Stored     int   `json:"stored"`     // messages in the database
	Lost       int   `json:"lost"`       // stored messages a member's connection did not receive (summed over members)
	Duplicated int   `json:"duplicated"` // extra copies received (summed over members)
	Unexpected int   `json:"unexpected"` // received messages that are not in the database
}

// chatResult is the outcome of the chat mode.
type chatResult struct {
	URLs            []string         `json:"urls"`
	CourseID        int64            `json:"course_id"`
	Rooms           int              `json:"rooms"`
	Members         int              `json:"members_per_room"`
	IntervalS       float64          `json:"interval_seconds"`
	SetupSeconds    float64          `json:"setup_seconds"`
	Connect         connectStats     `json:"connect"`
	Seconds         float64          `json:"seconds"`
	Sent            uint64           `json:"sent"`
	Acked           uint64           `json:"acked"`
	Failed          uint64           `json:"failed"`
	FirstError      string           `json:"first_error,omitempty"`
	Unanswered      int              `json:"unanswered"` // publishes without an answer after the drain wait
	Delivered       uint64           `json:"delivered"`  // pushes of another member's message
	SelfPushes      uint64           `json:"self_pushes"`
	MessagesPerSec  float64          `json:"messages_per_second"`
	DeliveriesPerS  float64          `json:"deliveries_per_second"`
	Latency         LatencySummary   `json:"latency"`     // send -> push at every other member
	AckLatency      LatencySummary   `json:"ack_latency"` // send -> ack (stored)
	Stored          int              `json:"stored"`
	Lost            int              `json:"lost"`
	Duplicated      int              `json:"duplicated"`
	Unexpected      int              `json:"unexpected"`
	AckedNotStored  int              `json:"acked_not_stored"`
	StoredTwice     int              `json:"stored_twice"`
	PerRoom         []chatRoomReport `json:"per_room"`
	Resubscribes    uint64           `json:"resubscribes"` // "unsubscribed" frames answered with a recovering subscribe
	Recovered       uint64           `json:"recovered"`
	NotRecovered    uint64           `json:"not_recovered"`
	OtherPushes     uint64           `json:"other_pushes"`    // pushes on the room topics that are not the tool's messages
	ProtocolErrors  uint64           `json:"protocol_errors"` // unreadable frames and unexpected error frames
	Disconnects     uint64           `json:"disconnects"`
	DisconnectCodes map[string]int   `json:"disconnect_codes,omitempty"`
	CPU             cpuStats         `json:"cpu"`
	OK              bool             `json:"ok"`
}

func (r *chatResult) summary(w io.Writer) {
	defer printCodes(w, r.DisconnectCodes)
	fmt.Fprintf(w, "chat: %d rooms x %d members (%d connections over %s), one message each every %.1fs\n",
		r.Rooms, r.Members, r.Connect.Connections, strings.Join(r.URLs, ", "), r.IntervalS)
	fmt.Fprintf(w, "  setup %.1fs; connect: %d ok, %d failed in %.1fs, p99 %.1f ms\n", r.SetupSeconds,
		r.Connect.Connections, r.Connect.Failed, r.Connect.Seconds, r.Connect.Latency.P99MS)
	fmt.Fprintf(w, "  %.1fs: sent %d (%.1f/s), acked %d, failed %d, unanswered %d %s\n", r.Seconds, r.Sent,
		r.MessagesPerSec, r.Acked, r.Failed, r.Unanswered, r.FirstError)
	fmt.Fprintf(w, "  delivered %d to other members (%.0f/s), %d back to their senders\n", r.Delivered, r.DeliveriesPerS, r.SelfPushes)
	fmt.Fprintf(w, "  send -> delivery p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
		r.Latency.P50MS, r.Latency.P90MS, r.Latency.P99MS, r.Latency.MaxMS)
	fmt.Fprintf(w, "  send -> ack (stored) p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
		r.AckLatency.P50MS, r.AckLatency.P99MS, r.AckLatency.MaxMS)
	fmt.Fprintf(w, "  history: %d stored; lost %d, duplicated %d, unexpected %d, acked but not stored %d, stored twice %d\n",
		r.Stored, r.Lost, r.Duplicated, r.Unexpected, r.AckedNotStored, r.StoredTwice)
	for _, rr := range r.PerRoom {
		if rr.Lost+rr.Duplicated+rr.Unexpected > 0 {
			fmt.Fprintf(w, "    room %d: stored %d, lost %d, duplicated %d, unexpected %d\n",
				rr.RoomID, rr.Stored, rr.Lost, rr.Duplicated, rr.Unexpected)
		}
	}
	if r.Resubscribes+r.OtherPushes+r.ProtocolErrors > 0 {
		fmt.Fprintf(w, "  resubscribes after 'unsubscribed' %d (recovered %d, not recovered %d); other pushes %d; protocol errors %d\n",
			r.Resubscribes, r.Recovered, r.NotRecovered, r.OtherPushes, r.ProtocolErrors)
	}
	fmt.Fprintf(w, "  disconnects %d; CPU: tool %.0f%%, server %.0f%%\n", r.Disconnects, 100*r.CPU.ToolCPUUtil, 100*r.CPU.ServerCPUUtil)
	verdict := "PASS: every member received exactly the stored messages of its room"
	if !r.OK {
		verdict = "FAIL: see the counts above"
	}
	fmt.Fprintf(w, "  %s\n", verdict)
}

// chatOptions are the chat mode's flags.
type chatOptions struct {
	urls     []string
	rooms    int
	members  int
	interval time.Duration
	duration time.Duration
	drain    time.Duration
	fixtureFlags
}

func parseChatFlags(c *common, args []string) (*chatOptions, error) {
	fs := c.flags("Room chat through the real course rooms: setup (not measured) creates a published course with\n" +
		"-rooms rooms and -members learner accounts (each with its own API token) through the HTTP API as the\n" +
		"administrator; every member opens one connection per room (alternating over -urls), subscribes to\n" +
		"room:<id> and sends a message every -interval (jittered start) for -duration with 'publish' and a\n" +
		"unique key. Latency is send -> push at every other member; afterwards each room's history\n" +
		"(GET /api/v1/rooms/{id}/messages) is compared with what every connection received.")
	o := &chatOptions{}
	urls := fs.String("urls", "", "comma-separated base URLs of the nodes the members' connections alternate over (default -url)")
	fs.IntVar(&o.rooms, "rooms", defaultChatRooms, "rooms in the course (the main room and more)")
	fs.IntVar(&o.members, "members", defaultChatMembers, "members (accounts), each in every room")
	fs.DurationVar(&o.interval, "interval", defaultChatInterval, "time between one connection's messages")
	fs.DurationVar(&o.duration, "duration", defaultChatDuration, "how long to send")
	fs.DurationVar(&o.drain, "drain", defaultChatDrain, "longest wait for answers and pushes after the last send")
	o.define(fs)
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	if err := o.parsed(); err != nil {
		return nil, err
	}
	o.urls = []string{c.baseURL}
	if *urls != "" {
		o.urls = nil
		for u := range strings.SplitSeq(*urls, ",") {
			u = strings.TrimSpace(u)
			if err := checkLoopbackURL(u); err != nil {
				return nil, fmt.Errorf("-urls: %w", err)
			}
			o.urls = append(o.urls, u)
		}
		c.baseURL = o.urls[0] // setup and the check use the first node
	}
	if err := checkCount("rooms", o.rooms, maxChatRooms); err != nil {
		return nil, err
	}
	if err := checkCount("members", o.members, maxChatMembers); err != nil {
		return nil, err
	}
	if o.rooms*o.members > maxConnections {
		return nil, fmt.Errorf("-rooms x -members must be at most %d connections", maxConnections)
	}
	if o.interval < minChatInterval || o.interval > maxDuration {
		return nil, fmt.Errorf("-interval must be in [%v, %v]", minChatInterval, maxDuration)
	}
	if float64(o.rooms*o.members)/o.interval.Seconds() > maxRate {
		return nil, fmt.Errorf("-rooms x -members / -interval must be at most %v messages/s", maxRate)
	}
	if err := checkDuration("duration", o.duration); err != nil {
		return nil, err
	}
	if err := checkDuration("drain", o.drain); err != nil {
		return nil, err
	}
	return o, nil
}

func runChat(ctx context.Context, c *common, args []string) (result, error) {
	o, err := parseChatFlags(c, args)
	if err != nil {
		return nil, err
	}
	n := o.rooms * o.members
	if err := c.checkFiles(n); err != nil {
		return nil, err
	}
	if err := c.authenticate(ctx); err != nil {
		return nil, err
	}
	admin := newAPIClient(c.baseURL, c.token)
	run := runID()
	say, setupStart := c.setupLog()
	fx, err := setupChat(ctx, admin, run, o.rooms, o.members, say)
	if !o.keep && fx != nil {
		defer c.cleanupFixture(ctx, admin, fx, time.Minute)
	}
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	say("done")
	res := &chatResult{URLs: o.urls, CourseID: fx.CourseID, Rooms: o.rooms, Members: o.members,
		IntervalS: o.interval.Seconds(), SetupSeconds: time.Since(setupStart).Seconds()}

	st := &chatStats{latency: NewRecorder(), ackLatency: NewRecorder()}
	conns, cs := dialChats(ctx, c, o, fx, st)
	defer func() {
		for _, cc := range conns {
			if cc != nil {
				cc.close()
			}
		}
	}()
	res.Connect = cs
	if cs.Failed > 0 {
		return nil, fmt.Errorf("%d of %d connections failed: %s", cs.Failed, n, cs.FirstError)
	}

	var lastDel uint64
	stop := c.progress(func(time.Duration) string {
		h := st.latency.Interval()
		del := st.delivered.Load()
		line := fmt.Sprintf("sent %d acked %d failed %d, delivered %d/s, p50 %.1f ms p99 %.1f ms max %.1f ms, disconnects %d",
			st.sent.Load(), st.acked.Load(), st.failed.Load(), del-lastDel, ms(h.Quantile(0.5)), ms(h.Quantile(0.99)),
			ms(h.Max()), st.cnt.disconnects.Load())
		lastDel = del
		return line
	})
	cpu := startCPU(o.pids)
	start := time.Now()
	var wg sync.WaitGroup
	for _, cc := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sendLoop(ctx, cc, run, start, o.interval, o.duration)
		}()
	}
	wg.Wait()
	res.Seconds = time.Since(start).Seconds()
	res.CPU = cpu.stop()
	drainChat(conns, o.drain)
	stop()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	res.Sent, res.Acked, res.Failed = st.sent.Load(), st.acked.Load(), st.failed.Load()
	st.mu.Lock()
	res.FirstError = st.firstErr
	st.mu.Unlock()
	for _, cc := range conns {
		res.Unanswered += cc.unanswered()
	}
	res.Delivered, res.SelfPushes = st.delivered.Load(), st.selfPushes.Load()
	res.MessagesPerSec = float64(res.Sent) / res.Seconds
	res.DeliveriesPerS = float64(res.Delivered) / res.Seconds
	res.Latency, res.AckLatency = st.latency.Total().Summary(), st.ackLatency.Total().Summary()
	res.Disconnects, res.DisconnectCodes = st.cnt.disconnects.Load(), st.cnt.closeCodes()
	res.Resubscribes, res.Recovered, res.NotRecovered = st.resubs.Load(), st.recovered.Load(), st.notRecov.Load()
	res.OtherPushes, res.ProtocolErrors = st.other.Load(), st.cnt.errors.Load()

	if !c.quiet {
		fmt.Fprintln(c.stderr, "checking every room's history against what each connection received")
	}
	if err := checkChatHistory(ctx, admin, fx, o.members, conns, res); err != nil {
		return nil, err
	}
	res.OK = res.Lost == 0 && res.Duplicated == 0 && res.Unexpected == 0 && res.AckedNotStored == 0 &&
		res.StoredTwice == 0 && res.Failed == 0 && res.Unanswered == 0 && res.Disconnects == 0 && res.Acked == res.Sent &&
		res.ProtocolErrors == 0
	return res, nil
}

// dialChats opens every member's connection to every room: connection
// room*members+member, on node (room*members+member) % len(urls).
func dialChats(ctx context.Context, c *common, o *chatOptions, fx *chatFixture, st *chatStats) ([]*chatConn, connectStats) {
	return dialMany(ctx, c, o.rooms*o.members, func(ctx context.Context, i int) (*chatConn, error) {
		room, member := i/o.members, i%o.members
		return dialChat(ctx, wsURL(o.urls[i%len(o.urls)]), fx.Members[member].Token,
			fmt.Sprintf("room:%d", fx.Rooms[room].ID), i, member, room, st)
	})
}

// sendLoop sends cc's messages: the first at a random point of the first
// interval, then one every interval until duration has passed since start.
func sendLoop(ctx context.Context, cc *chatConn, run string, start time.Time, interval, duration time.Duration) {
	next := start.Add(rand.N(interval))
	t := time.NewTimer(time.Until(next))
	defer t.Stop()
	for seq := 1; next.Sub(start) < duration; seq++ {
		select {
		case <-ctx.Done():
			return
		case <-cc.done:
			return
		case <-t.C:
		}
		now := time.Now()
		if err := cc.publish(ctx, chatKey(run, cc.member, cc.room, seq), chatBody(cc.member, cc.room, seq, now.UnixNano())); err != nil {
			return
		}
		next = next.Add(interval)
		t.Reset(time.Until(next))
	}
}

// drainChat waits until every publish is answered and every connection
// received as many messages as its room's members had acknowledged, or
// until timeout.
func drainChat(conns []*chatConn, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		acked := map[int]int{} // room -> acknowledged publishes
		pending := 0
		for _, cc := range conns {
			cc.mu.Lock()
			acked[cc.room] += len(cc.acked)
			pending += len(cc.pending)
			cc.mu.Unlock()
		}
		done := pending == 0
		for _, cc := range conns {
			if !done {
				break
			}
			select {
			case <-cc.done:
				continue // disconnected: it will not catch up
			default:
			}
			if cc.distinct() < acked[cc.room] {
				done = false
			}
		}
		if done {
			return
		}
		time.Sleep(chatDrainPoll)
	}
}

// checkChatHistory compares each room's stored history with what every
// connection to the room received and with what was acknowledged.
func checkChatHistory(ctx context.Context, admin *apiClient, fx *chatFixture, members int, conns []*chatConn, res *chatResult) error {
	for r, room := range fx.Rooms {
		stored, err := roomHistory(ctx, admin, room.ID)
		if err != nil {
			return fmt.Errorf("reading the history of room %d: %w", room.ID, err)
		}
		rr := chatRoomReport{RoomID: room.ID, Stored: len(stored)}
		ids := make(map[int64]bool, len(stored))
		bodies := make(map[string]int, len(stored))
		for _, m := range stored {
			ids[m.ID] = true
			bodies[m.Body]++
		}
		for _, k := range bodies {
			if k > 1 {
				res.StoredTwice += k - 1
			}
		}
		for m := range members {
			cc := conns[r*members+m]
			got := cc.received()
			for id := range ids {
				if got[id] == 0 {
					rr.Lost++
				}
			}
			for id, k := range got {
				if !ids[id] {
					rr.Unexpected++
				}
				if k > 1 {
					rr.Duplicated += k - 1
				}
			}
			cc.mu.Lock()
			for _, b := range cc.acked {
				if bodies[b] == 0 {
					res.AckedNotStored++
				}
			}
			cc.mu.Unlock()
		}
		res.Stored += rr.Stored
		res.Lost += rr.Lost
		res.Duplicated += rr.Duplicated
		res.Unexpected += rr.Unexpected
		res.PerRoom = append(res.PerRoom, rr)
	}
	sort.Slice(res.PerRoom, func(i, j int) bool { return res.PerRoom[i].RoomID < res.PerRoom[j].RoomID })
	if len(res.PerRoom) == 0 {
		return errors.New("no rooms checked")
	}
	return nil
}
