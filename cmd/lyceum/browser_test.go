package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/lyceumhq/lyceum/internal/testenv"
)

// browserTimeout bounds one browser test.
const browserTimeout = 90 * time.Second

// chromiumPath returns the Chromium to drive. LYCEUM_TEST_CHROMIUM names it
// (CI sets it: a missing browser then fails the test); otherwise one on PATH
// is used, and without one the test is skipped (see testenv).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LYCEUM_TEST_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("LYCEUM_TEST_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Missing(t, "no Chromium found and LYCEUM_TEST_CHROMIUM is not set")
	return ""
}

// viewport is a browser window size; mobile emulates a phone (touch, DPR 2).
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var (
	desktop = viewport{"desktop", 1280, 800, false}
	phone   = viewport{"phone", 390, 844, true}
)

// newBrowser opens a browser for the test and returns its tab's context: a
// tab of the package's shared headless Chromium in a BrowserContext of its
// own (sharedbrowser_test.go), as isolated from other tests' browsers as a
// process of its own. Every JSON body the tab sends to the API is checked
// against the API's request types when the test ends (contract_test.go).
func newBrowser(t *testing.T, vp viewport) context.Context {
	t.Helper()
	return newBrowserFor(t, vp, browserTimeout)
}

// newBrowserWith is newBrowser in the shared Chromium of another kind
// (e.g. one with fake media devices).
func newBrowserWith(t *testing.T, vp viewport, kind *browserKind) context.Context {
	t.Helper()
	return newKindOfBrowser(t, kind, vp, browserTimeout)
}

// newBrowserFor is newBrowser for a browser that lives up to d (a
// journey with several browsers taking turns).
func newBrowserFor(t *testing.T, vp viewport, d time.Duration) context.Context {
	t.Helper()
	return newKindOfBrowser(t, plainBrowser, vp, d)
}

// newKindOfBrowser opens a tab of kind's shared Chromium that lives up to d
// and emulates vp.
func newKindOfBrowser(t *testing.T, kind *browserKind, vp viewport, d time.Duration) context.Context {
	t.Helper()
	bctx := newIsolatedTab(t, kind, vp, d)
	var emulate chromedp.Action[chromedp.Void]
	if vp.mobile {
		emulate = chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
	} else {
		emulate = chromedp.EmulateViewport(vp.width, vp.height)
	}
	// Each tab's page acts as the focused one, as the only window of a
	// browser of its own did, though other tests' people may have windows
	// open in the same process.
	focus := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})
	if err := chromedp.Do(bctx, emulate, focus); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return recordAPI(t, bctx)
}

// screenshot saves a PNG of the page under LYCEUM_TEST_SCREENSHOTS, when set
// (for people looking at the pages; CI does not set it).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("LYCEUM_TEST_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"_"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

// do runs browser steps and fails the test with the step's name on error.
func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		screenshot(t, ctx, "failed")
		t.Fatalf("%s: %v", step, err)
	}
}

// textOf returns the visible text of the first element matching css.
func textOf(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("reading %s: %v", css, err)
	}
	return s
}

// fill types values into form fields by CSS selector, clearing them first.
// sendKeys types v into the element sel selects as chromedp.SendKeys does
// (focus it, then key events), without SendKeys' read of the node's
// attributes: chromedp v0.23.0 reads them outside the node's lock
// (query.go:1293) while its DOM event handler may be appending an
// attribute the page just set, a data race -race reported in CI.
// Like SendKeys, it waits for the element to be visible unless opts say
// otherwise.
func sendKeys[S chromedp.Selectable](sel S, v string, opts ...chromedp.QueryOption) chromedp.Action[chromedp.Void] {
	if len(opts) == 0 {
		opts = []chromedp.QueryOption{chromedp.NodeVisible}
	}
	return chromedp.Steps(chromedp.Focus(sel, opts...), chromedp.KeyEvent(v))
}

func fill(fields map[string]string) chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	for sel, v := range fields {
		steps = append(steps, chromedp.Clear(chromedp.CSS(sel)), sendKeys(chromedp.CSS(sel), v, chromedp.NodeVisible))
	}
	return chromedp.Steps(steps...)
}
