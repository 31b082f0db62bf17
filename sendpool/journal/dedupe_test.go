package journal

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

// insert mimics Check with a chosen hash.
func (d *Deduper) insertHash(h uint64, row int32) (int32, bool) {
	t := &d.shards[h>>(64-dedupeShardBits)]
	i, found := t.find(h)
	if found {
		return t.rows.Items[i], true
	}
	t.hashes.Items[i], t.rows.Items[i] = h, row
	if t.n++; t.n > len(t.hashes.Items)/8*7 {
		t.grow()
	}
	return 0, false
}

// Adversarial hashes: all in one shard, clustered at the table's end (wrap
// around), hashes differing only in low bits (same first slot), across
// many growths; every one is kept and found with its row.
func TestDeduperCraftedHashes(t *testing.T) {
	d := NewDeduper()
	var hs []uint64
	top := uint64(63) << 58
	for i := range uint64(5000) {
		hs = append(hs, top|(^uint64(0)>>6)-i)   // last slots: wrap
		hs = append(hs, top|i+1)                 // first slots
		hs = append(hs, top|(1<<40)|(i&0xff)<<1) // same first slot
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		hs = append(hs, rng.Uint64()|1)
	}
	seen := map[uint64]int32{}
	for i, h := range hs {
		prev, dup := d.insertHash(h, int32(i))
		want, ok := seen[h]
		if ok != dup || (ok && prev != want) {
			t.Fatalf("hash %x: %v %d, want %v %d", h, dup, prev, ok, want)
		}
		if !ok {
			seen[h] = int32(i)
		}
	}
	for h, row := range seen {
		if prev, dup := d.insertHash(h, -1); !dup || prev != row {
			t.Fatalf("hash %x lost", h)
		}
	}
	n := 0
	for i := range d.shards {
		n += d.shards[i].n
		if d.shards[i].n > len(d.shards[i].hashes.Items)/8*7 {
			t.Fatalf("shard %d over 7/8", i)
		}
	}
	if n != len(seen) {
		t.Fatalf("%d keys held, want %d", n, len(seen))
	}
	// The crowded shard grew past offheap's least mapping: it went
	// through mapped tables, each freed as the next took its keys.
	if runtime.GOOS == "linux" && !d.shards[63].hashes.Mapped() {
		t.Errorf("shard 63 (%d slots) is not mapped", len(d.shards[63].hashes.Items))
	}
	d.Close()
	if d.shards[63].hashes.Items != nil || d.shards[63].hashes.Mapped() {
		t.Error("Close kept a table")
	}
}

func TestShellWord(t *testing.T) {
	if got := keyArg("-5"); got != "-- -5" {
		t.Errorf("keyArg(-5) = %s, want -- -5", got)
	}
	for in, want := range map[string]string{
		"ann@example.com":        "ann@example.com",
		"/tmp/c.yaml":            "/tmp/c.yaml",
		"INV 7":                  "'INV 7'",
		"O'Brien":                `'O'\''Brien'`,
		"":                       "''",
		"$(rm -rf ~)":            "'$(rm -rf ~)'",
		"/My Campaigns/nov.yaml": "'/My Campaigns/nov.yaml'",
	} {
		if got := ShellWord(in); got != want {
			t.Errorf("ShellWord(%q) = %s, want %s", in, got, want)
		}
	}
}
