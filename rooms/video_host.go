package rooms

import (
	"context"

	"slices"

	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/signaling"
)

// hostedRoom is the state of a live session this node hosts, beside the
// SFU's own: who is in it as the course knows them, the hand queue, who
// may speak. Its fields are guarded by Video.mu.
type hostedRoom struct {
	id        int64
	name      string // the SFU session id
	sessionID int64  // the stored session
	people    map[string]*person
	hands     []string // participant ids, in the order hands went up
	openMic   bool     // everyone may unmute
	dirty     chan struct{}
	where     map[string]string // participant id -> breakout group id (absent: the main session)
	breakout  *breakout         // the running breakout, if any
	breakouts int               // breakouts started so far
	announced bool              // the room's members were told the session is on
}

// person is a participant of a hosted session.
type person struct {
	userID       int64
	name, role   string
	staff        bool
	allowed      bool  // a learner invited to speak
	attendanceID int64 // 0 until stored
	joined       bool  // its stay began (moves between breakout sessions keep it)
}

// permissions are what a person may do in the room now.
func (h *hostedRoom) permissions(p *person) signaling.Permissions {
	switch {
	case p.staff:
		return signaling.Permissions{Subscribe: true, Publish: []signaling.Source{signaling.SourceCamera,
			signaling.SourceMicrophone, signaling.SourceScreen, signaling.SourceScreenAudio}}
	case p.allowed || h.openMic:
		return signaling.Permissions{Subscribe: true, Publish: []signaling.Source{signaling.SourceCamera, signaling.SourceMicrophone}}
	}
	return signaling.Permissions{Subscribe: true, Publish: []signaling.Source{}}
}

// hostRoom returns the hosted room of op, creating it on a join.
func (v *Video) hostRoom(op videoOp) *hostedRoom {
	v.mu.Lock()
	defer v.mu.Unlock()
	h := v.hosted[op.Room]
	if h == nil && op.Op == opJoin {
		h = &hostedRoom{id: op.Room, name: sessionName(op.Room), sessionID: op.Session, people: map[string]*person{},
			dirty: make(chan struct{}, 1), where: map[string]string{}}
		v.hosted[op.Room] = h
		v.wg.Add(1)
		go v.publishStates(h)
	}
	return h
}

// apply runs an operation on the session this node hosts.
func (v *Video) apply(ctx context.Context, op videoOp) error {
	h := v.hostRoom(op)
	if h == nil || h.sessionID != op.Session {
		if op.Op == opLeave {
			return nil
		}
		return lms.Errorf(lms.ENOTFOUND, "This live session has ended; join again.")
	}
	switch op.Op {
	case opBreakoutEnd:
		var gen int
		_ = decode(op.Data, &gen)
		v.endBreakout(ctx, h, gen)
		return nil
	case opJoin:
		p := &person{userID: op.User, name: op.Name, role: op.Role, staff: op.Staff}
		v.mu.Lock()
		old := h.people[op.Participant]
		h.people[op.Participant] = p
		perms := h.permissions(p)
		if gid := h.landingLocked(op.User, op.Staff); gid != "" {
			h.where[op.Participant] = gid
		} else {
			delete(h.where, op.Participant)
		}
		session := h.sessionOfLocked(op.Participant)
		v.mu.Unlock()
		if old != nil && old.attendanceID != 0 { // the same page joins again: its earlier stay ends
			if err := v.store.EndAttendance(ctx, old.attendanceID, time.Now()); err != nil {
				v.log.Warn().Err(err).Str("participant", op.Participant).Msg("attendance end not recorded")
			}
		}
		err := v.srv.Join(ctx, signaling.JoinParams{Session: session, Participant: signaling.ParticipantInfo{
			ID: op.Participant, Name: op.Name, Role: op.Role}, Permissions: perms})
		return signalingError(err)
	case opLeave:
		_ = v.srv.Leave(v.sessionOf(h, op.Participant), op.Participant, signaling.ReasonLeave)
		return nil
	case opSignal:
		return signalingError(v.srv.Handle(ctx, v.sessionOf(h, op.Participant), op.Participant, op.Data))
	}
	var cmd command
	if err := decode(op.Data, &cmd); err != nil {
		return err
	}
	return v.command(ctx, h, op.Participant, cmd)
}

// sessionOf is the SFU session a participant of h is in.
func (v *Video) sessionOf(h *hostedRoom, pid string) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return h.sessionOfLocked(pid)
}

// command runs a hand-queue or staff command (staff rights were checked
// by the node that received it).
func (v *Video) command(ctx context.Context, h *hostedRoom, from string, cmd command) error {
	v.mu.Lock()
	if h.people[from] == nil {
		v.mu.Unlock()
		return lms.Errorf(lms.ENOTFOUND, "Join the live session first.")
	}
	if _, ok := breakoutCommands[cmd.Type]; ok {
		v.mu.Unlock()
		return v.breakoutCommand(ctx, h, from, cmd)
	}
	var update []string // participants whose permissions change
	switch cmd.Type {
	case cmdRaiseHand:
		if !slices.Contains(h.hands, from) {
			h.hands = append(h.hands, from)
		}
	case cmdLowerHand:
		h.hands = slices.DeleteFunc(h.hands, func(id string) bool { return id == from })
	case cmdLowerHands:
		h.hands = slices.DeleteFunc(h.hands, func(id string) bool { return cmd.Participant == "" || id == cmd.Participant })
	case cmdAllow:
		p := h.people[cmd.Participant]
		if p == nil {
			v.mu.Unlock()
			return lms.Errorf(lms.ENOTFOUND, "No such participant.")
		}
		p.allowed = cmd.Allow
		if cmd.Allow {
			h.hands = slices.DeleteFunc(h.hands, func(id string) bool { return id == cmd.Participant })
		}
		update = []string{cmd.Participant}
	case cmdOpenMic:
		h.openMic = cmd.On
		for id := range h.people {
			update = append(update, id)
		}
	case cmdMuteTrack, cmdStopTrack: // a track of the session the staff member is in
		session := h.sessionOfLocked(from)
		v.mu.Unlock()
		var err error
		if cmd.Type == cmdMuteTrack {
			err = v.srv.Mute(session, cmd.Track)
		} else {
			err = v.srv.StopTrack(session, cmd.Track)
		}
		v.markDirty(h)
		return signalingError(err)
	}
	perms := make(map[string]signaling.Permissions, len(update))
	sessions := make(map[string]string, len(update))
	for _, id := range update {
		perms[id] = h.permissions(h.people[id])
		sessions[id] = h.sessionOfLocked(id)
	}
	v.mu.Unlock()
	for id, p := range perms {
		if err := v.srv.SetPermissions(sessions[id], id, p); err != nil && signaling.ErrorCode(err) != signaling.CodeNotFound {
			return signalingError(err)
		}
	}
	v.markDirty(h)
	return nil
}

// room returns the hosted room of an SFU session.
func (v *Video) room(sessionID string) *hostedRoom {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, h := range v.hosted {
		if h.owns(sessionID) {
			return h
		}
	}
	return nil
}

// joined records the attendance of a participant that joined.
func (v *Video) joined(sessionID string, info signaling.ParticipantInfo) {
	h := v.room(sessionID)
	if h == nil {
		return
	}
	v.mu.Lock()
	moved := false
	if p := h.people[info.ID]; p != nil {
		moved, p.joined = p.joined, true
	}
	v.mu.Unlock()
	if moved { // to or from a breakout group: the stay goes on
		v.markDirty(h)
		return
	}
	userID, _ := participantUser(info.ID)
	a := &lms.Attendance{SessionID: h.sessionID, UserID: userID, JoinedAt: time.Now()}
	ctx, cancel := context.WithTimeout(v.ctx, videoOpTimeout)
	defer cancel()
	if err := v.store.StartAttendance(ctx, a); err != nil {
		v.log.Warn().Err(err).Str("participant", info.ID).Msg("attendance not recorded")
	}
	v.mu.Lock()
	announce := false
	if p := h.people[info.ID]; p != nil {
		p.attendanceID = a.ID
		announce = p.staff && !h.announced && v.live != nil
		h.announced = h.announced || announce
	}
	v.mu.Unlock()
	if announce {
		v.announce(h.id, h.sessionID, userID)
	}
	v.markDirty(h)
}

// announce tells the room's members, in the background, that the stored
// session is on (the first staff member joined it).
func (v *Video) announce(roomID, sessionID, by int64) {
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		ctx, cancel := context.WithTimeout(v.ctx, videoOpTimeout)
		defer cancel()
		if err := v.live.LiveStarted(ctx, roomID, sessionID, by); err != nil {
			v.log.Warn().Err(err).Int64("room", roomID).Msg("members not told the live session started")
		}
	}()
}

// left ends a participant's attendance and lowers its hand.
func (v *Video) left(sessionID string, info signaling.ParticipantInfo, reason string) {
	h := v.room(sessionID)
	if h == nil {
		return
	}
	v.mu.Lock()
	p := h.people[info.ID]
	switch {
	case reason == signaling.ReasonMoved:
		p = nil // still in the room, in another of its sessions
	case reason != signaling.ReasonReplaced && h.sessionOfLocked(info.ID) == sessionID:
		delete(h.people, info.ID)
		delete(h.where, info.ID)
		h.hands = slices.DeleteFunc(h.hands, func(id string) bool { return id == info.ID })
		if h.breakout != nil {
			h.breakout.calls = slices.DeleteFunc(h.breakout.calls, func(c BreakoutCall) bool { return c.Participant == info.ID })
		}
	default:
		p = nil
	}
	v.mu.Unlock()
	if p != nil && p.attendanceID != 0 {
		ctx, cancel := context.WithTimeout(v.ctx, videoOpTimeout)
		defer cancel()
		if err := v.store.EndAttendance(ctx, p.attendanceID, time.Now()); err != nil {
			v.log.Warn().Err(err).Str("participant", info.ID).Msg("attendance end not recorded")
		}
	}
	v.markDirty(h)
}

// trackChanged republishes the state (mic/camera/screen).
func (v *Video) trackChanged(sessionID string, _ signaling.TrackInfo) {
	if h := v.room(sessionID); h != nil {
		v.markDirty(h)
	}
}

// Speaking is what live:<roomID> subscribers receive about who speaks.
type Speaking struct {
	Type   string                 `json:"type"` // "speaking"
	Levels []signaling.AudioLevel `json:"levels"`
}

// audioLevels publishes speaking indicators on the room's state topic.
func (v *Video) audioLevels(sessionID string, levels []signaling.AudioLevel) {
	h := v.room(sessionID)
	if h == nil {
		return
	}
	ctx, cancel := context.WithTimeout(v.ctx, videoOpTimeout)
	defer cancel()
	v.publish(ctx, LiveTopic(h.id), Speaking{Type: "speaking", Levels: levels})
}

// sessionEnded forgets the room and ends the stored session.
func (v *Video) sessionEnded(sessionID string) {
	h := v.room(sessionID)
	if h == nil {
		return
	}
	v.mu.Lock()
	if sessionID != h.name || h.breakout != nil { // a group, or the main session while everyone is in groups
		v.mu.Unlock()
		return
	}
	delete(v.hosted, h.id)
	v.mu.Unlock()
	close(h.dirty)
	ctx, cancel := context.WithTimeout(context.Background(), videoOpTimeout)
	defer cancel()
	if err := v.store.EndVideoSession(ctx, h.sessionID, time.Now()); err != nil {
		v.log.Warn().Err(err).Int64("room_id", h.id).Msg("video session end not recorded")
	}
}

// markDirty asks for the room's state to be published.
func (v *Video) markDirty(h *hostedRoom) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.hosted[h.id] != h {
		return // ended: dirty is closed
	}
	select {
	case h.dirty <- struct{}{}:
	default:
	}
}

// LiveState is the state of a room's live session, published on
// live:<roomID> after every change.
type LiveState struct {
	Type         string            `json:"type"` // "state"
	Participants []LiveParticipant `json:"participants"`
	Hands        []string          `json:"hands"` // participant ids, first raised first
	OpenMic      bool              `json:"open_mic"`
	Breakout     *BreakoutState    `json:"breakout,omitempty"` // while groups meet
}

// LiveParticipant is one participant in LiveState.
type LiveParticipant struct {
	ID      string `json:"id"`
	UserID  int64  `json:"user_id"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	Staff   bool   `json:"staff"`
	Allowed bool   `json:"allowed"` // may publish camera and microphone (staff always)
	// Mic, Camera and Screen are "off", "live" or "muted".
	Mic    string `json:"mic"`
	Camera string `json:"camera"`
	Screen string `json:"screen"`
	Group  string `json:"group,omitempty"` // the breakout group it is in
}

// state is the room's state now.
func (v *Video) state(h *hostedRoom) LiveState {
	v.mu.Lock()
	sessions := []string{h.name}
	if h.breakout != nil {
		for _, g := range h.breakout.groups {
			sessions = append(sessions, h.groupSession(g.id))
		}
	}
	v.mu.Unlock()
	var tracks []signaling.TrackInfo
	for _, s := range sessions {
		info, _ := v.srv.Session(s)
		tracks = append(tracks, info.Tracks...)
	}
	media := map[string]map[signaling.Source]string{}
	for _, t := range tracks {
		if t.State == "refused" {
			continue
		}
		if media[t.Participant] == nil {
			media[t.Participant] = map[signaling.Source]string{}
		}
		media[t.Participant][t.Source] = t.State
	}
	get := func(pid string, s signaling.Source) string {
		if st := media[pid][s]; st != "" {
			return st
		}
		return "off"
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	out := LiveState{Type: "state", Participants: []LiveParticipant{}, Hands: slices.Clone(h.hands), OpenMic: h.openMic,
		Breakout: h.breakoutStateLocked()}
	if out.Hands == nil {
		out.Hands = []string{}
	}
	for id, p := range h.people {
		out.Participants = append(out.Participants, LiveParticipant{ID: id, UserID: p.userID, Name: p.name,
			Role: p.role, Staff: p.staff, Allowed: p.staff || p.allowed || h.openMic, Mic: get(id, signaling.SourceMicrophone),
			Camera: get(id, signaling.SourceCamera), Screen: get(id, signaling.SourceScreen), Group: h.where[id]})
	}
	slices.SortFunc(out.Participants, func(a, b LiveParticipant) int {
		if a.Name != b.Name {
			if a.Name < b.Name {
				return -1
			}
			return 1
		}
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return out
}

// publishStates publishes the room's state whenever it changed, latest
// first: one goroutine per hosted room, so states go out in order.
func (v *Video) publishStates(h *hostedRoom) {
	defer v.wg.Done()
	for range h.dirty {
		ctx, cancel := context.WithTimeout(v.ctx, videoOpTimeout)
		v.publish(ctx, LiveTopic(h.id), v.state(h))
		cancel()
	}
}
