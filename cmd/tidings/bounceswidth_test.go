package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/bounces"
	"github.com/tidings/tidings/sendpool/journal"
)

// TestBouncesColumnsLongAddress: a shop's review found an address longer
// than 28 characters run into its status ("info@baeckerei-schaefer.example
// bounced"). The lines of a run's findings align their columns to its
// longest address and row, with two spaces at least between columns.
func TestBouncesColumnsLongAddress(t *testing.T) {
	t.Parallel()
	matched := func(row int, addr string, kind journal.FeedbackKind, status string) bounces.Finding {
		return bounces.Finding{Verdict: bounces.Matched, New: 1, Matches: []bounces.Match{{
			Entry: &journal.Entry{Row: row}, Recipient: addr, Kind: kind, Status: status, Diagnostic: "550 no such user"}}}
	}
	sum := &bounces.Summary{Findings: []bounces.Finding{
		matched(2, "ann@example.org", journal.FeedbackBounced, "5.1.1"),
		matched(123456, "info@baeckerei-schaefer.example", journal.FeedbackBounced, "5.1.1"),
		matched(4, "bo@example.org", journal.FeedbackComplained, ""),
		{Verdict: bounces.Unauthenticated, Problem: "no Authentication-Results", Matches: []bounces.Match{{
			Entry: &journal.Entry{Row: 5}, Recipient: "cy@example.org", Kind: journal.FeedbackUnsubscribed}}},
	}}
	var out strings.Builder
	g := &globalOptions{stdout: &out}
	printBounces(g, &campaign.Campaign{Name: "news", Suppress: "suppress.txt"}, sum, bouncesOptions{})
	var cols []int
	for line := range strings.Lines(out.String()) {
		if !strings.HasPrefix(line, "  row ") {
			continue
		}
		at := strings.Index(line, "@")
		end := at + strings.Index(line[at:], " ")
		if !strings.HasPrefix(line[end:], "  ") {
			t.Errorf("fewer than two spaces after the address:\n%s", line)
		}
		cols = append(cols, end+len(line[end:])-len(strings.TrimLeft(line[end:], " ")))
		if rowEnd := len("  row ") + strings.Index(line[len("  row "):], " "); !strings.HasPrefix(line[rowEnd:], "  ") {
			t.Errorf("fewer than two spaces after the row:\n%s", line)
		}
	}
	if len(cols) != 4 {
		t.Fatalf("want 4 lines of rows, got %d:\n%s", len(cols), out.String())
	}
	for _, c := range cols[1:] {
		if c != cols[0] {
			t.Errorf("the columns after the address do not line up (%v):\n%s", cols, out.String())
			break
		}
	}
}
