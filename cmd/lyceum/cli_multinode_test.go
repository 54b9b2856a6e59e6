package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// TestCLIAccountChangesReachRunningNodes checks that `lyceum user
// set-password` and `set-admin -off`, run as a process of their own with
// the site's Redis configured, take effect at once on a running node (hub,
// policy and credential cache as wired for serving): the user's sockets
// close with the code the API's reset closes them with, and the node's
// cached session and account are dropped, not kept for the cache's 30 s.
func TestCLIAccountChangesReachRunningNodes(t *testing.T) {
	n := startTestNode(t, map[string]string{"LYCEUM_DATABASE_URL": storetest.PostgresURL(t), "LYCEUM_REDIS_URL": redisURL(t)})
	w := newChatWorld(t, n) // ada (administrator) and lin (learner)
	cli := func(stdin string, args ...string) string {
		t.Helper()
		out, errOut, err := runCLIWith(t, map[string]string{"LYCEUM_DATA_DIR": t.TempDir(),
			"LYCEUM_DATABASE_URL": n.node.cfg.DatabaseURL, "LYCEUM_REDIS_URL": n.node.cfg.RedisURL,
			"LYCEUM_REDIS_PREFIX": n.node.cfg.RedisPrefix}, stdin, args...)
		if err != nil || !strings.Contains(out, "running servers were told through Redis") {
			t.Fatalf("lyceum %s: %q %v\n%s", strings.Join(args, " "), out, err, errOut)
		}
		return out
	}

	t.Run("set-password signs the user out on the node at once", func(t *testing.T) {
		lin := newAPIClient(t, n.url)
		loginAPI(lin, "lin", chatLearnerPW)
		header := sessionHeader(t, lin)
		sock := hubtest.DialHeader(t, wsURL(n), header, true) // the node has the session cached
		cli("a brand new password\n", "user", "set-password", "-login", "lin", "-password-stdin")
		if code := sock.Closed(); code != hub.CloseRevoked {
			t.Fatalf("the socket of the reset user closed with %d, want %d", code, hub.CloseRevoked)
		}
		if got := upgradeStatus(t, n, header); got != http.StatusUnauthorized {
			t.Fatalf("upgrade with the signed-out session after set-password: %d, want 401", got)
		}
	})

	t.Run("set-admin -off ends what only administrators follow on the node at once", func(t *testing.T) {
		var pam struct{ ID int64 }
		w.api.call("POST", "/admin/users", map[string]string{"email": "pam@school.example", "username": "pam",
			"name": "Pam Admin", "password": chatLearnerPW}, &pam)
		w.api.call("PATCH", fmt.Sprintf("/admin/users/%d", pam.ID), map[string]string{"role": "admin"}, nil)
		lt := tokenHeader(t, n, "pam", chatLearnerPW)
		const topic = "load:cache-test"
		sock := hubtest.DialHeader(t, wsURL(n), lt, true)
		sock.Subscribe(topic, nil) // the node has the account cached as an administrator
		cli("", "user", "set-admin", "-login", "pam", "-off")
		if f := sock.WaitFor(hub.FrameUnsubscribed, topic); f.Code != "forbidden" {
			t.Fatalf("unsubscribed with %q, want forbidden", f.Code)
		}
		again := hubtest.DialHeader(t, wsURL(n), lt, true)
		id := again.Command(hub.Command{Type: hub.CmdSubscribe, Topic: topic})
		if f, _ := again.Reply(id); f.Type != hub.FrameError || f.Code != "forbidden" {
			t.Fatalf("subscribe after set-admin -off: %s %s, want error forbidden", f.Type, f.Code)
		}
	})
}

// sessionHeader is the Cookie header of the session c signed in with.
func sessionHeader(t *testing.T, c *apiClient) http.Header {
	t.Helper()
	u, err := url.Parse(c.base)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, k := range c.http.Jar.Cookies(u) {
		parts = append(parts, k.Name+"="+k.Value)
	}
	if len(parts) == 0 {
		t.Fatal("no session cookie after signing in")
	}
	return http.Header{"Cookie": {strings.Join(parts, "; ")}}
}
