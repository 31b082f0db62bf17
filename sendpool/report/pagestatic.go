package report

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tidings/tidings/sendpool"
)

// The page without JavaScript: report.html carries, as plain HTML written
// here through html/template (which escapes every value from the rows,
// the journal and the campaign), what a reader needs when the page's
// script does not run (scripts off, a mail client or a file viewer
// showing the page, a text browser): the campaign, when it ran, the
// counts by status, how the last send ended, and the first rows that
// need a person (failed, deferred, unknown, invalid). The script hides it once it has drawn the page
// (page.js); it is plain markup rather than <noscript> so that a viewer
// that blocks the script without turning scripting off, or drops
// <noscript>, still shows it.

const (
	// pageStaticRows is how many rows needing attention the static part
	// lists at most.
	pageStaticRows = 100
	// pageStaticRunes caps a key or an address in the static table (the
	// reply is capped at pageExampleRunes).
	pageStaticRunes = 200
	// pageStaticBudget bounds the static part's rows in bytes, which with
	// the data block's pageBudget keeps report.html under a megabyte:
	// rows of texts that escape long (<, ", &) are listed fewer.
	pageStaticBudget = 128 << 10
)

// staticRow is a row needing attention as the static table lists it,
// its texts cut short.
type staticRow struct {
	Row                    int
	Key, To, Status, Reply string
	// Who is To's names and addresses (Who), shown each name then its
	// address; nil for a bare address, a To that does not parse or one
	// longer than pageStaticRunes, shown as it is (cut short).
	Who [][2]string
}

// attentionList keeps the first pageStaticRows rows that need a person
// (in the order given: row order) and counts them all: its memory is
// bounded whatever the number of rows.
type attentionList struct {
	rows []staticRow
	n    int
}

// needsAttention reports whether a row of status s needs a person: it
// was refused (failed), is still to go (deferred), may or may not have
// arrived (unknown), or has a problem to fix before it can go (invalid:
// a send refused to start for it).
func needsAttention(s sendpool.Status) bool {
	return s == sendpool.StatusFailed || s == sendpool.StatusDeferred || s == sendpool.StatusUnknown || s == sendpool.StatusInvalid
}

// add counts r when it needs attention, keeping it while fewer than
// pageStaticRows are kept.
func (a *attentionList) add(r *Row) {
	if !needsAttention(r.Status) {
		return
	}
	a.n++
	if len(a.rows) < pageStaticRows {
		var who [][2]string
		if utf8.RuneCountInString(r.To) <= pageStaticRunes { // one cut short shows as it is
			who = Who(r.To)
		}
		a.rows = append(a.rows, staticRow{Row: r.Row, Key: truncate(r.Key, pageStaticRunes), To: truncate(r.To, pageStaticRunes),
			Who: who, Status: r.Status.String(), Reply: truncate(replyLine(r), pageExampleRunes)})
	}
}

// replyLine is r's final reply as a person reads it: code, enhanced code
// and text, those it has.
func replyLine(r *Row) string {
	var b bytes.Buffer
	if r.Code != 0 {
		b.WriteString(strconv.Itoa(int(r.Code)))
	}
	for _, s := range []string{r.EnhancedCode.String(), sendpool.OneLine(r.Detail)} {
		if s != "" && b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
}

// pageStatic is what the static part shows.
type pageStatic struct {
	Campaign string
	// First and Last span the tries, Written is when the page was
	// written: UTC, as text ("" when unknown).
	First, Last, Written string
	// Runs is the number of runs, 0 when the tries are not from runs of
	// the journal.
	Runs int
	// Ending is how the last send ended (pageData.Ending); nil: not known.
	Ending *Ending
	// Complaints is the line of the complaint rate, ComplaintsOver set
	// past its limit (pageData.Complaints).
	Complaints     string
	ComplaintsOver bool
	Total          string
	Statuses       []staticCount
	Rows           []staticRow
	// Attention counts every row needing attention, More those not in
	// Rows.
	Attention, More int
}

// staticCount is a status's line in the static counts.
type staticCount struct{ Status, N, Share string }

// loadStatic parses page/static.html, once.
var loadStatic = sync.OnceValues(func() (*template.Template, error) {
	t, err := template.New("static.html").Funcs(template.FuncMap{"num": groupDigits, "plural": Plural, "shown": shownHTML}).
		ParseFS(pageAssets, "page/static.html")
	if err != nil {
		return nil, fmt.Errorf("report: page: %w", err)
	}
	return t, nil
})

// renderStatic returns the static part of d's page: as many of the rows
// needing attention (d.attention) as pageStaticBudget allows.
func renderStatic(d *pageData) ([]byte, error) {
	tmpl, err := loadStatic()
	if err != nil {
		return nil, err
	}
	s := pageStatic{Campaign: truncate(cmp.Or(d.Campaign, d.CampaignPath, "–"), pageExampleRunes),
		Total: groupDigits(d.Total), Attention: d.attention.n, Written: staticTime(d.Generated), Ending: d.Ending,
		Complaints: d.Complaints, ComplaintsOver: d.ComplaintsOver}
	s.First, s.Last, s.Runs = ranSpan(d.Runs)
	var counts []int
	for _, c := range d.Statuses {
		counts = append(counts, c.N)
	}
	share := shares(counts, d.Total)
	for i, c := range d.Statuses {
		if c.N > 0 {
			s.Statuses = append(s.Statuses, staticCount{Status: c.Status, N: groupDigits(c.N), Share: share[i]})
		}
	}
	k, err := fitStaticRows(tmpl, d.attention.rows)
	if err != nil {
		return nil, err
	}
	s.Rows, s.More = d.attention.rows[:k], d.attention.n-k
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "static", s); err != nil {
		return nil, fmt.Errorf("report: page: %w", err)
	}
	return buf.Bytes(), nil
}

// fitStaticRows returns how many of rows, from the first, fit
// pageStaticBudget once written.
func fitStaticRows(tmpl *template.Template, rows []staticRow) (int, error) {
	var w countWriter
	for i := range rows {
		if err := tmpl.ExecuteTemplate(&w, "row", rows[i]); err != nil {
			return 0, fmt.Errorf("report: page: %w", err)
		}
		if w.n > pageStaticBudget {
			return i, nil
		}
	}
	return len(rows), nil
}

// countWriter counts the bytes written to it.
type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

// ranSpan returns the first run's start (else its first try) and the last
// try of runs as text, and the number of runs (those folded into the
// "earlier runs" line counted): "", "", 0 when nothing was tried.
func ranSpan(runs []pageRun) (first, last string, n int) {
	var lo, hi int64
	for _, r := range runs {
		start := r.Start
		if start <= 0 || r.End > 0 && r.End < start {
			start = r.End
		}
		if start > 0 && (lo == 0 || start < lo) {
			lo = start
		}
		hi = max(hi, r.End)
		switch {
		case r.Runs > 0:
			n += r.Runs
		case r.Number > 0:
			n++
		}
	}
	if hi == 0 {
		return "", "", n
	}
	return staticTime(lo), staticTime(hi), n
}

// staticTime writes Unix milliseconds as a UTC time to the second: the
// static part cannot know the reader's time zone.
func staticTime(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05 UTC")
}

// groupDigits writes n with commas between groups of three digits.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	for i := len(s) - 3; i > start; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
