package spool

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSizeCountsEveryFile: a generation's Size is what its files take on
// disk, the manifest and the attachment records included, as written and
// as read back.
func TestSizeCountsEveryFile(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 500)
	gens, err := s.Generations()
	if err != nil || len(gens) != 1 {
		t.Fatalf("generations %v, %v", gens, err)
	}
	var onDisk int64
	ents, _ := os.ReadDir(s.Dir())
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		onDisk += fi.Size()
	}
	if got := gens[0].Size(); got != onDisk {
		t.Errorf("Size %d, the files take %d", got, onDisk)
	}
	if _, err := os.Stat(gens[0].path(extAttachments)); err != nil {
		t.Errorf("no attachment records file: %v", err)
	}
}

// TestManifestStaysSmall: the manifest does not grow with the attachment
// records (one a row), which are in their own file.
func TestManifestStaysSmall(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 5000)
	gens, _ := s.Generations()
	fi, err := os.Stat(gens[0].path(extManifest))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 2048 {
		t.Errorf("manifest of %d bytes for %d attachment records", fi.Size(), gens[0].m.Atts.Count)
	}
}

// TestOldManifestHasNoAttachmentRecords: a generation whose manifest
// lists its attachments itself (an older tidings) still opens, but
// ScanAttachments says it has no records, so no run takes it for one made
// from the attachments as they are.
func TestOldManifestHasNoAttachmentRecords(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 50)
	gens, _ := s.Generations()
	g := gens[0]
	var m map[string]any
	data, _ := os.ReadFile(g.path(extManifest))
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "attachment_records")
	delete(m, "checksum")         // an older tidings wrote none
	delete(m, "attachment_clock") // nor this
	m["inputs"].(map[string]any)["attachments"] = map[string]string{"/x/a.pdf": strings.Repeat("ab", 32)}
	data, _ = json.Marshal(m)
	if err := os.WriteFile(g.path(extManifest), data, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(g.path(extAttachments))
	gens, err := OpenStore(filepath.Dir(s.Dir())).Generations()
	if err != nil || len(gens) != 1 {
		t.Fatalf("generations %v, %v", gens, err)
	}
	if err := gens[0].ScanAttachments(context.Background(), func(Attachment) error { return nil }); !errors.Is(err, ErrNoAttachmentRecords) {
		t.Errorf("ScanAttachments of an old generation: %v", err)
	}
	rd, err := gens[0].Open()
	if err != nil {
		t.Fatalf("an old generation does not open: %v", err)
	}
	rd.Close()
}

// TestAttachmentRecordsDamaged: a changed byte of the attachment records
// is an error wrapping ErrCorrupt, not records taken as they read.
func TestAttachmentRecordsDamaged(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 300)
	gens, _ := s.Generations()
	path := gens[0].path(extAttachments)
	data, _ := os.ReadFile(path)
	data[len(data)/2] ^= 0x55
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	err := gens[0].ScanAttachments(context.Background(), func(Attachment) error { return nil })
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Errorf("damaged attachment records: %v, want ErrCorrupt naming the file", err)
	}
}

// TestMarkDamagedNotInSize: the damaged mark is there after MarkDamaged,
// and counted in no size.
func TestMarkDamagedNotInSize(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 20)
	gens, _ := s.Generations()
	size := gens[0].Size()
	if err := gens[0].MarkDamaged(); err != nil || !gens[0].Damaged() {
		t.Fatalf("MarkDamaged: %v", err)
	}
	if gens, _ := OpenStore(filepath.Dir(s.Dir())).Generations(); gens[0].Size() != size {
		t.Errorf("size %d after the mark, %d before", gens[0].Size(), size)
	}
}
