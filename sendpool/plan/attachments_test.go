package plan

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/spool"
)

// spoolAttachment writes a generation in stateDir of one message, at row
// 2, that carries the file at path as it is now.
func spoolAttachment(t *testing.T, stateDir, path string) *spool.Generation {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := fileDigest(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := spool.OpenStore(stateDir).Create()
	if err != nil {
		t.Fatal(err)
	}
	m := &render.Message{Row: 2, Key: "ann@example.org", MessageID: "m@x", Recipients: []string{"ann@example.org"}, Data: []byte("Subject: x\r\n\r\nx\r\n")}
	w.AddRow(spool.RowOf(m))
	w.AddMessage(m, "h")
	if err := w.AddAttachment(spool.Attachment{Row: 2, Path: path, Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), SHA256: sum}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(spool.Inputs{Digest: "d"}); err != nil {
		t.Fatal(err)
	}
	return w.Generation()
}

// reread is g read again from its folder.
func reread(t *testing.T, g *spool.Generation) *spool.Generation {
	t.Helper()
	gens, err := spool.OpenStore(filepath.Dir(g.Dir())).Generations()
	if err != nil || len(gens) != 1 {
		t.Fatalf("generations %v, %v", gens, err)
	}
	return gens[0]
}

// rewriteSameSize gives the file at path other content of the same size
// and puts its modification time back.
func rewriteSameSize(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	data[len(data)-1] ^= 1
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
}

// TestRacyWindowOnTheFilesClock: a file whose modification time is after
// the spooling began by its file system's clock is read again, even when
// the machine's clock (the manifest's start) says it is an hour older: the
// machine's clock runs ahead of a share's, and the file may have been
// rewritten in the tick it was read in. A file older than the spooling by
// its own clock is trusted by its size and time.
func TestRacyWindowOnTheFilesClock(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mtime time.Duration // from now
		same  bool          // sameAttachments after a rewrite of the same size and time
	}{
		{"written in the spooling's tick", time.Minute, false},
		{"written an hour before", -time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "INV-1.pdf")
			if err := os.WriteFile(path, []byte("%PDF-invoice-001"), 0o600); err != nil {
				t.Fatal(err)
			}
			mtime := time.Now().Add(tc.mtime)
			if err := os.Chtimes(path, mtime, mtime); err != nil {
				t.Fatal(err)
			}
			g := spoolAttachment(t, filepath.Join(dir, "state"), path)
			// The machine's clock two hours ahead of the file system's.
			editManifestFile(t, filepath.Join(g.Dir(), "g0001.json"), map[string]any{"started": time.Now().Add(2 * time.Hour)})
			g = reread(t, g)
			rewriteSameSize(t, path)
			if got, err := sameAttachments(context.Background(), g); got != tc.same || err != nil {
				t.Errorf("sameAttachments after a rewrite of the same size and time: %v (%v), want %v", got, err, tc.same)
			}
		})
	}
}
