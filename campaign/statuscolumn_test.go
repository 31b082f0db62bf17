package campaign

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// statusRows are the rows of a listmonk export: two blocklisted (rows 3
// and 5, one written in capitals), the others enabled or with a status no
// one is kept from (unconfirmed).
var statusRows = [][]string{
	{"a@shop.example", "A", `{"plan": "gold"}`, "enabled"},
	{"b@shop.example", "B", `{}`, "blocklisted"},
	{"c@shop.example", "C", `{}`, "unconfirmed"},
	{"d@shop.example", "D", `{}`, " Blocklisted "},
	{"e@shop.example", "E", `{}`, "unsubscribed"},
	{"f@shop.example", "F", `{}`, "Opt-Out"},
}

// readAllWarnings reads every row of the sheet r names and returns the
// sheet's warnings once it is read.
func readAllWarnings(t *testing.T, r Recipients) []string {
	t.Helper()
	ctx := context.Background()
	s, err := OpenSheet(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for {
		if _, err := s.Next(ctx); err == io.EOF {
			return s.Warnings()
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

// TestStatusColumnWarned: a sheet exported from a mailing list with a
// status column that keeps people from mail (listmonk's blocklisted)
// is warned of once it is read, CSV and XLSX alike, naming the file, the
// column, each such value with its rows (opt-out as opted-out is), and
// the header under which a column of another meaning is read as none; one
// without such rows, or with no status column (account_status), is not.
func TestStatusColumnWarned(t *testing.T) {
	dir := t.TempDir()
	csvText := "email,name,attributes,status\n"
	for _, r := range statusRows {
		csvText += strings.Join([]string{r[0], r[1], `"` + strings.ReplaceAll(r[2], `"`, `""`) + `"`, r[3]}, ",") + "\n"
	}
	csvPath := filepath.Join(dir, "subscribers.csv")
	if err := os.WriteFile(csvPath, []byte(csvText), 0o644); err != nil {
		t.Fatal(err)
	}
	xlsxPath := filepath.Join(dir, "subscribers.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]string{"email", "name", "attributes", "Status"}); err != nil {
		t.Fatal(err)
	}
	for i, r := range statusRows {
		if err := f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, column string }{{csvPath, "status"}, {xlsxPath, "Status"}} {
		want := filepath.Base(c.path) + `: column "` + c.column + `" says "blocklisted" in 2 rows (3, 5), "unsubscribed" in 1 row (6), "opt-out" in 1 row (7): tidings reads no status column`
		got := readAllWarnings(t, Recipients{Path: c.path, Key: "email"})
		if len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.Contains(got[0], "under another header, such as account_status") {
			t.Errorf("%s: warnings %q, want one starting %q, naming account_status for a column of another meaning", c.path, got, want)
		}
	}

	clean := filepath.Join(dir, "clean.csv")
	if err := os.WriteFile(clean, []byte("email,status\na@shop.example,enabled\nb@shop.example,unconfirmed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.csv")
	if err := os.WriteFile(other, []byte("email,state\na@shop.example,blocklisted\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	account := filepath.Join(dir, "account.csv") // the name the warning gives a column of another meaning
	if err := os.WriteFile(account, []byte("email,account_status\na@shop.example,disabled\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{clean, other, account} {
		if got := readAllWarnings(t, Recipients{Path: p, Key: "email"}); len(got) != 0 {
			t.Errorf("%s: warnings %q, want none", p, got)
		}
	}
}

// TestStatusColumnSuppressed: the rows whose address the suppression list
// names are not sent, so they are warned of no more (a sheet whose
// blocklisted rows were put in the suppress: file, as the warning says,
// was warned of at every check, preview and send); CSV and XLSX alike.
func TestStatusColumnSuppressed(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "suppressed.txt")
	if err := os.WriteFile(list, []byte("b@shop.example # blocklisted in listmonk\nD@Shop.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sup, err := LoadSuppression(list)
	if err != nil {
		t.Fatal(err)
	}
	csvText := "email,status\n"
	for _, r := range statusRows {
		csvText += r[0] + "," + r[3] + "\n"
	}
	csvPath := filepath.Join(dir, "subscribers.csv")
	if err := os.WriteFile(csvPath, []byte(csvText), 0o644); err != nil {
		t.Fatal(err)
	}
	xlsxPath := filepath.Join(dir, "subscribers.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]string{"email", "status"}); err != nil {
		t.Fatal(err)
	}
	for i, r := range statusRows {
		if err := f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &[]string{r[0], r[3]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{csvPath, xlsxPath} {
		want := filepath.Base(p) + `: column "status" says "unsubscribed" in 1 row (6), "opt-out" in 1 row (7): `
		got := readAllWarnings(t, Recipients{Path: p, Key: "email", Suppress: sup})
		if len(got) != 1 || !strings.HasPrefix(got[0], want) {
			t.Errorf("%s: warnings %q, want one starting %q", p, got, want)
		}
	}
	if err := os.WriteFile(list, []byte("b@shop.example\nd@shop.example\n@shop.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if sup, err = LoadSuppression(list); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{csvPath, xlsxPath} {
		if got := readAllWarnings(t, Recipients{Path: p, Key: "email", Suppress: sup}); len(got) != 0 {
			t.Errorf("%s: every such row suppressed: warnings %q, want none", p, got)
		}
	}
}

// TestStatusColumnSuppressedByAddress: a row is left out of the warning
// only when the suppression list names every address it holds, as send
// skips rows by their recipients, not by the key: the key column's
// address listed while the row goes to another column's (to:
// '{{.work}}') is a row send mails, still warned of; a key that is no
// address (a name) with the row's one address listed is not.
func TestStatusColumnSuppressedByAddress(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "suppressed.txt")
	if err := os.WriteFile(list, []byte("ann@example.org\nBob@Example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sup, err := LoadSuppression(list)
	if err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(dir, "people.csv")
	text := "name,email,work,status\nAnn,ann@example.org,ann@work.example,blocklisted\nBob,bob@example.org,,blocklisted\nCy,cy@example.org,,enabled\n"
	if err := os.WriteFile(csvPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"email", "name"} {
		want := `people.csv: column "status" says "blocklisted" in 1 row (2): `
		got := readAllWarnings(t, Recipients{Path: csvPath, Key: key, Suppress: sup})
		if len(got) != 1 || !strings.HasPrefix(got[0], want) {
			t.Errorf("key %s: warnings %q, want one starting %q", key, got, want)
		}
	}
}
