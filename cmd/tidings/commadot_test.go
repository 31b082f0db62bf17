package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCcCommaForDot: a Cc typed "buch@example,de" (a comma for the dot,
// next to each other on a German keyboard's number pad) is split at the
// comma into two addresses; the problem named only the part "de", which
// is nowhere in the sheet as such. It now says the comma split the cell
// and which address was probably meant.
func TestCcCommaForDot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, `cc: "{{.cc}}"`),
		"body.txt": "Hallo {{.name}}\n",
		"r.csv":    "email,name,cc\nann@example.com,Ann,\"buch@example,de\"\nbob@example.com,Bob,\"a@example.de, b@example.de\"\n",
	})
	out, errOut, code := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
	want := `row 2, column "cc": invalid address "de": not an email address: it has no @ (a comma separates addresses, so "buch@example,de" is read as two; a dot typed as a comma? buch@example.de)`
	if code != exitSomeFailed || !strings.Contains(out, want) || strings.Contains(out, "row 3") {
		t.Errorf("check: code %d, want %d and\n%s\n%s%s", code, exitSomeFailed, want, out, errOut)
	}
}
