package rooms

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// ident is a connection's identity as ServeHTTP builds it (with the user
// as they were at connect time, which a Policy without a UserSource uses).
func ident(userID int64, admin bool) hub.Identity {
	u := &lms.User{ID: userID, Role: lms.SiteUser}
	if admin {
		u.Role = lms.SiteAdmin
	}
	return hub.Identity{UserID: "x", Data: caller{userID: userID, admin: admin, user: u}}
}

func TestPolicySubscribe(t *testing.T) {
	p := &Policy{}
	hooks := p.Hooks()
	cases := []struct {
		name     string
		id       hub.Identity
		topic    string
		code     string
		presence bool
	}{
		{"own personal topic", ident(7, false), "user:7", "", false},
		{"someone else's personal topic", ident(7, false), "user:8", lms.EFORBIDDEN, false},
		{"admin on someone else's personal topic", ident(1, true), "user:8", lms.EFORBIDDEN, false},
		{"load topic as admin", ident(1, true), "load:fanout", "", false},
		{"load topic with presence as admin", ident(1, true), "load:presence-x", "", true},
		{"load topic as user", ident(7, false), "load:fanout", lms.EFORBIDDEN, false},
		{"unknown topic", ident(1, true), "course:1", lms.ENOTFOUND, false},
		{"anonymous identity", hub.Identity{}, "user:0", lms.EUNAUTHORIZED, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts, err := hooks.CanSubscribe(context.Background(), tc.id, tc.topic)
			if got := lms.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			if opts.Presence != tc.presence {
				t.Errorf("presence %v, want %v", opts.Presence, tc.presence)
			}
		})
	}
}

func TestPolicyPublish(t *testing.T) {
	hooks := (&Policy{}).Hooks()
	data := json.RawMessage(`{"seq":1}`)
	cases := []struct {
		name  string
		id    hub.Identity
		topic string
		code  string
	}{
		{"admin on a load topic", ident(1, true), "load:x", ""},
		{"user on a load topic", ident(2, false), "load:x", lms.EFORBIDDEN},
		{"user on their personal topic", ident(2, false), "user:2", lms.EFORBIDDEN},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := hooks.OnPublish(context.Background(), hub.PublishRequest{Identity: tc.id, Topic: tc.topic, Data: data})
			if got := lms.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q, want %q", got, tc.code)
			}
			if err == nil && string(out.Data) != string(data) {
				t.Errorf("published %s, want %s", out.Data, data)
			}
		})
	}
}

func TestErrorInfoKeepsCodesAndHidesInternals(t *testing.T) {
	hooks := (&Policy{}).Hooks()
	if code, msg := hooks.ErrorInfo(lms.Errorf(lms.EFORBIDDEN, "No.")); code != lms.EFORBIDDEN || msg != "No." {
		t.Errorf("got %s %q", code, msg)
	}
	if code, msg := hooks.ErrorInfo(context.DeadlineExceeded); code != lms.EINTERNAL || msg == context.DeadlineExceeded.Error() {
		t.Errorf("internal error leaked: %s %q", code, msg)
	}
}
