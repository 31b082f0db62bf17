package report

import (
	"context"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// TestPageRunStopInterrupted: a run stopped by Ctrl-C reads "run
// interrupted" under "Stopped because", not its untried rows' detail
// "run interrupted: the next send sends it", which beside the run after
// it, which sent them, tells of a send still to come.
func TestPageRunStopInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pageJournalRun(t, dir, journal.Run{Started: pt0},
		journal.Attempt{Row: 2, Key: "a@example.org", Try: 1, Time: pt0.Add(time.Second)},
		journal.Result{Row: 2, Key: "a@example.org", Status: sendpool.StatusSent, Attempts: 1, Code: 250, Started: pt0.Add(time.Second), Finished: pt0.Add(2 * time.Second)},
		journal.Result{Row: 3, Key: "b@example.org", Status: sendpool.StatusNotAttempted, Detail: sendpool.InterruptedUnsent, Finished: pt0.Add(3 * time.Second)})
	d, err := buildPage(context.Background(), PageInput{Campaign: "news", CampaignPath: "news.yaml", JournalDir: dir, Now: pt0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 1 || d.Runs[0].Stop != sendpool.Interrupted {
		t.Errorf("runs %+v, want one stopped %q", d.Runs, sendpool.Interrupted)
	}
}
