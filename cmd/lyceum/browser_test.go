package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// newBrowser starts a headless Chromium for the test and returns a tab
// context. Every JSON body the tab sends to the API is checked against the
// API's request types when the test ends (contract_test.go).
func newBrowser(t *testing.T, vp viewport) context.Context {
	t.Helper()
	return newBrowserWith(t, vp)
}

// newBrowserWith is newBrowser with more Chromium options (e.g. fake media devices).
func newBrowserWith(t *testing.T, vp viewport, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	return newBrowserFor(t, vp, browserTimeout, extra...)
}

// newBrowserFor is newBrowserWith for a browser that lives up to d (a
// journey with several browsers taking turns).
func newBrowserFor(t *testing.T, vp viewport, d time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(int(vp.width), int(vp.height)),
	}
	opts = append(opts, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		// Close the browser gracefully and wait for chromedp's goroutines:
		// tearing it down by cancelling the allocator makes chromedp notice a
		// lost connection on goroutines of its own, a path where it has had
		// data races (chromedp issue 1638 and others).
		cctx, ccancel := context.WithTimeout(bctx, 10*time.Second)
		_ = chromedp.Cancel(cctx)
		ccancel()
		bcancel()
		acancel()
		cancel()
	})
	var emulate chromedp.Action[chromedp.Void]
	if vp.mobile {
		emulate = chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
	} else {
		emulate = chromedp.EmulateViewport(vp.width, vp.height)
	}
	if err := chromedp.Do(bctx, emulate); err != nil {
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
