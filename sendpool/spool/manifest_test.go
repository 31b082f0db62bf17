package spool

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// editManifest sets members of the manifest at path to the values in
// members (nil removes one), the numbers of the others kept as written.
// With seal, its checksum is made again (ManifestChecksum), as tidings
// would have written it; without, it is left as it was.
func editManifest(t *testing.T, path string, members map[string]any, seal bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	for k, v := range members {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	if seal {
		if data, err = json.Marshal(m); err == nil {
			m["checksum"], err = ManifestChecksum(data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if data, err = json.MarshalIndent(m, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestManifestEditedIsDamaged: a manifest changed since it was written
// and still JSON (a count, a digest, a time) no longer matches its
// checksum: a generation messages went out from is listed as damaged,
// naming the manifest, and one nothing went out from is never read. The
// same manifest with its checksum made again reads, and so does one
// without a checksum as an older tidings wrote it; one whose checksum was
// taken out, keeping what only a tidings that writes one writes, does
// not.
func TestManifestEditedIsDamaged(t *testing.T) {
	for _, edit := range []map[string]any{
		{"rows": 29},
		{"started": "2001-02-03T04:05:06Z"},
		{"inputs": map[string]any{"digest": strings.Repeat("0", 64)}},
	} {
		s := OpenStore(t.TempDir())
		writeGeneration(t, s, 30) // used
		writeGeneration(t, s, 30) // not used
		used, unused := &Generation{dir: s.dir, num: 1}, &Generation{dir: s.dir, num: 2}
		if err := used.MarkUsed(); err != nil {
			t.Fatal(err)
		}
		for _, g := range []*Generation{used, unused} {
			editManifest(t, g.path(extManifest), edit, false)
		}
		gens, err := s.Generations()
		if err != nil || len(gens) != 1 || gens[0].Number() != 1 {
			t.Fatalf("%v: generations %v, %v: want the used one alone", edit, gens, err)
		}
		if err := gens[0].Unreadable(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), used.path(extManifest)) {
			t.Errorf("%v: Unreadable: %v, want the manifest named as damaged", edit, err)
		}
		// Without its checksum but with what only a tidings that writes
		// one writes (attachment_clock): edited, still damaged.
		editManifest(t, used.path(extManifest), map[string]any{"checksum": nil}, false)
		if gens, err := OpenStore(filepath.Dir(s.Dir())).Generations(); err != nil || len(gens) != 1 || !errors.Is(gens[0].Unreadable(), ErrCorrupt) {
			t.Errorf("%v: checksum taken out: generations %v, %v: want the used one, damaged", edit, gens, err)
		}
		editManifest(t, used.path(extManifest), nil, true)
		editManifest(t, unused.path(extManifest), map[string]any{"checksum": nil, "attachment_clock": nil}, false)
		if gens, err := OpenStore(filepath.Dir(s.Dir())).Generations(); err != nil || len(gens) != 2 || gens[0].Unreadable() != nil || gens[1].Unreadable() != nil {
			t.Errorf("%v: generations %v, %v: want both, resealed and as an older tidings wrote it, to read", edit, gens, err)
		}
	}
}

// TestManifestCountsEditedAreBlamedOnIt: a manifest read unchecked (its
// checksum and attachment clock taken out, as an older tidings wrote it)
// whose count of messages was changed disagrees with the generation's
// index; the index still matches the checksum the manifest gives it, so
// Open names the manifest as damaged, not the index.
func TestManifestCountsEditedAreBlamedOnIt(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 30)
	g := &Generation{dir: s.dir, num: 1}
	editManifest(t, g.path(extManifest), map[string]any{"checksum": nil, "attachment_clock": nil, "messages": 1}, false)
	gens, err := s.Generations()
	if err != nil || len(gens) != 1 {
		t.Fatalf("generations %v, %v: want the edited one, read unchecked", gens, err)
	}
	rd, err := gens[0].Open()
	if err == nil {
		rd.Close()
	}
	if !errors.Is(err, ErrCorrupt) || !strings.HasSuffix(err.Error(), "(in "+g.path(extManifest)+")") {
		t.Errorf("Open: %v, want the manifest named as damaged", err)
	}
}
