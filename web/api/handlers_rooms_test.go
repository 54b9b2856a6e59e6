package api

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestSendMessage(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	learner := w.people[roleLearner].c
	rp := "/api/v1/rooms/" + id(w.room.ID)
	history := func() []*lms.Message {
		return decode[MessagePage](t, e.do(t, learner, "GET", rp+"/messages?limit=100", nil).want(t, http.StatusOK)).Items
	}
	start := len(history())

	t.Run("a retried send with the same key is stored once", func(t *testing.T) {
		first := decode[lms.Message](t, e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "once"},
			IdempotencyKeyHeader, "k-1").want(t, http.StatusCreated))
		again := decode[lms.Message](t, e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "once"},
			IdempotencyKeyHeader, "k-1").want(t, http.StatusOK))
		byField := decode[lms.Message](t, e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "once", Key: "k-1"}).
			want(t, http.StatusOK))
		if again.ID != first.ID || byField.ID != first.ID {
			t.Errorf("retries got ids %d, %d; want %d", again.ID, byField.ID, first.ID)
		}
		e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "x", Key: "k-2"}, IdempotencyKeyHeader, "k-3").
			want(t, http.StatusBadRequest)
		if got := len(history()); got != start+1 {
			t.Errorf("history has %d messages, want %d", got, start+1)
		}
	})
	t.Run("bad messages are refused and not stored", func(t *testing.T) {
		before := len(history())
		p := e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: strings.Repeat("é", lms.MaxMessageChars+1)}).
			want(t, http.StatusRequestEntityTooLarge).problem(t)
		if p.Field != "body" || !strings.Contains(p.Detail, strconv.Itoa(lms.MaxMessageChars)) {
			t.Errorf("too long: %+v", p)
		}
		e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: strings.Repeat("é", lms.MaxMessageChars)}).
			want(t, http.StatusCreated)
		e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "  "}).want(t, http.StatusBadRequest)
		e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "x", ReplyTo: w.bMessage.ID}).want(t, http.StatusBadRequest)
		e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "x", Key: strings.Repeat("k", lms.MaxIdemKeyBytes+1)}).
			want(t, http.StatusBadRequest)
		e.do(t, learner, "PATCH", "/api/v1/messages/"+id(w.message.ID), MessageEditRequest{Body: strings.Repeat("a", lms.MaxMessageChars+1)}).
			want(t, http.StatusRequestEntityTooLarge)
		if got := len(history()); got != before+1 {
			t.Errorf("history has %d messages, want %d", got, before+1)
		}
	})
	t.Run("a muted member is told when to retry", func(t *testing.T) {
		e.do(t, w.people[roleTA].c, "POST", rp+"/mutes", MuteRequest{UserID: w.people[roleLearner].u.ID}).want(t, http.StatusNoContent)
		r := e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "let me talk"}).want(t, http.StatusForbidden)
		if n, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || n < 1 || n > 601 {
			t.Errorf("Retry-After = %q", r.Header.Get("Retry-After"))
		}
		e.do(t, w.people[roleTA].c, "POST", rp+"/mutes", MuteRequest{UserID: w.people[roleLearner].u.ID, Seconds: new(0)}).
			want(t, http.StatusNoContent)
		e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "thanks"}).want(t, http.StatusCreated)
		e.do(t, w.people[roleTA].c, "POST", rp+"/mutes", MuteRequest{UserID: w.people[roleInstructor].u.ID}).want(t, http.StatusForbidden)
		e.do(t, w.people[roleTA].c, "POST", rp+"/mutes", MuteRequest{UserID: w.victim.u.ID, Seconds: new(-1)}).want(t, http.StatusBadRequest)
	})
}

func TestRoomHistory(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	learner := w.people[roleLearner].c
	rp := "/api/v1/rooms/" + id(w.room.ID) + "/messages"
	for range 4 {
		w.newMessage(w.people[roleTA].u, w.room.ID) // 5 messages in all
	}
	all := decode[MessagePage](t, e.do(t, learner, "GET", rp, nil).want(t, http.StatusOK))
	if len(all.Items) != 5 || all.HasMore {
		t.Fatalf("whole history = %d items, has_more %v", len(all.Items), all.HasMore)
	}
	newest := decode[MessagePage](t, e.do(t, learner, "GET", rp+"?limit=2", nil).want(t, http.StatusOK))
	if len(newest.Items) != 2 || !newest.HasMore || newest.Items[0].ID != all.Items[3].ID || newest.Items[1].ID != all.Items[4].ID {
		t.Fatalf("newest page = %+v", newest)
	}
	older := decode[MessagePage](t, e.do(t, learner, "GET", rp+"?limit=2&before="+id(newest.Items[0].ID), nil).want(t, http.StatusOK))
	if len(older.Items) != 2 || !older.HasMore || older.Items[0].ID != all.Items[1].ID {
		t.Fatalf("older page = %+v", older)
	}
	oldest := decode[MessagePage](t, e.do(t, learner, "GET", rp+"?limit=2&before="+id(older.Items[0].ID), nil).want(t, http.StatusOK))
	if len(oldest.Items) != 1 || oldest.HasMore {
		t.Fatalf("oldest page = %+v", oldest)
	}
	catchUp := decode[MessagePage](t, e.do(t, learner, "GET", rp+"?limit=3&after="+id(all.Items[0].ID), nil).want(t, http.StatusOK))
	if len(catchUp.Items) != 3 || !catchUp.HasMore || catchUp.Items[0].ID != all.Items[1].ID {
		t.Fatalf("catch-up page = %+v", catchUp)
	}
	for _, q := range []string{"?limit=0", "?limit=101", "?before=x", "?before=1&after=2"} {
		e.do(t, learner, "GET", rp+q, nil).want(t, http.StatusBadRequest)
	}

	t.Run("read state and seen by", func(t *testing.T) {
		last := all.Items[4]
		rooms := decode[RoomList](t, e.do(t, learner, "GET", "/api/v1/courses/"+id(w.a.ID)+"/rooms", nil).want(t, http.StatusOK))
		if rooms.Items[0].Unread != 4 { // the learner wrote the first
			t.Errorf("unread = %d, want 4", rooms.Items[0].Unread)
		}
		if info := decode[RoomInfo](t, e.do(t, learner, "GET", "/api/v1/rooms/"+id(w.room.ID), nil).want(t, http.StatusOK)); info.LastReadID != 0 {
			t.Errorf("last_read_id before reading = %d, want 0", info.LastReadID)
		}
		e.do(t, learner, "PUT", "/api/v1/rooms/"+id(w.room.ID)+"/read", ReadRequest{LastReadID: last.ID}).want(t, http.StatusOK)
		if info := decode[RoomInfo](t, e.do(t, learner, "GET", "/api/v1/rooms/"+id(w.room.ID), nil).want(t, http.StatusOK)); info.LastReadID != last.ID {
			t.Errorf("last_read_id = %d, want %d (the caller's own position)", info.LastReadID, last.ID)
		}
		if info := decode[RoomInfo](t, e.do(t, w.people[roleTA].c, "GET", "/api/v1/rooms/"+id(w.room.ID), nil).want(t, http.StatusOK)); info.LastReadID != 0 {
			t.Errorf("the TA's last_read_id = %d, want 0 (read positions are per person)", info.LastReadID)
		}
		rooms = decode[RoomList](t, e.do(t, learner, "GET", "/api/v1/courses/"+id(w.a.ID)+"/rooms", nil).want(t, http.StatusOK))
		if rooms.Items[0].Unread != 0 {
			t.Errorf("unread after reading = %d", rooms.Items[0].Unread)
		}
		seen := decode[struct {
			Seen    int     `json:"seen"`
			Members int     `json:"members"`
			UserIDs []int64 `json:"user_ids"`
		}](t, e.do(t, w.people[roleTA].c, "GET", "/api/v1/messages/"+id(last.ID)+"/seen", nil).want(t, http.StatusOK))
		if seen.Seen != 1 || seen.Members != 3 || seen.UserIDs[0] != w.people[roleLearner].u.ID {
			t.Errorf("seen by = %+v", seen)
		}
	})
}

func TestGroupRoomIsPrivate(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	inst := w.people[roleInstructor].c
	room := decode[lms.Room](t, e.do(t, inst, "POST", "/api/v1/courses/"+id(w.a.ID)+"/rooms",
		RoomRequest{Name: "Team 1 room", GroupID: w.group.ID}).want(t, http.StatusCreated))
	rp := "/api/v1/rooms/" + id(room.ID)
	e.do(t, w.people[roleLearner].c, "GET", rp+"/messages", nil).want(t, http.StatusNotFound)
	e.do(t, w.people[roleLearner].c, "PUT", "/api/v1/courses/"+id(w.a.ID)+"/my-group", GroupChoice{GroupID: w.group.ID}).
		want(t, http.StatusNoContent)
	e.do(t, w.people[roleLearner].c, "GET", rp+"/messages", nil).want(t, http.StatusOK)
	e.do(t, w.victim.c, "GET", rp+"/messages", nil).want(t, http.StatusNotFound)
	e.do(t, w.people[roleTA].c, "GET", rp+"/messages", nil).want(t, http.StatusOK)
	e.do(t, inst, "POST", "/api/v1/courses/"+id(w.a.ID)+"/rooms", RoomRequest{Name: "x", GroupID: w.bGroup.ID}).
		want(t, http.StatusBadRequest)
	e.do(t, inst, "DELETE", "/api/v1/rooms/"+id(w.room.ID), nil).want(t, http.StatusBadRequest)
}
