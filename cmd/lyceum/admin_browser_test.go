package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The site settings page (issue 7, item 8): every setting can be changed,
// saved and seen again after a reload, and the settings take effect.
// TestBrowserFormsAccount runs these steps on its site.

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

// walkSiteName is the site name saveEverySetting sets.
const walkSiteName = "Riverside Academy"

// saveEverySetting changes every site setting away from its default on the
// settings page (sign-up open for school.example, only administrators
// create courses), saves, reloads and checks that the page shows them.
func saveEverySetting(t *testing.T, admin context.Context, n *testNode) {
	t.Helper()
	do(t, admin, "open the settings", chromedp.Navigate(n.url+"/admin/settings"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=settings-form]`)))
	submitForm(t, admin, "settings-form", toastSays("Settings saved"),
		fill(map[string]string{"#site_name": walkSiteName, "#signup_domain": "@school.example"}),
		choose("#signup_policy", "open"), choose("#course_creators", "admins"), submitButton("settings-form"))

	do(t, admin, "reload the settings", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid=settings-form]`)))
	want := map[string]string{"#site_name": walkSiteName, "#signup_policy": "open", "#signup_domain": "school.example",
		"#course_creators": "admins"}
	for css, v := range want {
		if got := valueOf(t, admin, css); got != v {
			t.Errorf("after a reload %s is %q, want %q", css, got, v)
		}
	}
	if got := textOf(t, admin, `[data-testid=site-name]`); !strings.Contains(got, walkSiteName) {
		t.Errorf("the top bar says %q, want the new site name", got)
	}
	screenshot(t, admin, "settings-reloaded")
}

// checkLearnerCannotCreate checks, for the signed-in learner in ctx, that
// the course list offers no "New course" and the API agrees, now that
// only administrators create courses.
func checkLearnerCannotCreate(t *testing.T, ctx context.Context, n *testNode, login, password string) {
	t.Helper()
	do(t, ctx, "open the courses", chromedp.Navigate(n.url+"/courses"))
	waitJS(t, ctx, "the course list has loaded", `location.pathname === "/courses" && !!document.querySelector("main h1") && !document.querySelector("[data-testid=loading]")`)
	screenshot(t, ctx, "learner-courses")
	offers, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
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
	c := newAPIClient(t, n.url)
	loginAPI(c, login, password)
	c.call("GET", "/courses", nil, &list)
	if list.CanCreate {
		t.Error("the API tells the learner they may create courses")
	}
}
