package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/mail/mailtest"
)

// emailSite starts a node that emails through a test SMTP server and sets
// it up through the API (ada, lin): lin has no quiet hours, so her emails
// go out at once whatever the time of day.
func emailSite(t *testing.T) (*testNode, *apiClient, *apiClient, *mailtest.Inbox) {
	t.Helper()
	in := mailtest.Start(t)
	host, port, err := net.SplitHostPort(in.Addr)
	if err != nil {
		t.Fatal(err)
	}
	n, ada := siteByAPIWith(t, map[string]string{"LYCEUM_SMTP_HOST": host, "LYCEUM_SMTP_PORT": port,
		"LYCEUM_SMTP_TLS": "none", "LYCEUM_SMTP_FROM": "Lyceum <lyceum@school.example>"})
	lin := newAPIClient(t, n.url)
	loginAPI(lin, "lin", courseLearnerPW)
	lin.call("PUT", "/me/notification-settings", map[string]any{"time_zone": "UTC", "quiet_start": 0, "quiet_end": 0,
		"kinds": map[string]any{}, "muted_courses": []int64{}}, nil)
	return n, ada, lin, in
}

// enrolLin makes a course and adds lin to it: she is emailed at once.
func enrolLin(ada *apiClient, title string) {
	ada.t.Helper()
	var c struct{ ID int64 }
	ada.call("POST", "/courses", map[string]string{"title": title, "code": "C" + fmt.Sprint(len(title))}, &c)
	ada.call("POST", fmt.Sprintf("/courses/%d/members", c.ID), map[string]string{"login": "lin", "role": "learner"}, nil)
}

// nextEmail waits (bounded) for the inbox to hold more than seen messages
// and returns the next one, taken apart.
func nextEmail(t *testing.T, in *mailtest.Inbox, seen int) *mailtest.Email {
	t.Helper()
	eventually(t, fmt.Sprintf("email %d arrives", seen+1), func() bool { return len(in.Messages()) > seen })
	e, err := mailtest.Parse(in.Messages()[seen])
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// unsubscribePage finds the unsubscribe page link in an email's body.
var unsubscribePage = regexp.MustCompile(`https?://[^\s"<>]+/unsubscribe\?t=[^\s"<>]+`)

// emailMode reads the email mode of kind in lin's settings.
func emailMode(lin *apiClient, kind string) string {
	lin.t.Helper()
	var st struct {
		Kinds map[string]struct{ Email string } `json:"kinds"`
	}
	lin.call("GET", "/me/notification-settings", nil, &st)
	return st.Kinds[kind].Email
}

// post POSTs the RFC 8058 one-click body to link and returns the status.
func post(t *testing.T, link string) (int, string) {
	t.Helper()
	res, err := http.Post(link, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestUnsubscribeLinksOfAnEmailTurnItsKindOff: the enrolment email lin
// gets carries the unsubscribe page in both bodies and the one-click URL in
// List-Unsubscribe; the page opens without signing in, a forged token is
// refused and changes nothing, and the one-click POST turns enrolment
// emails off (and only them).
func TestUnsubscribeLinksOfAnEmailTurnItsKindOff(t *testing.T) {
	n, ada, lin, in := emailSite(t)
	enrolLin(ada, "Physics")
	e := nextEmail(t, in, 0)
	page := unsubscribePage.FindString(e.Text)
	if page == "" || !strings.Contains(e.HTML, `href="`+page+`"`) || !strings.HasPrefix(page, n.url) {
		t.Fatalf("no unsubscribe page link of %s in both bodies:\n%s\n%s", n.url, e.Text, e.HTML)
	}
	oneClick := strings.TrimSuffix(strings.TrimPrefix(e.Header.Get("List-Unsubscribe"), "<"), ">")
	if !strings.HasPrefix(oneClick, n.url+"/api/v1/unsubscribe?t=") ||
		e.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("List-Unsubscribe headers: %v", e.Header)
	}
	res, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("the unsubscribe page: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}

	u, err := url.Parse(oneClick)
	if err != nil {
		t.Fatal(err)
	}
	tok := u.Query().Get("t")
	forged := strings.Replace(tok, tok[:2], "Mj", 1) // another user id's first digit, same MAC
	if forged == tok {
		forged = "Mz" + tok[2:]
	}
	if code, body := post(t, n.url+"/api/v1/unsubscribe?t="+url.QueryEscape(forged)); code != 400 ||
		!strings.Contains(body, "not valid") {
		t.Fatalf("a forged token: %d %s", code, body)
	}
	if got := emailMode(lin, "enrolled"); got != "" {
		t.Fatalf("after a forged token enrolment emails are %q, want the default", got)
	}
	if code, body := post(t, oneClick); code != 200 || !strings.Contains(body, `"kind":"enrolled"`) {
		t.Fatalf("one-click: %d %s", code, body)
	}
	if got := emailMode(lin, "enrolled"); got != "off" {
		t.Fatalf("after one-click enrolment emails are %q, want off", got)
	}
	if got := emailMode(lin, "grade"); got != "" {
		t.Fatalf("one-click changed grade emails too: %q", got)
	}
}
