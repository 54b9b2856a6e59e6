package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Small things instructors meet while editing: uploaded media lands as a
// block of its own (issue 7, item 9), and the roster preview reads as a
// sentence (item 15). TestBrowserFormsCourse runs these checks on its
// lesson editor and people page.

// checkMediaIsItsOwnBlock checks, in the open lesson editor, where
// uploaded media is inserted, and leaves a quote and an image in the body.
func checkMediaIsItsOwnBlock(t *testing.T, ada context.Context) {
	t.Helper()
	// Where the caret is decides the blank lines around the inserted block.
	type insertCase struct {
		Name, Value string
		Start, End  int
		Want        string
	}
	const x = "![x](/api/v1/uploads/1)"
	cases := []insertCase{
		{"after a quote", "> A wise quote", 14, 14, "> A wise quote\n\n" + x + "\n"},
		{"after a quote and its newline", "> A wise quote\n", 15, 15, "> A wise quote\n\n" + x + "\n"},
		{"after a list item", "- one", 5, 5, "- one\n\n" + x + "\n"},
		{"into an empty lesson", "", 0, 0, x + "\n"},
		{"between two paragraphs", "One.\n\nTwo.", 4, 4, "One.\n\n" + x + "\n\nTwo."},
		{"at the start of a paragraph", "Text", 0, 0, x + "\n\nText"},
		{"after a blank line", "Line\n\n", 6, 6, "Line\n\n" + x + "\n"},
		{"over a selection", "Hello world", 6, 11, "Hello \n\n" + x + "\n"},
		{"before a line that follows at once", "One.\nTwo.", 4, 4, "One.\n\n" + x + "\n\nTwo."},
	}
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ada, chromedp.Evaluate[[]string](fmt.Sprintf(`import("/static/js/pages/lesson-edit.js").then((m) =>
		%s.map((c) => typeof m.insertBlock === "function" ? m.insertBlock(c.Value, c.Start, c.End, %q).value : "no insertBlock"))`,
		in, x), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if got[i] != c.Want {
			t.Errorf("inserting %s: %q, want %q", c.Name, got[i], c.Want)
		}
	}

	// The real thing: an image uploaded on the line after a quote is not in
	// the quote.
	do(t, ada, "write a quote, press Enter and upload an image",
		retype(`#lesson-body`, "> Look up at the stars.\n"),
		chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=upload-image]`), []string{writeTestPNG(t)}),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lesson-preview] img`)))
	screenshot(t, ada, "image-after-quote")
	inQuote, err := chromedp.Run(ada, chromedp.Evaluate[bool](`!!document.querySelector("[data-testid=lesson-preview] blockquote img")`))
	if err != nil {
		t.Fatal(err)
	}
	if inQuote {
		body := valueOf(t, ada, `#lesson-body`)
		t.Errorf("the uploaded image renders inside the quote; the Markdown is %q", body)
	}
}

// checkRosterPreviewSummary previews, on the open people page, a roster
// whose every row has a problem, and reads the summary sentence.
func checkRosterPreviewSummary(t *testing.T, ada context.Context) {
	t.Helper()
	csv := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(csv, []byte("login,role\nnobody1,learner\nnobody2,learner\nnobody3,teacher\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ada, "preview a roster with problems",
		chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=roster-file]`), []string{csv}),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=roster-preview]`)))
	screenshot(t, ada, "roster-preview")
	got := strings.Join(strings.Fields(textOf(t, ada, `[data-testid=roster-preview] .roster-summary`)), " ")
	if want := "Preview: 0 new members, 0 changes, 3 rows with problems."; got != want {
		t.Errorf("the preview says %q, want %q", got, want)
	}
}
