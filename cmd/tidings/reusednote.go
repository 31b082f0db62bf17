package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tidings/tidings/sendpool/plan"
)

// printReused writes, a note a row, what each row with an earlier row's
// key and other values (plan.ErrKeyReused; pairs, as the Decider found
// them, more past those) differs from that row in: the columns and both
// values, read from in's sheet once more (plan.ReusedColumns), so that
// the person fixing the sheet need not compare the rows cell by cell.
// limit bounds the rows named (0: all of pairs), as --max-problems does
// their problems. The notes only help: a sheet that cannot be read again
// (moved away since the rows were checked) gets a note saying so, and the
// command goes on as it would have without them; the error is ctx's only
// (an interrupt, or the output's reader gone).
func printReused(ctx context.Context, w io.Writer, in *plan.Inputs, pairs []plan.ReusedPair, more, limit int) error {
	if limit > 0 && len(pairs) > limit {
		pairs, more = pairs[:limit], more+len(pairs)-limit
	}
	diffs, err := plan.ReusedColumns(ctx, in, pairs)
	if err != nil && ctx.Err() != nil {
		return err
	}
	if err != nil {
		fmt.Fprintf(w, "note: the rows with an earlier row's key and other values are not compared here: %v\n", err)
		return nil
	}
	for _, d := range diffs {
		fmt.Fprintf(w, "note: %s\n", plan.ReusedLine(d, in.Campaign.Recipients.Key))
	}
	if more > 0 && len(diffs) > 0 {
		fmt.Fprintf(w, "note: and %d more rows with an earlier row's key and other values\n", more)
	}
	return nil
}

// printOtherValuesColumns writes printReused's notes for the rows of pl
// whose key an earlier row has with other values, for a test send: it
// lists no row problem, so the rows refused under recipients.duplicates:
// strict are only counted, and the notes name the duplicates whose values
// go nowhere under duplicates: first (plan.Plan.OtherValues).
func printOtherValuesColumns(ctx context.Context, w io.Writer, in *plan.Inputs, pl *plan.Plan) error {
	pairs, more := pl.KeyReused()
	if pl.OtherValues.N == 0 || len(pairs) == 0 {
		return nil
	}
	return printReused(ctx, w, in, pairs, more, 0)
}
