package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestKeyReusedNamesColumns: a row with an earlier row's key and other
// values is told with the columns it differs in and both values, from a
// CSV and from a workbook, by check, preview and send; a plain repeat
// (the same values, a space aside) is not, nor a column the campaign does
// not read.
func TestKeyReusedNamesColumns(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	rows := [][]string{
		{"email", "name", "invoice", "amount", "notes"},
		{"ann@example.com", "Ann", "INV-1", "10.00", "a"},  // row 2
		{"bob@example.com", "Bob", "INV-2", "20.00", "b"},  // row 3
		{"ann@example.com", "Ann ", "INV-1", "10.00", "c"}, // row 4: the same again
		{"ANN@example.com", "Ann", "INV-1", "35.00", "d"},  // row 5: another amount
		{"bob@example.com", "Rob", "INV-4", "20.00", "b"},  // row 6: two columns
	}
	for _, kind := range []string{"csv", "xlsx"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			sheet := "r." + kind
			writeFiles(t, dir, map[string]string{
				"c.yaml":   campaignYAML(srv.Port, `recipients: {path: `+sheet+`}`),
				"body.txt": "Hi {{.name}}, invoice {{.invoice}}: {{.amount}}\n",
			})
			writeSheet(t, filepath.Join(dir, sheet), rows)
			camp := filepath.Join(dir, "c.yaml")
			want := []string{
				`note: row 5 has the key of row 2 (column "email") and differs from it in column "amount" (row 2 "10.00", row 5 "35.00")` + "\n",
				`note: row 6 has the key of row 3 (column "email") and differs from it in columns "name" (row 3 "Bob", row 6 "Rob") and "invoice" (row 3 "INV-2", row 6 "INV-4")` + "\n",
			}
			for _, args := range [][]string{{"check"}, {"preview"}, {"send", "--yes"}} {
				out, errOut, code := runCLI(t, append(args, camp)...)
				for _, w := range want {
					if code != exitSomeFailed || strings.Count(out, w) != 1 || strings.Contains(out, "row 4 has the key") || strings.Contains(out, `"notes"`) {
						t.Errorf("%s: code %d, want %q once\n%s%s", args[0], code, w, out, errOut)
					}
				}
			}
			if len(srv.Messages()) != 0 {
				t.Errorf("send sent %d messages", len(srv.Messages()))
			}
		})
	}
}

// writeSheet writes rows to path: a CSV, or a workbook of one sheet of
// text cells.
func writeSheet(t *testing.T, path string, rows [][]string) {
	t.Helper()
	if filepath.Ext(path) == ".csv" {
		var b strings.Builder
		for _, r := range rows {
			b.WriteString(strings.Join(r, ",") + "\n")
		}
		writeFiles(t, filepath.Dir(path), map[string]string{filepath.Base(path): b.String()})
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestDuplicatesFirstNamesColumns: under recipients.duplicates: first, a
// row with an earlier row's key and other values is skipped, its values
// going nowhere; check, preview, a test send and a send (rendering, and
// from the spool the test send made) name the columns it differs in, as
// the strict rule's note does, beside the warning.
func TestDuplicatesFirstNamesColumns(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.csv, duplicates: first}`),
		"body.txt": "Hi {{.name}}, invoice {{.invoice}}: {{.amount}}\n",
	})
	writeSheet(t, filepath.Join(dir, "r.csv"), [][]string{
		{"email", "name", "invoice", "amount"},
		{"ann@example.com", "Ann", "INV-1", "10.00"},
		{"bob@example.com", "Bob", "INV-2", "20.00"},
		{"ann@example.com", "Ann", "INV-1", "35.00"}, // row 4: another amount
	})
	camp := filepath.Join(dir, "c.yaml")
	want := `note: row 4 has the key of row 2 (column "email") and differs from it in column "amount" (row 2 "10.00", row 4 "35.00")` + "\n"
	for _, args := range [][]string{{"check"}, {"preview"}, {"send", "--yes", "--test", "qa@example.org"}, {"send", "--yes"}} {
		out, errOut, code := runCLI(t, append(args, camp)...)
		if code != exitOK || strings.Count(out, want) != 1 || strings.Count(out, "with other values; under recipients.duplicates: first") != 1 {
			t.Errorf("%s: code %d, want %q once, and the warning\n%s%s", strings.Join(args, " "), code, want, out, errOut)
		}
	}
	if got := len(srv.Messages()); got != 4 {
		t.Errorf("the server got %d messages, want 2 for the test send and 2 for the send", got)
	}
}

// TestKeyReusedNoteSheetGone: the note on a reused key reads the sheet
// again; a sheet gone since its rows were checked gets a note saying the
// rows are not compared, and the command goes on (it was a note, not a
// problem: check had failed unusable, exit 2); an interrupt still ends it.
func TestKeyReusedNoteSheetGone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, `recipients: {path: r.csv}`),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\nann@example.com,Ann\nann@example.com,Anne\n",
	})
	in, err := plan.Open(context.Background(), filepath.Join(dir, "c.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "r.csv")); err != nil {
		t.Fatal(err)
	}
	pairs := []plan.ReusedPair{{Row: 3, First: 2}}
	var out strings.Builder
	if err := printReused(context.Background(), &out, in, pairs, 0, 0, false); err != nil || !strings.HasPrefix(out.String(), "note: the rows with an earlier row's key and other values are not compared here: ") || !strings.Contains(out.String(), "r.csv") {
		t.Errorf("printReused = %v, printed %q; want a note naming the sheet and no error", err, out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := printReused(ctx, io.Discard, in, pairs, 0, 0, false); err == nil {
		t.Error("printReused under a cancelled context: no error")
	}
}

// TestKeyReusedNotesGrouped: a sheet with its members pasted below it
// again, the amount changed (a German club's treasurer, rev-user3), gets
// the first 3 rows' notes in full and one line naming the others that
// differ in that column alone, not a note a row; check --max-problems 0
// names every one.
func TestKeyReusedNotesGrouped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rows := [][]string{{"email", "name", "amount"}}
	for i := range 8 {
		rows = append(rows, []string{fmt.Sprintf("m%d@example.com", i), "M", "48.00"})
	}
	for i := range 8 {
		rows = append(rows, []string{fmt.Sprintf("m%d@example.com", i), "M", "72.00"})
	}
	rows = append(rows, []string{"m0@example.com", "N", "48.00"}) // row 18: another column
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1),
		"body.txt": "Hi {{.name}}: {{.amount}}\n",
	})
	writeSheet(t, filepath.Join(dir, "r.csv"), rows)
	camp := filepath.Join(dir, "c.yaml")
	const rest = `note: 5 more rows have the key of an earlier row and, as the 3 above, differ from it in column "amount" and no other: 13, 14, 15, 16, 17` + "\n"
	for _, args := range [][]string{{"check", camp}, {"preview", "-o", filepath.Join(dir, "pv"), camp}} {
		out, errOut, _ := runCLI(t, args...)
		if strings.Count(out, "note: row ") != 4 || strings.Count(out, rest) != 1 || !strings.Contains(out, `note: row 18 has the key of row 2 (column "email") and differs from it in column "name"`) {
			t.Errorf("%s:\n%s%s", args[0], out, errOut)
		}
	}
	out, errOut, _ := runCLI(t, "check", "--max-problems", "0", camp)
	if strings.Count(out, "note: row ") != 9 || strings.Contains(out, "more rows have") {
		t.Errorf("check --max-problems 0:\n%s%s", out, errOut)
	}
}

// TestKeyReusedNotesOneMore: one row past the three differing in the same
// columns is counted as one ("1 more row has", as the problem printer
// says), not "1 more rows have" (rev-final).
func TestKeyReusedNotesOneMore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rows := [][]string{{"email", "name", "amount"}}
	for i := range 4 {
		rows = append(rows, []string{fmt.Sprintf("m%d@example.com", i), "M", "48.00"})
	}
	for i := range 4 {
		rows = append(rows, []string{fmt.Sprintf("m%d@example.com", i), "M", "72.00"})
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1),
		"body.txt": "Hi {{.name}}: {{.amount}}\n",
	})
	writeSheet(t, filepath.Join(dir, "r.csv"), rows)
	out, errOut, _ := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
	const one = `note: 1 more row has the key of an earlier row and, as the 3 above, differs from it in column "amount" and no other: 9` + "\n"
	if strings.Count(out, "note: row ") != 3 || !strings.Contains(out, one) {
		t.Errorf("check:\n%s%s", out, errOut)
	}
	out, errOut, _ = runCLI(t, "check", "--max-problems", "3", filepath.Join(dir, "c.yaml"))
	if !strings.Contains(out, "note: and 1 row more with an earlier row's key and other values\n") {
		t.Errorf("check --max-problems 3:\n%s%s", out, errOut)
	}
}
