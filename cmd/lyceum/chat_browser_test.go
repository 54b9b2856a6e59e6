package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// Room chat and discussion threads in real browsers: two people in one
// room see each other's messages and each other in "who is here", on one
// node and on two nodes sharing PostgreSQL and Redis; a reply in a thread
// appears in the other person's open thread.

const (
	chatAdminPW   = "correct horse battery"
	chatLearnerPW = "learner password 1"
	liveWait      = 15 * time.Second // a live update must arrive within this
)

// apiClient calls a node's HTTP API with a cookie session, as a browser
// would, to set up a test's world quickly.
type apiClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func newAPIClient(t *testing.T, base string) *apiClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
}

// call sends in as JSON and decodes the answer into out; any status but
// 2xx fails the test.
func (c *apiClient) call(method, path string, in, out any) {
	c.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			c.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+"/api/v1"+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		c.t.Fatalf("%s %s: %s: %s", method, path, res.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: decoding %s: %v", method, path, b, err)
		}
	}
}

// chatWorld is a published course with an instructor (the site admin "ada")
// and a learner ("lin"), its main room and its first forum.
type chatWorld struct {
	api                       *apiClient // signed in as ada
	courseID, roomID, forumID int64
}

// newChatWorld creates the world through the API of node n, the node
// started last (its log holds the valid setup link: each node that starts
// before there is an administrator makes a new one).
func newChatWorld(t *testing.T, n *testNode) *chatWorld {
	t.Helper()
	link, err := url.Parse(n.setupLink(t))
	if err != nil {
		t.Fatal(err)
	}
	c := newAPIClient(t, n.url)
	c.call("POST", "/setup", map[string]string{"token": link.Query().Get("token"), "email": "ada@school.example",
		"username": "ada", "name": "Ada Admin", "password": chatAdminPW}, nil)
	c.call("POST", "/admin/users", map[string]string{"email": "lin@school.example", "username": "lin",
		"name": "Lin Learner", "password": chatLearnerPW}, nil)
	var course struct{ ID int64 }
	c.call("POST", "/courses", map[string]string{"title": "Astronomy 101", "code": "AST101"}, &course)
	c.call("POST", fmt.Sprintf("/courses/%d/visibility", course.ID), map[string]string{"visibility": "published"}, nil)
	c.call("POST", fmt.Sprintf("/courses/%d/members", course.ID), map[string]string{"login": "lin", "role": "learner"}, nil)
	var rooms struct {
		Items []struct {
			ID   int64
			Main bool
		}
	}
	c.call("GET", fmt.Sprintf("/courses/%d/rooms", course.ID), nil, &rooms)
	w := &chatWorld{api: c, courseID: course.ID}
	for _, r := range rooms.Items {
		if r.Main {
			w.roomID = r.ID
		}
	}
	var forums struct{ Items []struct{ ID int64 } }
	c.call("GET", fmt.Sprintf("/courses/%d/forums", course.ID), nil, &forums)
	if w.roomID == 0 || len(forums.Items) == 0 {
		t.Fatalf("the new course has no main room or no forum: rooms %+v, forums %+v", rooms, forums)
	}
	w.forumID = forums.Items[0].ID
	return w
}

// waitJS waits until the JavaScript expression is true in the page.
func waitJS(t *testing.T, ctx context.Context, step, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(liveWait))); err != nil {
		screenshot(t, ctx, "failed")
		t.Fatalf("%s: %v", step, err)
	}
}

// someTextJS is an expression: some element matching css contains text.
func someTextJS(css, text string) string {
	return fmt.Sprintf(`[...document.querySelectorAll(%q)].some((e) => e.textContent.includes(%q))`, css, text)
}

// openAs signs in on node n and opens path, waiting for the live connection.
func openAs(t *testing.T, ctx context.Context, n *testNode, login, password, path, ready string) {
	t.Helper()
	do(t, ctx, "open the sign-in page", chromedp.Navigate(n.url+"/login?next="+url.QueryEscape(path)))
	signIn(t, ctx, login, password)
	do(t, ctx, "open "+path, chromedp.WaitVisible(chromedp.CSS(ready)), chromedp.WaitReady(chromedp.CSS(selLive)))
}

// roomChat puts ada (desktop, on node a) and lin (phone, on node b) in the
// course's main room and checks presence and messages both ways.
func roomChat(t *testing.T, a, b *testNode) {
	w := newChatWorld(t, b)
	room := fmt.Sprintf("/courses/%d/rooms/%d", w.courseID, w.roomID)
	const input = `[data-testid=composer-input]`

	ada := newBrowser(t, desktop)
	openAs(t, ada, a, "ada", chatAdminPW, room, input)
	lin := newBrowser(t, phone)
	openAs(t, lin, b, "lin", chatLearnerPW, room, input)

	waitJS(t, ada, "ada sees lin in the room", someTextJS(`[data-testid=presence-row]`, "Lin Learner"))
	do(t, lin, "lin opens who is here", chromedp.Click(chromedp.CSS(`[data-testid=presence-count]`), chromedp.NodeVisible))
	waitJS(t, lin, "lin sees ada in the room", someTextJS(`[data-testid=presence-row]`, "Ada Admin"))

	hello := fmt.Sprintf("Welcome to the night sky %d!", time.Now().UnixNano()%100000)
	do(t, ada, "ada sends a message with Enter", sendKeys(chromedp.CSS(input), hello+"\r", chromedp.NodeVisible))
	waitJS(t, lin, "ada's message appears for lin", someTextJS(`[data-testid=message-body]`, hello))
	waitJS(t, ada, "ada's message is stored (no longer pending)",
		someTextJS(`[data-testid=message-body]`, hello)+` && !document.querySelector("[data-testid=pending-message]")`)

	waitJS(t, ada, "lin's phone marks ada's message read: ada sees it was seen",
		someTextJS(`[data-testid=seen-by]`, "Seen by 1 of 1"))

	answer := "Thanks, see you on Monday @ada"
	do(t, lin, "lin types an answer", sendKeys(chromedp.CSS(input), answer, chromedp.NodeVisible))
	waitJS(t, ada, "ada sees lin typing", someTextJS(`[data-testid=typing]`, "Lin Learner is typing"))
	do(t, lin, "lin sends it with the button", chromedp.Click(chromedp.CSS(`[data-testid=composer-send]`), chromedp.NodeVisible))
	waitJS(t, ada, "lin's answer appears for ada", someTextJS(`[data-testid=message-body]`, answer))
	waitJS(t, ada, "the typing indicator goes away", `document.querySelector("[data-testid=typing]").textContent.trim() === ""`)
	waitJS(t, ada, "ada is notified of the mention",
		`(document.querySelector("[data-testid=notify-count]") || {}).textContent === "1"`)
	screenshot(t, ada, "room-desktop")
	screenshot(t, lin, "room-phone")

	// lin leaves; what ada writes meanwhile is under a "New messages" divider
	// when lin comes back, and what lin had read is above it.
	rooms := fmt.Sprintf("/courses/%d/rooms", w.courseID)
	do(t, lin, "lin goes to the room list", chromedp.Navigate(b.url+rooms),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=room-row]`)))
	homework := "Homework: chapter 3, exercises 1 to 4"
	do(t, ada, "ada posts homework", sendKeys(chromedp.CSS(input), homework+"\r", chromedp.NodeVisible))
	waitJS(t, ada, "the homework is stored",
		someTextJS(`[data-testid=message-body]`, homework)+` && !document.querySelector("[data-testid=pending-message]")`)
	waitJS(t, lin, "the room list counts the homework as unread, live",
		someTextJS(`[data-testid=room-unread]`, "1"))
	waitJS(t, ada, "lin, on the list, is no longer here (the room page closed its socket; the list follows rooms quietly)",
		"!("+someTextJS(`[data-testid=presence-row]`, "Lin Learner")+")")
	do(t, lin, "lin opens the room again", chromedp.Navigate(b.url+room), chromedp.WaitVisible(chromedp.CSS(input)))
	waitJS(t, lin, "a divider sits right above the homework, below what lin had read", fmt.Sprintf(`(() => {
		const ds = document.querySelectorAll("[data-testid=unread-divider]");
		if (ds.length !== 1) return false;
		const next = ds[0].nextElementSibling, prev = ds[0].previousElementSibling;
		return !!next && next.textContent.includes(%[1]q) && !!prev && !prev.textContent.includes(%[1]q);
	})()`, homework))
	screenshot(t, lin, "room-new-divider")
}

func TestBrowserRoomChat(t *testing.T) {
	n := startTestNode(t, nil)
	roomChat(t, n, n)
}

func TestBrowserRoomChatTwoNodes(t *testing.T) {
	vars := map[string]string{"LYCEUM_DATABASE_URL": storetest.PostgresURL(t), "LYCEUM_REDIS_URL": redisURL(t)}
	node := func(id string) *testNode {
		v := map[string]string{"LYCEUM_NODE_ID": id}
		for k, x := range vars {
			v[k] = x
		}
		return startTestNode(t, v)
	}
	a := node("node1")
	b := node("node2")
	roomChat(t, a, b)
}

func TestBrowserDiscussionLive(t *testing.T) {
	n := startTestNode(t, nil)
	w := newChatWorld(t, n)
	var v struct{ Thread struct{ ID int64 } }
	w.api.call("POST", fmt.Sprintf("/forums/%d/threads", w.forumID),
		map[string]string{"title": "When is the observatory open?", "body_md": "Is it open **after dark**?"}, &v)
	thread := fmt.Sprintf("/courses/%d/discussion/%d", w.courseID, v.Thread.ID)

	lin := newBrowser(t, phone)
	openAs(t, lin, n, "lin", chatLearnerPW, thread, `[data-testid=thread-title]`)
	ada := newBrowser(t, desktop)
	openAs(t, ada, n, "ada", chatAdminPW, thread, `[data-testid=reply-input]`)
	if got := textOf(t, lin, `[data-testid=post-body]`); !strings.Contains(got, "after dark") {
		t.Errorf("the opening post reads %q", got)
	}

	reply := "Yes: every clear Friday from 9 pm."
	do(t, ada, "ada replies", sendKeys(chromedp.CSS(`[data-testid=reply-input]`), reply, chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=reply-submit]`), chromedp.NodeVisible))
	waitJS(t, lin, "ada's reply appears in lin's open thread", someTextJS(`[data-testid=post-body]`, reply))
	waitJS(t, ada, "ada's own reply shows once",
		fmt.Sprintf(`[...document.querySelectorAll("[data-testid=post-body]")].filter((e) => e.textContent.includes(%q)).length === 1`, reply))
	screenshot(t, lin, "thread-phone")
	screenshot(t, ada, "thread-desktop")

	// The forum's thread list follows the forum live: a new thread and a
	// reply count show up on lin's open list without a reload.
	do(t, lin, "lin opens the thread list", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/discussion", n.url, w.courseID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=thread-row]`)), chromedp.WaitReady(chromedp.CSS(selLive)))
	markPage(t, lin)
	w.api.call("POST", fmt.Sprintf("/forums/%d/threads", w.forumID),
		map[string]string{"title": "Bring binoculars?", "body_md": "Or is the telescope enough?"}, nil)
	waitJS(t, lin, "the new thread appears in lin's list", someTextJS(`[data-testid=thread-row]`, "Bring binoculars?"))
	w.api.call("POST", fmt.Sprintf("/threads/%d/posts", v.Thread.ID), map[string]string{"body_md": "Also on Saturdays."}, nil)
	waitJS(t, lin, "the reply count of the first thread goes up", someTextJS(`[data-testid=thread-row]`, "2 replies"))
	assertNotReloaded(t, lin)
	screenshot(t, lin, "forum-live")
}
