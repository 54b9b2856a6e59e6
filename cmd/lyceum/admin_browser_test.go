package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The site settings page in a real browser: every setting can be changed,
// saved and seen again after a reload, and the settings take effect.

// choose selects value in the <select> matching css as a person would
// (the change event fires).
func choose(css, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		ok, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
			const el = document.querySelector(%q);
			if (!el || ![...el.options].some((o) => o.value === %q)) return false;
			el.value = %[2]q;
			el.dispatchEvent(new Event("change", { bubbles: true }));
			return true;
		})()`, css, value))(ctx, t)
		if err == nil && !ok {
			err = fmt.Errorf("no select %s with the option %q", css, value)
		}
		return err
	})
}

// valueOf returns the value of the form control matching css.
func valueOf(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).value`, css)))
	if err != nil {
		t.Fatalf("reading %s: %v", css, err)
	}
	return v
}

// submitted waits until a form answered: a toast or a form error shows,
// and fails with the error's text when it is an error.
func submitted(t *testing.T, ctx context.Context, step string) {
	t.Helper()
	waitJS(t, ctx, step+" answers", `!!document.querySelector("[data-testid=toast], [data-testid=form-error], [data-testid=field-error]")`)
	errText, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll("[data-testid=form-error], [data-testid=field-error]")].map((e) => e.textContent).join(" | ")`))
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if errText != "" {
		screenshot(t, ctx, "failed")
		t.Fatalf("%s failed: %s", step, errText)
	}
}

func TestBrowserAdminSettingsSaveAndReload(t *testing.T) {
	n, admin, api := adminWithLearner(t)

	const siteName = "Riverside Academy"
	do(t, admin, "open the settings", chromedp.Navigate(n.url+"/admin/settings"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=settings-form]`)))
	// Every setting gets a value other than its default.
	do(t, admin, "change every setting",
		fill(map[string]string{"#site_name": siteName, "#signup_domain": "@school.example"}),
		choose("#signup_policy", "open"), choose("#course_creators", "admins"))
	screenshot(t, admin, "settings-filled")
	do(t, admin, "save", chromedp.Click(chromedp.CSS(`[data-testid=settings-form] button[type=submit]`), chromedp.NodeVisible))
	submitted(t, admin, "saving the settings")

	do(t, admin, "reload the page", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid=settings-form]`)))
	want := map[string]string{"#site_name": siteName, "#signup_policy": "open", "#signup_domain": "school.example",
		"#course_creators": "admins"}
	for css, v := range want {
		if got := valueOf(t, admin, css); got != v {
			t.Errorf("after a reload %s is %q, want %q", css, got, v)
		}
	}
	if got := textOf(t, admin, `[data-testid=site-name]`); !strings.Contains(got, siteName) {
		t.Errorf("the top bar says %q, want the new site name", got)
	}
	screenshot(t, admin, "settings-reloaded")

	// The settings take effect: sign-up is open, and a learner may no
	// longer create courses, so the app offers them no "New course".
	anon := newBrowser(t, phone)
	do(t, anon, "the sign-up page is open", chromedp.Navigate(n.url+"/signup"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=signup-form]`)))
	lin := newBrowser(t, phone)
	do(t, lin, "open the site", chromedp.Navigate(n.url+"/login?next=/courses"))
	signIn(t, lin, "lin", courseLearnerPW)
	waitJS(t, lin, "the course list has loaded", `location.pathname === "/courses" && !!document.querySelector("main h1") && !document.querySelector("[data-testid=loading]")`)
	screenshot(t, lin, "learner-courses")
	offers, err := chromedp.Run(lin, chromedp.Evaluate[bool](
		`[...document.querySelectorAll('a[href="/courses/new"]')].some((a) => a.offsetParent !== null)`))
	if err != nil {
		t.Fatal(err)
	}
	if offers {
		t.Error(`a learner sees "New course" although only administrators may create courses`)
	}
	var list struct {
		CanCreate bool `json:"can_create"`
	}
	learnerAPI := newAPIClient(t, n.url)
	loginAPI(learnerAPI, "lin", courseLearnerPW)
	learnerAPI.call("GET", "/courses", nil, &list)
	if list.CanCreate {
		t.Error("the API tells the learner they may create courses")
	}
	var set struct {
		CourseCreators string `json:"course_creators"`
	}
	api.call("GET", "/admin/settings", nil, &set)
	if set.CourseCreators != "admins" {
		t.Errorf("GET /admin/settings says course_creators %q, want admins", set.CourseCreators)
	}
}
