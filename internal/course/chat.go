package course

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Chat owns persistent room chat: rooms and their audiences, messages,
// reactions, read markers and mutes.
type Chat struct {
	core
	store      ChatStore
	notes      Notifier
	uploads    *Uploads
	editWindow time.Duration
}

// NewChat returns the Chat service; editWindow is how long authors may
// edit their messages (zero: DefaultEditWindow).
func NewChat(b Base, st ChatStore, notes Notifier, uploads *Uploads, editWindow time.Duration) *Chat {
	return &Chat{core: newCore(b), store: st, notes: notes, uploads: uploads, editWindow: orDefault(editWindow, DefaultEditWindow)}
}

// apply runs fn in one transaction and announces what it records.
func (s *Chat) apply(ctx context.Context, fn func(tx *Chat, ch *change) error) ([]*lms.FeedPosition, error) {
	return apply(ctx, &s.core, s.store, func(st ChatStore) *Chat { t := *s; t.store = st; return &t }, fn)
}

// RoomView is a room with the caller's unread count.
type RoomView struct {
	*lms.Room
	Unread int `json:"unread"`
}

// SendInput is a chat message to send.
type SendInput struct {
	RoomID   int64  `json:"room_id"`
	Body     string `json:"body"`
	ReplyTo  int64  `json:"reply_to,omitzero"`
	UploadID int64  `json:"upload_id,omitzero"`
	// IdemKey is the client's idempotency key: a retried send with the same
	// key returns the stored message instead of storing it twice.
	IdemKey string `json:"idem_key"`
}

// SeenBy is how many of a room's members have read up to a message.
type SeenBy struct {
	MessageID int64   `json:"message_id"`
	Seen      int     `json:"seen"`    // members (other than the author) who read it
	Members   int     `json:"members"` // members (other than the author) who may read the room
	UserIDs   []int64 `json:"user_ids"`
}

// room loads a room and checks the caller may be in it: a member of the
// course, and of the room's group unless they moderate.
func (s *Chat) room(ctx context.Context, actor *lms.User, roomID int64, act lms.CourseAction) (*lms.Room, *Access, error) {
	r, a, err := loadInCourse(ctx, &s.core, actor, roomID, act, "room", s.store.RoomByID, func(r *lms.Room) int64 { return r.CourseID })
	if err != nil {
		return nil, nil, err
	}
	if !a.inRoom(r) {
		return nil, nil, lms.Errorf(lms.ENOTFOUND, "room not found")
	}
	return r, a, nil
}

// inRoom reports whether the caller may see the room.
func (a *Access) inRoom(r *lms.Room) bool {
	return r.GroupID == 0 || a.Staff() || (a.Enrollment != nil && a.Enrollment.GroupID == r.GroupID)
}

// RoomAccess checks that actor may join the room and returns it with the
// caller's course role ("" for an administrator outside the course) and
// whether they moderate it: what the live layer checks before subscribing a
// connection to the room's topic.
func (s *Chat) RoomAccess(ctx context.Context, actor *lms.User, roomID int64) (*lms.Room, lms.CourseRole, bool, error) {
	r, a, err := s.room(ctx, actor, roomID, lms.ActViewContent)
	if err != nil {
		return nil, "", false, err
	}
	return r, a.Role, a.Staff(), nil
}

// RoomVisit is what a member opening a room needs to see it.
type RoomVisit struct {
	Room       *lms.Room
	Role       lms.CourseRole
	Moderator  bool  // course staff: may delete any message and mute
	LastReadID int64 // the newest message id the caller has read (0: none yet)
}

// VisitRoom returns the room with the caller's role and read position, for
// the "new messages" divider (view_content); one access check.
func (s *Chat) VisitRoom(ctx context.Context, actor *lms.User, roomID int64) (*RoomVisit, error) {
	r, a, err := s.room(ctx, actor, roomID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	v := &RoomVisit{Room: r, Role: a.Role, Moderator: a.Staff()}
	states, err := s.store.RoomReadStates(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for _, st := range states {
		if st.UserID == actor.ID {
			v.LastReadID = st.LastReadID
		}
	}
	return v, nil
}

// CreateRoom adds a room to the course, optionally restricted to a group
// (edit_content).
func (s *Chat) CreateRoom(ctx context.Context, actor *lms.User, courseID int64, name string, groupID int64) (*lms.Room, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActEditContent); err != nil {
		return nil, err
	}
	r := &lms.Room{CourseID: courseID, Name: strings.TrimSpace(name), GroupID: groupID}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if groupID != 0 {
		if g, err := s.store.GroupByID(ctx, groupID); err != nil || g.CourseID != courseID {
			return nil, lms.FieldError("group_id", "There is no such group in this course.")
		}
	}
	return r, s.store.CreateRoom(ctx, r)
}

// RenameRoom renames a room (edit_content).
func (s *Chat) RenameRoom(ctx context.Context, actor *lms.User, roomID int64, name string) (*lms.Room, error) {
	r, _, err := s.room(ctx, actor, roomID, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	r.Name = strings.TrimSpace(name)
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, s.store.UpdateRoom(ctx, r)
}

// DeleteRoom deletes a room and its history (edit_content); the main room
// stays (EINVALID).
func (s *Chat) DeleteRoom(ctx context.Context, actor *lms.User, roomID int64) error {
	r, _, err := s.room(ctx, actor, roomID, lms.ActEditContent)
	if err != nil {
		return err
	}
	if r.Main {
		return lms.Errorf(lms.EINVALID, "The main room cannot be deleted.")
	}
	_, err = s.apply(ctx, func(tx *Chat, ch *change) error {
		ch.accessChanged(r.CourseID, 0) // its subscribers lose it
		ch.audit(actor, lms.AuditContentDelete, fmt.Sprintf("room:%d", roomID), r.Name)
		return tx.store.DeleteRoom(ctx, roomID)
	})
	return err
}

// ListRooms lists the rooms of the course the caller may see, with unread
// counts.
func (s *Chat) ListRooms(ctx context.Context, actor *lms.User, courseID int64) ([]*RoomView, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	rooms, err := s.store.ListRooms(ctx, courseID)
	if err != nil {
		return nil, err
	}
	out := []*RoomView{}
	var roomIDs []int64
	for _, r := range rooms {
		if a.inRoom(r) {
			out = append(out, &RoomView{Room: r})
			roomIDs = append(roomIDs, r.ID)
		}
	}
	counts, err := s.store.UnreadCounts(ctx, actor.ID, roomIDs)
	if err != nil {
		return nil, err
	}
	for i, c := range counts {
		out[i].Unread = c.Unread
	}
	return out, nil
}

// Sent is the outcome of SendMessage.
type Sent struct {
	Message *lms.Message `json:"message"`
	// Created is false when the send was a retry (the same IdemKey): the
	// stored message is returned and nothing new is stored or announced.
	Created bool `json:"-"`
	// Position is where the message's announcement landed in the room's
	// live feed; nil when it was not delivered live yet (the broker is down:
	// the outbox delivers it later) or the send was a retry.
	Position *lms.FeedPosition `json:"-"`
}

// SendMessage stores a chat message and announces it on the room's feed.
// Success means "stored": the announcement is in the outbox with it, so
// every subscriber gets it, now or once the broker is back.
func (s *Chat) SendMessage(ctx context.Context, actor *lms.User, in SendInput) (*Sent, error) {
	r, a, err := s.room(ctx, actor, in.RoomID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	if err := a.Writable(); err != nil {
		return nil, err
	}
	if len(in.IdemKey) > lms.MaxIdemKeyBytes || lms.CheckText("idem_key", in.IdemKey, lms.MaxIdemKeyBytes, false) != nil {
		return nil, lms.FieldError("idem_key", "The idempotency key must be at most %d characters.", lms.MaxIdemKeyBytes)
	}
	if err := lms.CheckMessageBody(in.Body); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Body) == "" && in.UploadID == 0 {
		return nil, lms.FieldError("body", "The message is empty.")
	}
	now := s.now()
	if !a.Staff() {
		until, err := s.store.MutedUntil(ctx, r.ID, actor.ID)
		if err != nil {
			return nil, err
		}
		if now.Before(until) {
			e := lms.Errorf(lms.EFORBIDDEN, "You are muted in this room until %s.", until.Format(time.RFC3339))
			e.RetryAfterSeconds = int(until.Sub(now)/time.Second) + 1
			return nil, e
		}
	}
	if in.ReplyTo != 0 {
		if p, err := s.store.MessageByID(ctx, in.ReplyTo); err != nil || p.RoomID != r.ID {
			return nil, lms.FieldError("reply_to", "The message you reply to is not in this room.")
		}
	}
	if in.UploadID != 0 {
		if err := s.uploads.attachable(ctx, actor, a, in.UploadID); err != nil {
			return nil, err
		}
	}
	m := &lms.Message{RoomID: r.ID, AuthorID: actor.ID, Body: in.Body, ReplyTo: in.ReplyTo, UploadID: in.UploadID,
		IdemKey: in.IdemKey, CreatedAt: now}
	out := &Sent{Message: m}
	pos, err := s.apply(ctx, func(tx *Chat, ch *change) error {
		created, err := tx.store.InsertMessage(ctx, m)
		if err != nil || !created {
			return err
		}
		out.Created = true
		m.AuthorName, m.AuthorUsername = actor.Name, actor.Username
		if m.UploadID != 0 {
			// The file is kept from the sweep while the message refers to it.
			if err := tx.store.SetUploadRefs(ctx, r.CourseID, messageRef(m.ID), []int64{m.UploadID}); err != nil {
				return err
			}
		}
		ch.announce(lms.FeedRoom, r.ID, Event{Kind: EventMessageCreated, CourseID: r.CourseID, Message: m})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !out.Created {
		return out, nil
	}
	out.Position = pos[0]
	s.notes.Mention(ctx, a, m.Body, map[string]any{"room_id": r.ID, "message_id": m.ID, "room": r.Name})
	return out, nil
}

// messageRef names a chat message as an upload reference.
func messageRef(id int64) string { return "message:" + strconv.FormatInt(id, 10) }

// message loads a message, its room and the caller's access.
func (s *Chat) message(ctx context.Context, actor *lms.User, messageID int64) (*lms.Message, *lms.Room, *Access, error) {
	if err := requireUser(actor); err != nil {
		return nil, nil, nil, err
	}
	m, err := s.store.MessageByID(ctx, messageID)
	if err != nil {
		return nil, nil, nil, hideMissing(err, "message")
	}
	r, a, err := s.room(ctx, actor, m.RoomID, lms.ActViewContent)
	if err != nil {
		return nil, nil, nil, hideMissing(err, "message")
	}
	return m, r, a, nil
}

// EditMessage changes the caller's own message.
func (s *Chat) EditMessage(ctx context.Context, actor *lms.User, messageID int64, body string) (*lms.Message, error) {
	m, r, a, err := s.message(ctx, actor, messageID)
	if err != nil {
		return nil, err
	}
	if m.AuthorID != actor.ID {
		return nil, lms.Errorf(lms.EFORBIDDEN, "Only the author may edit a message.")
	}
	if err := a.Writable(); err != nil {
		return nil, err
	}
	if err := lms.CheckMessageBody(body); err != nil {
		return nil, err
	}
	if strings.TrimSpace(body) == "" {
		return nil, lms.FieldError("body", "The message is empty.")
	}
	now := s.now()
	_, err = s.apply(ctx, func(tx *Chat, ch *change) error {
		if err := tx.store.EditMessage(ctx, m.ID, body, now); err != nil {
			return hideMissing(err, "message")
		}
		m.Body, m.EditedAt = body, now.UTC().Truncate(time.Millisecond)
		ch.announce(lms.FeedRoom, r.ID, Event{Kind: EventMessageEdited, CourseID: r.CourseID, Message: m})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// DeleteMessage turns a message into a tombstone (its author, or a
// moderator for anyone's).
func (s *Chat) DeleteMessage(ctx context.Context, actor *lms.User, messageID int64) error {
	m, r, a, err := s.message(ctx, actor, messageID)
	if err != nil {
		return err
	}
	if m.AuthorID != actor.ID && !a.Staff() {
		return lms.Errorf(lms.EFORBIDDEN, "Only the author or a moderator may delete a message.")
	}
	now := s.now()
	_, err = s.apply(ctx, func(tx *Chat, ch *change) error {
		if m.AuthorID != actor.ID {
			ch.audit(actor, lms.AuditModeratorDelete, messageRef(m.ID), fmt.Sprintf("by user %d", m.AuthorID))
		}
		if err := tx.store.TombstoneMessage(ctx, m.ID, actor.ID, now); err != nil {
			return hideMissing(err, "message")
		}
		if m.UploadID != 0 {
			if err := tx.store.SetUploadRefs(ctx, r.CourseID, messageRef(m.ID), nil); err != nil {
				return err
			}
		}
		m.Body, m.UploadID, m.DeletedAt, m.DeletedBy = "", 0, now.UTC().Truncate(time.Millisecond), actor.ID
		ch.announce(lms.FeedRoom, r.ID, Event{Kind: EventMessageDeleted, CourseID: r.CourseID, Message: m})
		return nil
	})
	return err
}

// History returns a page of the room's messages, oldest first (see
// lms.MessageFilter), with their reactions.
func (s *Chat) History(ctx context.Context, actor *lms.User, f lms.MessageFilter) ([]*lms.Message, []*lms.Reaction, error) {
	if _, _, err := s.room(ctx, actor, f.RoomID, lms.ActViewContent); err != nil {
		return nil, nil, err
	}
	list, err := s.store.ListMessages(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(list))
	for i, m := range list {
		ids[i] = m.ID
	}
	reactions, err := s.store.MessageReactions(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	return list, reactions, nil
}

// MarkRoomRead moves the caller's read position forward and announces it
// (for "seen by").
func (s *Chat) MarkRoomRead(ctx context.Context, actor *lms.User, roomID, lastReadID int64) (*lms.ReadState, error) {
	r, _, err := s.room(ctx, actor, roomID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	var st *lms.ReadState
	_, err = s.apply(ctx, func(tx *Chat, ch *change) error {
		st, err = tx.store.MarkRoomRead(ctx, actor.ID, roomID, lastReadID, s.now())
		if err != nil {
			return err
		}
		ch.announce(lms.FeedRoom, roomID, Event{Kind: EventRead, CourseID: r.CourseID, ReadState: st})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// MessageSeenBy tells a message's author, or a moderator, how many of the
// room's members have read it and who.
func (s *Chat) MessageSeenBy(ctx context.Context, actor *lms.User, messageID int64) (*SeenBy, error) {
	m, r, a, err := s.message(ctx, actor, messageID)
	if err != nil {
		return nil, err
	}
	if m.AuthorID != actor.ID && !a.Staff() {
		return nil, errForbidden()
	}
	members := map[int64]bool{}
	for offset := 0; ; offset += lms.MaxPageSize {
		list, total, err := s.store.ListEnrollments(ctx, lms.EnrollmentFilter{CourseID: r.CourseID,
			Status: lms.EnrollActive, Limit: lms.MaxPageSize, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, e := range list {
			staff := lms.Can(false, e.Role, lms.ActModerate)
			if e.UserID != m.AuthorID && (r.GroupID == 0 || e.GroupID == r.GroupID || staff) {
				members[e.UserID] = true
			}
		}
		if offset+len(list) >= total || len(list) == 0 {
			break
		}
	}
	states, err := s.store.RoomReadStates(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	out := &SeenBy{MessageID: m.ID, Members: len(members), UserIDs: []int64{}}
	for _, st := range states {
		if members[st.UserID] && st.LastReadID >= m.ID {
			out.UserIDs = append(out.UserIDs, st.UserID)
		}
	}
	out.Seen = len(out.UserIDs)
	return out, nil
}

// The rules of mutes: how long one lasts unless the moderator says, and at
// most.
const (
	DefaultMutePeriod = 10 * time.Minute
	MaxMuteDuration   = 7 * 24 * time.Hour
)

// MuteInput mutes a member of a room.
type MuteInput struct {
	UserID int64 `json:"user_id"`
	// Seconds is how long the mute lasts: absent, DefaultMutePeriod; 0
	// lifts the mute; at most MaxMuteDuration.
	Seconds *int `json:"seconds,omitempty"`
}

// duration returns the mute's length, checked.
func (in MuteInput) duration() (time.Duration, error) {
	if in.Seconds == nil {
		return DefaultMutePeriod, nil
	}
	if *in.Seconds < 0 {
		return 0, lms.FieldError("seconds", "seconds must not be negative (0 lifts the mute).")
	}
	if d := time.Duration(*in.Seconds) * time.Second; d <= MaxMuteDuration {
		return d, nil
	}
	return 0, lms.FieldError("seconds", "A mute lasts at most %d seconds.", int(MaxMuteDuration/time.Second))
}

// MuteInRoom stops a member posting in the room (moderate) for in's
// duration; 0 lifts the mute. Staff cannot be muted.
func (s *Chat) MuteInRoom(ctx context.Context, actor *lms.User, roomID int64, in MuteInput) error {
	r, _, err := s.room(ctx, actor, roomID, lms.ActModerate)
	if err != nil {
		return err
	}
	d, err := in.duration()
	if err != nil {
		return err
	}
	userID := in.UserID
	e, err := s.store.EnrollmentOf(ctx, r.CourseID, userID)
	if err != nil {
		return hideMissing(err, "member")
	}
	if lms.Can(false, e.Role, lms.ActModerate) {
		return lms.Errorf(lms.EFORBIDDEN, "Course staff cannot be muted.")
	}
	var until time.Time
	if d > 0 {
		until = s.now().Add(d)
	}
	_, err = s.apply(ctx, func(tx *Chat, ch *change) error {
		ch.audit(actor, lms.AuditMute, fmt.Sprintf("room:%d/user:%d", roomID, userID), fmt.Sprintf("%d s", int(d/time.Second)))
		return tx.store.MuteUser(ctx, roomID, userID, until)
	})
	return err
}

// ReactToMessage adds (or with remove, takes back) the caller's emoji on a
// message.
func (s *Chat) ReactToMessage(ctx context.Context, actor *lms.User, messageID int64, emoji string, remove bool) error {
	m, r, a, err := s.message(ctx, actor, messageID)
	if err != nil {
		return err
	}
	return react(ctx, &s.core, s.store, a, lms.Feed{Kind: lms.FeedRoom, ID: r.ID}, m.ID, emoji, remove,
		ChatStore.ReactMessage, ChatStore.UnreactMessage)
}

// messageVisible reports whether actor may see the message (a reference
// to an upload).
func (s *Chat) messageVisible(ctx context.Context, actor *lms.User, messageID, _ int64) error {
	_, _, _, err := s.message(ctx, actor, messageID)
	return err
}
