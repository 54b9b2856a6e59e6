package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// Browser tests share Chromium processes: starting one costs seconds on a
// loaded two-core CI machine, and most tests open one or more browsers. Each
// browser a test opens (newBrowserFor) is a tab in a BrowserContext of its
// own, Chromium's incognito profile: its own cookies, storage, cache and
// service workers, shared with no other tab. When the test ends its tab is
// closed and its BrowserContext disposed (and checked gone), so nothing a
// test leaves in the browser reaches the next one. TestMain closes the
// processes after the last test.

// A browserKind is one shared Chromium: its name and the command-line flags
// it adds to the common ones (browserFlags). Tests that need other flags
// (fake media devices, video_browser_test.go) name a kind of their own.
type browserKind struct {
	name  string
	flags []chromedp.ExecAllocatorOption
}

// plainBrowser is the kind most tests use: no flags beyond the common ones.
var plainBrowser = &browserKind{name: "plain"}

// sharedChromium is one running Chromium process.
type sharedChromium struct {
	ctx     context.Context // the browser's first tab; children open tabs beside it
	close   func()          // closes the browser gracefully and waits for it
	dataDir string
}

// sharedBrowsers holds the running Chromium processes by kind name.
var sharedBrowsers = struct {
	mu      sync.Mutex
	running map[string]*sharedChromium
}{running: map[string]*sharedChromium{}}

// browserFlags are the flags of every test Chromium.
func browserFlags(path, dataDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// Several windows of one process may be open at once (a test
		// with several people): none of them may be slowed as a
		// background one, as none was with a process each.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.UserDataDir(dataDir),
		chromedp.WindowSize(int(desktop.width), int(desktop.height)),
	}
}

// sharedBrowser returns the running Chromium of kind, starting it if it is
// not running (or no longer: a crashed one is replaced).
func sharedBrowser(t *testing.T, kind *browserKind) *sharedChromium {
	t.Helper()
	path := chromiumPath(t)
	sharedBrowsers.mu.Lock()
	defer sharedBrowsers.mu.Unlock()
	if b := sharedBrowsers.running[kind.name]; b != nil {
		if b.ctx.Err() == nil {
			return b
		}
		b.close()
		delete(sharedBrowsers.running, kind.name)
	}
	dataDir, err := os.MkdirTemp("", "lyceum-chromium-")
	if err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	opts := append(browserFlags(path, dataDir), kind.flags...)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	// The browser outlives the test that starts it: its log goes to the
	// process's, not to a test's.
	logger := log.New(os.Stderr, "chromium "+kind.name+": ", log.LstdFlags)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithLogf(logger.Printf))
	b := &sharedChromium{ctx: bctx, dataDir: dataDir}
	b.close = func() {
		// Close the browser gracefully and wait for chromedp's goroutines:
		// tearing it down by cancelling the allocator makes chromedp notice a
		// lost connection on goroutines of its own, a path where it has had
		// data races (chromedp issue 1638 and others).
		cctx, ccancel := context.WithTimeout(bctx, 10*time.Second)
		_ = chromedp.Cancel(cctx)
		ccancel()
		bcancel()
		acancel()
		_ = os.RemoveAll(dataDir)
	}
	if err := chromedp.Do(bctx); err != nil { // starts the process
		b.close()
		t.Fatalf("starting Chromium: %v", err)
	}
	sharedBrowsers.running[kind.name] = b
	return b
}

// closeSharedBrowsers closes every shared Chromium (TestMain, after the tests).
func closeSharedBrowsers() {
	sharedBrowsers.mu.Lock()
	defer sharedBrowsers.mu.Unlock()
	for name, b := range sharedBrowsers.running {
		b.close()
		delete(sharedBrowsers.running, name)
	}
}

// TestMain closes the shared browsers once the tests have run.
func TestMain(m *testing.M) {
	code := m.Run()
	closeSharedBrowsers()
	os.Exit(code)
}

// newIsolatedTab opens a tab of kind's shared Chromium in a new
// BrowserContext that lives up to d, sized to vp. When the test ends the
// tab is closed and the BrowserContext disposed; one left behind fails the
// test.
func newIsolatedTab(t *testing.T, kind *browserKind, vp viewport, d time.Duration) context.Context {
	t.Helper()
	b := sharedBrowser(t, kind)
	tctx, tcancel := context.WithTimeout(b.ctx, d)
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext())
	var bcID cdp.BrowserContextID
	t.Cleanup(func() {
		err := chromedp.Cancel(ctx) // closes the tab, disposes its BrowserContext, waits
		cancel()
		tcancel()
		if err != nil {
			t.Logf("closing the browser: %v", err)
		}
		if bcID == "" {
			return
		}
		if err := disposeIfLeft(b.ctx, bcID); err != nil {
			t.Errorf("the test's browser context outlived it: %v", err)
		}
	})
	// The first run creates the BrowserContext and the tab in a window of
	// its own (a visible page, as a browser of its own had).
	if err := chromedp.Do(ctx, chromedp.Func(func(context.Context, *chromedp.Target) error { return nil })); err != nil {
		t.Fatalf("opening a browser tab: %v", err)
	}
	c := chromedp.FromContext(ctx)
	bcID = c.BrowserContextID
	if bcID == "" {
		t.Fatal("opening a browser tab: no BrowserContext of its own")
	}
	win, err := chromedp.CallBrowser(ctx, browser.GetWindowForTarget, browser.GetWindowForTargetParams{TargetID: c.Target.TargetID})
	if err == nil {
		_, err = chromedp.CallBrowser(ctx, browser.SetWindowBounds, browser.SetWindowBoundsParams{WindowID: win.WindowID,
			Bounds: &browser.Bounds{Width: vp.width, Height: vp.height}})
	}
	if err != nil {
		t.Fatalf("sizing the browser window: %v", err)
	}
	return ctx
}

// disposeIfLeft disposes of the BrowserContext id if the browser of ctx
// still has it, and reports an error if it was there or stays there.
func disposeIfLeft(ctx context.Context, id cdp.BrowserContextID) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res, err := chromedp.CallBrowser(ctx, target.GetBrowserContexts, cdp.Empty{})
	if err != nil {
		return fmt.Errorf("listing the browser contexts: %w", err)
	}
	if !slices.Contains(res.BrowserContextIDs, id) {
		return nil
	}
	if _, err := chromedp.CallBrowser(ctx, target.DisposeBrowserContext, target.DisposeBrowserContextParams{BrowserContextID: id}); err != nil {
		return fmt.Errorf("%s was left and disposing of it failed: %w", id, err)
	}
	return fmt.Errorf("%s was left (disposed of now)", id)
}

// TestBrowserTabsAreIsolated: two tests' browsers are tabs of one Chromium,
// and what the first leaves behind (a cookie, local storage, another open
// tab) is gone for the second.
func TestBrowserTabsAreIsolated(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>isolation</title><p>page</p>")
	}))
	defer srv.Close()
	var first cdp.BrowserContextID
	var firstBrowser *chromedp.Browser
	t.Run("leaves state", func(t *testing.T) {
		ctx := newBrowser(t, desktop)
		do(t, ctx, "open a page", chromedp.Navigate(srv.URL))
		set, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`document.cookie = "left=1; max-age=3600"; localStorage.setItem("left", "1"); document.cookie`))
		if err != nil || set != "left=1" {
			t.Fatalf("setting a cookie and local storage: %q, %v", set, err)
		}
		c := chromedp.FromContext(ctx)
		first, firstBrowser = c.BrowserContextID, c.Browser
		// A second tab of the same BrowserContext that no chromedp
		// context closes: disposing of the BrowserContext must.
		if _, err := chromedp.CallBrowser(ctx, target.CreateTarget, target.CreateTargetParams{URL: srv.URL, BrowserContextID: first}); err != nil {
			t.Fatalf("opening a second tab: %v", err)
		}
	})
	if t.Failed() {
		return
	}
	ctx := newBrowser(t, desktop)
	do(t, ctx, "open the page", chromedp.Navigate(srv.URL))
	left, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`document.cookie + "|" + (localStorage.getItem("left") ?? "")`))
	if err != nil {
		t.Fatal(err)
	}
	if left != "|" {
		t.Errorf("the next test's browser found %q (cookie|local storage) from the one before", left)
	}
	c := chromedp.FromContext(ctx)
	if c.Browser != firstBrowser {
		t.Error("the two tests' browsers are not tabs of one Chromium")
	}
	if c.BrowserContextID == first {
		t.Error("the two tests' browsers share a BrowserContext")
	}
	targets, err := chromedp.CallBrowser(ctx, target.GetTargets, target.GetTargetsParams{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets.TargetInfos {
		if tg.BrowserContextID == first {
			t.Errorf("a tab of the test before is still open: %s %s", tg.Type, tg.URL)
		}
	}
}
