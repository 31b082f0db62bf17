package report

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/statefile"
)

// The report page is written beside report.csv:
//
//	report.html                 the page: markup, style and script inline
//	                            (allowed by hash in its Content-Security-Policy),
//	                            the summary as a JSON data block (pageData),
//	                            and the part a reader without JavaScript
//	                            sees, as HTML (pagestatic.go)
//	report-data/rows-0001.js …  the recipients, pageChunkRows each, as a
//	                            string of JSON: tidings.rows(1, "[...]")
//
// It is opened from disk (file://), where browsers refuse fetch() and XHR
// of local files, so the recipients arrive as scripts the page loads with
// <script src> elements, one chunk after the other; the summary, bounded
// in size, is inline, so report.html alone shows everything but the
// recipient table. The rows are a string the page hands to JSON.parse:
// Chromium loads 100,000 of them in a third of the time the same rows take
// as a JavaScript literal (bench/: 2.0 s against 6.0 s). Data reaches the page only as JSON from
// encoding/json, which escapes <, >, &, U+2028 and U+2029, so no value can
// end the data block, the script or the JavaScript string it is in (the
// string of a chunk is itself encoded as JSON); the page builds its
// DOM with textContent and never with innerHTML, and loads nothing from
// the network (the policy allows scripts from the page's own folder only).

// File names of the report page.
const (
	// PageFile is the page, beside report.csv.
	PageFile = "report.html"
	// PageDataDir is the folder of the page's recipient chunks, beside it.
	PageDataDir = "report-data"
)

const (
	// pageChunkRows is the number of recipients per rows-NNNN.js: 100,000
	// recipients make 100 files of about 280 KB.
	pageChunkRows = 1000
	// pageDetailRunes caps a reply text in the recipient table (report.csv
	// has all of it).
	pageDetailRunes = 1000
	// pageMaxSettingDomains bounds the per-domain limits listed.
	pageMaxSettingDomains = 100
)

// pageAssets are the page's markup, style and script, and the template of
// its part without JavaScript.
//
//go:embed page/page.html page/page.css page/page.js page/static.html
var pageAssets embed.FS

// PageInput is what WritePage draws.
type PageInput struct {
	// Campaign is the campaign's name; CampaignPath its file as the user
	// names it, for the commands the page shows (tidings show PATH KEY).
	Campaign     string
	CampaignPath string
	// Rows calls fn with every report line, in row order (lines without a
	// row number first), and stops at fn's first error, returning it; it
	// may be called more than once, and must give the same lines each
	// time. WritePage calls it two or three times and holds no line
	// beyond the one in hand, and writes nothing but its folder
	// (report-data/) before the second call. A Reporter's Each is such a
	// source; RowsOf makes one of a slice. nil is no lines.
	Rows func(fn func(Row) error) error
	// JournalDir is the campaign's state folder, whose journal gives the
	// runs and every try over time; "" for none (the timeline then shows
	// the rows' final outcomes).
	JournalDir string
	// Settings are the send settings that shaped the runs.
	Settings Settings
	// PreviewDir is the folder of a preview (package sendpool/preview):
	// rows whose .eml is there link to it. "" for none.
	PreviewDir string
	// Now is when the page is written.
	Now time.Time
	// Ending returns how the last send ended, as report.json says it
	// (Reporter.WrittenEnding), and false when that is not known: the
	// page says it in the same words. WritePage calls it once, after its
	// second pass over Rows; nil: the page says nothing of it.
	Ending func() (Ending, bool)
	// Running says that the journal's latest run is a send still running
	// (the page is written beside it, by tidings report): that run's stop
	// reads "still running", not finished.
	Running bool
	// Killed are the words of the end of the journal's latest send run
	// when it was killed outright (EndFacts.KilledWords), "" otherwise:
	// the run table gives them as that run's stop whatever the ending
	// says (a send refused since is the last send then). When "", an
	// ending of kind EndKilled gives its words.
	Killed string
}

// Settings are the send settings the page shows.
type Settings struct {
	// Rate is the shared rate ("10/s", "unlimited").
	Rate          string `json:"rate"`
	Burst         int    `json:"burst,omitempty"`
	Concurrency   int    `json:"concurrency"`
	PerConnection int    `json:"perConnection"`
	Retries       int    `json:"retries"`
	// Domains are the per-domain limits: domain → rate.
	Domains  map[string]string `json:"domains,omitempty"`
	DailyCap int               `json:"dailyCap,omitempty"`
}

// SettingsFrom returns the settings of a loaded campaign's send: section;
// the caller applies its command-line overrides (--rate, --concurrency).
func SettingsFrom(s campaign.Send) Settings {
	out := Settings{Rate: s.Rate.String(), Burst: s.Burst, Concurrency: s.Concurrency,
		PerConnection: s.PerConnection, Retries: s.MaxRetries(), DailyCap: s.DailyCap}
	if len(s.Domains) > 0 {
		out.Domains = map[string]string{}
		for d, r := range s.Domains {
			out.Domains[d] = r.String()
		}
	}
	return out
}

// bounded returns s with its texts cut to pageFlagRunes and at most
// pageMaxSettingDomains per-domain limits (the first by name), so the
// page's size stays bounded.
func (s Settings) bounded() Settings {
	s.Rate = truncate(s.Rate, pageFlagRunes)
	if s.Domains == nil {
		return s
	}
	names := slices.Sorted(maps.Keys(s.Domains))
	keep := map[string]string{}
	for _, d := range names[:min(len(names), pageMaxSettingDomains)] {
		keep[truncate(d, pageFlagRunes)] = truncate(s.Domains[d], pageFlagRunes)
	}
	s.Domains = keep
	return s
}

// WritePage writes report.html and its recipient chunks (report-data/)
// into dir, creating them private (0600 files, 0700 folders). Each file is
// replaced atomically, the chunks first and the page last; chunks of an
// earlier, longer report are removed (those that cannot be stay, unused).
// A page that fails once it replaced or removed chunks (an interrupt, a
// full disk) removes the earlier report.html too, which would show the
// new chunks as its own. It reads in.Rows two or three times
// and the journal in in.JournalDir once, from start to end, holding one
// line of either at a time: its memory is about a hundred bytes per
// distinct domain, 8 bytes per .eml in in.PreviewDir, a chunk of rows and
// the first pageStaticRows rows needing attention (their texts cut short),
// whatever the number of rows. report.html stays under a megabyte
// whatever the rows and the journal hold (see fitPage and
// pageStaticBudget).
func WritePage(ctx context.Context, dir string, in PageInput) error {
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	preview, err := readPreview(in.PreviewDir)
	if err != nil {
		return err
	}
	rel := ""
	if preview.len() > 0 {
		if r, err := filepath.Rel(dir, in.PreviewDir); err == nil {
			rel = filepath.ToSlash(r)
		}
	}
	if rel == "" {
		preview = nil // rows link no preview
	}
	cw := &chunkWriter{dir: filepath.Join(dir, PageDataDir), preview: preview}
	if err := statefile.Mkdir(cw.dir); err != nil {
		return fmt.Errorf("report: page: %w", err)
	}
	err = writePage(ctx, dir, in, cw, rel)
	if err != nil && cw.touched {
		_ = os.Remove(filepath.Join(dir, PageFile)) // best effort: err says what went wrong
	}
	return err
}

// writePage writes the chunks through cw, then report.html, whose rows
// link the preview folder at rel ("" for none).
func writePage(ctx context.Context, dir string, in PageInput, cw *chunkWriter, rel string) error {
	data, err := buildPageTo(ctx, in, cw)
	if err != nil {
		return err
	}
	if err := cw.finish(); err != nil {
		return err
	}
	data.Preview = rel
	page, err := renderPage(data)
	if err != nil {
		return err
	}
	return WriteAtomic(filepath.Join(dir, PageFile), page)
}

// RowsOf returns a source for PageInput.Rows over rows, which callers that
// hold their rows use (tests, tidings report): it gives them in row order
// (stable; those without a row number first). It sorts an index of them
// (4 bytes a row, none when they come sorted), not a copy: rows must not
// change while the source is in use.
func RowsOf(rows []Row) func(fn func(Row) error) error {
	order := sheetOrder(rows)
	return func(fn func(Row) error) error {
		for k := range rows {
			i := k
			if order != nil {
				i = int(order[k])
			}
			if err := fn(rows[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// sheetRow is the row number rows are ordered by: 0 for every line
// without one.
func sheetRow(r *Row) int { return max(r.Row, 0) }

// sheetOrder returns the rows' indexes by sheet row, or nil when they are
// in that order already.
func sheetOrder(rows []Row) []int32 {
	byRow := func(a, b *Row) int { return cmp.Compare(sheetRow(a), sheetRow(b)) }
	if slices.IsSortedFunc(rows, func(a, b Row) int { return byRow(&a, &b) }) {
		return nil
	}
	order := make([]int32, len(rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return byRow(&rows[a], &rows[b]) })
	return order
}

// scriptJSON appends v as JSON that is safe inside a script element:
// encoding/json escapes <, >, & as \u003c, \u003e, \u0026 and U+2028/U+2029
// always.
func scriptJSON(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("report: page: %w", err)
	}
	buf.Truncate(buf.Len() - 1) // Encode ends with a newline
	return nil
}

// pageShell is report.html around its data: the markup with the style and
// the script inline and the Content-Security-Policy allowing exactly them;
// the part without JavaScript goes between head and mid, the summary JSON
// between mid and tail.
type pageShell struct{ head, mid, tail string }

// staticMark and dataMark are where page.html takes the part without
// JavaScript and the summary JSON, in this order.
const (
	staticMark = "{{STATIC}}"
	dataMark   = "{{DATA}}"
)

// unseenJS is page/unseen.js (see UnseenScript).
//
//go:embed page/unseen.js
var unseenJS string

// UnseenScript is the script the report page and the preview gallery
// begin with: how a key, a name or an address shows the characters that
// would not show the value it holds (page/unseen.js).
func UnseenScript() string { return unseenJS }

// titleMark is where page.html's title takes the campaign's name.
const titleMark = "{{TITLE}}"

var loadShell = sync.OnceValues(func() (pageShell, error) {
	read := func(name string) (string, error) {
		b, err := pageAssets.ReadFile("page/" + name)
		if err != nil {
			return "", fmt.Errorf("report: page: %w", err)
		}
		return string(b), nil
	}
	html, err := read("page.html")
	if err != nil {
		return pageShell{}, err
	}
	css, err := read("page.css")
	if err != nil {
		return pageShell{}, err
	}
	js, err := read("page.js")
	if err != nil {
		return pageShell{}, err
	}
	js = UnseenScript() + js
	html = strings.NewReplacer(
		"{{SCRIPT_HASH}}", cspHash(js), "{{STYLE_HASH}}", cspHash(css),
		"{{STYLE}}", css, "{{SCRIPT}}", js,
	).Replace(html)
	head, rest, ok := strings.Cut(html, staticMark)
	mid, tail, ok2 := strings.Cut(rest, dataMark)
	if !ok || !ok2 {
		return pageShell{}, fmt.Errorf("report: page: page.html lacks %s or %s after it", staticMark, dataMark)
	}
	return pageShell{head: head, mid: mid, tail: tail}, nil
})

// cspHash is the Content-Security-Policy source of an inline element's
// text: 'sha256-…'.
func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// renderPage returns report.html with d as its data.
func renderPage(d *pageData) ([]byte, error) {
	shell, err := loadShell()
	if err != nil {
		return nil, err
	}
	static, err := renderStatic(d) // before fitPage trims d's texts
	if err != nil {
		return nil, err
	}
	data, err := fitPage(d)
	if err != nil {
		return nil, err
	}
	// The title names the campaign for a reader without JavaScript too (a
	// screen reader says it first; tabs, history and bookmarks show it).
	title := ""
	if d.Campaign != "" {
		title = " · \u2068" + html.EscapeString(truncate(d.Campaign, pageFlagRunes)) + "\u2069" // an isolate: a U+202E in the name turns nothing around it
	}
	var buf bytes.Buffer
	buf.WriteString(strings.Replace(shell.head, titleMark, title, 1))
	buf.Write(static)
	buf.WriteString(shell.mid)
	buf.Write(data)
	buf.WriteString(shell.tail)
	return buf.Bytes(), nil
}
