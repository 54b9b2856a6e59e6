package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Every form of the browser app is submitted, as a person would, against a
// real node, by one of the TestBrowserForms* tests below; the API recorder
// of every browser (contract_test.go) checks each body against the API's
// request types. TestEveryFormIsWalked reads the app's sources: a new form
// fails it until a walk submits it. Together they would have caught the
// settings page sending course_creators to an API that lacked it (issue 7,
// item 8), and catch the next form that drifts from the API.

// formWalks names, for every form of the app (its data-testid), the test
// that submits it.
var formWalks = map[string]string{
	"setup-form":         "TestBrowserFormsAccount",
	"settings-form":      "TestBrowserFormsAccount",
	"create-user-form":   "TestBrowserFormsAccount",
	"invite-form":        "TestBrowserFormsAccount",
	"accept-invite-form": "TestBrowserFormsAccount",
	"signup-form":        "TestBrowserFormsAccount",
	"login-form":         "TestBrowserFormsAccount",
	"profile-form":       "TestBrowserFormsAccount",
	"avatar-form":        "TestBrowserFormsAccount",
	"token-form":         "TestBrowserFormsAccount",
	"password-form":      "TestBrowserFormsAccount",

	"course-form":          "TestBrowserFormsCourse",
	"course-settings-form": "TestBrowserFormsCourse",
	"join-settings-form":   "TestBrowserFormsCourse",
	"enrol-form":           "TestBrowserFormsCourse",
	"group-form":           "TestBrowserFormsCourse",
	"add-module-form":      "TestBrowserFormsCourse",
	"rename-module-form":   "TestBrowserFormsCourse",
	"lesson-form":          "TestBrowserFormsCourse",
	"join-form":            "TestBrowserFormsCourse",

	"new-forum-form":  "TestBrowserFormsDiscussion",
	"new-thread-form": "TestBrowserFormsDiscussion",
	"reply-form":      "TestBrowserFormsDiscussion",
	"edit-post-form":  "TestBrowserFormsDiscussion",
	"new-room-form":   "TestBrowserFormsDiscussion",
	"composer":        "TestBrowserFormsDiscussion",

	"breakout-form":  "TestBrowserLiveBreakout",
	"broadcast-form": "TestBrowserLiveBreakout",

	"catalogue-form":    "TestBrowserCatalogueSettingsSearchAndEnrol",
	"set-password-form": "TestBrowserUserImport/desktop",

	"category-form":   "TestBrowserQuizJourney",
	"question-form":   "TestBrowserQuizJourney",
	"quiz-form":       "TestBrowserQuizJourney",
	"start-quiz-form": "TestBrowserQuizJourney",
	"override-form":   "TestBrowserQuizEssayGradingAndOverrides",
	"slot-grade-form": "TestBrowserQuizEssayGradingAndOverrides",

	"assignment-form":     "TestBrowserAssignmentsAndGradebook",
	"submission-form":     "TestBrowserAssignmentsAndGradebook",
	"grade-form":          "TestBrowserAssignmentsAndGradebook",
	"grade-override-form": "TestBrowserAssignmentsAndGradebook",
	"grade-import-form":   "TestBrowserAssignmentsAndGradebook",
	"extension-form":      "TestBrowserExtensions",

	"notify-settings-form":    "TestBrowserGradeBellAndNotificationSettings",
	"gradebook-settings-form": "TestBrowserGradebookSetup",
	"grade-category-form":     "TestBrowserGradebookSetup",
	"grade-item-edit-form":    "TestBrowserGradebookSetup",
	"grade-item-form":         "TestBrowserGradebookSetup",
	"event-form":              "TestBrowserCalendar",
	"deletion-request-form":   "TestBrowserPrivacy",
	"retention-form":          "TestBrowserPrivacy",
	"report-message-form":     "TestBrowserReports",
	"live-quiz-form":          "TestBrowserLiveQuizGame",
	"quiz-pin-form":           "TestBrowserLiveQuizGame",
	"lq-answer-form":          "TestBrowserLiveQuizGame",

	"announcement-form": "TestBrowserAnnouncements",
	"email-retry-form":  "TestBrowserEmailAdminAndUnsubscribe",
}

// appForms reads the app's sources and returns every form's data-testid
// with its file. Dialog forms (method="dialog") answer the page, not the
// API, and are left out.
func appForms(t *testing.T) map[string]string {
	t.Helper()
	const root = "../../web/app/static/js"
	testid := regexp.MustCompile(`data-testid="([^"]+)"`)
	forms := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".js") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src, file := string(b), strings.TrimPrefix(path, root+"/")
		for i := strings.Index(src, "<form"); i >= 0; i = nextForm(src, i) {
			tag := openingTag(src[i:])
			if strings.Contains(tag, `method="dialog"`) {
				continue
			}
			m := testid.FindStringSubmatch(tag)
			switch {
			case m == nil:
				t.Errorf("%s: a form without a fixed data-testid: %s", file, tag)
			case forms[m[1]] != "":
				t.Errorf("%s and %s both have a form %q: give each form its own data-testid", forms[m[1]], file, m[1])
			default:
				forms[m[1]] = file
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return forms
}

func nextForm(src string, i int) int {
	j := strings.Index(src[i+1:], "<form")
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// openingTag returns the opening tag at the start of s, skipping ">" inside
// ${...} expressions (arrow functions).
func openingTag(s string) string {
	depth := 0
	for i, c := range s {
		switch {
		case c == '{':
			depth++
		case c == '}':
			depth--
		case c == '>' && depth == 0:
			return s[:i+1]
		}
	}
	return s
}

func TestEveryFormIsWalked(t *testing.T) {
	forms := appForms(t)
	if len(forms) < 20 {
		t.Fatalf("found only %d forms in the app's sources: is the scanner broken?", len(forms))
	}
	for id, file := range forms {
		if formWalks[id] == "" {
			t.Errorf("the form %q (%s) is submitted by no browser test: add it to formWalks and to a TestBrowserForms* walk", id, file)
		}
	}
	for id := range formWalks {
		if forms[id] == "" {
			t.Errorf("formWalks names %q, a form the app no longer has", id)
		}
	}
}

// formErrors is a JS expression: the text of the form and field errors shown.
const formErrors = `[...document.querySelectorAll("[data-testid=form-error], [data-testid=field-error], .toast-error")].map((e) => e.textContent.trim()).join(" | ")`

// submitForm runs steps (fill the form with this data-testid and submit it)
// and waits until done (a JS expression) is true. An error shown instead
// fails the test with its text.
func submitForm(t *testing.T, ctx context.Context, testid, done string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	do(t, ctx, "fill and submit "+testid, steps...)
	waitJS(t, ctx, testid+" is answered", fmt.Sprintf(`(%s) || %s !== ""`, done, formErrors))
	msg, err := chromedp.Run(ctx, chromedp.Evaluate[string](formErrors))
	if err != nil {
		t.Fatal(err)
	}
	if msg != "" {
		screenshot(t, ctx, "failed")
		t.Fatalf("submitting %s failed: %s", testid, msg)
	}
	if recorderOf(t, ctx).submitted(testid) == 0 {
		t.Errorf("the form %s was not submitted (did the steps press its button?)", testid)
	}
}

// submitButton clicks the submit button of the form with this data-testid.
func submitButton(testid string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid=%s] [type=submit]`, testid)), chromedp.NodeVisible)
}

// checkWalked fails for each form formWalks gives to this test that none of
// the browsers submitted.
func checkWalked(t *testing.T, browsers ...context.Context) {
	t.Helper()
	for id, test := range formWalks {
		if test != t.Name() {
			continue
		}
		if !slices.ContainsFunc(browsers, func(b context.Context) bool { return recorderOf(t, b).submitted(id) > 0 }) {
			t.Errorf("%s should submit the form %s and did not", t.Name(), id)
		}
	}
}

// retype replaces the text of the input or textarea matching css by
// selecting it all and typing (chromedp.Clear refuses empty textareas).
func retype(css, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(css)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.focus(); el.select(); return true; })()`, css))(ctx, t)
			return err
		}),
		sendKeys(chromedp.CSS(css), text))
}

// toastSays is a JS expression: a toast contains text.
func toastSays(text string) string { return someTextJS(`[data-testid=toast]`, text) }

func TestBrowserFormsAccount(t *testing.T) {
	n := startTestNode(t, nil)
	ada := newBrowser(t, desktop)
	createFirstAdmin(t, ada, n) // setup-form

	saveEverySetting(t, ada, n) // settings-form

	do(t, ada, "open the users", chromedp.Navigate(n.url+"/admin/users"),
		chromedp.Click(chromedp.CSS(`[data-testid=show-create-user]`), chromedp.NodeVisible))
	submitForm(t, ada, "create-user-form", toastSays("Account created for Lin Learner"),
		fill(map[string]string{"#create-name": "Lin Learner", "#create-email": "lin@school.example",
			"#create-username": "lin", "#create-password": courseLearnerPW}),
		submitButton("create-user-form"))
	do(t, ada, "open the invitation form", chromedp.Click(chromedp.CSS(`[data-testid=show-invite]`), chromedp.NodeVisible))
	submitForm(t, ada, "invite-form", `!!document.querySelector("[data-testid=invite-link]")`,
		fill(map[string]string{"#invite-email": "ines@school.example"}), choose("#invite-hours", "72"),
		submitButton("invite-form"))
	link := strings.TrimSpace(textOf(t, ada, `[data-testid=invite-link]`))

	do(t, ada, "open the profile", chromedp.Navigate(n.url+"/profile"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=profile-form]`)))
	submitForm(t, ada, "profile-form", toastSays("Profile saved"),
		fill(map[string]string{"#name": "Ada Lovelace"}), submitButton("profile-form"))
	submitForm(t, ada, "avatar-form", toastSays("Profile picture updated"),
		chromedp.SetUploadFiles(chromedp.CSS(`#avatar`), []string{writeTestPNG(t)}),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=avatar-preview]`)), submitButton("avatar-form"))
	submitForm(t, ada, "token-form", `!!document.querySelector("[data-testid=new-token-value]")`,
		fill(map[string]string{"#token_name": "walk"}), submitButton("token-form"))
	submitForm(t, ada, "password-form", toastSays("Password changed"),
		fill(map[string]string{"#current_password": liveAdminPW, "#new_password": "a new long password",
			"#confirm_password": "a new long password"}), submitButton("password-form"))
	screenshot(t, ada, "profile")

	// One phone takes the three newcomers in turn: an invitation, a sign-up
	// and a sign-in.
	guest := newBrowser(t, phone)
	do(t, guest, "open the invitation", chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=accept-invite-form]`)))
	submitForm(t, guest, "accept-invite-form", `!!document.querySelector("[data-testid=user-menu]")`,
		fill(map[string]string{"#name": "Ines Invited", "#username": "ines", "#password": "ines password 1"}),
		submitButton("accept-invite-form"))
	signOut(t, guest)
	do(t, guest, "open the sign-up page", chromedp.Navigate(n.url+"/signup"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=signup-form]`)))
	submitForm(t, guest, "signup-form", `!!document.querySelector("[data-testid=user-menu]")`,
		fill(map[string]string{"#email": "sam@school.example", "#name": "Sam Signup", "#username": "sam",
			"#password": "sam password 1"}), submitButton("signup-form"))
	signOut(t, guest)
	signIn(t, guest, "lin", courseLearnerPW) // login-form
	checkLearnerCannotCreate(t, guest, n, "lin", courseLearnerPW)

	checkWalked(t, ada, guest)
}

func TestBrowserFormsCourse(t *testing.T) {
	n, ada, api := adminWithLearner(t)
	api.call("POST", "/admin/users", map[string]string{"email": "kim@school.example", "username": "kim",
		"name": "Kim Joiner", "password": courseLearnerPW}, nil)

	do(t, ada, "open the new course page", chromedp.Navigate(n.url+"/courses/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-form]`)))
	submitForm(t, ada, "course-form", `!!document.querySelector("[data-testid=course-header]")`,
		fill(map[string]string{"#course-title": "Form Walk 101", "#course-code": "FW101"}), submitButton("course-form"))
	id := courseIDOnPage(t, ada)
	course := fmt.Sprintf("%s/courses/%d", n.url, id)

	do(t, ada, "open the course settings", chromedp.Navigate(course+"/settings"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=course-settings-form]`)))
	submitForm(t, ada, "course-settings-form", toastSays("Course details saved"),
		retype("#course-description", "Every form, once."), submitButton("course-settings-form"))
	do(t, ada, "publish and make a join code",
		chromedp.Click(chromedp.CSS(`[data-testid=publish-course]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=unpublish-course]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=join-create]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=join-settings-form]`)))
	submitForm(t, ada, "join-settings-form", toastSays("Join settings saved"), submitButton("join-settings-form"))
	code := strings.TrimSpace(textOf(t, ada, `[data-testid=join-code]`))

	do(t, ada, "open the people", chromedp.Navigate(course+"/people"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=enrol-form]`)))
	submitForm(t, ada, "enrol-form", toastSays("is now a learner"),
		fill(map[string]string{"#enrol-login": "lin"}), choose("#enrol-role", "learner"), submitButton("enrol-form"))
	submitForm(t, ada, "group-form", toastSays("Team A"),
		fill(map[string]string{"#group-name-new": "Team A"}), submitButton("group-form"))
	checkRosterPreviewSummary(t, ada)

	do(t, ada, "open the outline editor", chromedp.Navigate(course),
		chromedp.Click(chromedp.CSS(`[data-testid=edit-outline]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=add-module-form]`)))
	submitForm(t, ada, "add-module-form", toastSays("Week 1"),
		fill(map[string]string{"#new-module-title": "Week 1"}), submitButton("add-module-form"))
	submitForm(t, ada, "rename-module-form", someTextJS(`.module-title`, "Week One"),
		chromedp.Click(chromedp.CSS(`[data-testid=rename-module]`), chromedp.NodeVisible),
		fill(map[string]string{`[data-testid=rename-module-form] input[name=title]`: "Week One"}),
		submitButton("rename-module-form"))
	var week2 struct{ ID int64 }
	api.call("POST", fmt.Sprintf("/courses/%d/modules", id), map[string]string{"title": "Week 2"}, &week2)
	api.call("POST", fmt.Sprintf("/modules/%d/lessons", week2.ID), map[string]any{"title": "Orbits", "body_md": "x"}, nil)
	do(t, ada, "reload the outline editor", chromedp.Navigate(course),
		chromedp.Click(chromedp.CSS(`[data-testid=edit-outline]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-module-id="`+fmt.Sprint(week2.ID)+`"] [data-testid=new-lesson]`)))
	checkOutlineNames(t, ada, []string{"Week One", "Week 2"}, []string{"Orbits"})

	do(t, ada, "start a lesson", chromedp.Click(chromedp.CSS(`[data-testid=new-lesson]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lesson-form]`)))
	checkMediaIsItsOwnBlock(t, ada)
	submitForm(t, ada, "lesson-form", `!!document.querySelector("[data-testid=lesson-page]")`,
		fill(map[string]string{"#lesson-title": "Forms"}),
		chromedp.Click(chromedp.CSS(`[data-testid=save-lesson]`), chromedp.NodeVisible))

	kim := newBrowser(t, phone)
	do(t, kim, "open the join page", chromedp.Navigate(n.url+"/login?next=/join"))
	signIn(t, kim, "kim", courseLearnerPW)
	do(t, kim, "the join form shows", chromedp.WaitVisible(chromedp.CSS(`[data-testid=join-form]`)))
	submitForm(t, kim, "join-form", `!!document.querySelector("[data-testid=course-header]")`,
		fill(map[string]string{"#join-code": code}), submitButton("join-form"))

	checkWalked(t, ada, kim)
}

func TestBrowserFormsDiscussion(t *testing.T) {
	n := startTestNode(t, nil)
	w := newChatWorld(t, n)
	ada := newBrowser(t, desktop)
	discussion := fmt.Sprintf("/courses/%d/discussion", w.courseID)
	openAs(t, ada, n, "ada", chatAdminPW, discussion, `[data-testid=new-forum]`)

	submitForm(t, ada, "new-forum-form", toastSays("Homework help"),
		chromedp.Click(chromedp.CSS(`[data-testid=new-forum]`), chromedp.NodeVisible),
		fill(map[string]string{"#title": "Homework help"}), submitButton("new-forum-form"))
	submitForm(t, ada, "new-thread-form", `!!document.querySelector("[data-testid=thread-title]")`,
		chromedp.Click(chromedp.CSS(`[data-testid=new-thread]`), chromedp.NodeVisible),
		fill(map[string]string{"#thread-title": "Where are the forms?"}),
		retype(`[data-testid=thread-body-input]`, "All of them, **once**."), submitButton("new-thread-form"))
	submitForm(t, ada, "reply-form", someTextJS(`[data-testid=post-body]`, "Here is one."),
		retype(`[data-testid=reply-input]`, "Here is one."), submitButton("reply-form"))
	submitForm(t, ada, "edit-post-form", toastSays("Your post was updated"),
		chromedp.Click(chromedp.CSS(`[data-testid=post-edit]`), chromedp.NodeVisible),
		retype(`[data-testid=edit-post-form] textarea`, "All of them, **twice**."),
		submitButton("edit-post-form"))

	do(t, ada, "open the rooms", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/rooms", n.url, w.courseID)),
		chromedp.Click(chromedp.CSS(`[data-testid=new-room]`), chromedp.NodeVisible))
	submitForm(t, ada, "new-room-form", `!!document.querySelector("[data-testid=composer-input]")`,
		fill(map[string]string{"#room-name": "Office hours"}), submitButton("new-room-form"))
	do(t, ada, "the room is live", chromedp.WaitReady(chromedp.CSS(selLive)))
	submitForm(t, ada, "composer", someTextJS(`[data-testid=message-body]`, "Open now")+
		` && !document.querySelector("[data-testid=pending-message]")`,
		sendKeys(chromedp.CSS(`[data-testid=composer-input]`), "Open now", chromedp.NodeVisible),
		submitButton("composer"))

	checkWalked(t, ada)
}
