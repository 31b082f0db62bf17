package report

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestStaleTempsRemoved: the temporary files of a report writer killed
// before its rename (tidings send or report under SIGKILL) are removed by
// the next report written in that state folder, once nobody wrote to them
// for an hour; a fresh one (a writer beside, tidings report during a
// send) and the user's own files stay.
func TestStaleTempsRemoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, PageDataDir)
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	plant := func(path string, mtime time.Time) string {
		if err := os.WriteFile(path, []byte("cut short"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return path
	}
	stale := []string{
		plant(filepath.Join(dir, ".report.csv.101.tmp"), old),
		plant(filepath.Join(dir, ".report.json.102.tmp"), old),
		plant(filepath.Join(dir, ".report.json.rows.103.tmp"), old),
		plant(filepath.Join(dir, ".report.html.104.tmp"), old),
		plant(filepath.Join(data, ".rows-0001.js.105.tmp"), old),
	}
	kept := []string{
		plant(filepath.Join(dir, ".report.csv.201.tmp"), time.Now()),
		plant(filepath.Join(dir, "notes.tmp"), old),
		plant(filepath.Join(data, "mine.txt"), old),
	}
	rows := []Row{{Recipient: Recipient{Row: 2, Key: "a@example.org", To: "a@example.org"}, Status: sendpool.StatusSent}}
	if err := Write(dir, rows); err != nil {
		t.Fatal(err)
	}
	in := PageInput{Campaign: "n", CampaignPath: "n.yaml", Rows: RowsOf(rows), JournalDir: dir}
	if err := WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s, left by a killed writer, is still there", filepath.Base(p))
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
}

// TestFilesWriterScratchUnnamed: report.json's rows, written aside while
// the files are written, have no name in the folder, so a writer killed
// then leaves nothing of them.
func TestFilesWriterScratchUnnamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fw, err := newFilesWriter(dir, false, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fw.abort()
	if err := fw.add(Row{Recipient: Recipient{Row: 2, Key: "a@example.org"}, Status: sendpool.StatusSent}); err != nil {
		t.Fatal(err)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, ".report.json.rows.*")); len(names) > 0 {
		t.Errorf("the rows written aside have a name a kill would leave behind: %v", names)
	}
	if _, err := fw.finish(); err != nil {
		t.Fatal(err)
	}
}
