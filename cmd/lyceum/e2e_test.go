package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserFirstRunJourney walks the IT person's first five minutes in a
// real browser: setup link from the log -> first admin -> sign out -> sign in
// -> create a user -> that user signs in and sees the empty dashboard -> the
// admin sees both logins in the audit log. It runs at desktop and phone size.
func TestBrowserFirstRunJourney(t *testing.T) {
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			n := startTestNode(t, nil)
			ctx := newBrowser(t, vp)
			const adminPW, userPW = "correct horse battery", "learner password 1"

			do(t, ctx, "open the setup link", chromedp.Navigate(n.setupLink(t)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=setup-form]`)))
			screenshot(t, ctx, "setup")
			do(t, ctx, "create the first admin",
				fill(map[string]string{"#name": "Ada Admin", "#email": "ada@school.example", "#username": "ada", "#password": adminPW}),
				chromedp.Click(chromedp.CSS(`[data-testid=setup-form] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=user-menu]`)))
			screenshot(t, ctx, "dashboard-admin")

			signOut(t, ctx)
			signIn(t, ctx, "ada", adminPW)

			do(t, ctx, "open admin users", chromedp.Navigate(n.url+"/admin/users"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=user-row]`)),
				chromedp.Click(chromedp.CSS(`[data-testid=show-create-user]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=create-user-form]`)))
			do(t, ctx, "create a user",
				fill(map[string]string{"#create-name": "Lin Learner", "#create-email": "lin@school.example",
					"#create-username": "lin", "#create-password": userPW}),
				chromedp.Click(chromedp.CSS(`[data-testid=create-user-form] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=toast]`)),
				// The table reloads after the toast: wait for the new row itself.
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=user-row][data-username=lin]`)))
			screenshot(t, ctx, "admin-users")
			if table := textOf(t, ctx, `[data-testid=user-table]`); !strings.Contains(table, "lin@school.example") {
				t.Fatalf("the new user is not in the user table:\n%s", table)
			}

			signOut(t, ctx)
			signIn(t, ctx, "lin", userPW)
			do(t, ctx, "see the empty dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=dashboard-empty]`)))
			screenshot(t, ctx, "dashboard-learner")
			do(t, ctx, "a learner is refused the admin pages", chromedp.Navigate(n.url+"/admin/audit"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=forbidden]`)))

			signOut(t, ctx)
			signIn(t, ctx, "ada", adminPW)
			do(t, ctx, "open the audit log", chromedp.Navigate(n.url+"/admin/audit"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=audit-row]`)))
			screenshot(t, ctx, "audit")
			rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
				`Array.from(document.querySelectorAll('[data-testid=audit-row]')).map(r => r.innerText)`))
			if err != nil {
				t.Fatal(err)
			}
			for _, who := range []string{"ada", "lin"} {
				if !hasLoginBy(rows, who) {
					t.Errorf("audit log has no login by %s:\n%s", who, strings.Join(rows, "\n--\n"))
				}
			}
		})
	}
}

// hasLoginBy reports whether one of the audit rows' texts is a sign-in by user.
func hasLoginBy(rows []string, user string) bool {
	for _, row := range rows {
		fields := strings.Fields(strings.ToLower(row))
		if slices.Contains(fields, user) && strings.Contains(strings.ToLower(row), "signed in") {
			return true
		}
	}
	return false
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`[data-testid=user-menu]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=signout]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)))
}

func signIn(t *testing.T, ctx context.Context, login, password string) {
	t.Helper()
	do(t, ctx, "sign in as "+login, chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)),
		fill(map[string]string{"#login": login, "#password": password}),
		chromedp.Click(chromedp.CSS(`[data-testid=login-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=user-menu]`)))
}
