package report_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/report/pagetest"
)

// TestPagePrint: printed on A4 (720 CSS pixels between the margins),
// every table of the page fits the paper, none cut at a scroll box's edge
// (the runs' "Stopped because", the recipients' replies and times), and
// the status colours print.
func TestPagePrint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rows, err := pagetest.Campaign(dir, 300, time.Date(2026, 11, 25, 9, 12, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	in := report.PageInput{Campaign: "November newsletter", CampaignPath: "november.yaml", Rows: report.RowsOf(rows), JournalDir: dir,
		Settings: report.Settings{Rate: "10/s", Concurrency: 4}}
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 720, 1000)
	if _, err := chromedp.Call(b.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulating print: %v", err)
	}
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	p := pageTab{t, b}
	b.Do(t, "open a row", chromedp.Click(chromedp.CSS(`#rows tr[data-idx] button`)))
	cut := p.str("cut tables", `(function () {
		var w = document.documentElement.clientWidth, out = [];
		document.querySelectorAll('#app table').forEach(function (t) {
			var box = t.closest('.scroll') || t.parentNode;
			var edge = Math.min(w, getComputedStyle(box).overflowX === 'visible' ? w : box.getBoundingClientRect().right);
			if (t.getBoundingClientRect().right > edge + 1) { out.push('#' + t.id + ' ' + Math.round(t.getBoundingClientRect().right) + ' > ' + Math.round(edge)); }
		});
		return out.join(', ');
	})()`)
	if cut != "" {
		t.Errorf("printed, tables run past the paper's width: %s", cut)
	}
	if got := p.str("colours", `getComputedStyle(document.querySelector('#status-list .swatch')).printColorAdjust`); got != "exact" {
		t.Errorf("printed, the status swatches' colours are dropped (print-color-adjust %s)", got)
	}
	for _, problem := range b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}
