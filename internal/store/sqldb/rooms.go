package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Rooms = (*DB)(nil)

const roomCols = `id, course_id, name, COALESCE(group_id, 0), is_main, created_at`

func scanRoom(sc scanner) (*lms.Room, error) {
	var (
		r         lms.Room
		main, crt int64
	)
	if err := sc.Scan(&r.ID, &r.CourseID, &r.Name, &r.GroupID, &main, &crt); err != nil {
		return nil, err
	}
	r.Main, r.CreatedAt = main != 0, fromMS(crt)
	return &r, nil
}

// CreateRoom inserts r (ECONFLICT for a second main room in a course).
func (s *DB) CreateRoom(ctx context.Context, r *lms.Room) error {
	now := normalize(s.now())
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO rooms (course_id, name, group_id, is_main, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, r.CourseID, r.Name, nullID(r.GroupID), boolInt(r.Main),
		toMS(now)).Scan(&id)
	if err != nil {
		return s.wrapFK(err, "create room", "course or group")
	}
	r.ID, r.CreatedAt = id, now
	return nil
}

// RoomByID returns the room (ENOTFOUND if none).
func (s *DB) RoomByID(ctx context.Context, id int64) (*lms.Room, error) {
	r, err := scanRoom(s.q.QueryRowContext(ctx, `SELECT `+roomCols+` FROM rooms WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "room")
	}
	return r, nil
}

// UpdateRoom saves Name and GroupID.
func (s *DB) UpdateRoom(ctx context.Context, r *lms.Room) error {
	err := s.execOne(ctx, "room", `UPDATE rooms SET name = $1, group_id = $2 WHERE id = $3`,
		r.Name, nullID(r.GroupID), r.ID)
	if err != nil && isForeignKeyViolation(err) {
		return lms.Errorf(lms.ENOTFOUND, "group not found")
	}
	return err
}

// DeleteRoom removes the room and its history.
func (s *DB) DeleteRoom(ctx context.Context, id int64) error {
	return s.execOne(ctx, "room", `DELETE FROM rooms WHERE id = $1`, id)
}

// ListRooms returns a course's rooms, the main room first.
func (s *DB) ListRooms(ctx context.Context, courseID int64) ([]*lms.Room, error) {
	return queryList(ctx, s, "list rooms", scanRoom,
		`SELECT `+roomCols+` FROM rooms WHERE course_id = $1 ORDER BY is_main DESC, id`, courseID)
}

const messageCols = `m.id, m.room_id, m.author_id, m.body, m.reply_to, m.upload_id, COALESCE(m.idem_key, ''),
	m.created_at, m.edited_at, m.deleted_at, m.deleted_by,
	` + messageAuthorName + `, COALESCE(u.username, '')`

const messageFrom = ` FROM messages m LEFT JOIN users u ON u.id = m.author_id`

func scanMessage(sc scanner) (*lms.Message, error) {
	var (
		m                    lms.Message
		crt, edited, deleted int64
	)
	if err := sc.Scan(&m.ID, &m.RoomID, &m.AuthorID, &m.Body, &m.ReplyTo, &m.UploadID, &m.IdemKey, &crt,
		&edited, &deleted, &m.DeletedBy, &m.AuthorName, &m.AuthorUsername); err != nil {
		return nil, err
	}
	m.CreatedAt, m.EditedAt, m.DeletedAt = fromMS(crt), fromMS(edited), fromMS(deleted)
	return &m, nil
}

// InsertMessage stores m, or on a repeated idempotency key fills m with the
// message stored before and reports created = false.
func (s *DB) InsertMessage(ctx context.Context, m *lms.Message) (bool, error) {
	created := normalize(m.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO messages (room_id, author_id, body, reply_to, upload_id, idem_key,
		created_at, edited_at, deleted_at, deleted_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0)
		ON CONFLICT (room_id, author_id, idem_key) DO NOTHING RETURNING id`,
		m.RoomID, m.AuthorID, m.Body, m.ReplyTo, m.UploadID, nullText(m.IdemKey), toMS(created)).Scan(&id)
	switch {
	case err == nil:
		m.ID, m.CreatedAt = id, created
		m.EditedAt, m.DeletedAt, m.DeletedBy = time.Time{}, time.Time{}, 0
		return true, nil
	case errors.Is(err, sql.ErrNoRows) && m.IdemKey != "":
		prev, err := scanMessage(s.q.QueryRowContext(ctx, `SELECT `+messageCols+messageFrom+`
			WHERE m.room_id = $1 AND m.author_id = $2 AND m.idem_key = $3`, m.RoomID, m.AuthorID, m.IdemKey))
		if err != nil {
			return false, s.notFound(err, "message")
		}
		*m = *prev
		return false, nil
	default:
		return false, s.wrapFK(err, "insert message", "room")
	}
}

// MessageByID returns the message (ENOTFOUND if none).
func (s *DB) MessageByID(ctx context.Context, id int64) (*lms.Message, error) {
	m, err := scanMessage(s.q.QueryRowContext(ctx, `SELECT `+messageCols+messageFrom+` WHERE m.id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "message")
	}
	return m, nil
}

// EditMessage replaces a live message's body and sets EditedAt.
func (s *DB) EditMessage(ctx context.Context, id int64, body string, at time.Time) error {
	return s.execOne(ctx, "message", `UPDATE messages SET body = $1, edited_at = $2 WHERE id = $3 AND deleted_at = 0`,
		body, toMS(at), id)
}

// TombstoneMessage clears a live message's body and marks it deleted.
func (s *DB) TombstoneMessage(ctx context.Context, id, by int64, at time.Time) error {
	return s.execOne(ctx, "message", `UPDATE messages SET body = '', upload_id = 0, deleted_at = $1, deleted_by = $2
		WHERE id = $3 AND deleted_at = 0`, toMS(at), by, id)
}

// ListMessages returns a page of a room's history, oldest first.
func (s *DB) ListMessages(ctx context.Context, f lms.MessageFilter) ([]*lms.Message, error) {
	var a args
	where := ` WHERE m.room_id = ` + a.add(f.RoomID)
	order := ` ORDER BY m.id DESC`
	switch {
	case f.AfterID > 0:
		where += ` AND m.id > ` + a.add(f.AfterID)
		order = ` ORDER BY m.id`
	case f.BeforeID > 0:
		where += ` AND m.id < ` + a.add(f.BeforeID)
	}
	list, err := queryList(ctx, s, "list messages", scanMessage,
		`SELECT `+messageCols+messageFrom+where+order+` LIMIT `+a.add(lms.ClampLimit(f.Limit)), a...)
	if err != nil {
		return nil, err
	}
	if f.AfterID <= 0 {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	return list, nil
}

// ReactMessage adds the user's emoji to a message; twice is a no-op.
func (s *DB) ReactMessage(ctx context.Context, r *lms.Reaction) error {
	return s.react(ctx, "message_reactions", "message_id", r)
}

// UnreactMessage removes the user's emoji from a message (ENOTFOUND if absent).
func (s *DB) UnreactMessage(ctx context.Context, messageID, userID int64, emoji string) error {
	return s.execOne(ctx, "reaction", `DELETE FROM message_reactions
		WHERE message_id = $1 AND user_id = $2 AND emoji = $3`, messageID, userID, emoji)
}

// MessageReactions returns the reactions on the given messages.
func (s *DB) MessageReactions(ctx context.Context, messageIDs []int64) ([]*lms.Reaction, error) {
	if len(messageIDs) == 0 {
		return []*lms.Reaction{}, nil
	}
	var a args
	return queryList(ctx, s, "list message reactions", scanReaction, `SELECT message_id, user_id, emoji, created_at
		FROM message_reactions WHERE message_id IN `+a.in(messageIDs)+`
		ORDER BY message_id, created_at, user_id, emoji`, a...)
}

func scanReadState(sc scanner) (*lms.ReadState, error) {
	var (
		r   lms.ReadState
		upd int64
	)
	if err := sc.Scan(&r.UserID, &r.RoomID, &r.LastReadID, &upd); err != nil {
		return nil, err
	}
	r.UpdatedAt = fromMS(upd)
	return &r, nil
}

// MarkRoomRead moves the user's read position forward (never back).
func (s *DB) MarkRoomRead(ctx context.Context, userID, roomID, lastReadID int64, at time.Time) (*lms.ReadState, error) {
	if at.IsZero() {
		at = s.now()
	}
	r, err := scanReadState(s.q.QueryRowContext(ctx, `INSERT INTO room_reads (room_id, user_id, last_read_id, updated_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (room_id, user_id) DO UPDATE SET
			last_read_id = CASE WHEN excluded.last_read_id > room_reads.last_read_id
				THEN excluded.last_read_id ELSE room_reads.last_read_id END,
			updated_at = excluded.updated_at
		RETURNING user_id, room_id, last_read_id, updated_at`, roomID, userID, max(lastReadID, 0), toMS(at)))
	if err != nil {
		return nil, s.wrapFK(err, "mark room read", "room")
	}
	return r, nil
}

// RoomReadStates returns a room's read states ordered by user id.
func (s *DB) RoomReadStates(ctx context.Context, roomID int64) ([]*lms.ReadState, error) {
	return queryList(ctx, s, "list read states", scanReadState, `SELECT user_id, room_id, last_read_id, updated_at
		FROM room_reads WHERE room_id = $1 ORDER BY user_id`, roomID)
}

// UnreadCounts counts, per room, live messages by others newer than the
// user's read position.
func (s *DB) UnreadCounts(ctx context.Context, userID int64, roomIDs []int64) ([]lms.RoomUnread, error) {
	out := make([]lms.RoomUnread, 0, len(roomIDs))
	for _, id := range roomIDs {
		var n int
		err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM messages m
			WHERE m.room_id = $1 AND m.author_id <> $2 AND m.deleted_at = 0
			AND m.id > COALESCE((SELECT r.last_read_id FROM room_reads r WHERE r.room_id = $1 AND r.user_id = $2), 0)`,
			id, userID).Scan(&n)
		if err != nil {
			return nil, s.wrap(err, "count unread")
		}
		out = append(out, lms.RoomUnread{RoomID: id, Unread: n})
	}
	return out, nil
}

// MuteUser mutes the user in the room until until; zero lifts the mute.
func (s *DB) MuteUser(ctx context.Context, roomID, userID int64, until time.Time) error {
	if until.IsZero() {
		_, err := s.q.ExecContext(ctx, `DELETE FROM room_mutes WHERE room_id = $1 AND user_id = $2`, roomID, userID)
		return s.wrap(err, "unmute")
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO room_mutes (room_id, user_id, until) VALUES ($1, $2, $3)
		ON CONFLICT (room_id, user_id) DO UPDATE SET until = excluded.until`, roomID, userID, toMS(until))
	return s.wrapFK(err, "mute", "room or user")
}

// MutedUntil returns the end of the user's mute in the room (zero: none).
func (s *DB) MutedUntil(ctx context.Context, roomID, userID int64) (time.Time, error) {
	var until int64
	err := s.q.QueryRowContext(ctx, `SELECT until FROM room_mutes WHERE room_id = $1 AND user_id = $2`,
		roomID, userID).Scan(&until)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, s.wrap(err, "get mute")
	}
	return fromMS(until), nil
}
