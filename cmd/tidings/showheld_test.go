package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestShowByAddressNamesTheKey: an invoice campaign keyed by its invoice
// number, asked to show a client's address (what an office looks a client
// up by), says which row holds that address and its key, rather than only
// that it is no key; so does one of the addresses of a cell that holds two
// ("carl@example.com; cleo@example.com", both parents of a pupil), which
// was told only that it is no key (rev-user6).
func TestShowByAddressNamesTheKey(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.csv, key: invoice}`, `to: "{{.email}}"`),
		"body.txt": "Hallo {{.name}}, {{.invoice}}\n",
		"r.csv":    "invoice,email,name\nK1001,ann@example.com,Ann\nK1002,bob@example.com,Bob\nK1003,\"carl@example.com; Cleo <cleo@example.com>\",Carl\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	_, errOut, code := runCLI(t, "show", camp, "Bob@example.com")
	if code != exitSomeFailed || !strings.Contains(errOut, `it is the email of row 3 (key "K1002")`) {
		t.Errorf("show by address: code %d, want %d naming row 3 and its key:\n%s", code, exitSomeFailed, errOut)
	}
	for _, addr := range []string{"carl@example.com", "Cleo@example.com"} {
		_, errOut, code = runCLI(t, "show", camp, addr)
		if code != exitSomeFailed || !strings.Contains(errOut, `it is the email of row 4 (key "K1003")`) {
			t.Errorf("show by %s, one of a cell's addresses: code %d, want %d naming row 4 and its key:\n%s", addr, code, exitSomeFailed, errOut)
		}
	}
	_, errOut, code = runCLI(t, "show", camp, "K9999")
	if code != exitSomeFailed || strings.Contains(errOut, "it is the") {
		t.Errorf("show of no key: code %d, want %d and no row named:\n%s", code, exitSomeFailed, errOut)
	}
}

// TestShowKeyLeadingZeros: a client number typed without the leading
// zeros the sheet writes ("87" for "00087", as one reads it off an
// invoice) is told as that row's key, with the key to give; one whose
// digits differ is not (rev-user14).
func TestShowKeyLeadingZeros(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.csv, key: client_no}`, `to: "{{.email}}"`),
		"body.txt": "Dear {{.name}}, client {{.client_no}}\n",
		"r.csv":    "client_no,email,name\n00412,ann@example.com,Ann\n00087,bob@example.com,Bob\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	for _, typed := range []string{"87", "087"} {
		_, errOut, code := runCLI(t, "show", camp, typed)
		if code != exitSomeFailed || !strings.Contains(errOut, `it is the key "00087" of row 3, written with its leading zeros: show takes the key`) {
			t.Errorf("show %s: code %d, want %d naming row 3's key:\n%s", typed, code, exitSomeFailed, errOut)
		}
	}
	_, errOut, code := runCLI(t, "show", camp, "187")
	if code != exitSomeFailed || strings.Contains(errOut, "it is the") {
		t.Errorf("show 187: code %d, want %d and no row named:\n%s", code, exitSomeFailed, errOut)
	}
}
