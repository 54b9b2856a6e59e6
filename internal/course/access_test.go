package course

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestThreadAccess(t *testing.T) {
	f := newFixture(t)
	want := map[string]string{"anonymous": lms.EUNAUTHORIZED, "outsider": lms.ENOTFOUND,
		"learner": "", "ta": "", "instructor": "", "admin": ""}
	for _, name := range actors {
		t.Run(name+" gets "+orOK(want[name]), func(t *testing.T) {
			th, err := f.svc.Discussion.ThreadAccess(t.Context(), f.as(name), f.thread.Thread.ID)
			wantCode(t, err, want[name])
			if err == nil && th.ID != f.thread.Thread.ID {
				t.Errorf("thread %d, want %d", th.ID, f.thread.Thread.ID)
			}
		})
	}
	t.Run("a missing thread is not found", func(t *testing.T) {
		_, err := f.svc.Discussion.ThreadAccess(t.Context(), f.as("admin"), f.thread.Thread.ID+1000)
		wantCode(t, err, lms.ENOTFOUND)
	})
	t.Run("checking access does not mark the thread read", func(t *testing.T) {
		list, _, err := f.svc.Discussion.ListThreads(t.Context(), f.as("instructor"), f.forum.ID, 10, 0)
		ok(t, err)
		before := list[0].Unread
		_, err = f.svc.Discussion.ThreadAccess(t.Context(), f.as("instructor"), f.thread.Thread.ID)
		ok(t, err)
		list, _, err = f.svc.Discussion.ListThreads(t.Context(), f.as("instructor"), f.forum.ID, 10, 0)
		ok(t, err)
		if list[0].Unread != before {
			t.Errorf("unread %v, want %v", list[0].Unread, before)
		}
	})
}

// orOK names an expected code for a subtest ("ok" for success).
func orOK(code string) string {
	if code == "" {
		return "ok"
	}
	return code
}
