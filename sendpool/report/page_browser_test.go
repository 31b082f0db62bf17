package report_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/report/pagetest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// Hostile values: if either ever reaches HTML parsing in the page,
// window.__pwned is set.
const (
	pageHostileName  = `<img src=x onerror=window.__pwned=1>`
	pageHostileReply = `<img src=x onerror=window.__pwned=2> is not welcome here`
)

// pageRunPool runs the real pool over msgs with a journal run in stateDir
// (through journal.Recorder), adding every final result to rep.
func pageRunPool(t *testing.T, stateDir string, cfg pooltest.Config, msgs []*render.Message, rep *report.Reporter) {
	t.Helper()
	ctx := context.Background()
	lock, err := journal.AcquireLock(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	w, err := journal.Open(ctx, lock, journal.Run{Version: "tidings test", Flags: map[string]string{"rate": fmt.Sprint(cfg.Rate), "concurrency": fmt.Sprint(cfg.Concurrency)}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Journal = journal.NewRecorder(w)
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err = p.Run(rctx, sendpool.SliceSource(msgs), func(r sendpool.Result) {
		if err := rep.Add(r); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatalf("pool run: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// pageMessage is a message for row to addr, with the display name name.
func pageMessage(row int, addr, name string) *render.Message {
	m := pooltest.Message(row, addr)
	if name != "" {
		m.To = name + " <" + addr + ">"
	}
	return m
}

// pageCampaign sends a campaign in two runs (pageMailpitRun, pageLocalRun)
// through one Reporter and writes its report page into the state folder it
// returns.
func pageCampaign(t *testing.T) (stateDir string, rows []report.Row) {
	stateDir = filepath.Join(t.TempDir(), ".tidings", "news")
	rep, err := report.NewReporter(stateDir, report.ReporterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pageMailpitRun(t, stateDir, rep)
	pageLocalRun(t, stateDir, rep)
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	rows = rep.Rows()
	err = report.WritePage(context.Background(), stateDir, report.PageInput{
		Campaign: "November news", CampaignPath: "campaigns/news letter.yaml", Rows: rep.Each, JournalDir: stateDir,
		Settings: report.Settings{Rate: "1000/s", Concurrency: 2, PerConnection: 10, Retries: 2, Domains: map[string]string{"slow.example": "2/s"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return stateDir, rows
}

// pageMailpitRun is run 1, through mailpit (STARTTLS, AUTH): it accepts 30
// readers, one with a hostile name, and refuses the 5 of refused.example
// (its allowed-recipients rule).
func pageMailpitRun(t *testing.T, stateDir string, rep *report.Reporter) {
	cert := smtptest.NewCert(t, "127.0.0.1")
	const user, pass = "tidings", "mailpit-s3cret"
	mp := smtptest.StartMailpit(t, cert, user, pass,
		smtptest.MailpitArgs("--smtp-allowed-recipients", `@(example\.org|example\.net|mail\.example\.com)$`))
	var msgs []*render.Message
	domains := []string{"example.org", "example.org", "example.org", "example.net", "mail.example.com"}
	for i := range 30 {
		name := fmt.Sprintf("Reader %02d", i)
		if i == 4 {
			name = pageHostileName
		}
		msgs = append(msgs, pageMessage(i+2, fmt.Sprintf("reader%02d@%s", i, domains[i%len(domains)]), name))
	}
	for i := range 5 {
		addr := fmt.Sprintf("nobody%d@refused.example", i)
		if i == 0 {
			addr = "-" + addr // a key the command line would read as a flag
		}
		msgs = append(msgs, pageMessage(32+i, addr, ""))
	}
	pageRunPool(t, stateDir, pooltest.Config{
		SMTP: smtpclient.Config{Host: "127.0.0.1", Port: mp.SMTPPort, Security: campaign.SecurityStartTLS,
			Username: user, Password: pass, RootCAs: cert.Pool, Timeout: 10 * time.Second},
		Config: sendpool.Config{Concurrency: 2, PerConnection: 10, Retries: 1, RetryBackoff: 10 * time.Millisecond},
	}, msgs, rep)
	if n := len(mp.Messages(t)); n != 30 {
		t.Fatalf("mailpit holds %d messages, want 30", n)
	}
}

// pageLocalRun is run 2, through an in-process server (mailpit throttles
// no domain): it throttles slow.example (451 4.7.0 "rate limited" to each
// first message), greylists one reader once and refuses one with a hostile
// reply text. The throttling and the greylisting answer the message's
// data (a retried refusal at RCPT is a try on the timeline too:
// TestPageTimelineRcptRefusal). 451,
// not 421: the test server does not close the session after a 421 as real
// servers do, and the client would wait for that.
func pageLocalRun(t *testing.T, stateDir string, rep *report.Reporter) {
	var mu sync.Mutex
	tries := map[string]int{}
	srv := smtptest.NewServer(t,
		smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
			if to == "mallory@bad.example" {
				return smtptest.Reply(550, "5.7.1", pageHostileReply)
			}
			return nil
		}),
		smtptest.OnData(func(_ smtptest.Session, m *smtptest.Message) error {
			to := m.To[0]
			mu.Lock()
			tries[to]++
			n := tries[to]
			mu.Unlock()
			switch {
			case strings.HasSuffix(to, "@slow.example") && n == 1:
				return smtptest.Reply(451, "4.7.0", "rate limited, slow down")
			case to == "grey@later.example" && n == 1:
				return smtptest.Reply(451, "4.7.1", "greylisted, try again later")
			}
			return nil
		}))
	var msgs []*render.Message
	for i := range 6 {
		msgs = append(msgs, pageMessage(37+i, fmt.Sprintf("user%d@slow.example", i), ""))
	}
	msgs = append(msgs, pageMessage(43, "grey@later.example", "Grey"), pageMessage(44, "mallory@bad.example", "Mallory"))
	cfg := pooltest.NewConfig(srv)
	cfg.Rate, cfg.Retries = 1000, 2
	pageRunPool(t, stateDir, cfg, msgs, rep)
}

// pageTab is a report page open in headless Chromium.
type pageTab struct {
	t *testing.T
	b *chromium.Browser
}

// str evaluates js to a string.
func (p pageTab) str(what, js string) string {
	p.t.Helper()
	return chromium.Get(p.t, p.b, what, chromedp.Evaluate[string](js))
}

// waitTotal waits until the recipient table lists want rows.
func (p pageTab) waitTotal(what string, want int) {
	p.t.Helper()
	_, err := chromedp.Run(p.b.Ctx, chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.getElementById('page-info').dataset.total === '%d'`, want),
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		p.t.Fatalf("%s: want %d rows, the table shows %s: %v", what, want, p.str("total", `document.getElementById('page-info').dataset.total`), err)
	}
}

// search puts q in the search box, as one input event: typed a key at a
// time, each key filters the table anew once 120 ms pass without
// another, and on a loaded machine a part of q ("-nobod") could leave
// the row waited for, then the whole q close the row opened meanwhile.
func (p pageTab) search(what, q string) {
	p.t.Helper()
	lit, _ := json.Marshal(q) // a JavaScript string literal
	js := fmt.Sprintf(`(function () { var s = document.getElementById('search'); s.value = %s; s.dispatchEvent(new Event('input')); })()`, lit)
	p.b.Do(p.t, what, chromedp.Evaluate[chromedp.Void](js))
}

// TestPageBrowser sends a campaign for real (pageCampaign), writes its
// report page and drives headless Chromium through it, opened from disk:
// the counts, the timeline and domain charts drawn, the reply table, the
// search, a row's command, and hostile values shown as text.
func TestPageBrowser(t *testing.T) {
	t.Parallel()
	dir, rows := pageCampaign(t)
	counts := map[sendpool.Status]int{}
	for _, r := range rows {
		counts[r.Status]++
	}
	if len(rows) != 43 || counts[sendpool.StatusSent] != 37 || counts[sendpool.StatusFailed] != 6 {
		t.Fatalf("report: %d rows, %v", len(rows), counts)
	}
	b := chromium.Start(t, 60*time.Second, 1400, 1000)
	start := time.Now()
	b.Do(t, "load report.html", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	t.Logf("page ready in %v", time.Since(start))
	p := pageTab{t, b}
	if got := p.str("parts shown", `getComputedStyle(document.getElementById('static')).display + ' ' + getComputedStyle(document.getElementById('app')).display`); got != "none flex" {
		t.Errorf("with JavaScript, the part without it and the drawn one display as %q, want \"none flex\"", got)
	}
	pageCheckSummary(p)
	pageCheckCharts(p)
	pageCheckReplies(p)
	pageCheckTable(p)
	chromium.SaveScreenshot(t, "report-run.png", chromium.Get(t, b, "screenshot", chromedp.FullScreenshot(100)))
	if got := p.str("pwned", `String(window.__pwned)`); got != "undefined" {
		t.Errorf("window.__pwned = %s: a hostile value ran as script", got)
	}
	for _, problem := range b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}

// pageCheckSummary: every status listed with its count and share, the
// runs, the settings.
func pageCheckSummary(p pageTab) {
	t := p.t
	if got := p.str("total", `document.getElementById('kpi-total').firstChild.textContent`); got != "43" {
		t.Errorf("total shows %q", got)
	}
	if got := p.str("sent", `document.getElementById('kpi-sent').textContent`); got != "86%sent (37)" {
		t.Errorf("sent shows %q", got)
	}
	statuses := chromium.Get(t, p.b, "status list", chromedp.Evaluate[map[string]string](`(function () { var o = {};
		document.querySelectorAll('#status-list li').forEach(function (li) {
			o[li.dataset.status] = li.querySelector('.n').textContent + ' ' + li.querySelector('.pct').textContent; });
		return o; })()`))
	for st, want := range map[string]string{"sent": "37 86%", "failed": "6 14%", "deferred": "0 0%", "bounced": "0 0%",
		"soft-bounce": "0 0%", "complained": "0 0%", "not-attempted": "0 0%", "unknown": "0 0%", "suppressed": "0 0%",
		"duplicate": "0 0%", "invalid": "0 0%"} {
		if statuses[st] != want {
			t.Errorf("status %s shows %q, want %q", st, statuses[st], want)
		}
	}
	runs := p.str("runs", `document.getElementById('runs').innerText`)
	if !strings.Contains(runs, "#1") || !strings.Contains(runs, "#2") || !strings.Contains(runs, "concurrency=2") {
		t.Errorf("runs table:\n%s", runs)
	}
	if got := p.str("settings", `document.getElementById('settings').innerText`); !strings.Contains(got, "slow.example 2/s") || !strings.Contains(got, "1000/s") {
		t.Errorf("settings:\n%s", got)
	}
}

// pageCheckCharts: the timeline and the domain chart are drawn (present,
// with a size, with bars, throttling marks and stops), and the domain
// table counts slow.example's throttling.
func pageCheckCharts(p pageTab) {
	t := p.t
	sizes := chromium.Get(t, p.b, "chart sizes", chromedp.Evaluate[map[string]float64](`(function () {
		var t = document.getElementById('timeline-svg').getBoundingClientRect();
		var d = document.getElementById('domain-svg').getBoundingClientRect();
		var bars = document.querySelectorAll('#timeline-svg rect.bar'), area = 0;
		bars.forEach(function (r) { var b = r.getBoundingClientRect(); area += b.width * b.height; });
		return { tw: t.width, th: t.height, dw: d.width, dh: d.height, bars: bars.length, barArea: area,
			throttles: document.querySelectorAll('#timeline-svg .throttle-mark').length,
			stops: document.querySelectorAll('#timeline-svg .stop').length,
			domainRows: document.querySelectorAll('#domain-svg .bar-row').length,
			domainSegs: document.querySelectorAll('#domain-svg rect.seg').length };
	})()`))
	if sizes["tw"] < 300 || sizes["th"] < 100 || sizes["dw"] < 300 || sizes["dh"] < 100 {
		t.Errorf("charts not drawn: %v", sizes)
	}
	if sizes["bars"] == 0 || sizes["barArea"] <= 0 || sizes["throttles"] == 0 || sizes["stops"] != 2 {
		t.Errorf("timeline: %v bars (area %v), %v throttling marks, %v stops", sizes["bars"], sizes["barArea"], sizes["throttles"], sizes["stops"])
	}
	if sizes["domainRows"] != 7 || sizes["domainSegs"] < 7 {
		t.Errorf("domain chart: %v rows, %v bars", sizes["domainRows"], sizes["domainSegs"])
	}
	// slow.example: 6 recipients, all sent, none not sent, 6 throttling
	// replies, no refusal, no deferral.
	slow := p.str("slow.example", `Array.from(document.querySelector('#domains tr[data-domain="slow.example"]').cells).map(function (c) { return c.textContent; }).join('|')`)
	if !strings.HasPrefix(slow, "slow.example|6|6 · 100%|0|0|6|0|0|") {
		t.Errorf("slow.example's line: %q", slow)
	}
	if refused := p.str("refused.example", `document.querySelector('#domains tr[data-domain="refused.example"]').innerText`); !strings.Contains(refused, "5") {
		t.Errorf("refused.example's line: %q", refused)
	}
}

// pageCheckReplies: the reply table lists every kind of reply, mailpit's
// refusals and the hostile text among them, as text.
func pageCheckReplies(p pageTab) {
	replies := p.str("replies", `document.getElementById('replies').innerText`)
	for _, want := range []string{"250", "451 4.7.0", "throttled", "rate limited, slow down", "451 4.7.1", "550 5.1.0", "550 5.7.1", pageHostileReply} {
		if !strings.Contains(replies, want) {
			p.t.Errorf("reply table lacks %q:\n%s", want, replies)
		}
	}
}

// pageCheckTable: search finds a recipient, its row gives the command that
// shows its message, hostile values are found and shown as text, and a
// domain from the domain table filters the rows.
func pageCheckTable(p pageTab) {
	t := p.t
	p.waitTotal("all", 43)
	p.search("search", "reader07")
	p.waitTotal("search reader07", 1)
	if got := p.str("found", `document.querySelector('#rows td.key').textContent`); got != "reader07@example.org" {
		t.Errorf("search found %q", got)
	}
	p.b.Do(t, "open row", chromedp.Click(chromedp.CSS(`#rows tr[data-idx]`)))
	if got := p.str("command", `document.querySelector('#rows .show-cmd').textContent`); got != "tidings show 'campaigns/news letter.yaml' reader07@example.org" {
		t.Errorf("command %q", got)
	}
	p.search("no search", " ")
	p.waitTotal("no search", 43)
	p.search("search a key like a flag", "-nobody0")
	p.waitTotal("search -nobody0", 1)
	p.b.Do(t, "open the row", chromedp.Click(chromedp.CSS(`#rows tr[data-idx]`)))
	if got := p.str("command", `document.querySelector('#rows .show-cmd').textContent`); got != "tidings show -- 'campaigns/news letter.yaml' -nobody0@refused.example" {
		t.Errorf("command %q", got)
	}
	p.search("search hostile", "onerror")
	p.waitTotal("hostile rows", 2)
	shown := p.str("hostile text", `document.getElementById('rows').innerText`)
	for _, v := range []string{pageHostileName, pageHostileReply} {
		if !strings.Contains(shown, v) {
			t.Errorf("the table does not show %q as text:\n%s", v, shown)
		}
	}
	if n := chromium.Get(t, p.b, "elements from data", chromedp.Evaluate[int](`document.querySelectorAll('img, iframe, object, embed, main script').length`)); n != 0 {
		t.Errorf("%d elements were made from data", n)
	}
	p.search("no search", " ")
	p.waitTotal("no search", 43)
	p.b.Do(t, "domain filter", chromedp.Click(chromedp.CSS(`#domains tr[data-domain="refused.example"]`)))
	p.waitTotal("refused.example", 5)
	p.b.Do(t, "remove the filter", chromedp.Click(chromedp.CSS(`#active-filters .chip`)))
	p.waitTotal("all again", 43)
}

// TestPageScreenshot writes the page of a made-up campaign of 20,000
// recipients in two runs (pagetest.Campaign) and takes the screenshot for
// the README (report.png; set TIDINGS_SCREENSHOT_DIR to keep it). Skipped
// with -short.
func TestPageScreenshot(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("20,000-recipient page in a browser: skipped with -short")
	}
	dir := t.TempDir()
	rows, err := pagetest.Campaign(dir, 20_000, time.Date(2026, 11, 25, 9, 12, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	in := report.PageInput{Campaign: "November newsletter", CampaignPath: "november.yaml", Rows: report.RowsOf(rows), JournalDir: dir,
		Settings: report.Settings{Rate: "10/s", Concurrency: 4, PerConnection: 100, Retries: 3, DailyCap: 15000,
			Domains: map[string]string{"qq.com": "2/s", "163.com": "2/s"}}}
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1360, 1640)
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	if got := chromium.Get(t, b, "total", chromedp.Evaluate[string](`document.getElementById('page-info').dataset.total`)); got != "20000" {
		t.Errorf("table total %s", got)
	}
	chromium.SaveScreenshot(t, "report.png", chromium.Get(t, b, "screenshot", chromedp.CaptureScreenshot()))
	chromium.SaveScreenshot(t, "report-full.png", chromium.Get(t, b, "full screenshot", chromedp.FullScreenshot(100)))
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestPageSentCountsBounced: the page's "sent" counts every message a
// server took, those that bounced or drew a complaint since included, as
// the Domains table and the exit codes do, and says how many came back;
// each domain's Sent, Not sent and Skipped add up to its recipients.
func TestPageSentCountsBounced(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var rows []report.Row
	for i, st := range []sendpool.Status{sendpool.StatusSent, sendpool.StatusSent, sendpool.StatusSent, sendpool.StatusBounced, sendpool.StatusSoftBounce,
		sendpool.StatusComplained, sendpool.StatusFailed, sendpool.StatusDuplicate} {
		key := fmt.Sprintf("r%d@example.org", i)
		r := report.Row{Recipient: report.Recipient{Row: i + 2, Key: key, To: key}, Status: st}
		if st != sendpool.StatusDuplicate {
			r.StartedAt, r.FinishedAt, r.DurationMS = "2026-12-05T10:00:00Z", "2026-12-05T10:00:01Z", 1000
		}
		if st == sendpool.StatusBounced || st == sendpool.StatusSoftBounce || st == sendpool.StatusComplained {
			r.DurationMS = 9000 // the slow ones came back: the 90% figure shows them
		}
		rows = append(rows, r)
	}
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "c", CampaignPath: "c.yaml", Rows: report.RowsOf(rows), JournalDir: dir}); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1200, 900)
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	p := pageTab{t, b}
	if got := p.str("sent", `document.getElementById('kpi-sent').textContent`); got != "75%sent (6; 3 came back since: bounced, delayed or complained)" {
		t.Errorf("sent shows %q", got)
	}
	line := p.str("example.org", `Array.from(document.querySelector('#domains tr[data-domain="example.org"]').cells).map(function (c) { return c.textContent; }).join('|')`)
	cells := strings.Split(line, "|")
	if !strings.HasPrefix(line, "example.org|8|6 · 75%|1|1|") || len(cells) != 10 || cells[8] == cells[9] {
		t.Errorf("example.org's line: %q, want 8 recipients: 6 sent, 1 not sent, 1 skipped, and reply times of all tried (bounced too)", line)
	}
	for _, problem := range b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}

// TestPageRateOfOne: a run of one message shows no average rate: it
// showed 41.7/s, the 24 ms from the run's start to its one try; a run of
// two 1 s apart shows one step in 1.03 s, 58.3/min. Three messages tried
// at the limiter's pace of 5/s, the last 0.4 s after the first (0.43 s
// after the run's start), show 4.7/s, under the rate: they showed 7.0/s,
// counting three steps in the time of two (rev-user9 saw 7.4/s beside a
// rate of 5/s).
func TestPageRateOfOne(t *testing.T) {
	t.Parallel()
	b := chromium.Start(t, 60*time.Second, 1200, 900)
	for _, tc := range []struct {
		n    int
		gap  time.Duration
		want string
	}{{1, time.Second, "–"}, {2, time.Second, "58.3/min"}, {3, 200 * time.Millisecond, "4.7/s"}} {
		if got := averageRateShown(t, b, tc.n, tc.gap); !strings.HasSuffix(got, tc.want) {
			t.Errorf("%d sent %s apart: average rate shows %q, want %q", tc.n, tc.gap, got, tc.want)
		}
	}
	for _, problem := range b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}

// averageRateShown writes the page of one run that sent n messages, the
// first 24 ms after the run started, each gap after the one before and
// answered in 6 ms, and returns the summary's average rate.
func averageRateShown(t *testing.T, b *chromium.Browser, n int, gap time.Duration) string {
	t.Helper()
	t0 := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	var rows []report.Row
	var recs []any
	for i := range n {
		key := fmt.Sprintf("r%d@example.org", i)
		at := t0.Add(24*time.Millisecond + time.Duration(i)*gap)
		end := at.Add(6 * time.Millisecond)
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: i + 2, Key: key, To: key}, Status: sendpool.StatusSent,
			StartedAt: at.Format(time.RFC3339Nano), FinishedAt: end.Format(time.RFC3339Nano), DurationMS: 6})
		recs = append(recs, journal.Attempt{Row: i + 2, Key: key, Try: 1, Time: at},
			journal.Result{Row: i + 2, Key: key, Status: sendpool.StatusSent, Attempts: 1, Code: 250, Started: at, Finished: end})
	}
	writeJournalRun(t, dir, journal.Run{Started: t0}, recs...)
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "c", CampaignPath: "c.yaml", Rows: report.RowsOf(rows), JournalDir: dir}); err != nil {
		t.Fatal(err)
	}
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	p := pageTab{t, b}
	return p.str("average rate", `Array.from(document.querySelectorAll('#kpis .kpi')).filter(function (k) { return k.lastChild.textContent === 'average rate'; })[0].firstChild.textContent`)
}

// writeJournalRun writes a journal run with its records into dir.
func writeJournalRun(t *testing.T, dir string, run journal.Run, recs ...any) {
	t.Helper()
	ctx := context.Background()
	lock, err := journal.AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	w, err := journal.Open(ctx, lock, run)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		switch r := r.(type) {
		case journal.Attempt:
			err = w.Attempt(ctx, r)
		case journal.Result:
			err = w.Result(ctx, r)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestPageTimelineAxis: a run of a few messages a minute has at most one
// try a bucket, and the timeline's scale then reads 0 and 1 only; the
// middle line, half a try, was labelled a second "1" (0.5 rounded).
func TestPageTimelineAxis(t *testing.T) {
	t.Parallel()
	stateDir := filepath.Join(t.TempDir(), ".tidings", "news")
	rep, err := report.NewReporter(stateDir, report.ReporterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := smtptest.NewServer(t)
	pageRunPool(t, stateDir, pooltest.NewConfig(srv), []*render.Message{pageMessage(2, "ann@example.org", "Ann")}, rep)
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	err = report.WritePage(context.Background(), stateDir, report.PageInput{
		Campaign: "news", CampaignPath: "campaign.yaml", Rows: rep.Each, JournalDir: stateDir,
		Settings: report.Settings{Rate: "10/m", Concurrency: 1, PerConnection: 100, Retries: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1200, 900)
	b.Do(t, "load report.html", chromedp.Navigate(chromium.FileURL(filepath.Join(stateDir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	p := pageTab{t, b}
	if got := p.str("scale", `Array.from(document.querySelectorAll('#timeline-svg text[x="38"]')).map(function (e) { return e.textContent; }).join(',')`); got != "0,1" {
		t.Errorf("the timeline's scale reads %q, want \"0,1\"", got)
	}
	for _, problem := range b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}

// TestPageTimelineLabels: a run of ten messages, one every 23 seconds
// from 12:06:47 UTC, is a bucket of about 5.5 px a second across the page;
// the timeline's time labels (its start, the round times between, its
// end) do not run into one another. The first round time, 12:07:00, 13
// buckets and 72 px in, was written over the start's 12:06:47.
func TestPageTimelineLabels(t *testing.T) {
	t.Parallel()
	stateDir := filepath.Join(t.TempDir(), ".tidings", "news")
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 6, 12, 6, 47, 0, time.UTC)
	lines := []map[string]any{{"type": "run", "v": 1, "pid": 4711, "started": start, "version": "tidings test", "flags": map[string]string{"rate": "3/m"}}}
	var rows []report.Row
	for i := range 10 {
		at := start.Add(time.Duration(i) * 23 * time.Second)
		key := fmt.Sprintf("donor%02d@example.org", i)
		lines = append(lines,
			map[string]any{"type": "attempt", "row": i + 2, "key": key, "to": key, "try": 1, "time": at},
			map[string]any{"type": "result", "status": "sent", "row": i + 2, "key": key, "to": key, "attempts": 1, "code": 250, "enhanced_code": "2.0.0",
				"detail": "Ok: queued", "started_at": at, "finished_at": at.Add(10 * time.Millisecond), "duration_ms": 10})
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: i + 2, Key: key, To: key}, Status: sendpool.StatusSent, Attempts: 1, Code: 250,
			StartedAt: at.Format(time.RFC3339), FinishedAt: at.Format(time.RFC3339)})
	}
	var journalText []byte
	for _, l := range lines {
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		journalText = append(append(journalText, b...), '\n')
	}
	if err := os.WriteFile(filepath.Join(stateDir, journal.FileName), journalText, 0o600); err != nil {
		t.Fatal(err)
	}
	err := report.WritePage(context.Background(), stateDir, report.PageInput{
		Campaign: "news", CampaignPath: "campaign.yaml", JournalDir: stateDir,
		Rows: func(fn func(report.Row) error) error {
			for _, r := range rows {
				if err := fn(r); err != nil {
					return err
				}
			}
			return nil
		},
		Settings: report.Settings{Rate: "3/m", Concurrency: 2, PerConnection: 100, Retries: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1300, 900)
	b.Do(t, "load report.html", chromedp.Navigate(chromium.FileURL(filepath.Join(stateDir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	p := pageTab{t, b}
	// The labels below the chart, left to right, each with where it
	// begins and ends.
	labels := p.str("time labels", `(function () {
		var ts = Array.from(document.querySelectorAll('#timeline-svg > text')).filter(function (e) { return e.getAttribute('y') === String(260 - 30 + 16); });
		return ts.map(function (e) { var r = e.getBoundingClientRect(); return e.textContent + ' ' + r.left.toFixed(1) + ' ' + r.right.toFixed(1); }).join('\n');
	})()`)
	type label struct {
		text        string
		left, right float64
	}
	var ls []label
	for _, line := range strings.Split(labels, "\n") {
		var l label
		if _, err := fmt.Sscanf(line, "%s %f %f", &l.text, &l.left, &l.right); err != nil {
			t.Fatalf("label %q: %v\nall:\n%s", line, err, labels)
		}
		ls = append(ls, l)
	}
	// The page draws local times, as the browser's zone (TZ) has them.
	first, last := start.Local().Format("15:04:05"), start.Add(208*time.Second).Local().Format("15:04:05")
	if len(ls) < 3 || ls[0].text != first || ls[len(ls)-1].text != last {
		t.Fatalf("time labels:\n%s\nwant the start, %s, round times and the end, %s", labels, first, last)
	}
	slices.SortFunc(ls, func(a, b label) int { return cmp.Compare(a.left, b.left) })
	for i := 1; i < len(ls); i++ {
		if ls[i].left < ls[i-1].right+2 {
			t.Errorf("time labels %s and %s overlap:\n%s", ls[i-1].text, ls[i].text, labels)
		}
	}
	for _, problem := range b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}
