package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// The course pages in a real browser against real nodes: an instructor
// builds and publishes a course, a learner joins with the code and
// completes a lesson, and the instructor's progress dashboard shows it live
// (on one node, and across two nodes sharing PostgreSQL and Redis).

const (
	courseLearnerPW = "learner password 1"
	// liveUpdateBound is how long the dashboard may take to show a
	// completion after the learner's page confirmed it. The goal is well
	// under a second; the bound leaves room for a loaded CI machine.
	liveUpdateBound = 3 * time.Second
)

// loginAPI signs an API client (chat_browser_test.go) in with a password.
func loginAPI(c *apiClient, login, password string) {
	c.t.Helper()
	c.call("POST", "/auth/login", map[string]string{"login": login, "password": password}, nil)
}

// progressCourse is a published course with one module and one lesson, open to
// join with Code.
type progressCourse struct {
	CourseID, LessonID int64
	Code               string
}

// adminWithLearner starts a node, creates its first administrator (ada) in a
// desktop browser, signs an API client in as her and creates the learner
// lin: the start of every course journey test.
func adminWithLearner(t *testing.T) (*testNode, context.Context, *apiClient) {
	t.Helper()
	n := startTestNode(t, nil)
	inst := newBrowser(t, desktop)
	createFirstAdmin(t, inst, n)
	api := newAPIClient(t, n.url)
	loginAPI(api, "ada", liveAdminPW)
	createLearner(api, "lin")
	return n, inst, api
}

// createLearner creates a plain account (the client must be an administrator).
func createLearner(c *apiClient, username string) {
	c.t.Helper()
	c.call("POST", "/admin/users", map[string]string{"email": username + "@school.example", "username": username,
		"name": "Lin Learner", "password": courseLearnerPW, "role": "user"}, nil)
}

// seedProgressCourse creates the course through the API; the client becomes its instructor.
func seedProgressCourse(c *apiClient) progressCourse {
	c.t.Helper()
	var course, module, lesson struct {
		ID       int64  `json:"id"`
		JoinCode string `json:"join_code"`
	}
	c.call("POST", "/courses", map[string]string{"title": "Live Progress 101", "code": "LP101"}, &course)
	c.call("POST", fmt.Sprintf("/courses/%d/modules", course.ID), map[string]string{"title": "Week 1"}, &module)
	c.call("POST", fmt.Sprintf("/modules/%d/lessons", module.ID),
		map[string]any{"title": "Welcome", "body_md": "# Welcome\n\nRead this, then mark it complete."}, &lesson)
	c.call("POST", fmt.Sprintf("/courses/%d/visibility", course.ID), map[string]string{"visibility": "published"}, nil)
	c.call("PUT", fmt.Sprintf("/courses/%d/join", course.ID), map[string]any{"enabled": true}, &course)
	if course.JoinCode == "" {
		c.t.Fatal("the join settings answer has no join_code")
	}
	return progressCourse{CourseID: course.ID, LessonID: lesson.ID, Code: course.JoinCode}
}

// writeTestPNG writes a small PNG and returns its path.
func writeTestPNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 96, 48))
	for x := range 96 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{R: uint8(x * 2), G: 90, B: uint8(200 - y*2), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "orbit.png")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitImageLoaded waits until the first image matching sel has loaded.
func waitImageLoaded(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	do(t, ctx, "the image "+sel+" shows", chromedp.WaitVisible(chromedp.CSS(sel)))
	waitJS(t, ctx, "the image "+sel+" loads",
		fmt.Sprintf(`(() => { const i = document.querySelector(%q); return !!i && i.complete && i.naturalWidth > 0; })()`, sel))
}

// courseIDOnPage reads the id of the course the page shows.
func courseIDOnPage(t *testing.T, ctx context.Context) int64 {
	t.Helper()
	id, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`Number(document.querySelector('.course-page').dataset.courseId)`))
	if err != nil || id == 0 {
		t.Fatalf("reading the course id: %v (id %d)", err, id)
	}
	return id
}

// learnerJoins signs the learner in on base and joins with the code's link.
func learnerJoins(t *testing.T, ctx context.Context, base, code string) {
	t.Helper()
	do(t, ctx, "open the site", chromedp.Navigate(base+"/login"))
	signIn(t, ctx, "lin", courseLearnerPW)
	do(t, ctx, "open the join link", chromedp.Navigate(base+"/join/"+code),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=join-page-code]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=join-confirm]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-header]`)))
}

// completeAndMeasure has the learner complete the lesson and waits for the
// instructor's dashboard to show it, returning how long that took after
// the learner's page confirmed it was stored.
func completeAndMeasure(t *testing.T, learner, instructor context.Context, base string, s progressCourse) time.Duration {
	t.Helper()
	do(t, learner, "open the lesson", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/lessons/%d", base, s.CourseID, s.LessonID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lesson-body] h1`)))
	opened := fmt.Sprintf(`[data-testid=progress-row][data-username=lin] td[data-lesson-id="%d"][data-state=opened]`, s.LessonID)
	do(t, instructor, "the dashboard shows the lesson opened", chromedp.WaitVisible(chromedp.CSS(opened)))
	do(t, learner, "mark the lesson complete", chromedp.Click(chromedp.CSS(`[data-testid=mark-complete]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=mark-complete][data-done=true]`)))
	stored := time.Now()
	done := fmt.Sprintf(`[data-testid=progress-row][data-username=lin] td[data-lesson-id="%d"][data-state=done]`, s.LessonID)
	do(t, instructor, "the dashboard shows the completion", chromedp.WaitVisible(chromedp.CSS(done)))
	took := time.Since(stored)
	do(t, instructor, "the chart shows 100%", chromedp.WaitVisible(chromedp.CSS(
		fmt.Sprintf(`[data-testid=chart-bar][data-lesson-id="%d"][data-percent="100"]`, s.LessonID))))
	return took
}

func TestBrowserCourseJourney(t *testing.T) {
	n, inst, _ := adminWithLearner(t)

	do(t, inst, "create a course", chromedp.Navigate(n.url+"/courses/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-form]`)),
		fill(map[string]string{"#course-title": "Introduction to Astronomy", "#course-code": "AST101"}),
		chromedp.Click(chromedp.CSS(`[data-testid=create-course]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-header]`)))
	courseID := courseIDOnPage(t, inst)

	do(t, inst, "add a module", chromedp.Click(chromedp.CSS(`[data-testid=edit-outline]`), chromedp.NodeVisible),
		fill(map[string]string{"#new-module-title": "Week 1: The Solar System"}),
		chromedp.Click(chromedp.CSS(`[data-testid=add-module]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=new-lesson]`)))
	screenshot(t, inst, "outline-editor")
	do(t, inst, "write a lesson with an image", chromedp.Click(chromedp.CSS(`[data-testid=new-lesson]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lesson-form]`)),
		fill(map[string]string{"#lesson-title": "Planets and orbits"}),
		sendKeys(chromedp.CSS(`#lesson-body`), "Every planet orbits the Sun.\n\n```go\nfmt.Println(\"orbit\")\n```\n"),
		chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=upload-image]`), []string{writeTestPNG(t)}),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lesson-preview] img`)))
	screenshot(t, inst, "lesson-editor")
	do(t, inst, "save the lesson", chromedp.Click(chromedp.CSS(`[data-testid=save-lesson]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lesson-page]`)))
	waitImageLoaded(t, inst, `[data-testid=lesson-body] img`)

	do(t, inst, "publish the course", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/settings", n.url, courseID)),
		chromedp.Click(chromedp.CSS(`[data-testid=publish-course]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=unpublish-course]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=join-create]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=join-code]`)))
	code := strings.TrimSpace(textOf(t, inst, `[data-testid=join-code]`))
	if code == "" {
		t.Fatal("no join code shown")
	}
	screenshot(t, inst, "settings")

	lin := newBrowser(t, phone)
	do(t, lin, "open the site", chromedp.Navigate(n.url+"/login"))
	signIn(t, lin, "lin", courseLearnerPW)
	do(t, lin, "join with the code", chromedp.Navigate(n.url+"/join"),
		fill(map[string]string{"#join-code": strings.ToLower(code)}),
		chromedp.Click(chromedp.CSS(`[data-testid=join-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-header]`)))
	screenshot(t, lin, "course-page")
	do(t, lin, "open the lesson", chromedp.Click(chromedp.CSS(`[data-testid=continue]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lesson-page]`)))
	waitImageLoaded(t, lin, `[data-testid=lesson-body] img`)
	do(t, lin, "mark it complete", chromedp.Click(chromedp.CSS(`[data-testid=mark-complete]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=mark-complete][data-done=true]`)))
	screenshot(t, lin, "lesson-complete")
	do(t, lin, "the dashboard shows the course complete", chromedp.Navigate(n.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-card] [data-testid=card-progress][data-percent="100"]`)))
	screenshot(t, lin, "dashboard")
}

func TestBrowserProgressDashboardLive(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)

	lin := newBrowser(t, desktop)
	learnerJoins(t, lin, n.url, s.Code)
	do(t, inst, "open the progress dashboard", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/progress", n.url, s.CourseID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=progress-row][data-username=lin]`)),
		chromedp.WaitReady(chromedp.CSS(selLive)))
	markPage(t, inst)

	took := completeAndMeasure(t, lin, inst, n.url, s)
	t.Logf("the dashboard showed the completion %v after it was stored", took)
	if took > liveUpdateBound {
		t.Errorf("the dashboard took %v to show the completion, want under %v", took, liveUpdateBound)
	}
	screenshot(t, inst, "dashboard")
	assertNotReloaded(t, inst)
}

func TestBrowserProgressLiveAcrossNodes(t *testing.T) {
	vars := map[string]string{"LYCEUM_DATABASE_URL": storetest.PostgresURL(t), "LYCEUM_REDIS_URL": redisURL(t)}
	operatorToken(t, map[string]string{"LYCEUM_DATABASE_URL": vars["LYCEUM_DATABASE_URL"], "LYCEUM_DATA_DIR": t.TempDir()})
	shared := t.TempDir() // one uploads directory, as a shared volume would be
	var nodes []*testNode
	for i := range 2 {
		v := map[string]string{"LYCEUM_NODE_ID": fmt.Sprintf("node%d", i+1), "LYCEUM_DATA_DIR": shared}
		for k, x := range vars {
			v[k] = x
		}
		nodes = append(nodes, startTestNode(t, v))
	}
	api := newAPIClient(t, nodes[0].url)
	loginAPI(api, "ops", "operator password")
	createLearner(api, "lin")
	s := seedProgressCourse(api)

	lin := newBrowser(t, desktop)
	learnerJoins(t, lin, nodes[1].url, s.Code)
	inst := newBrowser(t, desktop)
	do(t, inst, "open the first node", chromedp.Navigate(nodes[0].url+"/login"))
	signIn(t, inst, "ops", "operator password")
	do(t, inst, "open the progress dashboard", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/progress", nodes[0].url, s.CourseID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=progress-row][data-username=lin]`)),
		chromedp.WaitReady(chromedp.CSS(selLive)))
	markPage(t, inst)

	took := completeAndMeasure(t, lin, inst, nodes[1].url, s)
	t.Logf("the dashboard on node1 showed the completion on node2 %v after it was stored", took)
	if took > liveUpdateBound {
		t.Errorf("the dashboard took %v to show the completion, want under %v", took, liveUpdateBound)
	}
	assertNotReloaded(t, inst)
}

func TestBrowserOutlineReorder(t *testing.T) {
	n := startTestNode(t, nil)
	inst := newBrowser(t, desktop)
	createFirstAdmin(t, inst, n)
	api := newAPIClient(t, n.url)
	loginAPI(api, "ada", liveAdminPW)
	s := seedProgressCourse(api)
	var outline struct {
		Modules []struct {
			ID      int64 `json:"id"`
			Lessons []struct {
				ID int64 `json:"id"`
			} `json:"lessons"`
		} `json:"modules"`
	}
	api.call("GET", fmt.Sprintf("/courses/%d/outline", s.CourseID), nil, &outline)
	moduleID := outline.Modules[0].ID
	var second struct{ ID int64 }
	api.call("POST", fmt.Sprintf("/modules/%d/lessons", moduleID), map[string]any{"title": "Second", "body_md": "Two."}, &second)

	do(t, inst, "open the outline editor", chromedp.Navigate(fmt.Sprintf("%s/courses/%d", n.url, s.CourseID)),
		chromedp.Click(chromedp.CSS(`[data-testid=edit-outline]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-move="l-%d-down"]`, s.LessonID))))
	do(t, inst, "move the first lesson down with the keyboard button",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-move="l-%d-down"]`, s.LessonID))))
	waitJS(t, inst, "the move is saved", `document.querySelector('[data-testid=outline-announce]').textContent.includes('position 2')`)
	api.call("GET", fmt.Sprintf("/courses/%d/outline", s.CourseID), nil, &outline)
	if ls := outline.Modules[0].Lessons; len(ls) != 2 || ls[0].ID != second.ID || ls[1].ID != s.LessonID {
		t.Fatalf("after moving lesson %d down the order is %+v", s.LessonID, ls)
	}

	// Someone else adds a lesson: this page's layout is stale now.
	var third struct{ ID int64 }
	api.call("POST", fmt.Sprintf("/modules/%d/lessons", moduleID), map[string]any{"title": "Third", "body_md": "Three."}, &third)
	do(t, inst, "a stale move is refused and the outline reloads",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-move="l-%d-up"]`, s.LessonID)), chromedp.NodeEnabled),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=toast]`)),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid=outline-editor] [data-lesson-id="%d"]`, third.ID))))
	if got := textOf(t, inst, `[data-testid=toasts]`); !strings.Contains(got, "Someone else changed the order") {
		t.Errorf("toast says %q, want it to say someone else changed the order", got)
	}
	api.call("GET", fmt.Sprintf("/courses/%d/outline", s.CourseID), nil, &outline)
	if ls := outline.Modules[0].Lessons; len(ls) != 3 || ls[1].ID != s.LessonID {
		t.Errorf("the refused move changed the order: %+v", ls)
	}
}
