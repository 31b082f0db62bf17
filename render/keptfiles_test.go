package render

import (
	"errors"
	"strings"
	"testing"
)

// TestKeptFileNameCase: a name tidings writes in a state folder or a
// preview's, written by row data in another case (ST2/JOURNAL.JSONL,
// Spool, the long s of ſpool that case folding makes s), is refused as
// the name itself is: on a file system that compares names without case
// (macOS's, by default) it opens tidings' own file, and the path keeps
// the case the row wrote (it attached another campaign's journal). Here,
// where case counts, such files are made under those names; another
// file of the folder still attaches.
func TestKeptFileNameCase(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"body.txt":              "Hi\n",
		"people.csv":            "email,file\n",
		"st2/" + StateLock:      "",
		"st2/JOURNAL.JSONL":     "{}\n",
		"st2/Report.csv":        "email\n",
		"st2/Spool/g1.msgs":     "TS messages",
		"st2/ſpool/g1.msgs":     "TS messages",
		"st2/notes.txt":         "mine",
		"prev/" + PreviewMarker: "",
		"prev/INDEX.HTML":       "<p>every message</p>",
		"prev/000002-K.EML":     "From: a@example.com\n",
	})
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	for _, file := range []string{"st2/JOURNAL.JSONL", "st2/Report.csv", "st2/Spool/g1.msgs", "st2/ſpool/g1.msgs", "prev/INDEX.HTML", "prev/000002-K.EML"} {
		_, err := r.Render(row(2, "email", "k@example.com", "file", file))
		if !errors.Is(err, ErrAttachmentPath) || !strings.Contains(err.Error(), "not attachable") {
			t.Errorf("%s: got %v, want it refused as a file tidings keeps or preview wrote", file, err)
		}
	}
	if m, err := r.Render(row(2, "email", "k@example.com", "file", "st2/notes.txt")); err != nil || len(m.Attachments) != 1 {
		t.Errorf("st2/notes.txt: got %v, want it attached", err)
	}
}
