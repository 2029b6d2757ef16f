package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portvakt/handlers/oidcop"
	"portvakt/store/account"
)

// browser drives a headless Chromium for one test. It records console errors and uncaught
// exceptions (a CSP violation shows up there too); the test fails on any at the end.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string
}

// chromiumPath finds Debian's Chromium, or skips the test (fails it when CI=true).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("PORTVAKT_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is required in CI: apt-get install -y chromium (.ci/run does this)")
	}
	t.Skip("browser test skipped: Chromium not found (apt-get install chromium, or set PORTVAKT_CHROMIUM)")
	return ""
}

// newBrowser opens a fresh browser context (its own cookies and storage, like a new profile) in
// the package's one headless Chromium, whose preferred languages are acceptLang (e.g.
// "sv-SE,sv" or "en-GB,en"). Tests in parallel each get their own context and tab.
func newBrowser(t *testing.T, acceptLang string) *browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	parent := sharedChromium(t, acceptLang)
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: ctx}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if expectedStatus(m) {
				continue
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.problems = append(b.problems, fmt.Sprintf("%s (%s:%d)", m.String(), m.URL, m.Line))
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(b.checkConsole)
	return b
}

// chromiums are the package's running Chromium processes, one per accept-language, started by
// the first test that needs one and stopped by TestMain: starting Chromium takes seconds.
var chromiums struct {
	mu      sync.Mutex
	running map[string]context.Context
	stop    []func()
}

// sharedChromium returns the context of the Chromium for acceptLang, starting it when none runs.
func sharedChromium(t *testing.T, acceptLang string) context.Context {
	t.Helper()
	path := chromiumPath(t)
	chromiums.mu.Lock()
	defer chromiums.mu.Unlock()
	if ctx, ok := chromiums.running[acceptLang]; ok {
		return ctx
	}
	profile, err := os.MkdirTemp("", "portvakt-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Work a browser does for a person and a test has no use for: each costs CPU on every page
		// (translation looks at the page's language, phishing detection at its content).
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-component-extensions-with-background-pages", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions,AutofillServerCommunication,CalculateNativeWinOcclusion"),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-hang-monitor", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("password-store", "basic"),
		// Tabs of tests running in parallel are all in the background; they must not be slowed.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("accept-lang", acceptLang),
		chromedp.Flag("lang", strings.Split(acceptLang, ",")[0]),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	stop := func() { cancel(); cancelAlloc(); os.RemoveAll(profile) }
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		stop()
		t.Fatalf("start Chromium: %v", err)
	}
	if chromiums.running == nil {
		chromiums.running = map[string]context.Context{}
	}
	chromiums.running[acceptLang] = ctx
	chromiums.stop = append(chromiums.stop, stop)
	return ctx
}

// TestMain stops the shared Chromium processes when every test has run. The browser tests spend
// most of their time waiting for Chromium and for portvakt's timers, not on this process's CPU,
// so without -parallel four of them run at once instead of one per CPU.
func TestMain(m *testing.M) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(500) // as in handlers: the portals in this process allocate a lot, keep little
	}
	passwordHasher = account.CheapPasswordHasherForTests() // users sign in hundreds of times
	signingKeyMaker = oidcop.ReusedKeysForTests()          // and hundreds of portvakts start
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", "4")
	}
	code := m.Run()
	chromiums.mu.Lock()
	for _, stop := range chromiums.stop {
		stop()
	}
	chromiums.mu.Unlock()
	os.Exit(code)
}

// expectedStatus reports whether a console message is only the browser noting that a page came
// with a 4xx status, as a refused form does (422) by design. A sub-resource that fails (a
// stylesheet, a script) still counts as a problem.
func expectedStatus(m chromedp.ConsoleMessage) bool {
	return m.Source == "network" && strings.Contains(m.Text, "status of 4") && !strings.Contains(m.URL, "/static/")
}

func (b *browser) checkConsole() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("browser console: %s", p)
	}
}

// run runs steps with a time limit, failing the test on error.
func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to url and waits for the page to load.
func (b *browser) open(url string) {
	b.t.Helper()
	b.run("open "+url, chromedp.Navigate(url))
}

// fill types value into the field with the given id, replacing what was there.
func (b *browser) fill(id, value string) {
	b.t.Helper()
	sel := chromedp.CSS("#" + id)
	b.run("fill #"+id, chromedp.Clear(sel), chromedp.SendKeys(sel, value))
}

// click clicks the element and waits for the page that the click loads.
func (b *browser) click(css string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		b.t.Fatalf("click %s: %v", css, err)
	}
}

// text returns the visible text of the first element matching css.
func (b *browser) text(css string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// location is the current URL.
func (b *browser) location() string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// shot checks that the current page does not scroll sideways at a phone's width and, when
// PORTVAKT_SCREENSHOTS is set (to anything), writes full-page screenshots of it at laptop and
// phone widths to testdata/screenshots/NAME-desktop.png and NAME-phone.png for people to look
// at. Capturing and encoding them is a quarter of the browser tests' time, and no test reads
// them, so a plain run leaves them out.
func (b *browser) shot(name string) {
	b.t.Helper()
	save := os.Getenv("PORTVAKT_SCREENSHOTS") != ""
	for _, size := range []struct {
		label         string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 360, 740}} {
		if !save && size.label != "phone" {
			continue
		}
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
			cancel()
			b.t.Fatalf("viewport: %v", err)
		}
		var png []byte
		if save {
			var err error
			if png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
				cancel()
				b.t.Fatalf("screenshot %s: %v", name, err)
			}
		}
		if size.label == "phone" {
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
			if err != nil {
				cancel()
				b.t.Fatalf("page width of %s: %v", name, err)
			}
			if wide {
				b.t.Errorf("page %s scrolls sideways at %d px", name, size.width)
			}
		}
		cancel()
		if save {
			if err := os.WriteFile(filepath.Join(screenshotDir(b.t), name+"-"+size.label+".png"), png, 0o644); err != nil {
				b.t.Fatal(err)
			}
		}
	}
	b.run("reset viewport", chromedp.EmulateViewport(1280, 900))
}

// axe runs axe-core on the current page and fails the test on serious or critical violations.
func (b *browser) axe() {
	b.t.Helper()
	src := axeSource(b.t)
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		b.t.Fatalf("inject axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe-core: %v", err)
	}
	var violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal(raw, &violations); err != nil {
		b.t.Fatalf("axe-core result: %v", err)
	}
	page := b.location()
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Errorf("axe %s on %s: %s (%s) at %v", v.Impact, page, v.ID, v.Help, v.Nodes)
		}
	}
}

var (
	axeOnce sync.Once
	axeJS   string
	axeErr  error
)

// axeSource returns axe-core's script, from PORTVAKT_AXE or from .tmp/axe in the repository,
// where .ci/run installs it once (npm install --prefix .tmp/axe axe-core@4). Tests install
// nothing themselves; nothing of it is committed.
func axeSource(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		path := os.Getenv("PORTVAKT_AXE")
		if path == "" {
			path = filepath.Join("..", "..", ".tmp", "axe", "node_modules", "axe-core", "axe.min.js")
		}
		b, err := os.ReadFile(path)
		if err != nil {
			err = fmt.Errorf("%w (install it with: npm install --silent --no-audit --no-fund --prefix .tmp/axe axe-core@4, as .ci/run does)", err)
		}
		axeJS, axeErr = string(b), err
	})
	if axeErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is required in CI: %v", axeErr)
		}
		t.Skipf("accessibility check skipped: %v", axeErr)
	}
	return axeJS
}
