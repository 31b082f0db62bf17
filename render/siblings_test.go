package render

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAttachmentSiblingCampaign: a path from row data may not attach
// what another campaign in the same folder keeps for itself: its sheet
// (every recipient's address), its suppression list, its campaign file
// and its state folder, also before its first send (no send.lock there
// yet); a YAML file that is no campaign protects nothing, and the
// folder's other files still attach, also beside a campaign whose state
// folder is the folder itself (state_dir: .). The sheet and the list
// went out. The refusal says what the file is, not that the path
// "leaves the attachment folder", which it does not (an office manager
// saw that said of other.csv beside other.yaml).
func TestAttachmentSiblingCampaign(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"body.txt":         "Hi\n",
		"people.csv":       "email,file\n",
		"b.yaml":           yamlWith(map[string]string{"name": "b", "recipients": "{path: b.csv}", "suppress": "b-suppress.txt", "state_dir": "st2"}),
		"b.csv":            "email,name\ncarol@example.com,Carol\n",
		"b-suppress.txt":   "dave@example.com\n",
		"c.yaml":           yamlWith(map[string]string{"name": "c", "recipients": "{path: c.csv}", "state_dir": "."}),
		"c.csv":            "email\nfrank@example.com\n",
		"st2/notes.txt":    "b's state, before any send",
		"notes.yml":        "shopping: [milk]\n",
		"list.csv":         "email\nerin@example.com\n",
		"files/ok.pdf":     "%PDF ok",
		"files/notes.yaml": "name: not a campaign\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	for file, words := range map[string]string{
		"b.csv":          "the recipient sheet of the campaign b.yaml beside this one",
		"b-suppress.txt": "the suppression list of the campaign b.yaml",
		"b.yaml":         "the campaign file of the campaign b.yaml",
		"c.csv":          "the recipient sheet of the campaign c.yaml",
		"st2/notes.txt":  "in the state folder of the campaign b.yaml beside this one",
	} {
		_, err := r.Render(row(2, "email", "k@example.com", "file", file))
		if !errors.Is(err, ErrAttachmentPath) || rowErr(t, err).Column != "file" || !strings.Contains(err.Error(), words) {
			t.Errorf("%s: got %v, want ErrAttachmentPath in column file saying %q", file, err, words)
		}
		if err != nil && strings.Contains(err.Error(), "leaves the attachment folder") {
			t.Errorf("%s: got %v, which the path does not (it stays in the campaign folder)", file, err)
		}
	}
	for _, file := range []string{"files/ok.pdf", "notes.yml", "list.csv", "files/notes.yaml"} {
		if m, err := r.Render(row(2, "email", "k@example.com", "file", file)); err != nil || len(m.Attachments) != 1 {
			t.Errorf("%s: got %v, want it attached", file, err)
		}
	}
}

// TestAttachmentSubfolderCampaignWords: a row naming what a campaign in
// a folder below keeps for itself is refused in words that name that
// campaign by its path and its state folder once: "the state folder of
// the campaign club/old.yaml", where they said "the campaign's state
// folder of the campaign club/old.yaml beside this one", of a campaign
// that is not beside it (rev-user13).
func TestAttachmentSubfolderCampaignWords(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"body.txt":           "Hi\n",
		"people.csv":         "email,file\n",
		"club/old.yaml":      yamlWith(map[string]string{"name": "old", "recipients": "{path: old.csv}", "state_dir": "st3"}),
		"club/body.txt":      "Hi\n",
		"club/old.csv":       "email\ncarol@example.com\n",
		"club/st3/notes.txt": "old's state",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	for file, words := range map[string]string{
		"club/old.csv":       `"club/old.csv" is the recipient sheet of the campaign club/old.yaml, which`,
		"club/st3/notes.txt": `"club/st3/notes.txt" is in the state folder of the campaign club/old.yaml, which`,
	} {
		_, err := r.Render(row(2, "email", "k@example.com", "file", file))
		if !errors.Is(err, ErrAttachmentPath) || !strings.Contains(fmt.Sprint(err), words) {
			t.Errorf("%s: got %v, want ErrAttachmentPath saying %q", file, err, words)
		}
	}
}

// TestAttachmentStateDirIsFolder: a campaign whose state folder is its
// own folder (state_dir: ., which the README allows) still attaches the
// files a row names there (every row was refused as "in the campaign's
// state folder"), while what tidings writes there once it has sent is
// refused by the folder's marks.
func TestAttachmentStateDirIsFolder(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"body.txt": "Hi\n", "people.csv": "email,file\n", "invoices/1.pdf": "%PDF 1"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`, "state_dir": "."}), "email", "file")
	if m, err := r.Render(row(2, "email", "k@example.com", "file", "invoices/1.pdf")); err != nil || len(m.Attachments) != 1 {
		t.Fatalf("invoices/1.pdf: got %v, want it attached", err)
	}
	for _, name := range []string{StateLock, StateJournal} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Render(row(2, "email", "k@example.com", "file", StateJournal)); !errors.Is(err, ErrAttachmentPath) {
		t.Errorf("the journal once sent: got %v, want ErrAttachmentPath", err)
	}
}

// TestAttachmentDirElsewhere: with an absolute attachments_dir outside
// the campaign folder, a campaign file in that folder keeps its sheet for
// itself, and a state folder above it counts (attachments_dir inside
// another campaign's spool): rows naming either are refused, another
// file there attaches.
func TestAttachmentDirElsewhere(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "camp")
	for name, body := range map[string]string{
		"camp/body.txt":        "Hi\n",
		"camp/people.csv":      "email,file\n",
		"shared/x/x.yaml":      yamlWith(map[string]string{"name": "x", "recipients": "{path: x.csv}"}),
		"shared/x/x.csv":       "email\ncarol@example.com\n",
		"shared/ok.pdf":        "%PDF ok",
		"st3/" + StateLock:     "",
		"st3/spool/g0001.msgs": "TS messages",
	} {
		p := filepath.Join(base, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for attDir, files := range map[string][2]string{"shared": {"x/x.csv", "ok.pdf"}, "st3/spool": {"g0001.msgs", ""}} {
		r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`, "attachments_dir": filepath.Join(base, attDir)}), "email", "file")
		_, err := r.Render(row(2, "email", "k@example.com", "file", files[0]))
		if !errors.Is(err, ErrAttachmentPath) || !strings.Contains(err.Error(), "the recipient sheet of the campaign") && !strings.Contains(err.Error(), "state folder "+filepath.Join(base, "st3")) {
			t.Errorf("%s in %s: got %v, want it refused", files[0], attDir, err)
		}
		if files[1] != "" {
			if m, err := r.Render(row(2, "email", "k@example.com", "file", files[1])); err != nil || len(m.Attachments) != 1 {
				t.Errorf("%s in %s: got %v, want it attached", files[1], attDir, err)
			}
		}
	}
}

// writeFiles writes each of files (a path below base, slashes as
// separators) with its text, making the folders on the way.
func writeFiles(t *testing.T, base string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(base, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAttachSiblingThroughSymlink: a campaign folder reached through a
// symlink (current -> news-2026, tidings check current/campaign.yaml)
// is scanned as the folder itself: the sheet of the campaign beside this
// one stays refused (the walk did not enter a folder that is a symlink,
// and b.csv attached), and the campaign's own sheet is named its own.
func TestAttachSiblingThroughSymlink(t *testing.T) {
	base := t.TempDir()
	writeFiles(t, base, map[string]string{
		"news-2026/body.txt":   "Hi\n",
		"news-2026/people.csv": "email,file\n",
		"news-2026/b.yaml":     yamlWith(map[string]string{"name": "b", "recipients": "{path: b.csv}"}),
		"news-2026/b.csv":      "email\ncarol@example.com\n",
	})
	link := filepath.Join(base, "current")
	if err := os.Symlink("news-2026", link); err != nil {
		t.Fatal(err)
	}
	r := loadRenderer(t, link, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	for file, words := range map[string]string{"b.csv": "the recipient sheet of the campaign b.yaml beside this one", "people.csv": `"people.csv" is the recipient sheet, which`} {
		_, err := r.Render(row(2, "email", "k@example.com", "file", file))
		if !errors.Is(err, ErrAttachmentPath) || !strings.Contains(err.Error(), words) {
			t.Errorf("%s: got %v, want it refused saying %q", file, err, words)
		}
	}
}

// TestAttachScanNearestFirst: when the scan's limit of entries is reached
// in a large folder below the campaign (a/, its files sorting first), a
// campaign file directly beside this one was still looked at: its sheet
// is refused.
func TestAttachScanNearestFirst(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"body.txt":   "Hi\n",
		"people.csv": "email,file\n",
		"z.yaml":     yamlWith(map[string]string{"name": "z", "recipients": "{path: z.csv}"}),
		"z.csv":      "email\ncarol@example.com\n",
	}
	for i := range 40 {
		files[fmt.Sprintf("a/f%02d.pdf", i)] = "%PDF"
	}
	writeFiles(t, dir, files)
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	r.att.guard.limit = 20
	_, err := r.Render(row(2, "email", "k@example.com", "file", "z.csv"))
	if !errors.Is(err, ErrAttachmentPath) || !strings.Contains(err.Error(), "the recipient sheet of the campaign z.yaml") {
		t.Errorf("z.csv: got %v, want it refused as z.yaml's sheet", err)
	}
}

// TestScanNote: a scan that stopped at its limit is told (ScanNote),
// once a path from row data was checked; one that saw every entry, or
// none yet, says nothing.
func TestScanNote(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"body.txt": "Hi\n", "people.csv": "email,file\n", "ok.pdf": "%PDF"}
	for i := range 30 {
		files[fmt.Sprintf("a/f%02d.pdf", i)] = "%PDF"
	}
	writeFiles(t, dir, files)
	for limit, capped := range map[int]bool{20: true, 100: false} {
		r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
		r.att.guard.limit = limit
		if note := r.ScanNote(); note != "" {
			t.Errorf("limit %d, before any row: %q, want none", limit, note)
		}
		if _, err := r.Render(row(2, "email", "k@example.com", "file", "ok.pdf")); err != nil {
			t.Fatal(err)
		}
		note := r.ScanNote()
		if capped != strings.Contains(note, fmt.Sprintf("more than %d files and folders", limit)) || !capped && note != "" {
			t.Errorf("limit %d: note %q, want one: %v", limit, note, capped)
		}
	}
}

// TestAttachSubfolderStateDot: a campaign in a folder below this one
// whose state folder is its own folder (invoices/reminder.yaml, state_dir:
// .) keeps its sheet, and after its send its journal, for itself, but the
// other files of that folder (the invoices) attach: every one was refused
// as "in the campaign's state folder".
func TestAttachSubfolderStateDot(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"body.txt":               "Hi\n",
		"people.csv":             "email,file\n",
		"invoices/reminder.yaml": yamlWith(map[string]string{"name": "r", "recipients": "{path: r.csv}", "state_dir": "."}),
		"invoices/r.csv":         "email\ncarol@example.com\n",
		"invoices/inv-7.pdf":     "%PDF",
		"invoices/" + StateLock:  "",
		"invoices/journal.jsonl": "{}\n",
	})
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	for file, words := range map[string]string{"invoices/r.csv": "the recipient sheet of the campaign invoices/reminder.yaml", "invoices/journal.jsonl": "state folder"} {
		if _, err := r.Render(row(2, "email", "k@example.com", "file", file)); !errors.Is(err, ErrAttachmentPath) || !strings.Contains(err.Error(), words) {
			t.Errorf("%s: got %v, want it refused saying %q", file, err, words)
		}
	}
	if m, err := r.Render(row(2, "email", "k@example.com", "file", "invoices/inv-7.pdf")); err != nil || len(m.Attachments) != 1 {
		t.Errorf("invoices/inv-7.pdf: got %v, want it attached", err)
	}
}
