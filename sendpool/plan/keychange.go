package plan

import (
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// maxKeyChangeRows is how many rows a KeyChangeError names.
const maxKeyChangeRows = 3

// keyChange finds the rows to send whose To the journal delivered to
// under another recipients.key: the journal tells recipients apart by
// key, so under the new one they would count as not sent and get the
// campaign a second time.
type keyChange struct {
	file, key, was string
	state          *journal.State
	// delivered holds the hashes of the To addresses of the journal's
	// deliveries (sent, or of unknown outcome), read when first needed.
	delivered map[uint64]struct{}
	seed      maphash.Seed
	rows      []string // the first rows found
	n         int      // all of them
}

// newKeyChange returns the keyChange of campaign c, or nil when its
// recipients.key is the column the journal's latest send recorded, or
// none recorded one (no send yet, or an older tidings).
func newKeyChange(c *campaign.Campaign, state *journal.State) *keyChange {
	was := state.KeyColumn()
	if was == "" || was == c.Recipients.Key {
		return nil
	}
	return &keyChange{file: c.File, key: c.Recipients.Key, was: was, state: state, seed: maphash.MakeSeed()}
}

// note looks at a row to send with key and the To header to (decoded):
// one the journal does not know by key (a resend, or a send to Cc's still
// owed, is no second copy) whose addresses it delivered to is kept for
// KeyChange. A nil keyChange notes nothing.
func (k *keyChange) note(row int, key, to string) error {
	if k == nil {
		return nil
	}
	if _, known := k.state.Brief(key); known {
		return nil
	}
	if k.delivered == nil {
		if err := k.load(); err != nil {
			return err
		}
	}
	for _, a := range addressesOf(to) {
		if _, ok := k.delivered[maphash.String(k.seed, a)]; ok {
			if k.n++; len(k.rows) < maxKeyChangeRows {
				k.rows = append(k.rows, fmt.Sprintf("row %d: %s", row, a))
			}
			return nil
		}
	}
	return nil
}

// load reads the To addresses of the journal's deliveries.
func (k *keyChange) load() error {
	k.delivered = map[uint64]struct{}{}
	for e, err := range k.state.All() {
		if err != nil {
			return err
		}
		if e.Status != sendpool.StatusSent && e.Status != sendpool.StatusUnknown {
			continue
		}
		for _, a := range addressesOf(e.To) {
			k.delivered[maphash.String(k.seed, a)] = struct{}{}
		}
	}
	return nil
}

// addressesOf is toAddresses, or the whole header lower-cased when it
// cannot be read.
func addressesOf(to string) []string {
	if addrs, ok := toAddresses(to); ok {
		return addrs
	}
	return []string{strings.ToLower(strings.TrimSpace(to))}
}

// KeyChange returns a *KeyChangeError when recipients.key names another
// column than the one the journal's latest send recorded and rows to send
// go to addresses the journal delivered to under it; nil otherwise (a
// column renamed with its values kept finds its recipients sent, and a
// sheet of new people under a new key sends to none of the old ones).
// Call it once every row was decided.
func (d *Decider) KeyChange() error {
	k := d.keys
	if k == nil || k.n == 0 {
		return nil
	}
	return &KeyChangeError{File: k.file, Key: k.key, Was: k.was, Rows: k.rows, N: k.n}
}

// KeyChangeError is KeyChange's error.
type KeyChangeError struct {
	File     string   // the campaign file
	Key, Was string   // recipients.key now, and in the journal's latest send
	Rows     []string // the first rows ("row 5: ann@example.com")
	N        int      // all of them
}

func (e *KeyChangeError) Error() string {
	more := ""
	if n := e.N - len(e.Rows); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	verb := "go"
	if e.N == 1 {
		verb = "goes"
	}
	return fmt.Sprintf("plan: %s: recipients.key is %q, but earlier sends told recipients apart by %q: %s to send %s to addresses sent to before (%s%s), which would get the campaign a second time. "+
		"Set recipients.key back to %q, or take those rows out",
		e.File, e.Key, e.Was, report.Plural(e.N, "row"), verb, strings.Join(e.Rows, "; "), more, e.Was)
}
