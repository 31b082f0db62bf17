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
// (sendpool.InterruptedUnsent), which beside the run after it, which sent
// them, tells of a send still to come; so does a journal written before
// that detail named --retry-failed (rev-final5), in its words of then.
func TestPageRunStopInterrupted(t *testing.T) {
	t.Parallel()
	for _, detail := range []string{sendpool.InterruptedUnsent, "run interrupted: the next send sends it"} {
		dir := t.TempDir()
		pageJournalRun(t, dir, journal.Run{Started: pt0},
			journal.Attempt{Row: 2, Key: "a@example.org", Try: 1, Time: pt0.Add(time.Second)},
			journal.Result{Row: 2, Key: "a@example.org", Status: sendpool.StatusSent, Attempts: 1, Code: 250, Started: pt0.Add(time.Second), Finished: pt0.Add(2 * time.Second)},
			journal.Result{Row: 3, Key: "b@example.org", Status: sendpool.StatusNotAttempted, Detail: detail, Finished: pt0.Add(3 * time.Second)})
		d, err := buildPage(context.Background(), PageInput{Campaign: "news", CampaignPath: "news.yaml", JournalDir: dir, Now: pt0.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Runs) != 1 || d.Runs[0].Stop != sendpool.Interrupted {
			t.Errorf("detail %q: runs %+v, want one stopped %q", detail, d.Runs, sendpool.Interrupted)
		}
	}
}
