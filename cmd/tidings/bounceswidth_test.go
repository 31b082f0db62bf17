package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/bounces"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
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

// TestBouncesColumnsWideCharacters: the columns were as wide as the
// longest address in runes, so an address of East Asian wide characters
// (two columns each) or with a combining mark (none) put the columns
// after it out of line on a terminal (fix-sum2); they line up by the
// width a terminal gives them (report.Width).
func TestBouncesColumnsWideCharacters(t *testing.T) {
	t.Parallel()
	matched := func(row int, addr string) bounces.Finding {
		return bounces.Finding{Verdict: bounces.Matched, New: 1, Matches: []bounces.Match{{
			Entry: &journal.Entry{Row: row}, Recipient: addr, Kind: journal.FeedbackBounced, Status: "5.1.1", Diagnostic: "550 no such user"}}}
	}
	sum := &bounces.Summary{Findings: []bounces.Finding{
		matched(2, "ann@example.org"),
		matched(3, "山田太郎さまの長いアドレス@例え.jp"),
		matched(4, "cafe\u0301-de\u0301ja\u0300-vu\u0308-ole\u0301@example.org"),
	}}
	var out strings.Builder
	printBounces(&globalOptions{stdout: &out}, &campaign.Campaign{Name: "news", Suppress: "suppress.txt"}, sum, bouncesOptions{})
	var cols []int
	for line := range strings.Lines(out.String()) {
		if i := strings.Index(line, " bounced "); strings.HasPrefix(line, "  row ") && i > 0 {
			cols = append(cols, report.Width(line[:i]))
		}
	}
	if len(cols) != 3 || cols[1] != cols[0] || cols[2] != cols[0] {
		t.Errorf("the columns after the address do not line up on a terminal (%v):\n%s", cols, out.String())
	}
}
