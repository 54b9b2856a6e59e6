package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// claim claims r's video session for node at now (stale before now - 10 s).
func claim(t *testing.T, s store.Store, r *lms.Room, node string, now time.Time) *lms.VideoSession {
	t.Helper()
	v, err := s.ClaimVideoSession(ctxOf(t), r.ID, r.CourseID, node, now, now.Add(-10*time.Second))
	noErr(t, err, "ClaimVideoSession")
	return v
}

// attend records u joining v at `at`.
func attend(t *testing.T, s store.Store, v *lms.VideoSession, u *lms.User, at time.Time) *lms.Attendance {
	t.Helper()
	a := &lms.Attendance{SessionID: v.ID, UserID: u.ID, JoinedAt: at}
	noErr(t, s.StartAttendance(ctxOf(t), a), "StartAttendance")
	return a
}

var videoTests = map[string]func(*testing.T, store.Store){
	"a claim opens one session per room and a second node gets the same one": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		r := newRoom(t, s, c, "main", true)
		if _, err := s.OpenVideoSession(ctx, r.ID); !lms.IsCode(err, lms.ENOTFOUND) {
			t.Fatalf("OpenVideoSession before any claim: %v, want ENOTFOUND", err)
		}
		v := claim(t, s, r, "n1", base)
		diff(t, "claimed", v, &lms.VideoSession{ID: v.ID, RoomID: r.ID, CourseID: c.ID, NodeID: "n1", StartedAt: base, HeartbeatAt: base})
		again := claim(t, s, r, "n2", base.Add(time.Second))
		diff(t, "claimed by another node while the host lives", again, v)
		open, err := s.OpenVideoSession(ctx, r.ID)
		noErr(t, err, "OpenVideoSession")
		diff(t, "open", open, v)
	},
	"a stale host is taken over, its open attendance ended at its last heartbeat": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		r := newRoom(t, s, c, "main", true)
		ada, bob := newUser(t, s, "ada"), newUser(t, s, "bob")
		v := claim(t, s, r, "n1", base)
		a1 := attend(t, s, v, ada, base)
		a2 := attend(t, s, v, bob, base.Add(time.Second))
		noErr(t, s.EndAttendance(ctx, a2.ID, base.Add(2*time.Second)), "EndAttendance")
		noErr(t, s.TouchVideoSessions(ctx, "n1", base.Add(5*time.Second)), "TouchVideoSessions")
		noErr(t, s.EndAttendance(ctx, a2.ID, base.Add(4*time.Second)), "EndAttendance twice")
		later := base.Add(time.Minute)
		w := claim(t, s, r, "n2", later)
		if w.ID == v.ID || w.NodeID != "n2" || !w.StartedAt.Equal(later) {
			t.Fatalf("take-over = %+v, want a new session on n2 started at %v", w, later)
		}
		rows, err := s.CourseAttendance(ctx, c.ID, time.Time{}, time.Time{})
		noErr(t, err, "CourseAttendance")
		if len(rows) != 2 {
			t.Fatalf("%d attendance rows, want 2", len(rows))
		}
		diff(t, "ada's stay (ended with the dead host)", rows[0].Attendance,
			lms.Attendance{ID: a1.ID, SessionID: v.ID, UserID: ada.ID, JoinedAt: base, LeftAt: base.Add(5 * time.Second)})
		diff(t, "bob's stay (ended once)", rows[1].Attendance,
			lms.Attendance{ID: a2.ID, SessionID: v.ID, UserID: bob.ID, JoinedAt: base.Add(time.Second), LeftAt: base.Add(2 * time.Second)})
		if rows[0].RoomName != "main" || rows[0].Username != "ada" || rows[0].Name != "Name ada" || !rows[0].StartedAt.Equal(base) {
			t.Fatalf("row = %+v, want room main, user ada, session start %v", rows[0], base)
		}
		if m := rows[1].Minutes(later); m != 1.0/60 {
			t.Fatalf("Minutes = %v, want 1/60", m)
		}
	},
	"ending a session ends its attendance; a new claim opens a new session": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		other := newCourse(t, s, "b", 0)
		r := newRoom(t, s, c, "main", true)
		ro := newRoom(t, s, other, "main", true)
		ada := newUser(t, s, "ada")
		v := claim(t, s, r, "n1", base)
		attend(t, s, v, ada, base)
		attend(t, s, claim(t, s, ro, "n1", base), ada, base)
		noErr(t, s.EndVideoSession(ctx, v.ID, base.Add(3*time.Minute)), "EndVideoSession")
		noErr(t, s.EndVideoSession(ctx, v.ID, base.Add(9*time.Minute)), "EndVideoSession twice")
		if err := s.EndVideoSession(ctx, v.ID+1000, base); !lms.IsCode(err, lms.ENOTFOUND) {
			t.Fatalf("EndVideoSession of nothing: %v, want ENOTFOUND", err)
		}
		if _, err := s.OpenVideoSession(ctx, r.ID); !lms.IsCode(err, lms.ENOTFOUND) {
			t.Fatalf("OpenVideoSession after the end: %v, want ENOTFOUND", err)
		}
		w := claim(t, s, r, "n1", base.Add(time.Hour))
		if w.ID == v.ID {
			t.Fatal("a claim after the end reopened the ended session")
		}
		attend(t, s, w, ada, base.Add(time.Hour))
		rows, err := s.CourseAttendance(ctx, c.ID, time.Time{}, time.Time{})
		noErr(t, err, "CourseAttendance")
		if len(rows) != 2 || !rows[0].LeftAt.Equal(base.Add(3*time.Minute)) || rows[0].Minutes(base) != 3 ||
			rows[1].SessionID != w.ID || !rows[1].LeftAt.IsZero() {
			t.Fatalf("rows = %+v %+v, want the first ended at 3 min and the second open", rows[0], rows[len(rows)-1])
		}
		rows, err = s.CourseAttendance(ctx, c.ID, base.Add(time.Minute), base.Add(2*time.Hour))
		noErr(t, err, "CourseAttendance in a window")
		if len(rows) != 1 || rows[0].SessionID != w.ID {
			t.Fatalf("window rows = %d, want only the second session's", len(rows))
		}
	},
	"concurrent claims of one room open one session": func(t *testing.T, s store.Store) {
		c := newCourse(t, s, "a", 0)
		r := newRoom(t, s, c, "main", true)
		const n = 6
		ids := make([]int64, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				v, err := s.ClaimVideoSession(ctxOf(t), r.ID, c.ID, "n"+string(rune('a'+i)), base, base.Add(-time.Minute))
				if err != nil {
					t.Errorf("ClaimVideoSession: %v", err)
					return
				}
				ids[i] = v.ID
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("claims returned sessions %v, want one", ids)
			}
		}
	},
	"a claim for an unknown room is not found": func(t *testing.T, s store.Store) {
		c := newCourse(t, s, "a", 0)
		_, err := s.ClaimVideoSession(ctxOf(t), 999999, c.ID, "n1", base, base)
		if !lms.IsCode(err, lms.ENOTFOUND) {
			t.Fatalf("ClaimVideoSession of no room: %v, want ENOTFOUND", err)
		}
	},
}
