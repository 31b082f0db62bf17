package report_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"
)

// TestPageStatusButtonNames: a screen reader names each status button of
// the summary by its status, count and share, and by what it does, as the
// Domains and Replies tables' buttons say theirs ("Show the recipients
// at …"): it heard "invalid 2 5% button", not that the button lists them
// in the recipients table.
func TestPageStatusButtonNames(t *testing.T) {
	t.Parallel()
	p := keyboardPage(t, 300) // sent, failed, unknown, invalid …
	want := p.str("the buttons' words", `Array.from(document.querySelectorAll('#status-list button:not([disabled])')).map(function (b) {
		return b.querySelector('.name').textContent + ': ' + b.querySelector('.n').textContent + ' (' + b.querySelector('.pct').textContent + '), show them in the recipients table';
	}).join('\n')`)
	if want == "" {
		t.Fatal("no status button")
	}
	res, err := chromedp.Call(p.b.Ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		t.Fatalf("the accessibility tree: %v", err)
	}
	var got []string
	for _, n := range res.Nodes {
		if n.Ignored || n.Role == nil || n.Name == nil || strings.Trim(string(n.Role.Value), `"`) != "button" {
			continue
		}
		for _, line := range strings.Split(want, "\n") {
			if name := strings.Trim(string(n.Name.Value), `"`); strings.HasPrefix(name, line[:strings.Index(line, ":")]+" ") || name == line {
				got = append(got, name)
			}
		}
	}
	if strings.Join(got, "\n") != want {
		t.Errorf("the status buttons' names:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}
