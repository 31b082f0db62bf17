package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
)

// reusedInFull is how many rows differing from their key's earlier row in
// the same columns printReused names in full, as the problem printer
// does a kind of problem; the others of that kind are counted on a line.
const reusedInFull = 3

// printReused writes, a note a row, what each row with an earlier row's
// key and other values (plan.ErrKeyReused; pairs, as the Decider found
// them, more past those) differs from that row in: the columns and both
// values, read from in's sheet once more (plan.ReusedColumns), so that
// the person fixing the sheet need not compare the rows cell by cell.
// Past the first reusedInFull rows differing in one set of columns (a
// sheet pasted below itself with the amount changed), the others of that
// set are one line naming them, unless full (check --max-problems 0).
// limit bounds the rows named (0: all of pairs), as --max-problems does
// their problems. The notes only help: a sheet that cannot be read again
// (moved away since the rows were checked) gets a note saying so, and the
// command goes on as it would have without them; the error is ctx's only
// (an interrupt, or the output's reader gone).
func printReused(ctx context.Context, w io.Writer, in *plan.Inputs, pairs []plan.ReusedPair, more, limit int, full bool) error {
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
	shown, rest := map[string]int{}, map[string]*plan.RowList{}
	var order []string // the sets of columns with rows past reusedInFull, as first met
	for _, d := range diffs {
		set := plan.ColumnWords(d.Columns)
		if full || shown[set] < reusedInFull {
			shown[set]++
			fmt.Fprintf(w, "note: %s\n", plan.ReusedLine(d, in.Campaign.Recipients.Key))
			continue
		}
		if rest[set] == nil {
			rest[set] = &plan.RowList{}
			order = append(order, set)
		}
		rest[set].Add(strconv.Itoa(d.Row))
	}
	for _, set := range order {
		l := rest[set]
		has, differ := "rows have", "differ"
		if l.N == 1 {
			has, differ = "row has", "differs"
		}
		fmt.Fprintf(w, "note: %d more %s the key of an earlier row and, as the %d above, %s from it in %s and no other: %s\n", l.N, has, reusedInFull, differ, set, l.Join(", "))
	}
	if more > 0 && len(diffs) > 0 {
		fmt.Fprintf(w, "note: and %s more with an earlier row's key and other values\n", report.Plural(more, "row"))
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
	return printReused(ctx, w, in, pairs, more, 0, false)
}
