package plan

import (
	"fmt"

	"github.com/tidings/tidings/sendpool/spool"
)

// ReusedPair is a row whose key an earlier row, First, has with other
// values (ErrKeyReused; under recipients.duplicates: first, a duplicate
// whose values go nowhere, Fate.OtherValues).
type ReusedPair struct{ Row, First int }

// maxReused bounds the pairs a Decider keeps for ReusedColumns, so that a
// sheet pasted below itself with a column changed does not keep a pair a
// row: a person fixing the sheet reads the first ones first.
const maxReused = 1000

// noteReused keeps the pair of row, which has first's key with other
// values, up to maxReused; more are counted.
func (d *Decider) noteReused(row, first int) {
	if len(d.reused) < maxReused {
		d.reused = append(d.reused, ReusedPair{Row: row, First: first})
		return
	}
	d.reusedMore++
}

// noteOtherValues notes, as noteReused, a spooled duplicate r whose
// values differ from the first row's with its key, under
// recipients.duplicates: first (spool.Row.OtherValues), that row read from
// its Detail (journal.Repeat's words): a send from a generation made
// before names the columns as one that renders does.
func (d *Decider) noteOtherValues(r spool.Row) {
	var first int
	if _, err := fmt.Sscanf(r.Detail, "duplicate of row %d", &first); err == nil && r.OtherValues {
		d.noteReused(r.Row, first)
	}
}

// Reused lists the rows found so far with an earlier row's key and other
// values, in the order found, up to maxReused; more counts those past it.
func (d *Decider) Reused() (pairs []ReusedPair, more int) { return d.reused, d.reusedMore }

// KeyReused is Decider.Reused of the plan's preflight.
func (pl *Plan) KeyReused() (pairs []ReusedPair, more int) { return pl.decider.Reused() }
