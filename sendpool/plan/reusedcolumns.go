package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// ReusedDiff is what two rows of a ReusedPair differ in: the columns the
// campaign reads, with the first row's value and the later row's.
type ReusedDiff struct {
	ReusedPair
	Columns []string
	Values  [][2]string // by Columns: First's, Row's
}

// ReusedColumns reads in's sheet once more, keeping the values of the
// rows of pairs only (memory stays that of the pairs, whatever the
// sheet's size), and tells for each pair the columns the campaign reads
// besides the key (render.Renderer.Facets) whose values differ, spaces
// around them left out as render.Renderer.Variant compares them. A pair
// neither of whose columns differ now (the sheet changed since it was
// read) is left out. The error is the sheet's or ctx's.
func ReusedColumns(ctx context.Context, in *Inputs, pairs []ReusedPair) ([]ReusedDiff, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	var cols []string
	for _, f := range in.Renderer.Facets() {
		if f != "" {
			cols = append(cols, f)
		}
	}
	values, err := rowValues(ctx, in.Campaign.Recipients, pairs, cols)
	if err != nil {
		return nil, err
	}
	var out []ReusedDiff
	for _, p := range pairs {
		a, b := values[p.First], values[p.Row]
		if a == nil || b == nil {
			continue
		}
		d := ReusedDiff{ReusedPair: p}
		for i, c := range cols {
			if a[i] != b[i] {
				d.Columns, d.Values = append(d.Columns, c), append(d.Values, [2]string{a[i], b[i]})
			}
		}
		if len(d.Columns) > 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

// rowValues reads the sheet r names and keeps, by row number, the values
// of cols (trimmed) of the rows pairs name.
func rowValues(ctx context.Context, r campaign.Recipients, pairs []ReusedPair, cols []string) (map[int][]string, error) {
	want := make(map[int][]string, 2*len(pairs))
	for _, p := range pairs {
		want[p.Row], want[p.First] = nil, nil
	}
	sheet, err := campaign.OpenSheet(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("plan: the rows with an earlier row's key: %w", err)
	}
	defer sheet.Close()
	for found := 0; found < len(want); {
		row, err := sheet.Next(ctx)
		var re *campaign.RowError
		switch {
		case errors.Is(err, io.EOF):
			return want, nil
		case errors.As(err, &re):
			continue
		case err != nil:
			return nil, fmt.Errorf("plan: the rows with an earlier row's key: %w", err)
		}
		if _, ok := want[row.Number]; !ok {
			continue
		}
		vals := make([]string, len(cols))
		for i, c := range cols {
			vals[i] = strings.TrimSpace(row.Values[c])
		}
		want[row.Number], found = vals, found+1
	}
	return want, nil
}

// ReusedLine says what d's rows differ in, for a person fixing the sheet
// whose key column is keyCol: `row 4 has the key of row 2 (column
// "email") and differs from it in column "plan" (row 2 "Pro", row 4
// "Free")`; values longer than 40 characters are cut.
func ReusedLine(d ReusedDiff, keyCol string) string {
	parts := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		parts[i] = fmt.Sprintf("%s (row %d %s, row %d %s)", strconv.Quote(c), d.First, quoteClipped(d.Values[i][0]), d.Row, quoteClipped(d.Values[i][1]))
	}
	word := "column"
	if len(parts) > 1 {
		word = "columns"
	}
	return fmt.Sprintf("row %d has the key of row %d (column %q) and differs from it in %s %s", d.Row, d.First, keyCol, word, campaign.JoinAnd(parts))
}

// quoteClipped is v quoted, cut after 40 characters.
func quoteClipped(v string) string {
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40]) + "…"
	}
	return strconv.Quote(v)
}

// ColumnWords names columns for a note: `column "amount"`, `columns
// "name" and "invoice"`.
func ColumnWords(columns []string) string {
	q := make([]string, len(columns))
	for i, c := range columns {
		q[i] = strconv.Quote(c)
	}
	if len(q) == 1 {
		return "column " + q[0]
	}
	return "columns " + campaign.JoinAnd(q)
}
