package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserUserImport: an administrator uploads a CSV on the admin
// import page, sees the preview with the bad row's problems, imports the
// valid rows, sees the set-password links and the new users; one of them
// then sets a password with their link and is signed in. Desktop and phone.
func TestBrowserUserImport(t *testing.T) {
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			n := startTestNode(t, nil)
			ctx := newBrowser(t, vp)
			createFirstAdmin(t, ctx, n)
			api := newAPIClient(t, n.url)
			loginAPI(api, "ada", liveAdminPW)
			var course struct {
				ID int64 `json:"id"`
			}
			api.call("POST", "/courses", map[string]string{"title": "Biology 101", "code": "BIO"}, &course)
			file := writeFile(t, t.TempDir(), "class.csv", fmt.Sprintf("email,username,name,course,role\n"+
				"lea@school.example,lea,Léa Martin,%[1]d,learner\n"+
				"max@school.example,max,Max Müller,%[1]d,ta\n"+
				"not-an-email,zed,Zed,%[1]d,learner\n", course.ID))

			do(t, ctx, "open the import page from the users page", chromedp.Navigate(n.url+"/admin/users"),
				chromedp.Click(chromedp.CSS(`[data-testid=show-import]`), chromedp.NodeVisible),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=import-file-section]`)))
			screenshot(t, ctx, "empty")
			do(t, ctx, "choose the file", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=import-file]`), []string{file}),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=import-preview]`)))
			screenshot(t, ctx, "preview")
			bad := textOf(t, ctx, `[data-testid=import-row][data-action=error]`)
			if !strings.Contains(bad, "not-an-email") || !strings.Contains(bad, "Email:") ||
				!strings.Contains(bad, "not a valid email address") {
				t.Fatalf("the bad row shows %q, want its email problem", bad)
			}
			if n := textOf(t, ctx, `[data-testid=import-count-create]`); n != "2" {
				t.Fatalf("the preview counts %s new accounts, want 2", n)
			}
			do(t, ctx, "import the valid rows",
				chromedp.Click(chromedp.CSS(`[data-testid=import-confirm]`), chromedp.NodeVisible),
				chromedp.Click(chromedp.CSS(`[data-testid=confirm-ok]`), chromedp.NodeVisible),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=import-result]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=import-link][data-username=lea]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=import-link][data-username=max]`)))
			screenshot(t, ctx, "result")
			link := textOf(t, ctx, `[data-testid=import-link][data-username=lea] code`)
			if !strings.HasPrefix(link, n.url+"/set-password/") {
				t.Fatalf("lea's link is %q", link)
			}
			do(t, ctx, "see the new users", chromedp.Click(chromedp.CSS(`[data-testid=import-see-users]`), chromedp.NodeVisible),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=user-row][data-username=lea]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=user-row][data-username=max]`)))
			if table := textOf(t, ctx, `[data-testid=user-table]`); strings.Contains(table, "zed") {
				t.Fatalf("the bad row's user was created:\n%s", table)
			}

			signOut(t, ctx)
			do(t, ctx, "lea sets her password with the link", chromedp.Navigate(link),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=set-password-form]`)))
			screenshot(t, ctx, "set-password")
			do(t, ctx, "lea is signed in", fill(map[string]string{"#password": "lea's own password"}),
				chromedp.Click(chromedp.CSS(`[data-testid=set-password-form] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=user-menu]`)))
			checkWalked(t, ctx)
		})
	}
}
