package rooms

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/signaling"
)

// Breakout groups: staff split a live session into groups, each its own
// SFU session ("room-<id>-g<n>") on the node hosting the room, for a time
// the server keeps. At the end (the timer, or staff) everyone returns to
// the main session, whoever is connected. Learners keep their learner
// rights in a group. The state is part of LiveState (docs/protocol.md).

// Breakout bounds.
const (
	maxBreakoutGroups  = 50
	maxBreakoutMinutes = 240
	maxGroupNameRunes  = 80
	maxBroadcastRunes  = 500
)

// Breakout commands (docs/protocol.md "Breakout groups").
const (
	cmdBreakoutStart = "breakout_start" // staff: split into groups (count: random; groups: given) for minutes
	cmdBreakoutEnd   = "breakout_end"   // staff: everyone back to the main session now
	cmdBroadcast     = "broadcast"      // staff: a message to every group
	cmdMove          = "move"           // staff: move yourself (or participant) to group ("" = main session)
	cmdCallStaff     = "call_staff"     // in a group: ask staff to come
	cmdCancelCall    = "cancel_call"    // withdraw your call
	cmdDismissCall   = "dismiss_call"   // staff: remove participant's call
)

// opBreakoutEnd is the host's own operation when a breakout's time is up.
const opBreakoutEnd = "breakout_end"

// GroupSpec is a group a staff member asks for: a name and the users
// who belong in it (e.g. a course group's members).
type GroupSpec struct {
	Name  string  `json:"name"`
	Users []int64 `json:"users"`
}

// breakout is a room's running breakout (guarded by Video.mu).
type breakout struct {
	gen    int // which breakout this is in the room, for its timer
	groups []*group
	endsAt time.Time
	stop   func() bool // cancels the timer
	calls  []BreakoutCall
}

// group is one breakout group.
type group struct {
	id, name string
	users    map[int64]bool // who lands in it on joining
}

// BreakoutState is the running breakout in LiveState.
type BreakoutState struct {
	Groups []BreakoutGroup `json:"groups"`
	EndsAt time.Time       `json:"ends_at"`
	Calls  []BreakoutCall  `json:"calls"` // "call the instructor" requests, oldest first
}

// BreakoutGroup is one group in BreakoutState.
type BreakoutGroup struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Participants []string `json:"participants"` // who is in it now
}

// BreakoutCall is a participant's request for staff to come to its group.
type BreakoutCall struct {
	Participant string    `json:"participant"`
	Group       string    `json:"group"`
	At          time.Time `json:"at"`
}

// Broadcast is what live:<roomID> subscribers receive when staff
// broadcast a message to every group.
type Broadcast struct {
	Type string    `json:"type"` // "broadcast"
	From string    `json:"from"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// groupSession is the SFU session id of a group.
func (h *hostedRoom) groupSession(gid string) string {
	if gid == "" {
		return h.name
	}
	return h.name + "-" + gid
}

// owns reports whether an SFU session is the room's or one of its groups'.
func (h *hostedRoom) owns(sessionID string) bool {
	return sessionID == h.name || strings.HasPrefix(sessionID, h.name+"-g")
}

// sessionOfLocked is the SFU session a participant is in (under v.mu).
func (h *hostedRoom) sessionOfLocked(pid string) string { return h.groupSession(h.where[pid]) }

// landingLocked is the group a joining user lands in (under v.mu).
func (h *hostedRoom) landingLocked(userID int64, staff bool) string {
	if h.breakout == nil || staff {
		return ""
	}
	for _, g := range h.breakout.groups {
		if g.users[userID] {
			return g.id
		}
	}
	return ""
}

// breakoutCommand runs a breakout command from participant from (staff
// rights were checked by the node that received it).
func (v *Video) breakoutCommand(ctx context.Context, h *hostedRoom, from string, cmd command) error {
	switch cmd.Type {
	case cmdBreakoutStart:
		return v.startBreakout(ctx, h, cmd)
	case cmdBreakoutEnd:
		v.mu.Lock()
		running := h.breakout != nil
		gen := 0
		if running {
			gen = h.breakout.gen
		}
		v.mu.Unlock()
		if !running {
			return lms.Errorf(lms.ECONFLICT, "No breakout is running.")
		}
		v.endBreakout(ctx, h, gen)
		return nil
	case cmdBroadcast:
		text := strings.TrimSpace(cmd.Text)
		if text == "" || utf8.RuneCountInString(text) > maxBroadcastRunes {
			return lms.FieldError("text", "A broadcast is 1 to %d characters.", maxBroadcastRunes)
		}
		v.mu.Lock()
		name := h.people[from].name
		v.mu.Unlock()
		v.publish(ctx, LiveTopic(h.id), Broadcast{Type: "broadcast", From: name, Text: text, At: time.Now().UTC()})
		return nil
	case cmdMove:
		who := cmd.Participant
		if who == "" {
			who = from
		}
		return v.move(ctx, h, who, cmd.Group, who == from)
	}
	return v.breakoutCall(h, from, cmd)
}

// breakoutCall handles the "call the instructor" queue.
func (v *Video) breakoutCall(h *hostedRoom, from string, cmd command) error {
	v.mu.Lock()
	defer v.markDirty(h)
	defer v.mu.Unlock()
	b := h.breakout
	if b == nil {
		return lms.Errorf(lms.ECONFLICT, "No breakout is running.")
	}
	switch cmd.Type {
	case cmdCallStaff:
		gid := h.where[from]
		if gid == "" {
			return lms.Errorf(lms.ECONFLICT, "You are in the main session: raise your hand instead.")
		}
		if !slices.ContainsFunc(b.calls, func(c BreakoutCall) bool { return c.Participant == from }) {
			b.calls = append(b.calls, BreakoutCall{Participant: from, Group: gid, At: time.Now().UTC()})
		}
	case cmdCancelCall:
		b.calls = slices.DeleteFunc(b.calls, func(c BreakoutCall) bool { return c.Participant == from })
	case cmdDismissCall:
		b.calls = slices.DeleteFunc(b.calls, func(c BreakoutCall) bool { return c.Participant == cmd.Participant })
	}
	return nil
}

// startBreakout splits the room's learners into groups.
func (v *Video) startBreakout(ctx context.Context, h *hostedRoom, cmd command) error {
	if cmd.Minutes < 1 || cmd.Minutes > maxBreakoutMinutes {
		return lms.FieldError("minutes", "A breakout lasts 1 to %d minutes.", maxBreakoutMinutes)
	}
	v.mu.Lock()
	if h.breakout != nil {
		v.mu.Unlock()
		return lms.Errorf(lms.ECONFLICT, "A breakout is already running: end it first.")
	}
	groups, err := h.planGroupsLocked(cmd)
	if err != nil {
		v.mu.Unlock()
		return err
	}
	h.breakouts++
	b := &breakout{gen: h.breakouts, groups: groups, endsAt: time.Now().Add(time.Duration(cmd.Minutes) * v.minute).UTC()}
	gen, room, stored := b.gen, h.id, h.sessionID
	b.stop = time.AfterFunc(time.Until(b.endsAt), func() {
		v.enqueue(videoOp{Op: opBreakoutEnd, To: v.node, Room: room, Session: stored, Data: fmt.Appendf(nil, "%d", gen)})
	}).Stop
	h.breakout = b
	moves := map[string]string{}
	for pid, p := range h.people {
		if gid := h.landingLocked(p.userID, p.staff); gid != "" {
			moves[pid] = gid
		}
	}
	v.mu.Unlock()
	for pid, gid := range moves {
		if err := v.move(ctx, h, pid, gid, false); err != nil {
			v.log.Warn().Err(err).Str("participant", pid).Msg("breakout: a participant was not moved")
		}
	}
	v.markDirty(h)
	return nil
}

// planGroupsLocked makes the groups of cmd: count random groups of the
// learners present, or the groups given (under v.mu).
func (h *hostedRoom) planGroupsLocked(cmd command) ([]*group, error) {
	var groups []*group
	switch {
	case len(cmd.Groups) > 0:
		if len(cmd.Groups) > maxBreakoutGroups {
			return nil, lms.FieldError("groups", "At most %d groups.", maxBreakoutGroups)
		}
		seen := map[int64]bool{}
		for i, spec := range cmd.Groups {
			name := strings.TrimSpace(spec.Name)
			if name == "" || utf8.RuneCountInString(name) > maxGroupNameRunes {
				return nil, lms.FieldError("groups", "Every group needs a name of 1 to %d characters.", maxGroupNameRunes)
			}
			g := &group{id: fmt.Sprintf("g%d", i+1), name: name, users: map[int64]bool{}}
			for _, u := range spec.Users {
				if seen[u] {
					return nil, lms.FieldError("groups", "A person can be in only one group.")
				}
				seen[u] = true
				g.users[u] = true
			}
			groups = append(groups, g)
		}
	case cmd.Count >= 1 && cmd.Count <= maxBreakoutGroups:
		var learners []int64
		seen := map[int64]bool{}
		for _, p := range h.people {
			if !p.staff && !seen[p.userID] {
				seen[p.userID] = true
				learners = append(learners, p.userID)
			}
		}
		if len(learners) == 0 {
			return nil, lms.Errorf(lms.ECONFLICT, "No learner is in the session to split into groups.")
		}
		n := min(cmd.Count, len(learners))
		rand.Shuffle(len(learners), func(i, j int) { learners[i], learners[j] = learners[j], learners[i] })
		for i := range n {
			groups = append(groups, &group{id: fmt.Sprintf("g%d", i+1), name: fmt.Sprintf("Group %d", i+1), users: map[int64]bool{}})
		}
		for i, u := range learners {
			groups[i%n].users[u] = true
		}
	default:
		return nil, lms.FieldError("count", "Give a number of groups (1 to %d) or the groups.", maxBreakoutGroups)
	}
	return groups, nil
}

// move puts a participant in a group ("" = the main session): it leaves
// its SFU session and joins the other with the same permissions. Staff
// joining a group answer its calls.
func (v *Video) move(ctx context.Context, h *hostedRoom, pid, gid string, self bool) error {
	v.mu.Lock()
	p := h.people[pid]
	switch {
	case p == nil:
		v.mu.Unlock()
		return lms.Errorf(lms.ENOTFOUND, "No such participant.")
	case gid != "" && (h.breakout == nil || !slices.ContainsFunc(h.breakout.groups, func(g *group) bool { return g.id == gid })):
		v.mu.Unlock()
		return lms.FieldError("group", "No such breakout group.")
	}
	from := h.sessionOfLocked(pid)
	if gid == "" {
		delete(h.where, pid)
	} else {
		h.where[pid] = gid
	}
	if self && p.staff && h.breakout != nil && gid != "" {
		h.breakout.calls = slices.DeleteFunc(h.breakout.calls, func(c BreakoutCall) bool { return c.Group == gid })
	}
	if !p.staff && h.breakout != nil {
		h.breakout.calls = slices.DeleteFunc(h.breakout.calls, func(c BreakoutCall) bool { return c.Participant == pid })
	}
	to := h.sessionOfLocked(pid)
	info := signaling.ParticipantInfo{ID: pid, Name: p.name, Role: p.role}
	perms := h.permissions(p)
	v.mu.Unlock()
	defer v.markDirty(h)
	if from == to {
		return nil
	}
	_ = v.srv.Leave(from, pid, signaling.ReasonMoved)
	return signalingError(v.srv.Join(ctx, signaling.JoinParams{Session: to, Participant: info, Permissions: perms}))
}

// endBreakout brings everyone back to the main session (gen: the
// breakout meant; a later one is left alone). With nobody left in the
// room the live session ends.
func (v *Video) endBreakout(ctx context.Context, h *hostedRoom, gen int) {
	v.mu.Lock()
	b := h.breakout
	if b == nil || b.gen != gen {
		v.mu.Unlock()
		return
	}
	b.stop()
	h.breakout = nil
	var back []string
	for pid := range h.where {
		back = append(back, pid)
	}
	empty := len(h.people) == 0
	v.mu.Unlock()
	for _, pid := range back {
		if err := v.move(ctx, h, pid, "", false); err != nil {
			v.log.Warn().Err(err).Str("participant", pid).Msg("breakout end: a participant was not moved back")
		}
	}
	v.markDirty(h)
	if empty {
		if _, err := v.srv.Session(h.name); err != nil { // the main session ended while everyone was away
			v.sessionEnded(h.name)
		}
	}
}

// breakoutState is the running breakout for LiveState (under v.mu).
func (h *hostedRoom) breakoutStateLocked() *BreakoutState {
	b := h.breakout
	if b == nil {
		return nil
	}
	out := &BreakoutState{EndsAt: b.endsAt, Calls: slices.Clone(b.calls), Groups: make([]BreakoutGroup, 0, len(b.groups))}
	if out.Calls == nil {
		out.Calls = []BreakoutCall{}
	}
	for _, g := range b.groups {
		bg := BreakoutGroup{ID: g.id, Name: g.name, Participants: []string{}}
		for pid, gid := range h.where {
			if gid == g.id {
				bg.Participants = append(bg.Participants, pid)
			}
		}
		slices.Sort(bg.Participants)
		out.Groups = append(out.Groups, bg)
	}
	return out
}

// breakoutCommands are the commands breakoutCommand runs.
var breakoutCommands = map[string]struct{}{cmdBreakoutStart: {}, cmdBreakoutEnd: {}, cmdBroadcast: {}, cmdMove: {},
	cmdCallStaff: {}, cmdCancelCall: {}, cmdDismissCall: {}}
