package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// Room history page sizes.
const (
	defaultHistoryLimit = 50
	maxHistoryLimit     = 100 // one more is asked of the store to fill has_more
)

// IdempotencyKeyHeader carries a chat message's idempotency key.
const IdempotencyKeyHeader = "Idempotency-Key"

func (a *API) getRooms(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := listPage(r)
	if err != nil {
		return err
	}
	rooms, err := a.courses.Chat.ListRooms(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	rooms, next := slicePage(p, rooms)
	return writeJSON(w, http.StatusOK, RoomList{Items: rooms, NextCursor: next})
}

func (a *API) postRoom(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, req RoomRequest) (*lms.Room, error) {
		return a.courses.Chat.CreateRoom(ctx, u, id, req.Name, req.GroupID)
	})
}

func (a *API) getRoom(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := a.courses.Chat.VisitRoom(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, RoomInfo{Room: v.Room, Role: v.Role, Moderator: v.Moderator, LastReadID: v.LastReadID})
}

func (a *API) patchRoom(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req RoomRenameRequest) (*lms.Room, error) {
		return a.courses.Chat.RenameRoom(ctx, u, id, req.Name)
	})
}

func (a *API) deleteRoom(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Chat.DeleteRoom)
}

// queryID parses an optional positive id query parameter (0 when absent).
func queryID(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, lms.FieldError(name, "%s must be a positive id.", name)
	}
	return n, nil
}

// getMessages answers a page of history, oldest first. One message more
// than asked is fetched to tell whether the page is the last one.
func (a *API) getMessages(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := lms.MessageFilter{RoomID: id, Limit: defaultHistoryLimit}
	if f.BeforeID, err = queryID(r, "before"); err != nil {
		return err
	}
	if f.AfterID, err = queryID(r, "after"); err != nil {
		return err
	}
	if f.BeforeID != 0 && f.AfterID != 0 {
		return lms.FieldError("before", "Use before or after, not both.")
	}
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxHistoryLimit {
			return lms.FieldError("limit", "The limit must be a number from 1 to %d.", maxHistoryLimit)
		}
		f.Limit = n
	}
	want := f.Limit
	f.Limit++
	msgs, reactions, err := a.courses.Chat.History(r.Context(), caller(r), f)
	if err != nil {
		return err
	}
	out := MessagePage{Items: msgs, Reactions: reactions}
	if len(msgs) > want {
		out.HasMore = true
		if f.AfterID != 0 {
			out.Items = msgs[:want] // catching up: the extra one is the newest
		} else {
			out.Items = msgs[1:] // scrolling back: the extra one is the oldest
		}
		keep := map[int64]bool{}
		for _, m := range out.Items {
			keep[m.ID] = true
		}
		out.Reactions = out.Reactions[:0:0]
		for _, x := range reactions {
			if keep[x.TargetID] {
				out.Reactions = append(out.Reactions, x)
			}
		}
	}
	out.Items, out.Reactions = orEmpty(out.Items), orEmpty(out.Reactions)
	return writeJSON(w, http.StatusOK, out)
}

// postMessage sends a message: 201 when stored now, 200 with the stored
// message when its idempotency key was seen before.
func (a *API) postMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req SendMessageRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	key := r.Header.Get(IdempotencyKeyHeader)
	switch {
	case key != "" && req.Key != "" && key != req.Key:
		return lms.FieldError("key", "The %s header and the key field differ.", IdempotencyKeyHeader)
	case key == "":
		key = req.Key
	}
	sent, err := a.courses.Chat.SendMessage(r.Context(), caller(r), course.SendInput{RoomID: id, Body: req.Body,
		ReplyTo: req.ReplyTo, UploadID: req.UploadID, IdemKey: key})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if sent.Created {
		status = http.StatusCreated
	}
	return writeJSON(w, status, sent.Message)
}

func (a *API) putRead(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req ReadRequest) (*lms.ReadState, error) {
		return a.courses.Chat.MarkRoomRead(ctx, u, id, req.LastReadID)
	})
}

func (a *API) postMute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req MuteRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := a.courses.Chat.MuteInRoom(r.Context(), caller(r), id, req); err != nil {
		return err
	}
	return noContent(w)
}

func (a *API) patchMessage(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req MessageEditRequest) (*lms.Message, error) {
		return a.courses.Chat.EditMessage(ctx, u, id, req.Body)
	})
}

func (a *API) deleteMessage(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Chat.DeleteMessage)
}

func (a *API) postMessageReaction(w http.ResponseWriter, r *http.Request) error {
	return react(w, r, a.courses.Chat.ReactToMessage)
}

func (a *API) deleteMessageReaction(w http.ResponseWriter, r *http.Request) error {
	return unreact(w, r, a.courses.Chat.ReactToMessage)
}

// deleteMute lifts the {user_id} member's mute in the {id} room.
func (a *API) deleteMute(w http.ResponseWriter, r *http.Request) error {
	return onMember(w, r, func(ctx context.Context, u *lms.User, roomID, userID int64) error {
		lift := 0
		return a.courses.Chat.MuteInRoom(ctx, u, roomID, MuteRequest{UserID: userID, Seconds: &lift})
	})
}

func (a *API) getSeenBy(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.courses.Chat.MessageSeenBy)
}

// getNotifications pages by id: next_cursor names the oldest id shown.
func (a *API) getNotifications(w http.ResponseWriter, r *http.Request) error {
	limit, err := pageLimit(r)
	if err != nil {
		return err
	}
	before, err := pageCursor(r)
	if err != nil {
		return err
	}
	unreadOnly := queryFlag(r, "unread")
	list, unread, err := a.courses.Notifications.ListNotifications(r.Context(), caller(r), unreadOnly, before, limit)
	if err != nil {
		return err
	}
	out := NotificationList{Items: orEmpty(list), Unread: unread}
	if len(list) == limit {
		out.NextCursor = encodeCursor(list[len(list)-1].ID)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) postNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	req := MarkReadRequest{}
	if r.ContentLength != 0 && r.Header.Get("Content-Type") != "" {
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
	}
	if req.UpToID < 0 {
		return lms.FieldError("up_to_id", "up_to_id must not be negative.")
	}
	n, err := a.courses.Notifications.MarkNotificationsRead(r.Context(), caller(r), req.UpToID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, MarkedCount{Marked: n})
}

func (a *API) postNotificationRead(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Notifications.MarkNotificationRead)
}

func (a *API) getNotifySettings(w http.ResponseWriter, r *http.Request) error {
	st, err := a.courses.Notifications.NotifySettings(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, NotifySettingsBody{NotifySettings: st, KindList: lms.NotifyKinds})
}

func (a *API) putNotifySettings(w http.ResponseWriter, r *http.Request) error {
	var req lms.NotifySettings
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	st, err := a.courses.Notifications.SaveNotifySettings(r.Context(), caller(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, NotifySettingsBody{NotifySettings: st, KindList: lms.NotifyKinds})
}
