package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newRoom creates a room named name in c.
func newRoom(t *testing.T, s store.Store, c *lms.Course, name string, main bool) *lms.Room {
	t.Helper()
	r := &lms.Room{CourseID: c.ID, Name: name, Main: main}
	noErr(t, s.CreateRoom(ctxOf(t), r), "CreateRoom")
	return r
}

// send stores a message with body in r by author.
func send(t *testing.T, s store.Store, r *lms.Room, author *lms.User, body string) *lms.Message {
	t.Helper()
	m := &lms.Message{RoomID: r.ID, AuthorID: author.ID, Body: body}
	created, err := s.InsertMessage(ctxOf(t), m)
	noErr(t, err, "InsertMessage")
	if !created {
		t.Fatal("InsertMessage without a key did not create")
	}
	return m
}

func messageID(m *lms.Message) int64 { return m.ID }

var roomTests = map[string]func(*testing.T, store.Store){
	"rooms read back, list main first, update and delete": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		g := &lms.Group{CourseID: c.ID, Name: "G"}
		noErr(t, s.CreateGroup(ctx, g), "CreateGroup")
		extra := &lms.Room{CourseID: c.ID, Name: "Team G", GroupID: g.ID}
		noErr(t, s.CreateRoom(ctx, extra), "CreateRoom")
		main := newRoom(t, s, c, "Main", true)
		got, err := s.RoomByID(ctx, extra.ID)
		noErr(t, err, "RoomByID")
		diff(t, "room", got, extra)
		list, err := s.ListRooms(ctx, c.ID)
		noErr(t, err, "ListRooms")
		diff(t, "rooms", list, []*lms.Room{main, extra})
		wantCode(t, s.CreateRoom(ctx, &lms.Room{CourseID: c.ID, Name: "Main 2", Main: true}), lms.ECONFLICT)
		wantCode(t, s.CreateRoom(ctx, &lms.Room{CourseID: c.ID, Name: "x", GroupID: 9999}), lms.ENOTFOUND)
		extra.Name, extra.GroupID = "Renamed", 0
		noErr(t, s.UpdateRoom(ctx, extra), "UpdateRoom")
		got, err = s.RoomByID(ctx, extra.ID)
		noErr(t, err, "RoomByID")
		diff(t, "updated", got, extra)
		noErr(t, s.DeleteRoom(ctx, extra.ID), "DeleteRoom")
		wantCode(t, s.DeleteRoom(ctx, extra.ID), lms.ENOTFOUND)
	},
	"deleting a group deletes its rooms": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		g := &lms.Group{CourseID: c.ID, Name: "G"}
		noErr(t, s.CreateGroup(ctx, g), "CreateGroup")
		r := &lms.Room{CourseID: c.ID, Name: "Team", GroupID: g.ID}
		noErr(t, s.CreateRoom(ctx, r), "CreateRoom")
		noErr(t, s.DeleteGroup(ctx, g.ID), "DeleteGroup")
		_, err := s.RoomByID(ctx, r.ID)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"a repeated idempotency key returns the stored message": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, v := newUser(t, s, "u"), newUser(t, s, "v")
		c := newCourse(t, s, "a", 0)
		r, r2 := newRoom(t, s, c, "Main", true), newRoom(t, s, c, "Other", false)
		m := &lms.Message{RoomID: r.ID, AuthorID: u.ID, Body: "hello", IdemKey: "k1", CreatedAt: base}
		created, err := s.InsertMessage(ctx, m)
		noErr(t, err, "InsertMessage")
		if !created || m.ID == 0 {
			t.Fatalf("first insert: created=%v %+v", created, m)
		}
		retry := &lms.Message{RoomID: r.ID, AuthorID: u.ID, Body: "hello again", IdemKey: "k1"}
		created, err = s.InsertMessage(ctx, retry)
		noErr(t, err, "InsertMessage retry")
		want := *m
		want.AuthorName, want.AuthorUsername = "Name u", "u"
		if created {
			t.Fatal("retry created a second message")
		}
		diff(t, "retry returns the stored message", retry, &want)
		// The same key by another author or in another room is another message.
		for _, x := range []*lms.Message{
			{RoomID: r.ID, AuthorID: v.ID, Body: "x", IdemKey: "k1"},
			{RoomID: r2.ID, AuthorID: u.ID, Body: "x", IdemKey: "k1"},
		} {
			created, err := s.InsertMessage(ctx, x)
			noErr(t, err, "InsertMessage")
			if !created {
				t.Fatalf("%+v was treated as a retry", x)
			}
		}
		list, err := s.ListMessages(ctx, lms.MessageFilter{RoomID: r.ID})
		noErr(t, err, "ListMessages")
		diff(t, "history", len(list), 2)
		_, err = s.InsertMessage(ctx, &lms.Message{RoomID: 9999, AuthorID: u.ID, Body: "x"})
		wantCode(t, err, lms.ENOTFOUND)
	},
	"concurrent retries of one key store one message": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		const n = 8
		u := newUser(t, s, "u")
		r := newRoom(t, s, newCourse(t, s, "a", 0), "Main", true)
		got := make([]*lms.Message, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got[i] = &lms.Message{RoomID: r.ID, AuthorID: u.ID, Body: "once", IdemKey: "same"}
				_, errs[i] = s.InsertMessage(ctx, got[i])
			})
		}
		wg.Wait()
		for i := range n {
			noErr(t, errs[i], "InsertMessage")
			if got[i].ID != got[0].ID {
				t.Fatalf("retries got ids %d and %d", got[0].ID, got[i].ID)
			}
		}
		list, err := s.ListMessages(ctx, lms.MessageFilter{RoomID: r.ID})
		noErr(t, err, "ListMessages")
		diff(t, "stored", len(list), 1)
	},
	"history pages back and catches up by id, oldest first": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		c := newCourse(t, s, "a", 0)
		r, other := newRoom(t, s, c, "Main", true), newRoom(t, s, c, "Other", false)
		var ms []*lms.Message
		for i := range 5 {
			ms = append(ms, send(t, s, r, u, label("m", i)))
			send(t, s, other, u, "noise")
		}
		all := ids(ms, messageID)
		cases := []struct {
			name string
			f    lms.MessageFilter
			want []int64
		}{
			{"newest", lms.MessageFilter{RoomID: r.ID, Limit: 2}, all[3:]},
			{"before", lms.MessageFilter{RoomID: r.ID, BeforeID: ms[3].ID, Limit: 2}, all[1:3]},
			{"before the first", lms.MessageFilter{RoomID: r.ID, BeforeID: ms[0].ID}, []int64{}},
			{"after", lms.MessageFilter{RoomID: r.ID, AfterID: ms[1].ID, Limit: 2}, all[2:4]},
			{"all", lms.MessageFilter{RoomID: r.ID}, all},
		}
		for _, tc := range cases {
			list, err := s.ListMessages(ctx, tc.f)
			noErr(t, err, "ListMessages "+tc.name)
			diff(t, tc.name, ids(list, messageID), tc.want)
		}
		list, err := s.ListMessages(ctx, lms.MessageFilter{RoomID: r.ID, Limit: 1})
		noErr(t, err, "ListMessages")
		want := *ms[4]
		want.AuthorName, want.AuthorUsername = "Name u", "u"
		diff(t, "message", list[0], &want)
	},
	"edit and tombstone apply once to live messages": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		r := newRoom(t, s, newCourse(t, s, "a", 0), "Main", true)
		m := send(t, s, r, u, "helo")
		noErr(t, s.EditMessage(ctx, m.ID, "hello", base), "EditMessage")
		got, err := s.MessageByID(ctx, m.ID)
		noErr(t, err, "MessageByID")
		if got.Body != "hello" || !got.EditedAt.Equal(base) {
			t.Fatalf("after edit: %+v", got)
		}
		noErr(t, s.TombstoneMessage(ctx, m.ID, u.ID, base), "TombstoneMessage")
		got, err = s.MessageByID(ctx, m.ID)
		noErr(t, err, "MessageByID")
		if !got.Deleted() || got.Body != "" || got.DeletedBy != u.ID {
			t.Fatalf("after tombstone: %+v", got)
		}
		wantCode(t, s.EditMessage(ctx, m.ID, "x", base), lms.ENOTFOUND)
		wantCode(t, s.TombstoneMessage(ctx, m.ID, u.ID, base), lms.ENOTFOUND)
		_, err = s.MessageByID(ctx, 9999)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"message reactions add once, list and remove": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		r := newRoom(t, s, newCourse(t, s, "a", 0), "Main", true)
		m1, m2 := send(t, s, r, u, "a"), send(t, s, r, u, "b")
		x := &lms.Reaction{TargetID: m2.ID, UserID: u.ID, Emoji: "🎉", CreatedAt: base}
		noErr(t, s.ReactMessage(ctx, x), "ReactMessage")
		noErr(t, s.ReactMessage(ctx, &lms.Reaction{TargetID: m2.ID, UserID: u.ID, Emoji: "🎉"}), "ReactMessage twice")
		list, err := s.MessageReactions(ctx, []int64{m1.ID, m2.ID})
		noErr(t, err, "MessageReactions")
		diff(t, "reactions", list, []*lms.Reaction{x})
		empty, err := s.MessageReactions(ctx, nil)
		noErr(t, err, "MessageReactions none")
		diff(t, "none", len(empty), 0)
		noErr(t, s.UnreactMessage(ctx, m2.ID, u.ID, "🎉"), "UnreactMessage")
		wantCode(t, s.UnreactMessage(ctx, m2.ID, u.ID, "🎉"), lms.ENOTFOUND)
	},
	"read state moves forward only and drives unread counts": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, v := newUser(t, s, "u"), newUser(t, s, "v")
		c := newCourse(t, s, "a", 0)
		r, other := newRoom(t, s, c, "Main", true), newRoom(t, s, c, "Other", false)
		m1 := send(t, s, r, u, "1")
		m2 := send(t, s, r, u, "2")
		send(t, s, r, v, "own message is never unread")
		m4 := send(t, s, r, u, "4")
		noErr(t, s.TombstoneMessage(ctx, m4.ID, u.ID, base), "TombstoneMessage")
		send(t, s, other, u, "x")
		counts, err := s.UnreadCounts(ctx, v.ID, []int64{r.ID, other.ID})
		noErr(t, err, "UnreadCounts")
		diff(t, "before reading", counts, []lms.RoomUnread{{RoomID: r.ID, Unread: 2}, {RoomID: other.ID, Unread: 1}})
		st, err := s.MarkRoomRead(ctx, v.ID, r.ID, m1.ID, base)
		noErr(t, err, "MarkRoomRead")
		diff(t, "state", st, &lms.ReadState{UserID: v.ID, RoomID: r.ID, LastReadID: m1.ID, UpdatedAt: base})
		st, err = s.MarkRoomRead(ctx, v.ID, r.ID, m2.ID, base.Add(time.Second))
		noErr(t, err, "MarkRoomRead")
		st, err = s.MarkRoomRead(ctx, v.ID, r.ID, m1.ID, base.Add(2*time.Second))
		noErr(t, err, "MarkRoomRead backwards")
		if st.LastReadID != m2.ID {
			t.Fatalf("LastReadID = %d after marking an older message, want %d", st.LastReadID, m2.ID)
		}
		_, err = s.MarkRoomRead(ctx, u.ID, r.ID, m1.ID, base)
		noErr(t, err, "MarkRoomRead u")
		counts, err = s.UnreadCounts(ctx, v.ID, []int64{r.ID})
		noErr(t, err, "UnreadCounts")
		diff(t, "after reading", counts, []lms.RoomUnread{{RoomID: r.ID, Unread: 0}})
		states, err := s.RoomReadStates(ctx, r.ID)
		noErr(t, err, "RoomReadStates")
		diff(t, "states", ids(states, func(x *lms.ReadState) int64 { return x.UserID }), []int64{u.ID, v.ID})
	},
	"mutes set, replace and lift": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		r := newRoom(t, s, newCourse(t, s, "a", 0), "Main", true)
		until, err := s.MutedUntil(ctx, r.ID, u.ID)
		noErr(t, err, "MutedUntil")
		if !until.IsZero() {
			t.Fatalf("muted before any mute: %v", until)
		}
		noErr(t, s.MuteUser(ctx, r.ID, u.ID, base), "MuteUser")
		noErr(t, s.MuteUser(ctx, r.ID, u.ID, base.Add(time.Hour)), "MuteUser again")
		until, err = s.MutedUntil(ctx, r.ID, u.ID)
		noErr(t, err, "MutedUntil")
		diff(t, "until", until, base.Add(time.Hour))
		noErr(t, s.MuteUser(ctx, r.ID, u.ID, time.Time{}), "lift")
		until, err = s.MutedUntil(ctx, r.ID, u.ID)
		noErr(t, err, "MutedUntil")
		if !until.IsZero() {
			t.Fatalf("still muted after lifting: %v", until)
		}
	},
}
