package main

import (
	"context"
	"errors"
	"strings"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// noteCut says, when runErr cut the run short, why in the report's lines
// of the rows it did not reach (Reporter.NoteNotAttempted) and in its
// journal, w (recordCut).
func noteCut(ctx context.Context, w *journal.Writer, reporter *report.Reporter, runErr error) error {
	if runErr == nil {
		return nil
	}
	err := recordCut(ctx, journal.NewRecorder(w), reporter, notTried(runErr))
	reporter.NoteNotAttempted(notTried(runErr))
	return err
}

// recordCut writes to the run's journal, through rec, that an interrupt
// or a stop cut the run short (detail: notTried's words), when the pool
// recorded it of no message it had taken up (none was in its hands: a
// send.domains limit held every one back, or the interrupt came during
// the run's set-up), which then read as killed between two messages
// (journal.State.EndedShort): a not-attempted result with those words
// for the first row of reporter's lines the run never took up (no detail
// yet, or a later part's). None is written when there is no such row.
// It is called before the reporter's note of the rows not tried.
func recordCut(ctx context.Context, rec *journal.Recorder, reporter *report.Reporter, detail string) error {
	var first *report.Row
	err := reporter.Each(func(r report.Row) error {
		switch {
		case r.Status != sendpool.StatusNotAttempted && r.Status != sendpool.StatusDeferred:
		case strings.HasPrefix(r.Detail, sendpool.Interrupted) || sendpool.IsStopUnsent(r.Detail):
			first = nil // the pool recorded the cut
			return errRecorded
		case first == nil && r.Status == sendpool.StatusNotAttempted && r.Key != "" && (r.Detail == "" || r.Detail == laterPartNote):
			first = &r
		}
		return nil
	})
	if first == nil || err != nil {
		return ignoreRecorded(err)
	}
	return rec.Record(ctx, journal.Result{Row: first.Row, Key: first.Key, To: first.To, Status: sendpool.StatusNotAttempted, Detail: detail})
}

// errRecorded ends recordCut's pass over the rows at one whose line says
// the run was cut.
var errRecorded = errors.New("the cut is recorded")

// ignoreRecorded is err, nil when it is errRecorded.
func ignoreRecorded(err error) error {
	if errors.Is(err, errRecorded) {
		return nil
	}
	return err
}
