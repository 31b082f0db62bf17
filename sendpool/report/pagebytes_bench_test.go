package report_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// BenchmarkPageDataBytes: the report page of 10,000 rows shaped as the
// bench newsletter's (a To of a name and an address, sent, 250 2.0.0):
// report-data's bytes a row (B/row), the page's share of the state
// folder's 2,000 bytes a recipient.
func BenchmarkPageDataBytes(b *testing.B) {
	const n = 10_000
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC).Format(time.RFC3339)
	rows := make([]report.Row, n)
	for i := range rows {
		key := fmt.Sprintf("user%07d@example.com", i)
		rows[i] = report.Row{Recipient: report.Recipient{Row: i + 2, Key: key, To: fmt.Sprintf("Reader %d 张 <%s>", i, key)},
			Status: sendpool.StatusSent, Code: 250, Detail: "queued", Attempts: 1, FinishedAt: at, Server: "127.0.0.1:2525"}
	}
	in := report.PageInput{Campaign: "bench", CampaignPath: "c.yaml", Rows: report.RowsOf(rows)}
	var size int64
	for b.Loop() {
		dir := b.TempDir()
		if err := report.WritePage(context.Background(), dir, in); err != nil {
			b.Fatal(err)
		}
		size = 0
		entries, err := os.ReadDir(filepath.Join(dir, report.PageDataDir))
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range entries {
			fi, err := e.Info()
			if err != nil {
				b.Fatal(err)
			}
			size += fi.Size()
		}
	}
	b.ReportMetric(float64(size)/n, "B/row")
}
