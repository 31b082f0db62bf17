package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestProblemOfEveryRow: a mistake made in every row (an address column
// holding "name(at)example.com") prints three examples and one line naming
// the other rows, in check, preview and send; a problem of another kind
// among them is printed in full; --max-problems 0 prints every row.
func TestProblemOfEveryRow(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("email,name,amount\n")
	for i := range 40 {
		amount := "12.50"
		if i == 20 {
			amount = `"1,2,3"`
		}
		fmt.Fprintf(&sheet, "p%d(at)example.com,P %d,%s\n", i, i, amount)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.csv}`),
		"body.txt": "Hi {{.name}}, {{number 2 .amount}}.\n",
		"r.csv":    sheet.String(),
	})
	camp := filepath.Join(dir, "c.yaml")
	for _, args := range [][]string{{"check", camp}, {"preview", camp}, {"send", "--yes", camp}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitSomeFailed {
			t.Fatalf("%s: code %d\n%s%s", args[0], code, out, errOut)
		}
		var full []string
		var grouped string
		for _, l := range strings.Split(out, "\n") {
			switch {
			case strings.Contains(l, " more rows have the problem of row 2 "):
				grouped = l
			case strings.HasPrefix(l, "problem: ") && strings.Contains(l, "r.csv: row "):
				full = append(full, l)
			}
		}
		// Rows 2-4 in full, and row 22 (the 21st person) with its amount
		// too: its kind is another.
		if len(full) != 5 || !strings.Contains(full[0], "row 2, ") || !strings.Contains(full[2], "row 4, ") ||
			!strings.Contains(full[3], `row 22, column "email"`) || !strings.Contains(full[4], `row 22, column "amount"`) {
			t.Errorf("%s: rows printed in full:\n%s\nwant rows 2, 3, 4 and both of row 22's\n%s", args[0], strings.Join(full, "\n"), out)
		}
		want := `r.csv, column "email": 36 more rows have the problem of row 2 (to: `
		if !strings.HasPrefix(grouped, "problem: ") || !strings.Contains(grouped, want) || !strings.HasSuffix(grouped, `: 5, 6, 7, 8, 9 and 31 more`) ||
			!strings.Contains(grouped, `"p0(at)example.com"`) {
			t.Errorf("%s: the other rows' line is\n%s\nwant %s…: 5, 6, 7, 8, 9 and 31 more\n%s", args[0], grouped, want, out)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("send delivered %d messages; want none", n)
	}
	// Rows with two problems each are grouped as such, not as their
	// first problem.
	writeFiles(t, dir, map[string]string{"body.txt": "Hi {{.name}}, {{number 2 .amount}} {{number 0 .name}}.\n"})
	out, _, _ := runCLI(t, "check", camp)
	if !strings.Contains(out, "r.csv: 36 more rows have the 2 problems of row 2 (above): 5, 6, 7, 8, 9 and 31 more") {
		t.Errorf("check of rows with two problems each: want them named as such\n%s", out)
	}
	writeFiles(t, dir, map[string]string{"body.txt": "Hi {{.name}}, {{number 2 .amount}}.\n"})
	out, errOut, code := runCLI(t, "check", "--max-problems", "0", camp)
	if n := strings.Count(out, "r.csv: row "); code != exitSomeFailed || n != 41 || strings.Contains(out, "more rows have") {
		t.Errorf("check --max-problems 0: code %d, %d problem lines, want 41 and no grouping\n%s%s", code, n, out, errOut)
	}
	out, _, _ = runCLI(t, "check", "--max-problems", "2", camp)
	if !strings.Contains(out, "37 more rows have the problem of row 2") || !strings.Contains(out, "(1 more row with problems not shown)") {
		t.Errorf("check --max-problems 2: want rows 2 and 3 in full, the email kind's others named, row 22 not shown\n%s", out)
	}
}

func TestProblemKind(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{`r.csv: row 2, column "email": address: "a(at)x.com": it has (at) where the @ goes`,
			`r.csv: row 300, column "email": address: "b\"c(at)y.org": it has (at) where the @ goes`, true},
		{`r.csv: row 2, column "email": address: "a(at)x.com": it has (at)`,
			`r.csv: row 2, column "mail": address: "a(at)x.com": it has (at)`, false},
		{`r.csv: row 2, column "date": month 13 (c.yaml:4)`, `r.csv: row 9, column "date": month 0 (c.yaml:4)`, true},
		{`r.csv: row 2: no address`, `r.csv: row 3: no address`, true},
		{`r.csv: row 2: no address`, `r.csv: row 3: no name`, false},
		{`odd line "x"`, `odd line "y"`, false},
	} {
		if got := problemKind(c.a) == problemKind(c.b); got != c.same {
			t.Errorf("problemKind(%q) == problemKind(%q): %v, want %v (%q, %q)", c.a, c.b, got, c.same, problemKind(c.a), problemKind(c.b))
		}
	}
}

// TestCheckMaxProblemsNegative: a negative --max-problems is refused
// (exit 2), as preview refuses a negative --limit; taken by a script for
// "no limit", it printed no problem at all and exit 1.
func TestCheckMaxProblemsNegative(t *testing.T) {
	t.Parallel()
	camp := sendCampaign(t, smtptest.NewServer(t), 2, "")
	out, errOut, code := runCLI(t, "check", "--max-problems", "-1", camp)
	if code != exitUnusable || !strings.Contains(errOut, "--max-problems") || out != "" {
		t.Errorf("check --max-problems -1: code %d\n%s%s", code, out, errOut)
	}
}
