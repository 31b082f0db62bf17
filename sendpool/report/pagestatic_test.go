package report_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// pageStaticTags are the elements the part without JavaScript is made of,
// and pageStaticAttrs the attributes they may have: none from data but
// the status names tidings itself writes.
var (
	pageStaticTags  = []string{"section", "h2", "h3", "span", "p", "div", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "a"}
	pageStaticAttrs = []string{"class", "id", "aria-labelledby", "data-status", "href", "dir"}
)

// pageStaticPart parses report.html as a browser with scripts off does
// and returns its part without JavaScript (#static), failing the test
// unless that part is made of pageStaticTags and pageStaticAttrs only and
// the page holds exactly its own two scripts.
func pageStaticPart(t testing.TB, page []byte) *html.Node {
	t.Helper()
	doc, err := html.ParseWithOptions(bytes.NewReader(page), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatal(err)
	}
	var static *html.Node
	scripts := 0
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if n.Data == "script" {
			scripts++
		}
		if attr(n, "id") == "static" {
			static = n
		}
	}
	if scripts != 2 || static == nil {
		t.Fatalf("report.html has %d scripts (want its own 2) and #static %v", scripts, static != nil)
	}
	for n := range static.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if !slices.Contains(pageStaticTags, n.Data) {
			t.Errorf("#static has a <%s> element", n.Data)
		}
		for _, a := range n.Attr {
			if !slices.Contains(pageStaticAttrs, a.Key) || a.Key == "href" && a.Val != report.CSVFile && a.Val != report.JSONFile || a.Key == "dir" && a.Val != "auto" {
				t.Errorf("#static has <%s %s=%q>", n.Data, a.Key, a.Val)
			}
		}
	}
	return static
}

// attr is n's attribute key, "" when it has none.
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf is the text of n and its descendants.
func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// staticCells returns the cells' text of the rows of the table of id in
// static.
func staticCells(static *html.Node, id string) [][]string {
	var out [][]string
	for n := range static.Descendants() {
		if n.Type != html.ElementNode || n.Data != "table" || attr(n, "id") != id {
			continue
		}
		for tr := range n.Descendants() {
			if tr.Type != html.ElementNode || tr.Data != "tr" || tr.Parent.Data != "tbody" {
				continue
			}
			var cells []string
			for td := range tr.ChildNodes() {
				if td.Type == html.ElementNode {
					cells = append(cells, textOf(td))
				}
			}
			out = append(out, cells)
		}
	}
	return out
}

// pageCheckStaticEscaped: the part without JavaScript of a page whose
// campaign name is evil, and of whose rows the first is failed with the
// key evil+"@x.example", the To evil and the reply 550 evil, is its own
// markup only (pageStaticPart) and shows those values as text, as they
// were (the reply on one line, as sendpool.OneLine puts it).
func pageCheckStaticEscaped(t *testing.T, page []byte, evil string) {
	t.Helper()
	static := pageStaticPart(t, page)
	if got := textOf(static); !strings.Contains(got, "Summary of "+evil+"\n") {
		t.Errorf("#static does not name the campaign as it is:\n%q", got)
	}
	rows := staticCells(static, "static-rows")
	if want := []string{"2", evil + "@x.example", evil, "failed", "550 " + sendpool.OneLine(evil)}; len(rows) != 1 || !slices.Equal(rows[0], want) {
		t.Errorf("#static's rows %q, want [%q]", rows, want)
	}
}

// TestPageStaticBudget: rows needing attention whose texts escape long
// (& is five bytes in HTML) are listed fewer than 100, so that
// report.html stays under a megabyte; the page says how many more there
// are, and lists each text cut short.
func TestPageStaticBudget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	long := strings.Repeat("&", 1000)
	rows := make([]report.Row, 300)
	for i := range rows {
		rows[i] = report.Row{Recipient: report.Recipient{Row: i + 2, Key: fmt.Sprint(i, long), To: long},
			Status: sendpool.StatusFailed, Code: 550, Detail: long}
	}
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: long, Rows: report.RowsOf(rows)}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, report.PageFile))
	if err != nil {
		t.Fatal(err)
	}
	static := pageStaticPart(t, page)
	listed := staticCells(static, "static-rows")
	var b bytes.Buffer
	if err := html.Render(&b, static); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows listed; #static %d KB, report.html %d KB", len(listed), b.Len()>>10, len(page)>>10)
	if len(listed) < 20 || len(listed) >= 100 || b.Len() > 140<<10 || len(page) >= 1<<20 {
		t.Errorf("%d rows listed in %d bytes, report.html %d bytes", len(listed), b.Len(), len(page))
	}
	if want := fmt.Sprintf("and %d more: see report.csv", 300-len(listed)); !strings.Contains(textOf(static), want) {
		t.Errorf("#static does not say %q", want)
	}
	for _, cells := range listed {
		if n := len([]rune(cells[1])); n != 200 || !strings.HasSuffix(cells[1], "…") || len([]rune(cells[4])) != 300 {
			t.Errorf("a key of %d runes, a reply of %d: %q", n, len([]rune(cells[4])), cells[1][:20])
			break
		}
	}
}
