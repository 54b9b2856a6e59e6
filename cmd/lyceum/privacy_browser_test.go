package main

import (
	"archive/zip"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// readZipEntry returns the content of one entry of the zip at path.
func readZipEntry(t *testing.T, path, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	t.Fatalf("the zip has no %s", name)
	return ""
}

// Privacy in real browsers: the learner, on a phone, downloads their data
// from the profile page and asks for their account's deletion; the
// administrator sets the retention and anonymises them from the privacy
// page.
func TestBrowserPrivacy(t *testing.T) {
	n, ada, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	lin := newBrowser(t, narrow)
	learnerJoins(t, lin, n.url, s.Code)

	dir := t.TempDir()
	dctx, cancel := context.WithTimeout(lin, 2*time.Minute)
	defer cancel()
	progress := chromedp.Events(dctx, browser.DownloadProgress)
	do(t, lin, "open the profile", chromedp.Navigate(n.url+"/profile"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=export-data]`)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			// For the tab's own BrowserContext (newBrowser): without
			// one, the setting is the default context's.
			yes := true
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes,
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
			return err
		}),
		chromedp.ScrollIntoView(chromedp.CSS(`[data-testid=privacy-section]`)))
	waitJS(t, lin, "the export lists course announcements", someTextJS(`[data-testid=export-contents]`, "course announcements"))
	screenshot(t, lin, "profile")
	do(t, lin, "download my data", chromedp.Click(chromedp.CSS(`[data-testid=export-data]`), chromedp.NodeVisible))
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}
	data := readZipEntry(t, file, "lyceum-export/data.json")
	if !strings.Contains(data, `"username": "lin"`) || strings.Contains(data, `"username": "ada"`) ||
		!strings.Contains(data, `"course_announcements": []`) {
		t.Errorf("data.json:\n%s", data)
	}

	submitForm(t, lin, "deletion-request-form", `!!document.querySelector("[data-testid=deletion-pending]")`,
		sendKeys(chromedp.CSS(`#deletion-reason`), "I am leaving the school.", chromedp.NodeVisible),
		submitButton("deletion-request-form"),
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-ok]`), chromedp.NodeVisible))
	screenshot(t, lin, "requested")

	do(t, ada, "open the privacy page", chromedp.Navigate(n.url+"/admin/privacy"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=retention-form]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=deletion-request][data-username=lin]`)))
	submitForm(t, ada, "retention-form", toastSays("Retention saved"),
		chromedp.Click(chromedp.CSS(`#keep-grades`), chromedp.NodeVisible), submitButton("retention-form"))
	screenshot(t, ada, "requests")
	do(t, ada, "anonymise lin", chromedp.Click(chromedp.CSS(`[data-testid=deletion-request][data-username=lin] [data-testid=anonymise]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-ok]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=no-deletion-requests]`)))
	// Any user can be anonymised from the users page too.
	createLearner(api, "max")
	do(t, ada, "anonymise max from the users page", chromedp.Navigate(n.url+"/admin/users"),
		chromedp.Click(chromedp.CSS(`[data-testid=user-row][data-username=max] [data-testid=anonymise-user]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-ok]`), chromedp.NodeVisible))
	waitJS(t, ada, "max's row reads Deleted user", `[...document.querySelectorAll("[data-testid=user-row]")].some((r) =>
		r.dataset.username.startsWith("deleted-") && r.textContent.includes("Deleted user"))`)
	screenshot(t, ada, "users")
	var retention struct {
		KeepGrades bool `json:"keep_grades"`
	}
	api.call("GET", "/admin/privacy", nil, &retention)
	if retention.KeepGrades {
		t.Error("the retention form did not turn keeping grades off")
	}
	checkWalked(t, ada, lin)
}
