package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
)

// galleryRow is a row of the preview gallery's list as headless Chromium
// shows it: its badge, its note and the note's title (the whole note,
// when the list cuts it), and the words atop its message once opened
// (Top, "" when none are shown).
type galleryRow struct {
	Badge, Note, Title, Top string
}

// readGallery opens the preview gallery's index.html in Chromium and
// reads its list, by sheet row.
func readGallery(t *testing.T, dir string) map[string]galleryRow {
	t.Helper()
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	rows := chromium.Get(t, b, "list", chromedp.Evaluate[map[string]galleryRow](`(function () { var o = {};
		document.querySelectorAll('#rows > li').forEach(function (li) {
			var badge = li.querySelector('.badge'), note = li.querySelector('.row-note');
			o[li.querySelector('.row-num').textContent] = { Badge: badge ? badge.textContent : '',
				Note: note ? note.textContent : '', Title: note ? note.title : '' }; });
		return o; })()`))
	for num, row := range rows {
		b.Do(t, "open row "+num, chromedp.Click(`//ol[@id="rows"]//button[.//span[@class="row-num" and text()="`+num+`"]]`),
			chromedp.Poll[chromedp.Void](`(document.getElementById('message').dataset.loaded || '').startsWith('`+fmt.Sprintf("%06s", num)+`-')`))
		row.Top = chromium.Get(t, b, "top of row "+num, chromedp.Evaluate[string](`(function () {
			var s = document.getElementById('m-status'); return s && !s.hidden ? s.textContent : ''; })()`))
		rows[num] = row
	}
	chromium.SaveScreenshot(t, "preview-bounced.png", chromium.Get(t, b, "screenshot", chromedp.FullScreenshot(100)))
	return rows
}

// TestPreviewSaysBounced: once tidings bounces matched a bounce (and a
// soft bounce, a complaint) to messages a send delivered, report.csv
// gave those rows bounced, soft-bounce and complained with the report's
// words, but preview's gallery and its report.csv still said "sent,
// already sent at …" (the journal's decision, which ignores what came
// back: today's review). They give those rows the report's status and
// words (report.CameBack), the gallery's list in the report's words
// alone, and atop the row's message once opened (fix-show2); the rows
// nothing came back for stay sent.
func TestPreviewSaysBounced(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "", "")
	var reports []string
	for _, r := range mailboxReports(messageIDs(t, camp)) {
		reports = append(reports, string(r))
	}
	deliver(reports...)
	if out, errOut, code := runCLI(t, "bounces", camp); code == exitUnusable {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	want := map[string]map[string]string{}
	for _, r := range readReport(t, camp) {
		want[r["row"]] = r
	}
	if want["2"]["status"] != "bounced" || want["3"]["status"] != "soft-bounce" || want["4"]["status"] != "complained" || want["5"]["status"] != "sent" {
		t.Fatalf("report.csv after bounces: %v", want)
	}
	if out, errOut, code := runCLI(t, "preview", camp); code == exitUnusable {
		t.Fatalf("preview: code %d\n%s%s", code, out, errOut)
	}
	dir := filepath.Join(filepath.Dir(camp), ".tidings", "t", "preview")
	shown := readGallery(t, dir)
	listed := readCSV(t, filepath.Join(dir, "report.csv"))
	for i, row := range []string{"2", "3", "4"} {
		w := want[row]
		if g := shown[row]; g.Badge != w["status"] || g.Note != w["detail"] || g.Top != w["status"]+" "+w["detail"] {
			t.Errorf("the gallery's row %s: %q %q, its message under %q, want the report's %q %q", row, g.Badge, g.Note, g.Top, w["status"], w["detail"])
		}
		if l := listed[i+1]; l[0] != row || l[4] != w["status"] || l[5] != w["detail"] {
			t.Errorf("preview's report.csv, row %s: %q, want the report's %s %q", row, l, w["status"], w["detail"])
		}
	}
	if g := shown["5"]; g.Badge != "sent" || !strings.HasPrefix(g.Note, "already sent at ") || g.Top != "" {
		t.Errorf("the gallery's row 5, nothing came back: %+v", g)
	}
}

// readCSV reads the CSV file path, its header line first.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// TestCheckPreviewSayBounced: once tidings bounces matched a bounce, a
// soft bounce and a complaint to messages a send delivered, check and
// preview said "5 need no sending (the journal has them sent, failed or
// unknown)", and the preview gallery's Sent filter counted and listed the
// three among the sent (fix-report4). Their line counts them by the
// report's statuses ("2 sent, 1 bounced, 1 soft-bounce, 1 complained"),
// and the gallery lists them under a Bounced filter of their own, the Sent
// filter keeping the rows nothing came back for.
func TestCheckPreviewSayBounced(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "", "")
	var reports []string
	for _, r := range mailboxReports(messageIDs(t, camp)) {
		reports = append(reports, string(r))
	}
	deliver(reports...)
	if out, errOut, code := runCLI(t, "bounces", camp); code == exitUnusable {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	const words = "; 5 need no sending (2 sent, 1 bounced, 1 soft-bounce, 1 complained)"
	for _, cmd := range []string{"check", "preview"} {
		out, errOut, code := runCLI(t, cmd, camp)
		if line := summaryLine(t, out); code == exitUnusable || !strings.Contains(line, words) {
			t.Errorf("%s: code %d, its summary line %q lacks %q\n%s%s", cmd, code, line, words, out, errOut)
		}
	}
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	dir := filepath.Join(filepath.Dir(camp), ".tidings", "t", "preview")
	b.Do(t, "load index.html", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	for filter, want := range map[string]string{"sent": "Sent 2: 5 6", "came-back": "Bounced 3: 2 3 4"} {
		b.Do(t, "filter "+filter, chromedp.Click(chromedp.CSS(`#status-filter [data-status="`+filter+`"]`)))
		got := chromium.Get(t, b, "rows of "+filter, chromedp.Evaluate[string](`(function () {
			var b = document.querySelector('#status-filter [data-status="`+filter+`"]');
			return b.textContent.replace(/\s+/g, ' ').trim() + ': ' + Array.from(document.querySelectorAll('#rows > li .row-num')).map(
				function (n) { return n.textContent; }).join(' '); })()`))
		if got != want {
			t.Errorf("the gallery's %s filter: %q, want %q", filter, got, want)
		}
	}
}
