package plan

import (
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// Plan is what the preflight decided for every row of the sheet.
type Plan struct {
	// Rows counts the sheet's rows.
	Rows int
	// ToSend counts the rows to hand to the pool.
	ToSend int
	// Lines has every row's report line as the preflight decided it (a
	// row to send is not-attempted until the pool says otherwise).
	Lines []report.Row
	// Invalid are the row problems, in sheet order.
	Invalid []error
	// Unknown lists earlier deliveries of unknown outcome, which are not
	// sent again unless asked.
	Unknown []report.Row

	send rowSet // rows to hand to the pool
	// kept holds the preflight's messages for the rows to send, in sheet
	// order, while they fit in the keep budget; delivery then sends them
	// instead of rendering every row a second time. nil when they did not
	// fit.
	kept      []*render.Message
	keptBytes int
	// planned lists the rows to send with their keys' hashes, in sheet
	// order (see stillPlanned); seed keys the hashes.
	planned []plannedRow
	seed    maphash.Seed
	// owed maps a row to the only envelope recipients to send it to: an
	// earlier run delivered it to the others (journal.Decision.Owed).
	owed map[int][]string
	// utf8Rows lists the rows to send whose message needs SMTPUTF8.
	utf8Rows []int
	// partial counts this run's messages that reached some recipients
	// while others are still owed them (deferred by the server).
	partial int
}

// Partial counts the messages of the last delivery that reached some
// recipients while the server deferred others: a later run sends to those
// only.
func (pl *Plan) Partial() int { return pl.partial }

// SMTPUTF8Within lists the rows needing SMTPUTF8 among the first n rows to
// send: those a run hands over (--limit, daily_cap).
func (pl *Plan) SMTPUTF8Within(n int) []int {
	if n <= 0 || n >= len(pl.planned) {
		return pl.utf8Rows
	}
	last := pl.planned[n-1].row
	i, _ := slices.BinarySearch(pl.utf8Rows, last+1)
	return pl.utf8Rows[:i]
}

// plannedRow is a row the preflight decided to send, with its key's hash.
type plannedRow struct {
	row int
	key uint64
}

// keyHash identifies a recipient key (normalized) within this process.
func (pl *Plan) keyHash(key string) uint64 {
	return maphash.String(pl.seed, journal.NormalizeKey(key))
}

// ErrSheetChanged stops a delivery that reads the sheet again and finds it
// changed since the preflight.
var ErrSheetChanged = errors.New("the recipient sheet changed after the check that precedes sending; nothing more is sent: run send again to check it anew")

// stillPlanned tells whether row, read again from the sheet with key, is
// the row the preflight planned to send: ErrSheetChanged when the sheet
// has changed since (rows inserted, removed or moved), so that delivery
// does not send a row the preflight did not check, or to the wrong person.
func (pl *Plan) stillPlanned(row int, key string) (bool, error) {
	if !pl.send.has(row) {
		return false, nil
	}
	if key == "" {
		return true, nil // a row problem without a key: reported, not sent
	}
	i, ok := slices.BinarySearchFunc(pl.planned, row, func(p plannedRow, row int) int { return p.row - row })
	if !ok || pl.planned[i].key != pl.keyHash(key) {
		return false, fmt.Errorf("%w: row %d's key is now %q", ErrSheetChanged, row, key)
	}
	return true, nil
}

// owedInRow returns the recipients of owed that recipients (the row's
// envelope now) still names, compared as addresses are (case aside).
func owedInRow(owed, recipients []string) []string {
	var out []string
	for _, o := range owed {
		if slices.ContainsFunc(recipients, func(r string) bool { return strings.EqualFold(r, o) }) {
			out = append(out, o)
		}
	}
	return out
}

// forOwed returns m with its envelope cut down to the recipients still
// owed it, when an earlier run delivered it to the others.
func (pl *Plan) forOwed(m *render.Message) *render.Message {
	o, ok := pl.owed[m.Row]
	if !ok {
		return m
	}
	c := *m
	c.Recipients = o
	return &c
}

// rowSet is a set of sheet row numbers, a bit per row so a million rows
// take 125 KB.
type rowSet []uint64

func (s *rowSet) add(row int) {
	for len(*s) <= row/64 {
		*s = append(*s, 0)
	}
	(*s)[row/64] |= 1 << (row % 64)
}

func (s rowSet) has(row int) bool {
	return row/64 < len(s) && s[row/64]&(1<<(row%64)) != 0
}
