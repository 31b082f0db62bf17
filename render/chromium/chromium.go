// Package chromium drives a headless Chromium through the pages tidings
// writes, for tests and the bench only: the report page
// (sendpool/report), the preview gallery (sendpool/preview) and the
// Markdown layout (render/markdown). It finds the browser, starts it with
// a fresh profile and collects what the page threw or logged. It imports
// nothing of tidings, so that any package's tests may use it.
package chromium

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Find returns the Chromium to drive: $TIDINGS_CHROME, else chromium,
// chromium-browser or google-chrome on PATH. Without one the test fails
// under CI=true and is skipped, loudly, elsewhere.
func Find(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("TIDINGS_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "NO BROWSER: the page " + t.Name() + " checks is NOT tested. Install chromium (apt-get install chromium) or set TIDINGS_CHROME."
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// blockedByPolicy matches the console errors of Chromium refusing to run
// script: the outcome hostile values are there to provoke.
var blockedByPolicy = regexp.MustCompile(`^(Blocked script execution in '[^']*' because the document's frame is sandboxed|` +
	`(Executing inline event handler|Running the JavaScript URL|Executing inline script) violates the following Content Security Policy)`)

// Browser is a headless Chromium tab.
type Browser struct {
	// Ctx is the tab's context, bounded by the timeout given to Start.
	Ctx context.Context

	mu       sync.Mutex
	problems []string
}

// Start starts a headless Chromium with a fresh profile and a window of
// width×height and returns its tab. Page exceptions and console errors
// (other than policies refusing script) are collected for Problems. The
// browser is stopped when the test ends.
func Start(t testing.TB, timeout time.Duration, width, height int) *Browser {
	t.Helper()
	exe := Find(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	b := &Browser{}
	tctx, tcancel := chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	t.Cleanup(tcancel)
	b.Ctx = tctx
	if err := chromedp.Do(tctx); err != nil { // start the browser now
		t.Fatalf("starting %s: %v", exe, err)
	}
	return b
}

func (b *Browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		text := e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			text += " " + e.ExceptionDetails.Exception.Description
		}
		b.problems = append(b.problems, "exception: "+text)
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError && !blockedByPolicy.MatchString(e.Entry.Text) {
			b.problems = append(b.problems, "console: "+e.Entry.Text+" "+e.Entry.URL)
		}
	}
}

// ScriptsOff turns JavaScript off in the tab for the pages it opens next
// (Emulation.setScriptExecutionDisabled), as a browser with scripts
// disabled shows them: no script of the page runs and <noscript> is
// markup. Evaluate and Poll still work: they are the test's, not the
// page's.
func (b *Browser) ScriptsOff(t testing.TB) {
	t.Helper()
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turning JavaScript off: %v", err)
	}
}

// Problems returns the exceptions and console errors so far.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// Do runs actions, failing the test with what on error.
func (b *Browser) Do(t testing.TB, what string, a ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, a...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Get runs a and returns its value, failing the test with what on error.
func Get[T any](t testing.TB, b *Browser, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// FileURL is the file: URL of a local path.
func FileURL(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

// SaveScreenshot writes png under the test's temp folder and, when
// TIDINGS_SCREENSHOT_DIR is set, copies it there; it returns the first
// path.
func SaveScreenshot(t testing.TB, name string, png []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
	if d := os.Getenv("TIDINGS_SCREENSHOT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", filepath.Join(d, name))
	}
	return p
}

// VisibleLabel is a script that evaluates to the visible label of the
// form control whose id is id, as a sighted user sees it and a screen
// reader names the control by it, or to what is wrong: "no label", a
// name from an attribute no one sees ("named by an attribute instead"),
// or a label not drawn where it is ("not drawn", "covered by …", "over
// the box").
func VisibleLabel(id string) string {
	return `(function (id) {
	var s = document.getElementById(id), l = s.labels && s.labels[0];
	if (!l) { return 'no label'; }
	if (s.hasAttribute('aria-label') || s.hasAttribute('aria-labelledby')) { return 'named by an attribute instead'; }
	var r = l.getBoundingClientRect(), box = s.getBoundingClientRect();
	if (r.width < 20 || r.height < 8) { return 'not drawn: ' + r.width + 'x' + r.height; }
	var at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
	if (at !== l && !l.contains(at)) { return 'covered by ' + (at ? at.tagName : 'nothing'); }
	if (r.right > box.left && r.bottom > box.top && r.left < box.right && r.top < box.bottom) { return 'over the box'; }
	return l.textContent.trim();
})(` + jsString(id) + `)`
}

// jsString is s as a JavaScript string literal: JSON's, which Go writes
// with U+2028 and U+2029 escaped too.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
