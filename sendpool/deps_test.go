package sendpool_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsFlowOneWay holds the layout to its rule: imports flow one way,
// cmd → sendpool (and its sub-packages) → render → templates → campaign
// (credential, systemd's, beside templates: render and cmd read it),
// and the pool itself knows no wire protocol, file format or signature
// (those are its sub-packages' and render's business). It asks the go
// command for each package's dependencies.
func TestImportsFlowOneWay(t *testing.T) {
	const mod = "github.com/tidings/tidings/"
	for _, tc := range []struct {
		pkg       string
		forbidden []string
	}{
		{"./", []string{"github.com/emersion/go-smtp", "github.com/emersion/go-sasl", "github.com/gocarina/gocsv",
			"github.com/emersion/go-msgauth", "github.com/emersion/go-imap", mod + "sendpool/"}},
		{"../campaign", []string{mod + "templates", mod + "render", mod + "sendpool"}},
		{"../templates", []string{mod + "render", mod + "sendpool"}},
		{"../render/...", []string{mod + "sendpool"}},
		// systemd's credentials, read for cmd's passwords and render's DKIM
		// keys alike, sit below render: they know the campaign's names alone.
		{"../campaign/credential", []string{mod + "templates", mod + "render", mod + "sendpool"}},
		{"./smtpclient", []string{mod + "sendpool/mailbox", mod + "sendpool/plan", mod + "sendpool/report", mod + "sendpool/journal"}},
		{"./journal", []string{mod + "sendpool/report", mod + "sendpool/plan", mod + "sendpool/smtpclient"}},
		{"./report", []string{mod + "sendpool/plan", mod + "sendpool/smtpclient", "github.com/emersion/go-smtp"}},
		{"./mailbox/...", []string{mod + "sendpool/smtpclient", "github.com/emersion/go-smtp"}},
		// The send plan knows the mailbox only as its Copier interface.
		{"./plan", []string{mod + "sendpool/mailbox", mod + "sendpool/bounces", "github.com/emersion/go-imap"}},
		{"./bounces", []string{mod + "sendpool/smtpclient", mod + "sendpool/plan", "github.com/emersion/go-smtp"}},
		// Memory outside the heap is a leaf: it knows nothing of tidings.
		// So are the state folder's files: every writer there uses it.
		{"./statefile", []string{mod + "campaign", mod + "templates", mod + "render", mod + "sendpool/journal", mod + "sendpool/spool", mod + "sendpool/report", mod + "sendpool/preview"}},
		// The tests' Chromium is a leaf too, so that any package's tests may
		// use it (render itself brings campaign and templates).
		{"../render/chromium", []string{mod + "campaign", mod + "templates", mod + "render/markdown", mod + "render/dkim", mod + "sendpool"}},
		// The tool carries neither the tests' Chromium (a package beside
		// render's own, importing testing) nor the testing package.
		{"../cmd/tidings", []string{mod + "render/chromium", "github.com/chromedp/chromedp", "testing"}},
		// Redaction is a leaf the SMTP client and the mailbox readers share.
		{"./redact", []string{mod + "campaign", mod + "render", mod + "sendpool/smtpclient", mod + "sendpool/mailbox", mod + "sendpool/journal"}},
		{"./offheap", []string{mod + "campaign", mod + "templates", mod + "render", mod + "sendpool/journal", mod + "sendpool/report", mod + "sendpool/plan"}},
	} {
		out, err := exec.Command("go", "list", "-deps", tc.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tc.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range tc.forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") || strings.HasSuffix(f, "/") && strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s", tc.pkg, dep)
				}
			}
		}
	}
}
