package plan

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// maxListed bounds the row problems and unknown outcomes a Plan keeps to
// show (it counts them all): memory stays flat whatever the sheet holds.
const maxListed = 1000

// Plan is what the preflight decided for every row of the sheet, and the
// spool generation the decided rows are delivered from.
type Plan struct {
	// Rows counts the sheet's rows.
	Rows int
	// ToSend counts the rows to hand to the pool; SentBefore those not
	// sent now because an earlier run delivered their message.
	ToSend     int
	SentBefore int
	// Invalid are the first row problems, in sheet order; Problems
	// counts them all.
	Invalid  []error
	Problems int
	// Unknown lists the first earlier deliveries of unknown outcome, which
	// are not sent again unless asked; Unknowns counts them all.
	Unknown  []report.Row
	Unknowns int
	// Spool is the generation the rows are delivered from; Reused is set
	// when an earlier run's generation was taken as it was (nothing was
	// rendered).
	Spool  *spool.Generation
	Reused bool
	// Spooled, when above 0, says that only the first Spooled rows to
	// send have their message in Spool (a generation a part of a long run
	// made, reused: the rows after them are rendered by the part that
	// sends them): a delivery from it sends no more. 0: every row to send
	// has its message there.
	Spooled int
	// Unspooled counts the rows to send whose message Spool does not
	// hold, in a run that sends none (Options.SendsNone: its daily cap
	// used up), which renders nothing for them: the send that sends them
	// renders them afresh. 0 in a run that sends.
	Unspooled int
	// Changed lists the campaign's files (the campaign file, templates,
	// inline images, DKIM keys, the attachments named without row data;
	// not the sheet), by their paths relative
	// to the campaign's folder, that changed since the
	// newest spool generation an earlier send used: the messages sent
	// then stay as they were, the rows still to send go as they are now.
	// The campaign file is named only when a setting the messages are
	// made of changed, not its sending settings (Inputs.Digest).
	Changed []string
	// Revised lists the rows whose message went out before and whose
	// values or attached files changed since (Decider.Revised), with what
	// changed; RevisedToSend counts those among the rows to send
	// (Options.ResendChanged), the others are not sent again.
	Revised       RowList
	RevisedToSend int
	// ChangedUnsent lists the rows whose message failed for good or went
	// unknown, not sent by this run, whose values changed since
	// (Decider.ChangedUnsent): a corrected address waits for
	// --retry-failed or --resend-unknown.
	ChangedUnsent RowList
	// OtherValues lists the duplicates whose values differ from the
	// first row's with their key, under recipients.duplicates: first
	// (Fate.OtherValues): their values go nowhere.
	OtherValues RowList
	// SheetWarnings are the sheet's warnings as a read of it to its end
	// gives them (campaign.Sheet.Warnings): in's own when the rows were
	// rendered; when a generation was reused (Reused), which leaves the
	// sheet read no further than the last row to send, those the
	// generation kept (spool.Inputs.SheetWarnings), or, of one kept by
	// an older tidings, those of what was read.
	SheetWarnings []string
	// ScanNote is the renderer's warning about a campaign folder too
	// large to look through whole for other campaigns
	// (render.Renderer.ScanNote), when the rows were rendered; "" else.
	ScanNote string
	// Damaged is why the generation the preflight would have reused was
	// not, or why the newest generation, one messages went out from,
	// cannot be read at all (spool.Generation.Unreadable): an error
	// wrapping spool.ErrCorrupt, naming the file; the rows were rendered
	// again. Nil when none was found damaged.
	Damaged error
	// DamagedUsed lists the older generations messages went out from that
	// this preflight found unreadable (spool.Generation.Unreadable, which
	// names the file) and marked damaged: none is sent from, and what went
	// out from them can no longer be shown. Each is listed once, by the
	// preflight that marks it.
	DamagedUsed []*spool.Generation

	decider *Decider
	// resendChanged is Options.ResendChanged; sums reads the values of
	// spooled messages while a scan of the rows judges them (valueSums).
	resendChanged bool
	ownRunsFrom   int // Options.OwnRunsFrom
	// sendsNone is Options.SendsNone: the rows to send may have no
	// message in Spool, or one too old to send, and Allow lets none go.
	sendsNone bool
	sums      *spool.Reader
	send      rowSet // rows to hand to the pool
	// unlinked are the rows of a reused generation whose message has no
	// link to its unsubscribe target (spool.Row.Unlinked), for
	// notesFromSheet.
	unlinked unlinkedRows
	// owed maps a row to the send to the only envelope recipients still
	// owed it: an earlier run delivered it to the others
	// (journal.Decision.Owed).
	owed map[int]*owedSend
	// inSheet marks the journal's recipients the sheet has (Seed sets
	// it; nil before).
	inSheet *journal.Marks
	// owedGone lists the rows (the preflight's count) whose message an
	// earlier send delivered to some recipients and still owes others
	// that the row no longer names (OwedGone).
	owedGone RowList
	// utf8Rows lists the rows to send whose message needs SMTPUTF8;
	// revisedRows those sent again (RevisedToSend).
	utf8Rows, revisedRows []int
	// copies is what the copier of the last delivery did.
	copies CopyStats
	// refused counts this run's messages that have reached some
	// recipients while the server refused others for good; refusedLines
	// names the first maxRefusedLines ("row 4: a@x (550 5.1.1 …)").
	refused      int
	refusedLines []string
	// owedRendered counts the sends to owed recipients of the last
	// delivery that went as rendered now (OwedRendered).
	owedRendered int
	// revisedCut counts the rows sent again as changed whose message
	// the run cut off before it went (RevisedCut).
	revisedCut int
	// guardNote is the bounce-rate guard's count once the last delivery
	// was over (bounceGuard.afterStop).
	guardNote string
}

// maxRefusedLines is how many partly refused messages a Plan names.
const maxRefusedLines = 10

// Refused counts the messages of the last delivery that have reached some
// recipients (in it or in an earlier run) while the server refused others
// for good (n), and names the first few (lines: the row and the refused
// addresses with the reply). Their rows are sent.
func (pl *Plan) Refused() (lines []string, n int) { return pl.refusedLines, pl.refused }

// Copies says what the last delivery copied to the Sent folder.
func (pl *Plan) Copies() CopyStats { return pl.copies }

// SMTPUTF8Within lists the rows needing SMTPUTF8 among the first n rows to
// send: those a run hands over (--limit, daily_cap).
func (pl *Plan) SMTPUTF8Within(n int) []int {
	if n <= 0 || n >= pl.ToSend || len(pl.utf8Rows) == 0 {
		return pl.utf8Rows
	}
	last := pl.send.nth(n)
	i, _ := slices.BinarySearch(pl.utf8Rows, last+1)
	return pl.utf8Rows[:i]
}

// RevisedWithin counts the rows sent again (RevisedToSend) among the
// first n rows to send: those a run hands over (--limit, daily_cap).
func (pl *Plan) RevisedWithin(n int) int {
	if n <= 0 || n >= pl.ToSend {
		return pl.RevisedToSend
	}
	i, _ := slices.BinarySearch(pl.revisedRows, pl.send.nth(n)+1)
	return i
}

// KeyChange is the preflight's Decider.KeyChange: an error when the
// journal's recipients would all be sent again under a changed
// recipients.key.
func (pl *Plan) KeyChange() error { return pl.decider.KeyChange() }

// SameAddress is Decider.SameAddress, once KeyChange was asked.
func (pl *Plan) SameAddress() RowList { return pl.decider.SameAddress() }

// Sends reports whether the plan hands sheet row row to the pool.
func (pl *Plan) Sends(row int) bool { return pl.send.has(row) }

// forOwed returns m's message, or, when an earlier run delivered it to
// some recipients, the message they got (the same bytes under the same
// Message-ID: found in sent by its digest when m was rendered again since)
// at m's row with its envelope cut down to the recipients still owed it.
// When that message is gone from the spool (or damaged), they get m, which
// the row's owedSend notes (OwedRendered counts it once it went); another
// error stops the feed.
func (pl *Plan) forOwed(ctx context.Context, m spool.Message, sent *sentFinder) (*render.Message, error) {
	o, ok := pl.owed[m.Row]
	if !ok {
		return m.Message, nil
	}
	c := *m.Message
	if o.hash != "" && m.Hash != o.hash {
		got, found, err := sent.find(ctx, o.row, m.Key, o.hash)
		switch {
		case found:
			c = *got.Message
			c.Row, c.Key, c.Digest = m.Row, m.Key, got.Hash
		case err == nil || errors.Is(err, spool.ErrCorrupt):
			o.rendered = true // read by the pool's callback, after the queue hands m over
		default:
			return nil, err
		}
	}
	c.Recipients = o.envelope
	return &c, nil
}

// OwedGone lists the rows ("row 5: temp@example.com") whose message an
// earlier send delivered to some recipients and still owed others that
// the row no longer names: nobody gets it in their place (an address put
// there instead included). The preflight counts them.
func (pl *Plan) OwedGone() RowList { return pl.owedGone }

// noteOwedGone counts row for OwedGone.
func (pl *Plan) noteOwedGone(row int, owed []string) {
	pl.owedGone.Add(OwedLine(row, owed))
}

// OwedLine names row and the recipients it still owes, as OwedGone does.
func OwedLine(row int, owed []string) string {
	return fmt.Sprintf("row %d: %s", row, strings.Join(owed, ", "))
}

// RevisedCut counts the rows sent again as changed (RevisedToSend) whose
// message a stopped or interrupted run did not come to: they keep the
// message that went before, not sent again.
func (pl *Plan) RevisedCut() int { return pl.revisedCut }

// OwedRendered counts the sends of the last delivery to recipients a
// message still owed that went as the message is rendered now: the one
// the others got was no longer in the spool, or damaged.
func (pl *Plan) OwedRendered() int { return pl.owedRendered }

// GuardNote is what the bounce-rate guard counted once the last delivery
// was over, when it stopped the run and messages in flight then finished
// after it, which the report counts and its stop's words do not: "the
// bounce-rate guard stopped the run at 20 of 200 …; with the 19 messages
// in flight then …: 22 of the 219 recipients tried (10.0%)". "" otherwise.
func (pl *Plan) GuardNote() string { return pl.guardNote }

// sentFinder finds messages that went out in a campaign's spool, opened
// when first asked; used from one goroutine.
type sentFinder struct {
	store *spool.Store
	f     *spool.Finder
}

func (s *sentFinder) find(ctx context.Context, row int, key, hash string) (spool.Message, bool, error) {
	if s.f == nil {
		f, err := s.store.NewFinder()
		if err != nil {
			return spool.Message{}, false, err
		}
		s.f = f
	}
	m, _, ok, err := s.f.Find(ctx, row, key, hash)
	return m, ok, err
}

func (s *sentFinder) close() {
	if s.f != nil {
		s.f.Close()
	}
}

// addInvalid counts a row problem, keeping the first ones.
func (pl *Plan) addInvalid(err error) {
	pl.Problems++
	if len(pl.Invalid) < maxListed {
		pl.Invalid = append(pl.Invalid, err)
	}
}

// addUnknown counts an earlier delivery of unknown outcome.
func (pl *Plan) addUnknown(r report.Row) {
	pl.Unknowns++
	if len(pl.Unknown) < maxListed {
		pl.Unknown = append(pl.Unknown, r)
	}
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
	return row >= 0 && row/64 < len(s) && s[row/64]&(1<<(row%64)) != 0
}

// nth returns the n-th row of the set (1-based), or -1.
func (s rowSet) nth(n int) int {
	for i, w := range s {
		c := bits.OnesCount64(w)
		if n > c {
			n -= c
			continue
		}
		for ; w != 0; w &= w - 1 {
			if n--; n == 0 {
				return i*64 + bits.TrailingZeros64(w)
			}
		}
	}
	return -1
}
