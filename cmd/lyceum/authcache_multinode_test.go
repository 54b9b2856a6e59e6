package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// liveToken is an API token of a user and a socket opened with it on each
// of two nodes (so both nodes have the token and account cached).
type liveToken struct {
	token  string
	id     int64
	header http.Header
	onA    *hubtest.Client
	onB    *hubtest.Client
}

// tokenOnBothNodes signs in as login on node a, makes an API token and
// opens a socket with it on a and on b.
func tokenOnBothNodes(t *testing.T, a, b *testNode, login, password string) *liveToken {
	t.Helper()
	c := newAPIClient(t, a.url)
	loginAPI(c, login, password)
	var tok struct {
		Token    string
		APIToken struct{ ID int64 } `json:"api_token"`
	}
	c.call("POST", "/me/tokens", map[string]string{"name": "cache test"}, &tok)
	lt := &liveToken{token: tok.Token, id: tok.APIToken.ID, header: http.Header{"Authorization": {"Bearer " + tok.Token}}}
	lt.onA = hubtest.DialHeader(t, wsURL(a), lt.header, true)
	lt.onB = hubtest.DialHeader(t, wsURL(b), lt.header, true)
	return lt
}

// upgradeStatus dials node n's WebSocket with header and returns the HTTP
// status of the answer (101 when the socket opened).
func upgradeStatus(t *testing.T, n *testNode, header http.Header) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, wsURL(n), &websocket.DialOptions{HTTPHeader: header})
	if err == nil {
		_ = ws.CloseNow()
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", n.url, err)
	}
	return resp.StatusCode
}

// refusedOnBoth checks, right after a revocation made through node a, that
// a refuses the next upgrade at once, and b once it has closed the revoked
// socket (the same announcement empties its cache first).
func (lt *liveToken) refusedOnBoth(t *testing.T, a, b *testNode) {
	t.Helper()
	if got := upgradeStatus(t, a, lt.header); got != http.StatusUnauthorized {
		t.Fatalf("upgrade on the revoking node right after the revocation: %d, want 401", got)
	}
	if code := lt.onB.Closed(); code != hub.CloseRevoked {
		t.Fatalf("socket on the other node closed with %d, want %d", code, hub.CloseRevoked)
	}
	if got := upgradeStatus(t, b, lt.header); got != http.StatusUnauthorized {
		t.Fatalf("upgrade on the other node after the revocation: %d, want 401", got)
	}
}

// TestRevocationsBeatTheCredentialCache checks that the upgrade's and the
// policy's cache of credentials and accounts never outlives a revocation
// or an account change made through another node: the revoking node
// refuses the next upgrade as soon as the change returns, and the other
// node as soon as it closed the revoked socket (the same announcement
// empties its cache first).
func TestRevocationsBeatTheCredentialCache(t *testing.T) {
	a, b, _ := twoNodes(t)
	ada := newAPIClient(t, a.url)
	loginAPI(ada, "ada", chatAdminPW)
	ids := map[string]int64{}
	for _, u := range []string{"ria", "dan", "pam"} {
		var out struct{ ID int64 }
		ada.call("POST", "/admin/users", map[string]string{"email": u + "@school.example", "username": u,
			"name": "User " + u, "password": chatLearnerPW}, &out)
		ids[u] = out.ID
	}

	t.Run("a revoked token is refused on both nodes", func(t *testing.T) {
		lt := tokenOnBothNodes(t, a, b, "ria", chatLearnerPW)
		ria := newAPIClient(t, a.url)
		loginAPI(ria, "ria", chatLearnerPW)
		ria.call("DELETE", fmt.Sprintf("/me/tokens/%d", lt.id), nil, nil)
		lt.refusedOnBoth(t, a, b)
	})

	t.Run("a disabled user is refused on both nodes", func(t *testing.T) {
		lt := tokenOnBothNodes(t, a, b, "dan", chatLearnerPW)
		ada.call("PATCH", fmt.Sprintf("/admin/users/%d", ids["dan"]), map[string]bool{"disabled": true}, nil)
		lt.refusedOnBoth(t, a, b)
	})

	t.Run("a demoted administrator loses what only administrators follow on both nodes", func(t *testing.T) {
		pam := ids["pam"]
		ada.call("PATCH", fmt.Sprintf("/admin/users/%d", pam), map[string]string{"role": "admin"}, nil)
		lt := tokenOnBothNodes(t, a, b, "pam", chatLearnerPW)
		const topic = "load:cache-test"
		lt.onA.Subscribe(topic, nil) // the account is cached on both nodes as an administrator
		lt.onB.Subscribe(topic, nil)
		ada.call("PATCH", fmt.Sprintf("/admin/users/%d", pam), map[string]string{"role": "user"}, nil)
		for _, c := range []*hubtest.Client{lt.onA, lt.onB} {
			if f := c.WaitFor(hub.FrameUnsubscribed, topic); f.Code != "forbidden" {
				t.Fatalf("unsubscribed with %q, want forbidden", f.Code)
			}
		}
		for _, n := range []*testNode{a, b} {
			c := hubtest.DialHeader(t, wsURL(n), lt.header, true)
			id := c.Command(hub.Command{Type: hub.CmdSubscribe, Topic: topic})
			if f, _ := c.Reply(id); f.Type != hub.FrameError || f.Code != "forbidden" {
				t.Fatalf("subscribe after the demotion on %s: %s %s, want error forbidden", n.url, f.Type, f.Code)
			}
		}
	})
}
