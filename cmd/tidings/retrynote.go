package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// droppedRetriesNote is the note, for a run that ended with err (a stop,
// an interrupt) before it tried again the messages of dropped (their
// final results) it had said it would retry, that those retries did not
// happen, naming the rows, their status in report.csv and what sends
// them: the pool's "retry 1 of 3 in 32s" is not left standing. "" when
// there are none.
func droppedRetriesNote(dropped []sendpool.Result, err error) string {
	if len(dropped) == 0 {
		return ""
	}
	why := "the run stopped"
	if stopText(err) == "interrupted" {
		why = "the run was interrupted"
	}
	once := ""
	if when := sendpool.StopWhen(notTried(err)); when != "" {
		once = " once " + when
	}
	byStatus := map[sendpool.Status][]sendpool.Result{}
	var order []sendpool.Status
	for _, r := range dropped {
		if byStatus[r.Status] == nil {
			order = append(order, r.Status)
		}
		byStatus[r.Status] = append(byStatus[r.Status], r)
	}
	var parts []string
	for _, st := range order {
		parts = append(parts, droppedPart(byStatus[st], len(dropped) == 1, once))
	}
	if len(dropped) == 1 {
		return fmt.Sprintf("%s before retrying row %d (%s): %s", why, dropped[0].Row, firstAddress(dropped[0]), parts[0])
	}
	return fmt.Sprintf("%s before retrying %s: %s", why, report.Plural(len(dropped), "row"), strings.Join(parts, "; "))
}

// droppedPart words the rows of rs, which share a status, for
// droppedRetriesNote: the rows ("it" when alone, the one row the note
// names before), their status in report.csv and what sends them, once
// what the stop needs.
func droppedPart(rs []sendpool.Result, alone bool, once string) string {
	who, be, it := rowNumbers(rs), "are", "them"
	if len(rs) == 1 {
		be, it = "is", "it"
	}
	if alone {
		who = "it"
	}
	switch st := rs[0].Status; st {
	case sendpool.StatusDeferred:
		return fmt.Sprintf("%s %s deferred in report.csv, and the next send tries %s again%s", who, be, it, once)
	case sendpool.StatusSent:
		return fmt.Sprintf("%s went to some recipients only (owing in report.json), and the next send sends to the others%s", who, once)
	case sendpool.StatusFailed:
		return fmt.Sprintf("%s %s failed in report.csv, and send --retry-failed tries %s again%s", who, be, it, once)
	case sendpool.StatusNotAttempted:
		return fmt.Sprintf("%s %s not-attempted in report.csv, and the next send sends %s%s", who, be, it, once)
	default:
		return fmt.Sprintf("%s %s %s in report.csv", who, be, st)
	}
}

// rowNumbers lists the rows of rs, "rows 2, 7 and 9" (the first 10, then
// how many more), "row 2" for one.
func rowNumbers(rs []sendpool.Result) string {
	rows := make([]int, len(rs))
	for i, r := range rs {
		rows[i] = r.Row
	}
	slices.Sort(rows)
	if len(rows) == 1 {
		return "row " + strconv.Itoa(rows[0])
	}
	const most = 10
	words := make([]string, 0, min(len(rows), most))
	for _, row := range rows[:min(len(rows), most)] {
		words = append(words, strconv.Itoa(row))
	}
	if len(rows) > most {
		return "rows " + strings.Join(words, ", ") + fmt.Sprintf(" and %d more", len(rows)-most)
	}
	return "rows " + strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// firstAddress is r's first envelope recipient (its To's address), as
// the pool's retry note names it; r.To when it has none.
func firstAddress(r sendpool.Result) string {
	if len(r.Recipients) > 0 {
		return r.Recipients[0].Address
	}
	return r.To
}

// asReported is dropped with each result's status as report.csv has its
// row (reporter, after the run's lines): for a message this run did not
// try (a part whose time ran out left it waiting, the next part stopped
// before its try) the pool says not-attempted while the report keeps the
// line an earlier part left, deferred. A result whose row the report
// lacks, or all when the report cannot be read, keeps the pool's.
func asReported(reporter *report.Reporter, dropped []sendpool.Result) []sendpool.Result {
	if len(dropped) == 0 || reporter == nil {
		return dropped
	}
	at := make(map[int]int, len(dropped)) // row → index in out
	for i, r := range dropped {
		at[r.Row] = i
	}
	out := slices.Clone(dropped)
	_ = reporter.Each(func(line report.Row) error {
		if i, ok := at[line.Row]; ok {
			out[i].Status = line.Status
		}
		return nil
	})
	return out
}
