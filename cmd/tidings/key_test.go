package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/xuri/excelize/v2"
)

// TestKeyChangeRefused: recipients.key changed after a send to a column
// under which the rows to send go to addresses sent to before: check and
// send name those rows, and send sends nothing. A column renamed with
// its values kept (here a copy of the email column) still finds them
// sent: send goes on and sends only the new row; so does a new key over
// a sheet of people not sent to before.
func TestKeyChangeRefused(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 3 {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	setKey := func(key string) {
		t.Helper()
		b, err := os.ReadFile(camp)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Replace(string(b), "recipients: {path: r.csv", "recipients: {path: r.csv, key: "+key, 1)
		if err := os.WriteFile(camp, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	setKey("name")
	for _, cmd := range []string{"check", "send"} {
		out, errOut, code := runCLI(t, cmd, "--yes", camp)
		if cmd == "check" {
			out, errOut, code = runCLI(t, cmd, camp)
		}
		if code != exitUnusable || !strings.Contains(errOut, `recipients.key is "name", but earlier sends told recipients apart by "email": 3 rows to send go to addresses sent to before (row 2: user000@example.com; row 3: user001@example.com; row 4: user002@example.com)`) ||
			!strings.Contains(errOut, `Set recipients.key back to "email", or take those rows out. Rows that are other messages for those addresses (a second invoice), which the key was changed to send, go in a campaign of their own`) {
			t.Errorf("%s: code %d\n%s%s", cmd, code, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 3 {
		t.Fatalf("the server has %d messages, want the first send's 3", n)
	}
	dir := filepath.Dir(camp)
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(camp, []byte(strings.Replace(string(b), "key: name", "key: mail", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "email,name,mail\n" +
		"user000@example.com,User 0,user000@example.com\nuser001@example.com,User 1,user001@example.com\n" +
		"user002@example.com,User 2,user002@example.com\nnew@example.com,New,new@example.com\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 4 || srv.Received("new@example.com") != 1 {
		t.Errorf("send with the column copied: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	// A new key column over a sheet of new people sends to them: none of
	// them was sent to before.
	if err := os.WriteFile(camp, []byte(strings.Replace(string(b), "key: name", "key: id", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "email,name,id\nv1@example.com,V1,1\nv2@example.com,V2,2\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || srv.Received("v1@example.com") != 1 || srv.Received("v2@example.com") != 1 {
		t.Errorf("new people under a new key: code %d\n%s%s", code, out, errOut)
	}
}

// TestRenamedCampaignRefused: a campaign file renamed after a send (a new
// state folder, where nothing counts as sent): check warns and send
// refuses, naming the earlier name, until --new-campaign says it is a new
// campaign made from the same file. Another file beside it with a name of
// its own is a campaign of its own.
func TestRenamedCampaignRefused(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 3 {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(filepath.Dir(camp), "other.yaml")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"c.yaml":     strings.Replace(string(b), "name: t\n", "name: t-renamed\n", 1),
		"other.yaml": strings.Replace(string(b), "name: t\n", "name: other\n", 1),
	})
	const said = `was sent before under the name "t" (state folder `
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || !strings.Contains(out, "warning: ") || !strings.Contains(out, "c.yaml "+said) {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitUnusable || !strings.Contains(errOut, said) || !strings.Contains(errOut, "--new-campaign") {
		t.Errorf("send: code %d\n%s%s", code, out, errOut)
	}
	if n := len(srv.Messages()); n != 3 {
		t.Fatalf("the server has %d messages, want the first send's 3", n)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--new-campaign", camp); code != exitOK || len(srv.Messages()) != 6 {
		t.Errorf("send --new-campaign: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", other); code != exitOK || len(srv.Messages()) != 9 {
		t.Errorf("another campaign file: code %d\n%s%s", code, out, errOut)
	}
}

// TestRenameAfterNothingSent: a name changed after only a test send, or
// after a send that reached nobody, is no rename of a sent campaign; a
// campaign folder moved after a send still finds its earlier name.
func TestRenameAfterNothingSent(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	rename := func(camp, from, to string) {
		t.Helper()
		b, err := os.ReadFile(camp)
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, filepath.Dir(camp), map[string]string{filepath.Base(camp): strings.Replace(string(b), "name: "+from+"\n", "name: "+to+"\n", 1)})
	}
	if out, errOut, code := runCLI(t, "send", "--test", "me@example.com", camp); code != exitOK {
		t.Fatalf("test send: code %d\n%s%s", code, out, errOut)
	}
	rename(camp, "t", "t2")
	tests := len(srv.Messages())
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != tests+2 {
		t.Fatalf("send after a test send and a rename: code %d\n%s%s", code, out, errOut)
	}
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(filepath.Dir(camp), moved); err != nil {
		t.Fatal(err)
	}
	camp = filepath.Join(moved, filepath.Base(camp))
	rename(camp, "t2", "t3")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitUnusable || !strings.Contains(errOut, `was sent before under the name "t2" (state folder`) {
		t.Errorf("send after a move and a rename: code %d\n%s%s", code, out, errOut)
	}
}

// TestKeyRenamedOwedRow: after the key column is renamed with its values
// kept, a row still owing its Cc the message the To got is sent to the Cc
// alone: the journal knows its key, so it is no second copy.
func TestKeyRenamedOwedRow(t *testing.T) {
	t.Parallel()
	camp, srv, _ := owedCampaign(t)
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"c.yaml": strings.Replace(string(b), "recipients: {path: r.csv", "recipients: {path: r.csv, key: mail", 1),
		"r.csv":  "email,name,cc,mail\nann@example.com,Ann,boss@example.com,ann@example.com\n",
	})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || srv.Received("boss@example.com") != 1 || srv.Received("ann@example.com") != 1 {
		t.Errorf("code %d, boss %d, ann %d\n%s%s", code, srv.Received("boss@example.com"), srv.Received("ann@example.com"), out, errOut)
	}
}

// TestKeyValuesChanged: under the same recipients.key column, keys whose
// values were written otherwise (a spreadsheet dropped the zeros before
// the ids) are refused where a row to send goes to an address delivered
// to under a key no longer in the sheet, naming the row and the old key;
// a new row at an address of a row still in the sheet (two people, one
// address) goes.
func TestKeyValuesChanged(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	dir := filepath.Dir(camp)
	sheet := func(rows ...string) {
		t.Helper()
		writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n" + strings.Join(rows, "\n") + "\n"})
	}
	keyByID(t, camp)
	sheet("001,k1@example.com,K1", "002,k2@example.com,K2", "003,k3@example.com,K3", "004,k4@example.com,K4")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed || len(srv.Messages()) != 2 {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	sheet("1,k1@example.com,K1", "2,k2@example.com,K2", "3,k3@example.com,K3", "4,k4@example.com,K4")
	for _, args := range [][]string{{"check", camp}, {"send", "--yes", camp}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitUnusable || !strings.Contains(errOut, `2 rows to send go to addresses sent to before under keys (column "id") no longer in the sheet that hold the same value written otherwise (row 2: k1@example.com (sent as "001"); row 3: k2@example.com (sent as "002"))`) {
			t.Errorf("%s: code %d\n%s%s", args[0], code, out, errOut)
		}
	}
	// The format 0.000 on the column: 1.000 is 1 (or 1000 where a point
	// groups thousands); either way the same value as 001.
	sheet("1.000,k1@example.com,K1", "2.000,k2@example.com,K2", "3,k3@example.com,K3", "4,k4@example.com,K4")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitUnusable || !strings.Contains(errOut, `(row 2: k1@example.com (sent as "001"); row 3: k2@example.com (sent as "002"))`) {
		t.Errorf("send, keys as 1.000: code %d\n%s%s", code, out, errOut)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("the server has %d messages, want the first send's 2", n)
	}
	// Long ids written with an exponent, as a spreadsheet shows them.
	sheet("12345678901234567,k1@example.com,K1", "2,k2@example.com,K2", "3,k3@example.com,K3", "4,k4@example.com,K4")
	if out, errOut, code := runCLI(t, "check", camp); code != exitUnusable || !strings.Contains(errOut, `(row 3: k2@example.com (sent as "002"))`) {
		t.Errorf("check, one key changed: code %d\n%s%s", code, out, errOut)
	}
	// The keys put back, and a second person at k1's address: all go,
	// nobody twice.
	sheet("001,k1@example.com,K1", "002,k2@example.com,K2", "003,k3@example.com,K3", "004,k4@example.com,K4", "005,k1@example.com,K1's partner")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 5 || srv.Received("k1@example.com") != 2 || srv.Received("k2@example.com") != 1 {
		t.Errorf("keys put back: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}

// TestCopiedCampaignFile: a campaign file copied for a new issue with its
// name: kept shares the first one's state folder, where everyone counts as
// sent: check warns and send refuses, sending nothing, until the copy has
// a name of its own; so does a campaign folder copied with its state
// folder. A file moved (renamed on disk) goes on with its campaign.
func TestCopiedCampaignFile(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 3 {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	dir := filepath.Dir(camp)
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	dec := filepath.Join(dir, "dec.yaml")
	writeFiles(t, dir, map[string]string{"dec.yaml": strings.Replace(string(b), "Hello {{.name}}", "December news, {{.name}}", 1)})
	want := `are both named "t" and share the state folder`
	if out, errOut, code := runCLI(t, "check", dec); code != exitOK || !strings.Contains(out, "warning: ") || !strings.Contains(out, want) {
		t.Errorf("check of the copy: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", dec); code != exitUnusable || !strings.Contains(errOut, want) || !strings.Contains(errOut, "change this file's name: setting") {
		t.Errorf("send of the copy: code %d\n%s%s", code, out, errOut)
	}
	copied := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(copied, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", filepath.Join(copied, "c.yaml")); code != exitUnusable || !strings.Contains(errOut, "came with a copy of that campaign's folder") ||
		!strings.Contains(errOut, "For a campaign of its own, remove "+filepath.Join(copied, ".tidings", "t")) {
		t.Errorf("send of the folder copied with its state: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "preview", dec); code != exitOK || !strings.Contains(out, "warning: ") || !strings.Contains(out, want) {
		t.Errorf("preview of the copy: code %d\n%s%s", code, out, errOut)
	}
	if n := len(srv.Messages()); n != 3 {
		t.Fatalf("the server has %d messages, want the first send's 3", n)
	}
	writeFiles(t, dir, map[string]string{"dec.yaml": strings.Replace(string(b), "name: t", "name: t-december", 1)})
	if out, errOut, code := runCLI(t, "send", "--yes", dec); code != exitOK || len(srv.Messages()) != 6 {
		t.Errorf("the copy under a name of its own: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	moved := filepath.Join(dir, "nov.yaml")
	if err := os.Rename(camp, moved); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", moved); code != exitOK || strings.Contains(out+errOut, "share the state folder") || len(srv.Messages()) != 6 {
		t.Errorf("the file moved: code %d\n%s%s", code, out, errOut)
	}
}

// TestKeyOfAProblemRow: a row sent before that has a problem now keeps
// its key in the sheet: a new row at its address (a second person) goes,
// not taken for a key that changed.
func TestKeyOfAProblemRow(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	dir := filepath.Dir(camp)
	keyByID(t, camp)
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n7,fam@example.com,Ann\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("first send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n7,fam@example.com,A\x01nn\n8,fam@example.com,Bob\n"})
	for _, args := range [][]string{{"check", camp}, {"send", "--yes", camp}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK || strings.Contains(errOut, "no longer in the sheet") {
			t.Errorf("%s: code %d\n%s%s", args[0], code, out, errOut)
		}
	}
	if n := srv.Received("fam@example.com"); n != 2 {
		t.Errorf("fam got %d messages, want Ann's and Bob's", n)
	}
}

// TestKeyExponent: an id a spreadsheet wrote with an exponent
// (1.23457E+16) is the id sent before at its address; a different id at
// the address of a row that left the sheet (a second invoice) goes, with a
// warning.
func TestKeyExponent(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	dir := filepath.Dir(camp)
	keyByID(t, camp)
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n12345678901234567,ann@example.com,Ann\n001,bob@example.com,Bob\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("first send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n1.23457E+16,ann@example.com,Ann\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitUnusable || !strings.Contains(errOut, `row 2: ann@example.com (sent as "12345678901234567")`) {
		t.Errorf("exponent: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n006,bob@example.com,Bob\n"})
	want := `warning: 1 row to send goes to addresses sent to before under keys no longer in the sheet (row 2: bob@example.com (sent as "001"))`
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || !strings.Contains(out, want) {
		t.Errorf("check, a new id: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || !strings.Contains(out, want) || srv.Received("bob@example.com") != 2 {
		t.Errorf("send, a new id: code %d, bob %d\n%s%s", code, srv.Received("bob@example.com"), out, errOut)
	}
}

// TestSharedStateDir: two campaigns of different names under one
// state_dir: the second is refused (its name is not the one the folder's
// sends were made under), also once the first file is gone, with advice
// that fits a state_dir; a state folder of its own lets it go.
func TestSharedStateDir(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "state_dir: state\n")
	dir := filepath.Dir(camp)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	dec := filepath.Join(dir, "dec.yaml")
	writeFiles(t, dir, map[string]string{"dec.yaml": strings.Replace(string(b), "name: t", "name: december", 1)})
	want := `the state folder ` + filepath.Join(dir, "state") + ` holds the sends of the campaign "t" (` + camp + `), and this one is named "december"`
	for _, remove := range []bool{false, true} {
		if remove {
			if err := os.Remove(camp); err != nil {
				t.Fatal(err)
			}
		}
		if out, errOut, code := runCLI(t, "send", "--yes", dec); code != exitUnusable || !strings.Contains(errOut, want) || !strings.Contains(errOut, "give this file a state_dir: of its own") {
			t.Errorf("send (first file removed: %v): code %d\n%s%s", remove, code, out, errOut)
		}
	}
	writeFiles(t, dir, map[string]string{"dec.yaml": strings.Replace(strings.Replace(string(b), "name: t", "name: december", 1), "state_dir: state", "state_dir: state-dec", 1)})
	if out, errOut, code := runCLI(t, "send", "--yes", dec); code != exitOK || len(srv.Messages()) != 4 {
		t.Errorf("a state folder of its own: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}

// TestKeyExponentPutBack: an id sent in its exponent form (a sheet a
// spreadsheet had changed) and put back in full is the same value.
func TestKeyExponentPutBack(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	dir := filepath.Dir(camp)
	keyByID(t, camp)
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n1.23457E+16,ann@example.com,Ann\n123456789012345678,bob@example.com,Bob\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("first send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n12345678901234567,ann@example.com,Ann\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitUnusable || srv.Received("ann@example.com") != 1 {
		t.Errorf("exponent put back: code %d, ann %d\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
	}
	// A whole number written with ".0" (a column with gaps, as pandas
	// writes it) is the same value.
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n1.23457E+16,ann@example.com,Ann\n123456789012345678.0,bob@example.com,Bob\n"})
	if out, errOut, code := runCLI(t, "check", camp); code != exitUnusable || !strings.Contains(errOut, `(row 3: bob@example.com (sent as "123456789012345678"))`) {
		t.Errorf("an id with .0: code %d\n%s%s", code, out, errOut)
	}
	// Another long id, past float64's integers, is another key.
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n1.23457E+16,ann@example.com,Ann\n123456789012345679,bob@example.com,Bob\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || srv.Received("bob@example.com") != 2 {
		t.Errorf("a new long id: code %d, bob %d\n%s%s", code, srv.Received("bob@example.com"), out, errOut)
	}
}

// TestCopiedFolderSharedStateDir: a campaign folder copied whose
// campaign sets a state_dir outside it shares the original's state
// folder: the refusal does not say to remove it (the original's journal).
func TestCopiedFolderSharedStateDir(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	state := filepath.Join(t.TempDir(), "state")
	camp := sendCampaign(t, srv, 2, "state_dir: "+state+"\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	copied := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(copied, os.DirFS(filepath.Dir(camp))); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, "send", "--yes", filepath.Join(copied, "c.yaml"))
	if code != exitUnusable || strings.Contains(errOut, "remove "+state) || !strings.Contains(errOut, "give this file a state_dir: of its own") {
		t.Errorf("code %d\n%s", code, errOut)
	}
}

// TestCopiedFolderOwnStateDir: a campaign folder copied whose state_dir
// is a folder inside it: the copy has its own copy of that state folder,
// which it is told to remove.
func TestCopiedFolderOwnStateDir(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "state_dir: state\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	copied := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(copied, os.DirFS(filepath.Dir(camp))); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, "send", "--yes", filepath.Join(copied, "c.yaml"))
	if code != exitUnusable || strings.Contains(errOut, "share the state folder") || !strings.Contains(errOut, "remove "+filepath.Join(copied, "state")) {
		t.Errorf("code %d\n%s", code, errOut)
	}
}

// invoiceWorkbook writes dir/r.xlsx: invoice numbers in column A, in
// the number format numFmt (0: General), and an address each.
func invoiceWorkbook(t *testing.T, dir string, numFmt int) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{{"invoice_no", "email", "name"}, {100102, "wang.fang@example.de", "Wang Fang"}, {100107, "li.lei@example.de", "Li Lei"}}
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	st, err := f.NewStyle(&excelize.Style{NumFmt: numFmt})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("Sheet1", "A2", "A3", st); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(filepath.Join(dir, "r.xlsx")); err != nil {
		t.Fatal(err)
	}
}

// TestKeyNumberFormatChanged: invoices sent by their number from a
// workbook, whose key cells then get Excel's #,##0 format (100,102) or
// 0.00E+00 (1.00E+05): check and send refuse (exit 2), naming the rows
// and the keys they were sent under, and nothing goes twice.
func TestKeyNumberFormatChanged(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	invoiceWorkbook(t, dir, 0)
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx, key: invoice_no}`),
		"body.txt": "Invoice {{.invoice_no}}\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 2 {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	for _, tc := range []struct {
		numFmt   int
		shown    string
		wantRows string
	}{
		{3, "100,102", `(row 2: wang.fang@example.de (sent as "100102"); row 3: li.lei@example.de (sent as "100107"))`},
		{11, "1.00E+05", `row 2: wang.fang@example.de (sent as "100102")`},
	} {
		invoiceWorkbook(t, dir, tc.numFmt)
		for _, cmd := range []string{"check", "send"} {
			args := []string{cmd, camp}
			if cmd == "send" {
				args = []string{cmd, "--yes", camp}
			}
			out, errOut, code := runCLI(t, args...)
			if code != exitUnusable || !strings.Contains(errOut, "under keys (column \"invoice_no\") no longer in the sheet that hold the same value written otherwise") ||
				!strings.Contains(errOut, tc.wantRows) || !strings.Contains(errOut, "thousands separator") {
				t.Errorf("%s, keys shown as %s: code %d\n%s%s", cmd, tc.shown, code, out, errOut)
			}
		}
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("the server has %d messages, want the first send's 2", n)
	}
}

// TestKeyColumnContaining: a sheet from a form, whose address column is
// "Email Address": check suggests it for the key column email, and for a
// To template's .email, how a template writes it.
func TestKeyColumnContaining(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	camp := filepath.Join(dir, "c.yaml")
	for key, want := range map[string]string{
		"":                     `key column not in the sheet: "email" (the default of recipients.key, which the campaign file does not write; columns: Email Address, name); did you mean recipients.key: "Email Address"?`,
		", key: Email Address": `"email"; did you mean {{.Email_Address}} (the column "Email Address")?`,
	} {
		writeFiles(t, dir, map[string]string{
			"c.yaml": `name: t
from: news@acme.example
to: '{{.email}}'
subject: hi
text: body.txt
recipients: {path: r.csv` + key + `}
smtp: {host: 127.0.0.1, port: 2525, security: none}
`,
			"body.txt": "hi\n",
			"r.csv":    "Email Address,name\nann@example.org,Ann\n",
		})
		out, errOut, code := runCLI(t, "check", camp)
		if code != exitUnusable || !strings.Contains(errOut, want) {
			t.Errorf("key %q: code %d, want %q\n%s%s", key, code, want, out, errOut)
		}
	}
}
