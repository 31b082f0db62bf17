package campaign

import (
	"os"
	"path/filepath"
	"testing"
)

// TestNamedFiles: a campaign file that does not load (a key misspelled)
// still names its own files, each resolved against its folder (a list of
// DKIM keys, one mapping, the CA files, the state folder); a YAML file
// with no recipients: names none.
func TestNamedFiles(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"list.yaml":  "name: n\nsubjct: typo\nrecipients: {path: people.csv}\nsuppress: gone.txt\nstate_dir: st\ndkim:\n  - {domain: a.example, selector: s, key_file: keys/a.key}\n  - {domain: a.example, selector: t, key_file: /abs/b.key}\nsmtp: {ca_file: ca.pem}\nmailbox: {ca_file: mca.pem}\n",
		"one.yaml":   "\ufeffrecipients: people.csv\ndkim: {key_file: k.pem}\n",
		"notes.yaml": "path: people.csv\n",
		"bad.yaml":   "recipients: [\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Load(filepath.Join(dir, "list.yaml")); err == nil {
		t.Fatal("list.yaml loads; the test wants one that does not")
	}
	own, ok := namedFiles(filepath.Join(dir, "list.yaml"))
	got := map[string]string{}
	for _, o := range own {
		got[o.Path] = o.What
	}
	for p, what := range map[string]string{
		"list.yaml": "the campaign file", "people.csv": "the recipient sheet", "gone.txt": "the suppression list", "st": "the campaign's state folder",
		"keys/a.key": "a DKIM private key", "/abs/b.key": "a DKIM private key", "ca.pem": "smtp.ca_file", "mca.pem": "mailbox.ca_file",
	} {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if !ok || got[p] != what {
			t.Errorf("list.yaml: %s is %q (ok %v), want %q", p, got[p], ok, what)
		}
	}
	own, ok = namedFiles(filepath.Join(dir, "one.yaml"))
	got = map[string]string{}
	for _, o := range own {
		got[o.Path] = o.What
	}
	if !ok || got[filepath.Join(dir, "k.pem")] != "a DKIM private key" || got[filepath.Join(dir, ".tidings")] == "" {
		t.Errorf("one.yaml: %v (ok %v), want its DKIM key and .tidings", own, ok)
	}
	for _, name := range []string{"notes.yaml", "bad.yaml", "missing.yaml"} {
		if own, ok := namedFiles(filepath.Join(dir, name)); ok || own != nil {
			t.Errorf("%s: %v, %v; want no campaign", name, own, ok)
		}
	}
}

// namedFiles is ParseNamedFiles of the file at path; not ok when it does
// not read.
func namedFiles(path string) ([]OwnFile, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	return ParseNamedFiles(data, path)
}
