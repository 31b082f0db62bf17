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
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tidings/tidings/campaign"
)

// The report page is written beside report.csv:
//
//	report.html                 the page: markup, style and script inline
//	                            (allowed by hash in its Content-Security-Policy),
//	                            and the summary as a JSON data block (pageData)
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

// pageAssets are the page's markup, style and script.
//
//go:embed page/page.html page/page.css page/page.js
var pageAssets embed.FS

// PageInput is what WritePage draws.
type PageInput struct {
	// Campaign is the campaign's name; CampaignPath its file as the user
	// names it, for the commands the page shows (tidings show PATH KEY).
	Campaign     string
	CampaignPath string
	// Rows are the report's lines, in any order; the page lists them by
	// sheet row. WritePage does not change them.
	Rows []Row
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
// earlier, longer report are removed. It reads the journal in
// in.JournalDir from start to end, holding one line at a time; its memory
// beyond in.Rows is a few bytes per row and about a hundred per distinct
// domain. report.html stays under a megabyte whatever the rows and the
// journal hold (see fitPage).
func WritePage(ctx context.Context, dir string, in PageInput) error {
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	data, b, err := buildPage(ctx, in)
	if err != nil {
		return err
	}
	preview, err := previewNames(in.PreviewDir)
	if err != nil {
		return err
	}
	if len(preview) > 0 {
		if rel, err := filepath.Rel(dir, in.PreviewDir); err == nil {
			data.Preview = filepath.ToSlash(rel)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, PageDataDir), 0o700); err != nil {
		return fmt.Errorf("report: page: %w", err)
	}
	if err := b.writeChunks(ctx, filepath.Join(dir, PageDataDir), data.Chunks, preview, data.Preview != ""); err != nil {
		return err
	}
	page, err := renderPage(data)
	if err != nil {
		return err
	}
	return WriteAtomic(filepath.Join(dir, PageFile), page)
}

// pageRow is one recipient in a chunk. Keys are short: 100,000 rows repeat
// them 100,000 times.
type pageRow struct {
	Row      int    `json:"r"`
	Key      string `json:"k,omitempty"`
	To       string `json:"t,omitempty"`
	Status   string `json:"s"`
	Code     int    `json:"c,omitempty"`
	EC       string `json:"e,omitempty"`
	Detail   string `json:"d,omitempty"`
	Attempts int    `json:"a,omitempty"`
	// Time is when the final reply came (else when the first try began),
	// in Unix seconds; MS the time between them.
	Time int64 `json:"f,omitempty"`
	MS   int64 `json:"m,omitempty"`
	// Domain is the receiving domain, as the domain table names it.
	Domain string `json:"o,omitempty"`
	Server string `json:"v,omitempty"`
	// Preview is the row's .eml in the preview folder, "" when none.
	Preview string `json:"p,omitempty"`
}

// pageRowOf is row k (in sheet order) as a chunk lists it.
func (b *pageBuilder) pageRowOf(k int, preview []string, linked bool) pageRow {
	r, i := b.at(k), k
	if b.order != nil {
		i = int(b.order[k])
	}
	p := pageRow{Row: r.Row, Key: r.Key, To: r.To, Status: r.Status.String(), Code: int(r.Code),
		EC: r.EnhancedCode.String(), Detail: truncate(r.Detail, pageDetailRunes), Attempts: r.Attempts,
		MS: r.DurationMS, Domain: b.domains.stats[b.rowDomain[i]].name, Server: r.Server}
	if t, err := time.Parse(time.RFC3339, cmp.Or(r.FinishedAt, r.StartedAt)); err == nil {
		p.Time = t.Unix()
	}
	if linked && r.Key != "" {
		if name := EMLName(r.Row, r.Key); hasName(preview, name) {
			p.Preview = name
		}
	}
	return p
}

// writeChunks writes the recipient chunks into ddir and removes those of
// an earlier report beyond them.
func (b *pageBuilder) writeChunks(ctx context.Context, ddir string, chunks int, preview []string, linked bool) error {
	var buf, js bytes.Buffer
	rows := make([]pageRow, 0, pageChunkRows)
	keep := map[string]bool{}
	for c := 1; c <= chunks; c++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("report: page: %w", err)
		}
		rows = rows[:0]
		for k := (c - 1) * pageChunkRows; k < min(c*pageChunkRows, len(b.in.Rows)); k++ {
			rows = append(rows, b.pageRowOf(k, preview, linked))
		}
		// The rows go in as a string for JSON.parse, which browsers parse
		// much faster than the same data as a JavaScript literal.
		js.Reset()
		if err := scriptJSON(&js, rows); err != nil {
			return err
		}
		buf.Reset()
		fmt.Fprintf(&buf, "tidings.rows(%d,", c)
		if err := scriptJSON(&buf, js.String()); err != nil {
			return err
		}
		buf.WriteString(");\n")
		name := pageChunkName(c)
		keep[name] = true
		if err := WriteAtomic(filepath.Join(ddir, name), buf.Bytes()); err != nil {
			return err
		}
	}
	old, _ := filepath.Glob(filepath.Join(ddir, "rows-*.js")) // the pattern is well-formed
	for _, p := range old {
		if !keep[filepath.Base(p)] {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("report: page: removing an earlier report's %s: %w", filepath.Base(p), err)
			}
		}
	}
	return nil
}

// pageChunkName is the file name of the n-th (1-based) chunk, as the
// page's script names it.
func pageChunkName(n int) string { return fmt.Sprintf("rows-%04d.js", n) }

// previewNames lists the .eml files of a preview folder, sorted; none when
// dir is "" or missing.
func previewNames(dir string) ([]string, error) {
	if dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("report: page: preview folder: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".eml") && !e.IsDir() {
			names = append(names, n)
		}
	}
	return names, nil // ReadDir sorts by name
}

func hasName(sorted []string, name string) bool {
	_, ok := slices.BinarySearch(sorted, name)
	return ok
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
// the script inline and the Content-Security-Policy allowing exactly them.
type pageShell struct{ head, tail string }

// dataMark is where page.html takes the summary JSON.
const dataMark = "{{DATA}}"

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
	html = strings.NewReplacer(
		"{{SCRIPT_HASH}}", cspHash(js), "{{STYLE_HASH}}", cspHash(css),
		"{{STYLE}}", css, "{{SCRIPT}}", js,
	).Replace(html)
	head, tail, ok := strings.Cut(html, dataMark)
	if !ok {
		return pageShell{}, fmt.Errorf("report: page: page.html lacks %s", dataMark)
	}
	return pageShell{head: head, tail: tail}, nil
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
	data, err := fitPage(d)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(shell.head)
	buf.Write(data)
	buf.WriteString(shell.tail)
	return buf.Bytes(), nil
}
