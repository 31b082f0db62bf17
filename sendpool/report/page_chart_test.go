package report_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// TestPageDomainLabels: a domain whose first label is as long as DNS
// allows (63 letters) is named in the domain chart within the room for
// names, cut in its middle, left of its bars and inside the page, on a
// wide screen and a phone, with its whole name as the tooltip; it ran off
// the chart's left edge.
func TestPageDomainLabels(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("verylong", 7) + "labelxx" + ".example.com" // 63 + 12
	var rows []report.Row
	for i, d := range []string{long, long, long, "example.org", "example.net"} {
		key := fmt.Sprintf("r%d@%s", i, d)
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: i + 2, Key: key, To: key}, Status: sendpool.StatusSent})
	}
	for _, width := range []int{1280, 390} {
		p := rowsPage(t, "c.yaml", width, rows)
		got := p.str("labels", `(function () {
			var svg = document.getElementById('domain-svg').getBoundingClientRect(), out = [];
			document.querySelectorAll('#domain-svg .bar-row').forEach(function (g) {
				var label = g.querySelector('.dlabel'), r = label.getBoundingClientRect(), bar = g.querySelector('rect.seg').getBoundingClientRect();
				var t = label.querySelector('title'), name = t ? t.textContent : label.textContent;
				if (r.left < svg.left || r.left < 0) { out.push(name + ': starts left of the chart (' + r.left + ' < ' + svg.left + ')'); }
				if (r.right > bar.left) { out.push(name + ': runs into its bar (' + r.right + ' > ' + bar.left + ')'); }
				if (label.firstChild.data !== name && label.firstChild.data.indexOf('…') < 0) { out.push(name + ': shown as ' + label.firstChild.data); }
			});
			return out.length ? out.join('\n') : 'ok ' + document.querySelectorAll('#domain-svg .bar-row').length;
		})()`)
		if got != "ok 3" {
			t.Errorf("%d px wide, the domain chart's names:\n%s", width, got)
		}
		if got := p.str("long", `Array.from(document.querySelectorAll('#domain-svg .dlabel title')).map(function (e) { return e.textContent; }).join(' ')`); !strings.Contains(got, long) {
			t.Errorf("%d px wide, no label's tooltip names %s: %s", width, long, got)
		}
		for _, problem := range p.b.Problems() {
			t.Errorf("browser reported %s", problem)
		}
	}
}

// TestPageShortRunVisible: a run of two seconds after one of three days
// is drawn on the timeline at least MIN_SEGMENT (24) pixels wide, its
// bar too, with its band's tooltip naming it: in proportion to its time
// it was a fraction of a pixel.
func TestPageShortRunVisible(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var rows []report.Row
	run := func(start time.Time, row0 int, at ...time.Duration) {
		var recs []any
		for i, d := range at {
			key := fmt.Sprintf("r%d@example.org", row0+i)
			when := start.Add(d)
			rows = append(rows, report.Row{Recipient: report.Recipient{Row: row0 + i, Key: key, To: key}, Status: sendpool.StatusSent,
				StartedAt: when.Format(time.RFC3339Nano), FinishedAt: when.Format(time.RFC3339Nano)})
			recs = append(recs, journal.Attempt{Row: row0 + i, Key: key, Try: 1, Time: when},
				journal.Result{Row: row0 + i, Key: key, Status: sendpool.StatusSent, Attempts: 1, Code: 250, Started: when, Finished: when})
		}
		writeJournalRun(t, dir, journal.Run{Started: start}, recs...)
	}
	var long []time.Duration
	for k := range 13 {
		long = append(long, time.Duration(k)*6*time.Hour)
	}
	run(t0, 2, long...)
	run(t0.Add(73*time.Hour), 100, 0, 2*time.Second)
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "c", CampaignPath: "c.yaml", Rows: report.RowsOf(rows), JournalDir: dir}); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1280, 900)
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	p := pageTab{t, b}
	got := p.str("run 2", `(function () {
		var band = Array.from(document.querySelectorAll('#timeline-svg rect.band')).filter(function (b) { return b.querySelector('title').textContent.indexOf('Run 2:') === 0; })[0];
		if (!band) { return 'no band for run 2'; }
		var x = Number(band.getAttribute('x')), w = Number(band.getAttribute('width'));
		var bars = Array.from(document.querySelectorAll('#timeline-svg rect.bar')).filter(function (r) { var bx = Number(r.getAttribute('x')); return bx >= x && bx < x + w; });
		return 'band ' + Math.round(w) + ', bars ' + bars.map(function (r) { return Math.round(Number(r.getAttribute('width'))); }).join(' ') +
			', title ' + band.querySelector('title').textContent.slice(0, 5);
	})()`)
	var bw int
	var bars string
	if _, err := fmt.Sscanf(got, "band %d, bars %s", &bw, &bars); err != nil || bw < 24 || !strings.HasSuffix(got, "title Run 2") {
		t.Fatalf("the 2-second run on the timeline: %s; want a band of 24 px or more, named Run 2", got)
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(bars, ",")); err != nil || n < 20 {
		t.Errorf("the 2-second run's bar: %s; want one of 20 px or more", got)
	}
	for _, problem := range b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}

// TestPageRounding: the page's numbers add up as written. The shares of
// three statuses of one recipient each are 33.4%, 33.3% and 33.3% (they
// were 33% three times, 99%); a run of 0.4 s shows "0.4 s" (it showed
// "0 s"), one of 1.3 s "1.3 s", and the runs' total row their 1.7 s, the
// summary's sending time, with the sums of their counts.
func TestPageRounding(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var rows []report.Row
	tries := func(start time.Time, row0 int, status []sendpool.Status, at ...time.Duration) {
		var recs []any
		for i, d := range at {
			key := fmt.Sprintf("r%d@example.org", row0+i)
			when := start.Add(d)
			rows = append(rows, report.Row{Recipient: report.Recipient{Row: row0 + i, Key: key, To: key}, Status: status[i],
				StartedAt: when.Format(time.RFC3339Nano), FinishedAt: when.Format(time.RFC3339Nano)})
			recs = append(recs, journal.Attempt{Row: row0 + i, Key: key, Try: 1, Time: when},
				journal.Result{Row: row0 + i, Key: key, Status: status[i], Attempts: 1, Code: 250, Started: when, Finished: when})
		}
		writeJournalRun(t, dir, journal.Run{Started: start}, recs...)
	}
	tries(t0, 2, []sendpool.Status{sendpool.StatusSent}, 400*time.Millisecond)
	tries(t0.Add(time.Hour), 3, []sendpool.Status{sendpool.StatusFailed, sendpool.StatusDeferred}, 300*time.Millisecond, 1300*time.Millisecond)
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "c", CampaignPath: "c.yaml", Rows: report.RowsOf(rows), JournalDir: dir}); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1280, 900)
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	p := pageTab{t, b}
	if got := p.str("shares", `Array.from(document.querySelectorAll('#status-list li:not(.zero) .pct')).map(function (e) { return e.textContent; }).join(' ')`); got != "33.4% 33.3% 33.3%" {
		t.Errorf("the shares of three statuses of one each: %q, want 33.4%% 33.3%% 33.3%% (100%%)", got)
	}
	cells := func(css string) string {
		return p.str(css, `Array.from(document.querySelectorAll('`+css+`')).map(function (tr) { return Array.from(tr.children).slice(3, 8).map(function (c) { return c.textContent; }).join(' '); }).join(' | ')`)
	}
	if got := cells("#runs tbody tr"); got != "0.4 s 1 0 0 0 | 1.3 s 0 1 1 0" {
		t.Errorf("the runs' durations and counts: %q, want \"0.4 s 1 0 0 0 | 1.3 s 0 1 1 0\"", got)
	}
	if got := cells("#runs tfoot tr"); got != "1.7 s 1 1 1 0" {
		t.Errorf("the runs' total: %q, want \"1.7 s 1 1 1 0\"", got)
	}
	if got := p.str("sending time", `document.getElementById('kpi-time').firstChild.textContent`); got != "1.7 s" {
		t.Errorf("the summary's sending time: %q, want the runs' total, 1.7 s", got)
	}
	for _, problem := range b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}

// TestPageSharesAgree: in a made-up campaign of 300 recipients of a dozen
// statuses, the shares the script writes add up to 100% (one under a
// tenth, "<0.1%", counting as none) and are those the part without script
// writes, status by status.
func TestPageSharesAgree(t *testing.T) {
	t.Parallel()
	p := keyboardPage(t, 300)
	got := p.str("shares", `(function () {
		var static = {}, sum = 0, out = [];
		document.querySelectorAll('#static-counts tbody tr').forEach(function (tr) { static[tr.cells[0].textContent] = tr.cells[2].textContent; });
		document.querySelectorAll('#status-list li:not(.zero)').forEach(function (li) {
			var s = li.dataset.status, pct = li.querySelector('.pct').textContent;
			if (static[s] !== pct) { out.push(s + ' ' + pct + ' with script, ' + static[s] + ' without'); }
			if (pct !== '<0.1%') { sum += Math.round(10 * parseFloat(pct)); }
		});
		if (sum !== 1000) { out.push('they add up to ' + sum / 10 + '%'); }
		return out.join('; ');
	})()`)
	if got != "" {
		t.Errorf("the shares of the statuses: %s", got)
	}
}
