package report

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// goneJSON is a report file whose report.json's temporary file loses its
// name at its sync, so that report.json fails to follow the report.csv
// put in place.
type goneJSON struct{ f *os.File }

func (g goneJSON) Write(b []byte) (int, error) { return g.f.Write(b) }

func (g goneJSON) Sync() error {
	if strings.HasPrefix(filepath.Base(g.f.Name()), "."+JSONFile+".") {
		if err := os.Remove(g.f.Name()); err != nil {
			return err
		}
	}
	return g.f.Sync()
}

// TestPlaceKeepsAPairPutBetweenRenames: a tidings report that wrote and
// released its whole pair (report.csv and report.json) between a send's
// rename of report.csv and its failed rename of report.json had its true
// pair removed by the send, which took them for its own report.csv and
// the earlier report.json. The send removes a file only while it is still
// the one it was at the rename.
func TestPlaceKeepsAPairPutBetweenRenames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := Write(dir, []Row{{Recipient: Recipient{Row: 2, Key: "old@example.org"}, Status: sendpool.StatusSent}}); err != nil {
		t.Fatal(err)
	}
	fw, err := newFilesWriter(dir, true, nil, func(f *os.File) io.Writer { return goneJSON{f} })
	if err != nil {
		t.Fatal(err)
	}
	if err := fw.add(Row{Recipient: Recipient{Row: 2, Key: "send@example.org"}, Status: sendpool.StatusSent}); err != nil {
		t.Fatal(err)
	}
	fw.renamed = func() { // the report beside, its lock taken and released
		if err := Write(dir, []Row{{Recipient: Recipient{Row: 2, Key: "report@example.org"}, Status: sendpool.StatusSent}}); err != nil {
			t.Error(err)
		}
	}
	if _, err := fw.finish(); err == nil {
		t.Fatal("finish: no error, want report.json's rename failing")
	}
	for _, name := range []string{CSVFile, JSONFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !strings.Contains(string(b), "report@example.org") {
			t.Errorf("%s after the failed write: %q, %v; want the report's, kept", name, b, err)
		}
	}
}
