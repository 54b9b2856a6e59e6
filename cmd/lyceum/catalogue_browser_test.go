package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The course catalogue, the join-link preview and the first-run dashboard
// in a real browser: an instructor lists a course from its settings; a
// learner on a phone finds courses, enrols in an open one and asks to join
// one needing approval, which the instructor declines on the people page
// and then approves, the learner being told each time; a join link shows
// the course before joining; an empty dashboard speaks to each role.

// setCatalogue lists the course with the enrolment mode through the API.
func setCatalogue(c *apiClient, courseID int64, mode string) {
	c.t.Helper()
	c.call("PUT", fmt.Sprintf("/courses/%d/catalogue", courseID), map[string]any{"listed": true, "enrol_mode": mode}, nil)
}

// uploadCover stores the PNG at path as the course's cover through the API.
func uploadCover(c *apiClient, courseID int64, path string) {
	c.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	u := fmt.Sprintf("%s/api/v1/courses/%d/uploads?name=cover.png", c.base, courseID)
	req, err := http.NewRequest("POST", u, bytes.NewReader(data))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "image/png")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("upload the cover: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var up struct{ URL string }
	if res.StatusCode != http.StatusCreated || json.Unmarshal(b, &up) != nil || up.URL == "" {
		c.t.Fatalf("upload the cover: %s: %s", res.Status, b)
	}
	c.call("PATCH", fmt.Sprintf("/courses/%d", courseID), map[string]string{"cover_path": up.URL}, nil)
}

// newCourse creates and publishes a course through the API and returns its id.
func newCourse(c *apiClient, title, description string) int64 {
	c.t.Helper()
	var course struct{ ID int64 }
	c.call("POST", "/courses", map[string]string{"title": title, "description": description}, &course)
	c.call("POST", fmt.Sprintf("/courses/%d/visibility", course.ID), map[string]string{"visibility": "published"}, nil)
	return course.ID
}

// cardSel selects the catalogue card of a course, plus rest inside it.
func cardSel(courseID int64, rest string) string {
	return fmt.Sprintf(`[data-testid=catalogue-card][data-course-id="%d"] %s`, courseID, rest)
}

// siteByAPI starts a node and sets it up through the API: the first
// administrator ada (the returned client) and the learner lin. Browsers are
// started only when a test needs them, so each stays within its time bound.
func siteByAPI(t *testing.T) (*testNode, *apiClient) {
	t.Helper()
	return siteByAPIWith(t, nil)
}

// siteByAPIWith is siteByAPI with vars overriding the configuration.
func siteByAPIWith(t *testing.T, vars map[string]string) (*testNode, *apiClient) {
	t.Helper()
	n := startTestNode(t, vars)
	link, err := url.Parse(n.setupLink(t))
	if err != nil {
		t.Fatal(err)
	}
	api := newAPIClient(t, n.url)
	api.call("POST", "/setup", map[string]string{"token": link.Query().Get("token"), "email": "ada@school.example",
		"username": "ada", "name": "Ada Admin", "password": liveAdminPW}, nil)
	createLearner(api, "lin")
	return n, api
}

// signedIn starts a browser of the viewport signed in as login on n.
func signedIn(t *testing.T, n *testNode, vp viewport, login, password string) context.Context {
	t.Helper()
	ctx := newBrowser(t, vp)
	do(t, ctx, "open the site", chromedp.Navigate(n.url+"/login"))
	signIn(t, ctx, login, password)
	return ctx
}

func TestBrowserCatalogueSettingsSearchAndEnrol(t *testing.T) {
	n, api := siteByAPI(t)
	open := newCourse(api, "Open Astronomy", "Stars for everyone.")
	setCatalogue(api, open, "open")
	closed := newCourse(api, "Seminar in Optics", "Lenses, mirrors and light.")
	hidden := newCourse(api, "Unlisted Chemistry", "Not in the catalogue.")

	ada := signedIn(t, n, desktop, "ada", liveAdminPW)
	do(t, ada, "list the seminar, closed, from its settings", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/settings", n.url, closed)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=catalogue-form]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=catalogue-listed]`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid=catalogue-mode]`), "closed"),
		chromedp.Click(chromedp.CSS(`[data-testid=catalogue-save]`)))
	waitJS(t, ada, "the seminar is in the catalogue", someTextJS(`[data-testid=catalogue-state]`, "In the catalogue"))
	screenshot(t, ada, "settings")

	lin := signedIn(t, n, phone, "lin", courseLearnerPW)
	do(t, lin, "open the catalogue from the menu", chromedp.Click(chromedp.CSS(`[data-testid=nav-toggle]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#primary-nav a[href="/catalogue"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(cardSel(closed, `[data-testid=card-closed]`))),
		chromedp.WaitVisible(chromedp.CSS(cardSel(open, `[data-testid=card-enrol]`))))
	if got := textOf(t, lin, cardSel(open, `[data-testid=card-instructors]`)); got != "Taught by Ada Admin" {
		t.Errorf("the card's instructors read %q", got)
	}
	waitJS(t, lin, "the unlisted course is not shown",
		fmt.Sprintf(`!document.querySelector('[data-course-id="%d"]')`, hidden))
	screenshot(t, lin, "catalogue")

	do(t, lin, "search by the teacher's name and a word", sendKeys(chromedp.CSS(`[data-testid=catalogue-search]`), "ada stars"))
	waitJS(t, lin, "only the open course matches", fmt.Sprintf(`(() => {
		const cards = [...document.querySelectorAll('[data-testid=catalogue-card]')];
		return cards.length === 1 && cards[0].dataset.courseId === "%d"; })()`, open))
	do(t, lin, "enrol in the open course at once", chromedp.Click(chromedp.CSS(cardSel(open, `[data-testid=card-enrol]`))),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-header]`)))
	if got := courseIDOnPage(t, lin); got != open {
		t.Errorf("enrolling opened course %d, want %d", got, open)
	}
	checkWalked(t, ada)
}

func TestBrowserCatalogueRequestDeclinedThenApproved(t *testing.T) {
	n, api := siteByAPI(t)
	asked := newCourse(api, "Seminar in Optics", "Lenses, mirrors and light.")
	setCatalogue(api, asked, "approval")
	linAPI := newAPIClient(t, n.url)
	loginAPI(linAPI, "lin", courseLearnerPW)
	linAPI.call("POST", fmt.Sprintf("/courses/%d/enrol", asked), nil, nil)

	// The instructor sees the request, counted, and declines it.
	ada := signedIn(t, n, desktop, "ada", liveAdminPW)
	do(t, ada, "the people page counts the request", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/people", n.url, asked)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=pending-row][data-username=lin]`)))
	if got := textOf(t, ada, `[data-testid=pending-count]`); got != "1" {
		t.Errorf("the pending count reads %q, want 1", got)
	}
	screenshot(t, ada, "pending")
	do(t, ada, "decline the request", chromedp.Click(chromedp.CSS(`[data-testid=pending-row][data-username=lin] [data-testid=decline]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-ok]`), chromedp.NodeVisible),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid=pending-row]`)))

	// The learner was told, asks again from the catalogue and sees it requested.
	lin := signedIn(t, n, phone, "lin", courseLearnerPW)
	do(t, lin, "the learner's notifications tell of the decline", chromedp.Navigate(n.url+"/notifications"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=notification]`)))
	waitJS(t, lin, "the notification names the course",
		someTextJS(`[data-testid=notification]`, "Your request to join Seminar in Optics was declined"))
	do(t, lin, "ask again", chromedp.Navigate(n.url+"/catalogue"),
		chromedp.Click(chromedp.CSS(cardSel(asked, `[data-testid=card-enrol]`)), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(cardSel(asked, `[data-testid=card-requested]`))),
		chromedp.WaitReady(chromedp.CSS(selLive)))
	screenshot(t, lin, "requested")

	// Approved: the learner is told at once and the course opens.
	var pending struct {
		Items []struct {
			UserID int64 `json:"user_id"`
		}
	}
	api.call("GET", fmt.Sprintf("/courses/%d/members?status=pending", asked), nil, &pending)
	if len(pending.Items) != 1 {
		t.Fatalf("pending requests after asking again: %+v", pending.Items)
	}
	api.call("POST", fmt.Sprintf("/courses/%d/members/%d/approve", asked, pending.Items[0].UserID), nil, nil)
	waitJS(t, lin, "the learner is told of the approval", someTextJS(`[data-testid=toasts]`, "You were added to Seminar in Optics"))
	do(t, lin, "the seminar opens", chromedp.Reload(),
		chromedp.Click(chromedp.CSS(cardSel(asked, `[data-testid=card-open]`)), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-header]`)))
}

func TestBrowserJoinLinkShowsTheCourse(t *testing.T) {
	n, api := siteByAPI(t)
	s := seedProgressCourse(api)
	uploadCover(api, s.CourseID, writeTestPNG(t))
	api.call("PATCH", fmt.Sprintf("/courses/%d", s.CourseID), map[string]string{"description": "How to watch progress live."}, nil)
	join := "/join/" + s.Code

	lin := newBrowser(t, phone)
	do(t, lin, "a signed-out visitor is sent to sign in", chromedp.Navigate(n.url+join),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)))
	if got := pathOf(t, lin); got != "/login" {
		t.Fatalf("the join link led a signed-out visitor to %s, want /login", got)
	}
	signIn(t, lin, "lin", courseLearnerPW)
	do(t, lin, "after signing in the join page shows the course",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=join-card] [data-testid=card-title]`)))
	if got := pathOf(t, lin); got != join {
		t.Errorf("after signing in the visitor is at %s, want %s", got, join)
	}
	waitImageLoaded(t, lin, `[data-testid=join-card] [data-testid=card-cover]`)
	for sel, want := range map[string]string{
		`[data-testid=join-card] [data-testid=card-title]`:       "Live Progress 101",
		`[data-testid=join-card] [data-testid=card-instructors]`: "Taught by Ada Admin",
		`[data-testid=join-card] [data-testid=card-summary]`:     "How to watch progress live.",
	} {
		if got := textOf(t, lin, sel); got != want {
			t.Errorf("%s reads %q, want %q", sel, got, want)
		}
	}
	screenshot(t, lin, "preview")
	do(t, lin, "join the course", chromedp.Click(chromedp.CSS(`[data-testid=join-confirm]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-header]`)))
	do(t, lin, "a member's join link opens the course", chromedp.Navigate(n.url+join),
		chromedp.Click(chromedp.CSS(`[data-testid=join-open]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-header]`)))

	do(t, lin, "a wrong code says so", chromedp.Navigate(n.url+"/join/WRONG234"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=join-invalid]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=join-form]`)))
	if strings.Contains(textOf(t, lin, `#main`), "Live Progress") {
		t.Error("a wrong code shows a course")
	}
	screenshot(t, lin, "wrong-code")
}

func TestBrowserEmptyDashboardPerRole(t *testing.T) {
	n, ada, api := adminWithLearner(t)
	do(t, ada, "the admin's empty dashboard", chromedp.Navigate(n.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=dashboard-empty] [data-role=admin]`)))
	for _, sel := range []string{`a[href="/courses/new"]`, `a[href="/admin/users"]`, `a[href="/admin/settings"]`} {
		do(t, ada, "the admin is offered "+sel, chromedp.WaitVisible(chromedp.CSS(`[data-testid=dashboard-empty] `+sel)))
	}
	if got := textOf(t, ada, `[data-testid=dashboard-empty]`); strings.Contains(got, "teacher gave you") {
		t.Errorf("the admin's empty dashboard speaks to learners: %q", got)
	}
	screenshot(t, ada, "admin")

	lin := newBrowser(t, phone)
	do(t, lin, "open the site", chromedp.Navigate(n.url+"/login"))
	signIn(t, lin, "lin", courseLearnerPW)
	do(t, lin, "a course creator's empty dashboard", chromedp.Navigate(n.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=dashboard-empty] [data-role=creator]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=dashboard-empty] a[href="/courses/new"]`)))
	screenshot(t, lin, "creator")

	api.call("PUT", "/admin/course-settings", map[string]string{"creators": "admins"}, nil)
	do(t, lin, "a learner's empty dashboard", chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=dashboard-empty] [data-role=learner]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=empty-catalogue]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=catalogue-empty]`)))
	if got := pathOf(t, lin); got != "/catalogue" {
		t.Errorf("browse the catalogue led to %s", got)
	}
	screenshot(t, lin, "learner")
}
