package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/mail"
	"github.com/lyceumhq/lyceum/internal/store"
)

// failEmail stores an email to to that the job runner gave up on (as if
// the server had refused it five times), for the admin page to list.
func failEmail(t *testing.T, n *testNode, to, subject string) {
	t.Helper()
	ctx := t.Context()
	payload, err := json.Marshal(mail.Message{To: to, Subject: subject, Text: "See you in class."})
	if err != nil {
		t.Fatal(err)
	}
	now, later := time.Now(), time.Now().Add(24*time.Hour) // not due: no runner takes it first
	key := mail.JobKind + ":test:" + subject
	if err := n.db.ScheduleJob(ctx, &lms.Job{Kind: mail.JobKind, Key: key, Payload: payload, RunAt: later}, now); err != nil {
		t.Fatal(err)
	}
	claimed, err := n.db.ClaimDueJobs(ctx, store.JobClaim{Now: later, Worker: "test", Lease: time.Minute,
		Kinds: []string{mail.JobKind}, Limit: store.MaxJobClaim})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range claimed {
		if j.Key == key {
			if err := n.db.FailJob(ctx, j, "554 5.7.1 mailbox unavailable", now); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("the test email %s was not claimed", key)
}

// TestBrowserEmailAdminAndUnsubscribe: lin, signed out on a 360 px phone,
// opens the unsubscribe link of her enrolment email: enrolment emails are
// off, and Undo turns them back on. Ada, on the admin email page (360 px
// too), sees the SMTP server and a failed email, sends it again
// (email-retry-form) and it arrives.
func TestBrowserEmailAdminAndUnsubscribe(t *testing.T) {
	n, ada, lin, in := emailSite(t)
	enrolLin(ada, "Physics")
	e := nextEmail(t, in, 0)
	page := unsubscribePage.FindString(e.Text)
	if page == "" {
		t.Fatalf("no unsubscribe link in\n%s", e.Text)
	}

	phone := newBrowser(t, narrow)
	do(t, phone, "open the unsubscribe link", chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=unsubscribe-message]`)))
	if got := textOf(t, phone, `[data-testid=unsubscribe-message]`); !strings.Contains(got,
		"You will no longer get emails about “You are added to a course”") {
		t.Errorf("the unsubscribe page says %q", got)
	}
	screenshot(t, phone, "unsubscribed")
	if got := emailMode(lin, "enrolled"); got != "off" {
		t.Fatalf("after opening the link enrolment emails are %q, want off", got)
	}
	do(t, phone, "undo", chromedp.Click(chromedp.CSS(`[data-testid=unsubscribe-undo]`), chromedp.NodeVisible))
	waitJS(t, phone, "the page says emails are back", someTextJS(`[data-testid=unsubscribe-message]`, "again"))
	if got := emailMode(lin, "enrolled"); got != "now" {
		t.Fatalf("after undo enrolment emails are %q, want now", got)
	}
	do(t, phone, "open a forged link", chromedp.Navigate(page+"x"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=unsubscribe-invalid]`)))

	failEmail(t, n, "lin@school.example", "Welcome back")
	admin := signedIn(t, n, narrow, "ada", liveAdminPW)
	do(t, admin, "open the email page", chromedp.Navigate(n.url+"/admin/email"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=failed-email]`)))
	if got := textOf(t, admin, `[data-testid=email-host]`); !strings.HasPrefix(got, "127.0.0.1:") {
		t.Errorf("the page shows the server %q", got)
	}
	if got := textOf(t, admin, `[data-testid=failed-email]`); !strings.Contains(got, "Welcome back") ||
		!strings.Contains(got, "mailbox unavailable") || !strings.Contains(got, "lin@school.example") {
		t.Errorf("the failed email reads %q", got)
	}
	screenshot(t, admin, "email")
	submitForm(t, admin, "email-retry-form", toastSays("is being sent again"), submitButton("email-retry-form"))
	waitJS(t, admin, "the list is empty", `!!document.querySelector("[data-testid=no-failed-emails]")`)
	eventually(t, "the retried email arrives", func() bool {
		for _, raw := range in.Messages() {
			if strings.Contains(raw, "See you in class.") {
				return true
			}
		}
		return false
	})
	checkWalked(t, phone, admin)
}
