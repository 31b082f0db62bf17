package journal

import (
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"math/bits"
	"strings"

	"github.com/tidings/tidings/sendpool/offheap"
)

// Deduper finds rows whose recipient key an earlier row already has, keys
// compared as NormalizeKey gives them. It is the one duplicate rule of
// check, preview, send and report. It keeps a 64-bit hash of each key with
// the row that had it first, not the key (or, for keys its journal knows,
// the row beside the journal's 128-bit id: see NewDeduperFor); two
// different keys with the same hash (odds about 1 in 10^7 for a million
// keys) would make the later one a duplicate. Feed it the rows in sheet
// order. It is not safe for concurrent use. The caller closes it.
//
// The hashes, rows and variants live in open-addressing tables of 16 bytes
// a slot kept at most 7/8 full (about 18 to 27 bytes a key: a million keys
// take 24 MB), where a map[uint64]int32 took 34 MB. The keys are spread over
// dedupeShards tables by their hash's top bits, so a table that grows
// copies a sixty-fourth of the keys, never old and new whole tables side
// by side. Written by hand because the standard library has no compact
// hash set and a map's per-entry overhead is what a million-row send's
// memory grew by.
//
// A Deduper made by NewDeduperFor keeps the keys its State knows apart:
// the first row of each and its variant beside the State's slot, 8 bytes
// a recipient the journal has, so resuming or reporting a campaign of a
// million sent recipients takes 8 MB for the check rather than 24. Only keys the
// journal does not have go into the hash tables.
type Deduper struct {
	seed   maphash.Seed
	shards [dedupeShards]dedupeTable
	// state, when not nil, knows the keys whose first rows known holds:
	// known[i] is the first row of slot i's key plus one (0: none yet),
	// knownVariant[i] that row's variant (made when the first variant is
	// given: empty for callers that give none).
	state        *State
	known        offheap.Array[int32]
	knownVariant offheap.Array[uint32]
}

// dedupeTable is one shard: its hashes (never 0; 0 marks a free slot) and,
// beside each, the row that had the key first. Large tables live outside
// the Go heap (package offheap), so the collector's headroom does not
// double them.
type dedupeTable struct {
	hashes   offheap.Array[uint64]
	rows     offheap.Array[int32]
	variants offheap.Array[uint32]
	n        int // keys held
}

const (
	dedupeShards    = 64
	dedupeShardBits = 6  // log2(dedupeShards)
	dedupeMinSlots  = 64 // a table's first size
)

// NewDeduper returns an empty Deduper.
func NewDeduper() *Deduper {
	d := &Deduper{seed: maphash.MakeSeed()}
	for i := range d.shards {
		d.shards[i].make(dedupeMinSlots)
	}
	return d
}

// NewDeduperFor returns an empty Deduper that keeps the keys s knows
// beside s's slots (see Deduper). s is only read (its tables, which
// State.Close leaves, are kept until the Deduper is closed); nil is no
// State.
func NewDeduperFor(s *State) *Deduper {
	d := NewDeduper()
	if s != nil && s.keys.n > 0 {
		d.state, d.known = s, offheap.Make[int32](int(s.keys.n))
	}
	return d
}

// Close gives back the Deduper's memory. It must not be used after;
// closing again does nothing.
func (d *Deduper) Close() {
	for i := range d.shards {
		t := &d.shards[i]
		t.free()
		*t = dedupeTable{}
	}
	d.known.Free()
	d.knownVariant.Free()
	d.state, d.known, d.knownVariant = nil, offheap.Array[int32]{}, offheap.Array[uint32]{}
}

// DuplicateOf is the report's detail of a duplicate of row first.
func DuplicateOf(first int) string { return fmt.Sprintf("duplicate of row %d", first) }

// Repeat is the one rule for a row whose key an earlier row has (row
// first; Deduper.CheckVariant), told by check, send, report and show
// alike. A repeat whose values differ from that row's (differs) is no
// duplicate but its own problem (reused: ErrKeyReused, see KeyReused),
// unless the first row wins (firstWins: recipients.duplicates: first),
// when it is a duplicate "with other values" (otherValues: these values go
// nowhere); else it is a duplicate, of which detail is the report's words.
func Repeat(first int, differs, firstWins bool) (detail string, otherValues, reused bool) {
	switch {
	case differs && firstWins:
		return fmt.Sprintf("duplicate of row %d, with other values (duplicates: first; this row's values are not sent)", first), true, false
	case differs:
		return "", false, true
	}
	return DuplicateOf(first), false, false
}

// VariantsDiffer reports whether two rows' variants (render.Renderer.Variant)
// are both known and not the same: the rows would make other messages.
func VariantsDiffer(a, b uint32) bool { return differ(a, b) }

// CheckVariant records row's key, and variant, the hash of its values
// besides the key (render.Message.Variant; 0: not known), when no earlier
// row has the same normalized key. It returns that earlier row (0: none;
// a duplicate's report detail is DuplicateOf it), and whether that row's
// variant differs from this one's, both known: the two rows would make
// different messages under one key. Empty keys are never duplicates (they
// are invalid rows).
func (d *Deduper) CheckVariant(row int, key string, variant uint32) (first int, differs bool) {
	k := NormalizeKey(key)
	if k == "" {
		return 0, false
	}
	if d.state != nil {
		if i, ok := d.state.find(k); ok {
			if first := d.known.Items[i]; first != 0 {
				return int(first) - 1, differ(d.knownVariantAt(int(i)), variant)
			}
			d.known.Items[i] = int32(row) + 1
			if variant != 0 {
				if d.knownVariant.Items == nil { // made at the first variant: report has none
					d.knownVariant = offheap.Make[uint32](len(d.known.Items))
				}
				d.knownVariant.Items[i] = variant
			}
			return 0, false
		}
	}
	h := max(maphash.String(d.seed, k), 1)
	t := &d.shards[h>>(64-dedupeShardBits)]
	i, found := t.find(h)
	if found {
		return int(t.rows.Items[i]), differ(t.variants.Items[i], variant)
	}
	t.hashes.Items[i], t.rows.Items[i], t.variants.Items[i] = h, int32(row), variant
	if t.n++; t.n > len(t.hashes.Items)/8*7 {
		t.grow()
	}
	return 0, false
}

// knownVariantAt is the variant of the first row of the State's key in
// slot i; 0 when none was given.
func (d *Deduper) knownVariantAt(i int) uint32 {
	if d.knownVariant.Items == nil {
		return 0
	}
	return d.knownVariant.Items[i]
}

// differ reports whether two variants are known and not the same.
func differ(a, b uint32) bool { return a != 0 && b != 0 && a != b }

// find returns the slot holding h (found) or the free slot where h goes.
// A hash's first slot is its place in the table's range by the bits below
// the shard's (h·len/2^64 of them), then the next ones, around: linear
// probing.
func (t *dedupeTable) find(h uint64) (slot int, found bool) {
	i, _ := bits.Mul64(h<<dedupeShardBits, uint64(len(t.hashes.Items)))
	for {
		switch t.hashes.Items[i] {
		case h:
			return int(i), true
		case 0:
			return int(i), false
		}
		if i++; i == uint64(len(t.hashes.Items)) {
			i = 0
		}
	}
}

// make gives t size empty slots.
func (t *dedupeTable) make(size int) {
	t.hashes, t.rows, t.variants = offheap.Make[uint64](size), offheap.Make[int32](size), offheap.Make[uint32](size)
}

// free gives back t's slots.
func (t *dedupeTable) free() {
	t.hashes.Free()
	t.rows.Free()
	t.variants.Free()
}

// grow moves the keys into a table half as large again.
func (t *dedupeTable) grow() {
	old := *t
	t.make(len(old.hashes.Items) + len(old.hashes.Items)/2)
	for j, h := range old.hashes.Items {
		if h != 0 {
			i, _ := t.find(h)
			t.hashes.Items[i], t.rows.Items[i], t.variants.Items[i] = h, old.rows.Items[j], old.variants.Items[j]
		}
	}
	old.free()
}

// brief is Brief of a State that may be nil (knowing nothing).
func (s *State) brief(key string) (Brief, bool) {
	if s == nil {
		return Brief{}, false
	}
	return s.Brief(key)
}

// ErrKeyReused is the problem of a row whose key an earlier row has, with
// other values (Deduper.CheckVariant): a plain duplicate would drop a
// different message (a second invoice to one address under key: email).
var ErrKeyReused = errors.New("the key of an earlier row")

// KeyReused is the problem of a row with key, which sheet row first has
// too with other values, and what to do about it. Before the key went
// out (as s knows; nil: nothing went): one of the rows corrected or taken
// out (or recipients.duplicates: first), else a key column unique per
// message while nothing was sent and a campaign of its own once the
// key's went (words that stay right once it went: the spool keeps them).
// After: which message went is what tidings show prints (the command is
// given for campaignFile, "" when not known; row numbers may have moved
// since), and only a message that is not that one, to be sent as well,
// goes in a campaign of its own (never a second copy to the same
// person). It wraps ErrKeyReused.
func (s *State) KeyReused(key string, first int, campaignFile string) error {
	// Told before anything went under the key, and kept in the spool,
	// whose words a report or a later send may give after a message went:
	// right before and after.
	advice := "if the rows are one entry twice (one message meant once), correct or take out one of them, or set recipients.duplicates: first (the first row with a key goes, the others never); if both messages should go (a second invoice), give recipients.key a column unique per message (an invoice number, say) while nothing of the campaign has been sent, or, once a message went under this key, send the other row's in a campaign of its own (a copy of the campaign file with another name:, and a sheet of such rows)"
	if b, ok := s.brief(key); ok && b.Delivered {
		advice = fmt.Sprintf("a message went under this key already, and no second one can (tidings show %s %s prints the one that went); if it is one of these rows' and the other is the same entry again, correct or take out the other row, or set recipients.duplicates: first; if the other row's is another message to be sent as well (a second invoice), take that row out of this campaign and send it in a campaign of its own (a copy of the campaign file with another name:, and a sheet of such rows)", PathWord(cmp.Or(campaignFile, "CAMPAIGN")), keyArg(key))
	}
	return fmt.Errorf("%w: row %d has this key too, but other values in the columns the campaign reads, so the two would make different messages, and a key stands for one message: %s", ErrKeyReused, first, advice)
}

// keyArg is key as show's argument: a ShellWord, after "-- " when it
// starts with a dash (which the command line would take for a flag).
func keyArg(key string) string {
	if strings.HasPrefix(key, "-") {
		return "-- " + ShellWord(key)
	}
	return ShellWord(key)
}
