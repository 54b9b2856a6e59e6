package rooms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/signaling"
)

// Live video timing and bounds.
const (
	// DefaultVideoHeartbeat is how often a node refreshes the sessions it
	// hosts and checks the hosts of its participants; a host silent for
	// staleHeartbeats of them is taken for dead.
	DefaultVideoHeartbeat = 5 * time.Second
	staleHeartbeats       = 3
	videoOpTimeout        = 5 * time.Second // one routed operation (join, signal, command)
	controlInbox          = 4096            // routed operations queued for this node's worker
)

// VideoStore is what live video stores (store.VideoSessions).
type VideoStore interface {
	ClaimVideoSession(ctx context.Context, roomID, courseID int64, node string, now, staleBefore time.Time) (*lms.VideoSession, error)
	OpenVideoSession(ctx context.Context, roomID int64) (*lms.VideoSession, error)
	TouchVideoSessions(ctx context.Context, node string, now time.Time) error
	EndVideoSession(ctx context.Context, id int64, at time.Time) error
	StartAttendance(ctx context.Context, a *lms.Attendance) error
	EndAttendance(ctx context.Context, id int64, at time.Time) error
}

// VideoParams are what NewVideo needs.
type VideoParams struct {
	Hub    *hub.Hub
	Policy *Policy // who may be in which room (NewPolicy with the course services)
	Store  VideoStore
	NodeID string // this node's id (the hub's)
	// Signaling configures the SFU (ICE, limits); Send and Hooks are set
	// by the video layer.
	Signaling signaling.Config
	// Heartbeat: see DefaultVideoHeartbeat.
	Heartbeat time.Duration
	// Live hears when a session's first staff member joins (nil: nobody
	// is told; remind.Service tells the room's members).
	Live LiveNotifier
	Log  zerolog.Logger
}

// LiveNotifier tells a room's members that a live session is on there.
type LiveNotifier interface {
	LiveStarted(ctx context.Context, roomID, sessionID, startedBy int64) error
}

// Video is the live video layer of one node: it joins the members of a
// room to the room's live session with the permissions their course role
// gives, keeps the hand queue and who may speak, records attendance, and
// routes signaling to the node hosting the session (one node per session,
// recorded in the store) over the hub's control channel.
type Video struct {
	hub       *hub.Hub
	policy    *Policy
	store     VideoStore
	srv       *signaling.Server
	node      string
	heartbeat time.Duration
	minute    time.Duration // a breakout minute (tests shorten it)
	live      LiveNotifier
	log       zerolog.Logger

	mu     sync.Mutex // guards hosted and local
	hosted map[int64]*hostedRoom
	local  map[string]*localParticipant // participants connected to this node, by participant id

	inbox  chan videoOp
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// localParticipant is a participant whose socket is on this node.
type localParticipant struct {
	room      int64
	host      string // node hosting the session
	sessionID int64  // the stored session
}

// NewVideo starts the live video layer (its SFU, its worker and its
// heartbeat). Install its hooks (Hooks) on the hub, and Close it before
// the hub shuts down.
func NewVideo(p VideoParams) (*Video, error) {
	if p.Heartbeat <= 0 {
		p.Heartbeat = DefaultVideoHeartbeat
	}
	v := &Video{hub: p.Hub, policy: p.Policy, store: p.Store, node: p.NodeID, heartbeat: p.Heartbeat, minute: time.Minute,
		live: p.Live,
		log:  p.Log.With().Str("component", "video").Logger(), hosted: map[int64]*hostedRoom{},
		local: map[string]*localParticipant{}, inbox: make(chan videoOp, controlInbox)}
	cfg := p.Signaling
	cfg.Send = v.send
	cfg.Hooks = signaling.Hooks{ParticipantJoined: v.joined, ParticipantLeft: v.left,
		TrackPublished: v.trackChanged, TrackRemoved: v.trackChanged, AudioLevels: v.audioLevels,
		SessionEnded: v.sessionEnded}
	srv, err := signaling.New(cfg, v.log)
	if err != nil {
		return nil, err
	}
	v.srv = srv
	v.ctx, v.cancel = context.WithCancel(context.Background())
	v.wg.Add(2)
	go v.work()
	go v.beat()
	return v, nil
}

// Server returns the SFU (for its addresses and statistics).
func (v *Video) Server() *signaling.Server { return v.srv }

// Close ends the sessions this node hosts (their participants are told),
// stops the worker and releases the SFU's sockets.
func (v *Video) Close(ctx context.Context) error {
	err := v.srv.Close(ctx)
	v.mu.Lock()
	for id, h := range v.hosted { // rooms whose SFU session never started
		delete(v.hosted, id)
		close(h.dirty)
	}
	v.mu.Unlock()
	v.cancel()
	v.wg.Wait()
	return err
}

// Hooks wraps base (the policy's hooks) with the live video topics.
func (v *Video) Hooks(base hub.Hooks) hub.Hooks {
	can, pub := base.CanSubscribe, base.OnPublish
	base.CanSubscribe = func(ctx context.Context, id hub.Identity, topic string) (hub.SubscribeOptions, error) {
		if _, _, _, ok := liveTopic(topic); ok {
			return v.canSubscribe(ctx, id, topic)
		}
		return can(ctx, id, topic)
	}
	base.OnPublish = func(ctx context.Context, req hub.PublishRequest) (hub.PublishResult, error) {
		if _, _, _, ok := liveTopic(req.Topic); ok {
			return v.onPublish(ctx, req)
		}
		return pub(ctx, req)
	}
	base.Unsubscribed = v.unsubscribed
	base.Control = v.control
	return base
}

// member is who a caller is in a room, checked now.
type member struct {
	user  *lms.User
	room  *lms.Room
	role  lms.CourseRole
	staff bool
}

// access loads the caller and checks they may be in the room.
func (v *Video) access(ctx context.Context, id hub.Identity, roomID int64) (member, error) {
	c := callerOf(id)
	if c.userID == 0 {
		return member{}, lms.Errorf(lms.EUNAUTHORIZED, "Sign in first.")
	}
	u, err := v.policy.user(ctx, c)
	if err != nil {
		return member{}, err
	}
	if v.policy.chat == nil {
		return member{}, lms.Errorf(lms.ENOTFOUND, "Unknown topic.")
	}
	r, role, staff, err := v.policy.chat.RoomAccess(ctx, u, roomID)
	if err != nil {
		return member{}, err
	}
	return member{user: u, room: r, role: role, staff: staff}, nil
}

// canSubscribe lets members of the room follow its live state and each
// user follow only their own participant topics. A refusal of a
// participant topic (access lost at a re-check) ends that participant.
func (v *Video) canSubscribe(ctx context.Context, id hub.Identity, topic string) (hub.SubscribeOptions, error) {
	roomID, pid, userID, _ := liveTopic(topic)
	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	if pid != "" && userID != callerOf(id).userID {
		return hub.SubscribeOptions{}, lms.Errorf(lms.EFORBIDDEN, "This is another person's live session channel.")
	}
	m, err := v.access(ctx, id, roomID)
	if err != nil {
		return hub.SubscribeOptions{}, err
	}
	return hub.SubscribeOptions{Scope: CourseScope(m.room.CourseID)}, nil
}

// command is what a client publishes on its participant topic: a live
// video command (join, hand ...) or a signaling message.
type command struct {
	Type        string      `json:"type"`
	Participant string      `json:"participant,omitempty"` // lower_hands, allow: whose
	Allow       bool        `json:"allow,omitempty"`       // allow
	On          bool        `json:"on,omitempty"`          // open_mic
	Track       string      `json:"track,omitempty"`       // mute_track, stop_track
	Count       int         `json:"count,omitempty"`       // breakout_start: random groups
	Groups      []GroupSpec `json:"groups,omitempty"`      // breakout_start: given groups
	Minutes     int         `json:"minutes,omitempty"`     // breakout_start
	Group       string      `json:"group,omitempty"`       // move
	Text        string      `json:"text,omitempty"`        // broadcast
}

// Live video commands (the other types are signaling messages).
const (
	cmdJoin       = "join"        // join the room's live session
	cmdRaiseHand  = "raise_hand"  // join the hand queue
	cmdLowerHand  = "lower_hand"  // leave it
	cmdLowerHands = "lower_hands" // staff: lower one participant's hand, or every hand without participant
	cmdAllow      = "allow"       // staff: let a learner speak (allow: true) or not
	cmdOpenMic    = "open_mic"    // staff: everyone may unmute (on) or not
	cmdMuteTrack  = "mute_track"  // staff: stop forwarding a track (its publisher may unmute)
	cmdStopTrack  = "stop_track"  // staff: end a track
)

// staffOnly are the commands only staff may send.
var staffOnly = map[string]bool{cmdLowerHands: true, cmdAllow: true, cmdOpenMic: true, cmdMuteTrack: true, cmdStopTrack: true,
	cmdBreakoutStart: true, cmdBreakoutEnd: true, cmdBroadcast: true, cmdMove: true, cmdDismissCall: true}

// onPublish handles a client publication on its participant topic; the
// room's state topic is the server's.
func (v *Video) onPublish(ctx context.Context, req hub.PublishRequest) (hub.PublishResult, error) {
	roomID, pid, userID, _ := liveTopic(req.Topic)
	if pid == "" || userID != callerOf(req.Identity).userID {
		return hub.PublishResult{}, lms.Errorf(lms.EFORBIDDEN, "You cannot publish on this topic.")
	}
	var cmd command
	if err := decode(req.Data, &cmd); err != nil {
		return hub.PublishResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	m, err := v.access(ctx, req.Identity, roomID)
	if err != nil {
		return hub.PublishResult{}, err
	}
	if staffOnly[cmd.Type] && !m.staff {
		return hub.PublishResult{}, lms.Errorf(lms.EFORBIDDEN, "Only the course staff may do this.")
	}
	op := videoOp{Room: roomID, Participant: pid, Data: req.Data}
	if cmd.Type == cmdJoin {
		return hub.PublishResult{}, v.join(ctx, m, pid, op)
	}
	v.mu.Lock()
	lp := v.local[pid]
	v.mu.Unlock()
	if lp == nil || lp.room != roomID {
		return hub.PublishResult{}, lms.Errorf(lms.ENOTFOUND, "Join the live session first.")
	}
	op.To, op.Session, op.Op = lp.host, lp.sessionID, opSignal
	if _, isCmd := commandTypes[cmd.Type]; isCmd {
		op.Op = opCommand
	}
	return hub.PublishResult{}, v.route(ctx, op)
}

// commandTypes are the live video commands other than join.
var commandTypes = map[string]struct{}{cmdRaiseHand: {}, cmdLowerHand: {}, cmdLowerHands: {}, cmdAllow: {},
	cmdOpenMic: {}, cmdMuteTrack: {}, cmdStopTrack: {}, cmdBreakoutStart: {}, cmdBreakoutEnd: {}, cmdBroadcast: {},
	cmdMove: {}, cmdCallStaff: {}, cmdCancelCall: {}, cmdDismissCall: {}}

// join claims the room's session (this node hosts it unless a live node
// does already) and routes the join to its host.
func (v *Video) join(ctx context.Context, m member, pid string, op videoOp) error {
	now := time.Now()
	sess, err := v.store.ClaimVideoSession(ctx, m.room.ID, m.room.CourseID, v.node, now,
		now.Add(-staleHeartbeats*v.heartbeat))
	if err != nil {
		return err
	}
	name := m.user.Name
	if name == "" {
		name = m.user.Username
	}
	role := string(m.role)
	if role == "" {
		role = "admin"
	}
	op.Op, op.To, op.Session, op.Course = opJoin, sess.NodeID, sess.ID, m.room.CourseID
	op.User, op.Name, op.Role, op.Staff = m.user.ID, name, role, m.staff
	v.mu.Lock()
	v.local[pid] = &localParticipant{room: m.room.ID, host: sess.NodeID, sessionID: sess.ID}
	v.mu.Unlock()
	return v.route(ctx, op)
}

// unsubscribed ends the participant whose topic subscription ended (the
// page left, the socket closed, or access was lost).
func (v *Video) unsubscribed(_ hub.Identity, topic string) {
	roomID, pid, _, ok := liveTopic(topic)
	if !ok || pid == "" {
		return
	}
	v.mu.Lock()
	lp := v.local[pid]
	if lp != nil && lp.room == roomID {
		delete(v.local, pid)
	}
	v.mu.Unlock()
	if lp == nil || lp.room != roomID {
		return
	}
	op := videoOp{Op: opLeave, To: lp.host, Room: roomID, Session: lp.sessionID, Participant: pid}
	if lp.host == v.node {
		v.enqueue(op) // not on the hub's goroutine: leaving may publish
		return
	}
	ctx, cancel := context.WithTimeout(v.ctx, videoOpTimeout)
	defer cancel()
	if err := v.route(ctx, op); err != nil {
		v.log.Warn().Err(err).Str("participant", pid).Msg("leave not routed to the session's node")
	}
}

// Routed operations.
const (
	opJoin    = "join"
	opSignal  = "signal"
	opCommand = "command"
	opLeave   = "leave"
)

// videoOp is one operation for the node hosting a session, carried over
// the hub's control channel when that is another node. Everything in it
// was checked by the node that received the client's publication.
type videoOp struct {
	Kind        string          `json:"kind"` // "video"
	Op          string          `json:"op"`
	To          string          `json:"to"` // the hosting node
	Room        int64           `json:"room"`
	Course      int64           `json:"course,omitempty"`
	Session     int64           `json:"session"` // the stored session
	Participant string          `json:"participant"`
	User        int64           `json:"user,omitempty"`
	Name        string          `json:"name,omitempty"`
	Role        string          `json:"role,omitempty"`
	Staff       bool            `json:"staff,omitempty"`
	Data        json.RawMessage `json:"data,omitempty"`
}

// route runs op here when this node hosts the session (its error goes to
// the client's publish) or sends it to the host (whose errors reach the
// client as "error" messages on its topic).
func (v *Video) route(ctx context.Context, op videoOp) error {
	if op.To == v.node {
		return v.apply(ctx, op)
	}
	op.Kind = "video"
	data, err := json.Marshal(op)
	if err != nil {
		return fmt.Errorf("rooms: encode a video op: %w", err)
	}
	return v.hub.SendControl(ctx, data)
}

// control receives the control messages of every node and queues the
// video operations addressed to this one (it must not block).
func (v *Video) control(data json.RawMessage) {
	var op videoOp
	if err := json.Unmarshal(data, &op); err != nil || op.Kind != "video" || op.To != v.node {
		return
	}
	v.enqueue(op)
}

// enqueue hands op to the worker; a full inbox drops it (logged).
func (v *Video) enqueue(op videoOp) {
	select {
	case v.inbox <- op:
	default:
		v.log.Warn().Str("op", op.Op).Str("participant", op.Participant).Msg("video inbox full: operation dropped")
	}
}

// work applies queued operations in order; errors go back to the client.
func (v *Video) work() {
	defer v.wg.Done()
	for {
		select {
		case <-v.ctx.Done():
			return
		case op := <-v.inbox:
			ctx, cancel := context.WithTimeout(v.ctx, videoOpTimeout)
			if err := v.apply(ctx, op); err != nil && op.Op != opLeave {
				v.sendError(ctx, op, err)
			}
			cancel()
		}
	}
}

// sendError tells a participant that a routed operation failed.
func (v *Video) sendError(ctx context.Context, op videoOp, err error) {
	var m struct {
		ID int64 `json:"id"`
	}
	_ = json.Unmarshal(op.Data, &m)
	code, msg := lms.ErrorCode(err), lms.ErrorMessage(err)
	if code == lms.EINTERNAL {
		v.log.Error().Err(err).Str("op", op.Op).Msg("video operation failed")
	}
	v.publish(ctx, ParticipantTopic(op.Room, op.Participant),
		signaling.Message{Type: signaling.TypeError, ID: m.ID, Code: signaling.Code(code), Message: msg})
}

// publish publishes a message on a topic, logging failures.
func (v *Video) publish(ctx context.Context, topic string, msg any) {
	data, err := json.Marshal(msg)
	if err == nil {
		_, err = v.hub.Publish(ctx, topic, data)
	}
	if err != nil {
		v.log.Warn().Err(err).Str("topic", topic).Msg("video publication failed")
	}
}

// send is the SFU's Send: a message for a participant goes on its topic,
// wherever its socket is, marked with its SFU session (a participant moved
// to or from a breakout group ignores late messages of its old session).
func (v *Video) send(ctx context.Context, sessionID, participantID string, msg signaling.Message) error {
	h := v.room(sessionID)
	if h == nil {
		return errors.New("rooms: message for a session this node does not host")
	}
	msg.Session = sessionID
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	_, err = v.hub.Publish(ctx, ParticipantTopic(h.id, participantID), data)
	return err
}

// signalingError turns an SFU error into an lms error with the same code.
func signalingError(err error) error {
	var se *signaling.Error
	if errors.As(err, &se) {
		return lms.Errorf(string(se.Code), "%s", signaling.ErrorMessage(err))
	}
	return err
}

// beat refreshes the sessions this node hosts and checks the hosts of the
// participants connected here: when a host stopped beating (it died) or
// its session ended, they are told ("left", reason "node_lost") and may
// join again, which restarts the session on a live node.
func (v *Video) beat() {
	defer v.wg.Done()
	t := time.NewTicker(v.heartbeat)
	defer t.Stop()
	for {
		select {
		case <-v.ctx.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(v.ctx, videoOpTimeout)
		now := time.Now()
		if err := v.store.TouchVideoSessions(ctx, v.node, now); err != nil {
			v.log.Warn().Err(err).Msg("video heartbeat failed")
		}
		v.checkHosts(ctx, now.Add(-staleHeartbeats*v.heartbeat))
		cancel()
	}
}

// checkHosts drops the local participants whose session's host is gone.
func (v *Video) checkHosts(ctx context.Context, staleBefore time.Time) {
	v.mu.Lock()
	remote := map[string]localParticipant{}
	for pid, lp := range v.local {
		if lp.host != v.node {
			remote[pid] = *lp
		}
	}
	v.mu.Unlock()
	checked := map[int64]bool{} // room -> host alive
	for pid, lp := range remote {
		alive, seen := checked[lp.room]
		if !seen {
			s, err := v.store.OpenVideoSession(ctx, lp.room)
			if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
				continue // the database is unreachable: decide next time
			}
			alive = err == nil && s.ID == lp.sessionID && !s.HeartbeatAt.Before(staleBefore)
			checked[lp.room] = alive
		}
		if alive {
			continue
		}
		v.mu.Lock()
		if cur := v.local[pid]; cur != nil && cur.sessionID == lp.sessionID {
			delete(v.local, pid)
		}
		v.mu.Unlock()
		v.publish(ctx, ParticipantTopic(lp.room, pid), signaling.Message{Type: signaling.TypeLeft, Reason: ReasonNodeLost})
	}
}

// ReasonNodeLost is the "left" reason sent when the node hosting the
// session died: join again to restart the session on a live node.
const ReasonNodeLost = "node_lost"
