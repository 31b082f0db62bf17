package plan

import (
	"strings"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// verdict is what this run does with a spooled row: whether it is sent
// (to owed's envelope when only some recipients are still owed it), and
// the report line the row starts the run with.
type verdict struct {
	send bool
	// owed, when an earlier run delivered the message to some
	// recipients, is the send to those still owed it; nil: send to all.
	owed *owedSend
	line report.Row
	// unknown: an earlier delivery of unknown outcome, listed for the user.
	unknown bool
	// held, for a message delivered to some recipients whose others are
	// held back by the suppression list, says why: the decision Seed
	// journals (the row's line stays sent).
	held string
	// settled: a row with a problem now whose message went out from it
	// before (journal.State.WentOutAt): the journal's line, no problem.
	settled bool
	// revised, on a row whose message went out before, names what of it
	// changed since (Decider.Revised); revisedHeld says why it is not
	// sent again when Options.ResendChanged would have sent it.
	revised     []string
	revisedHeld string
	// owedAnew: revised, and the message made anew for it that the
	// server deferred is still owed (journal.State.DeferredAnew): sent
	// again without Options.ResendChanged.
	owedAnew bool
	// changedUnsent, on a row whose message failed or went unknown and
	// is not sent now, names it and what of it changed since
	// (Decider.ChangedUnsent, ChangedUnsentLine); "" when nothing did.
	changedUnsent string
	// wentOut: the row's message went out before (sent, and bounced or
	// complained of since) and owes no recipient a copy.
	wentOut bool
}

// judge decides r from what the spool holds of it, what the journal says
// and the suppression list. The preflight and Seed both ask it, and get
// the same answer: nothing it reads changes while the send holds the lock.
// With brief (the preflight's count), the line of a row an earlier run
// settled has no detail, which spares reading the journal back.
func (pl *Plan) judge(r spool.Row, brief bool) (verdict, error) {
	line := report.Row{Recipient: report.Recipient{Row: r.Row, Key: r.Key, To: r.To}, MessageID: r.MessageID}
	switch r.Kind {
	case spool.KindInvalid:
		pl.decider.keys.sheet(r.Key) // still the sheet's, for KeyChange
		if v, ok, err := pl.wentOut(r, line); !r.KeyReused && (ok || err != nil) {
			return v, err
		}
		line.MessageID, line.Status, line.Detail = "", sendpool.StatusInvalid, report.ProblemLine(r.Detail)
		return verdict{line: line}, nil
	case spool.KindDuplicate:
		line.MessageID, line.Status, line.Detail = "", sendpool.StatusDuplicate, r.Detail
		return verdict{line: line}, nil
	}
	f, err := pl.decider.decideSent(r.Row, r.Key, r.To, r.Recipients, brief)
	switch {
	case err != nil:
		return verdict{}, err
	case f.Status == sendpool.StatusSuppressed:
		// Nothing is sent: no Message-ID; the attempts of earlier runs
		// (a deferral before) stay counted, as the journal's line says.
		line.MessageID, line.Status, line.Detail = "", f.Status, f.Detail
		if e := f.Journal.Entry; e != nil {
			line.Attempts = e.Attempts
		}
		return verdict{line: line}, nil
	case !f.Send:
		v := done(line, f.Journal, r.Recipients)
		v.wentOut = f.WentOut()
		v.line.MarkSuppressed(pl.decider.supp, r.Recipients)
		if len(f.Journal.Owed) > 0 {
			// Delivered to some recipients, and the others it owes are
			// held back now (the suppression list names one of the
			// row's recipients): no send goes to them while it does,
			// which the journal is told (report reads no list).
			v.line.Owing, v.held = false, f.Detail
			return v, nil
		}
		return pl.revise(r, f, v)
	case len(f.Journal.Owed) > 0:
		v := owedVerdict(line, f.Journal, r.Recipients)
		if !v.send && brief { // once a run: the preflight's count
			pl.noteOwedGone(r.Row, f.Journal.Owed)
		}
		return v, nil
	}
	// Until the pool says otherwise; no message has gone (report.FromResult).
	line.Status, line.MessageID = sendpool.StatusNotAttempted, ""
	if l, ok := triedBefore(f.Journal.Entry, r.Recipients); ok {
		l.Row, l.Key = line.Row, line.Key
		line = l
	} else if e := f.Journal.Entry; e != nil {
		line.Attempts = e.Attempts // tries across runs, as report counts them
	}
	return verdict{send: true, line: line}, nil
}

// triedBefore is the report line of e (nil: none), a row to send that an
// earlier run left deferred, or unknown (sent again under
// --resend-unknown), as the journal has it: the line the row keeps, its
// server's reply, until the pool tries it again, so that a run that does
// not come to it (--limit, daily_cap, Ctrl-C) reports it as tidings
// report does (deferred: the next plain send tries it; unknown: it may
// have arrived). A failed row --retry-failed sends is none: a run that
// does not come to it reports it not attempted, with why (an interrupt,
// --limit), where its summary gives the command that sends it, not
// failed with an earlier run's reply, as if refused again. ok is false
// for any other row.
func triedBefore(e *journal.Entry, recipients []string) (report.Row, bool) {
	if e == nil {
		return report.Row{}, false
	}
	switch e.Status {
	case sendpool.StatusDeferred, sendpool.StatusUnknown:
	default:
		return report.Row{}, false
	}
	l, ok := report.LineOf(e, recipients)
	return l, ok && l.Status == e.Status
}

// revise is the verdict on r, whose message went out before (fate f,
// verdict v), when its values changed since (Decider.Revised): v noting
// what changed, and with Options.ResendChanged sent again as it is now,
// a message of its own (render: another Message-ID), unless the
// suppression list names one of its recipients. Without it, only a row
// whose message made anew the server deferred goes again, while its
// values are those that message was made of (owedAnew): deferred is
// still owed. The row starts the run with the line of what went out, or
// of that deferral, which stays when the run does not come to it.
func (pl *Plan) revise(r spool.Row, f Fate, v verdict) (verdict, error) {
	sums := func() ([]uint16, error) { return pl.valueSums(r) }
	if !Revisable(f.Status) {
		changed, err := pl.decider.ChangedUnsent(f, r.Key, r.ValuesSum, sums)
		if len(changed) > 0 {
			v.changedUnsent = ChangedUnsentLine(r.Row, r.Key, changed, f.Status)
		}
		return v, err
	}
	changed, err := pl.decider.Revised(f, r.Key, r.ValuesSum, sums)
	if err != nil || len(changed) == 0 {
		return v, err
	}
	v.revised = changed
	v.owedAnew = pl.decider.OwedAnew(r.Key, r.ValuesSum)
	if !pl.resends(f) && !v.owedAnew {
		if !pl.resendChanged { // a plain send's note says what --resend-changed would hold back
			v.revisedHeld, err = pl.decider.RevisedHeld(r.Key, r.To, r.Recipients)
		}
		return v, err
	}
	if v.revisedHeld, err = pl.decider.RevisedHeld(r.Key, r.To, r.Recipients); v.revisedHeld != "" || err != nil {
		return v, err
	}
	if e := f.Journal.Entry; v.owedAnew && e != nil {
		if line, ok := report.LineNow(e, r.Recipients, r.ValuesSum); ok {
			v.line = line
			v.line.Row, v.line.Key = r.Row, r.Key
		}
	}
	v.send, v.unknown = true, false
	return v, nil
}

// OwnSendWords end the line of a row told as changed that
// Options.ResendChanged does not send again: its message went out in an
// earlier part of this send (Options.OwnRunsFrom).
const OwnSendWords = " (it went out earlier in this send, before the change; a later send --resend-changed sends it)"

// resends says whether Options.ResendChanged sends again the row of fate
// f, told as changed: not when its message went out in this send
// (Options.OwnRunsFrom).
func (pl *Plan) resends(f Fate) bool {
	return pl.resendChanged && (pl.ownRunsFrom <= 0 || f.Journal.Run < pl.ownRunsFrom)
}

// valueSums are the ValueSums of r's message: r's own when it was just
// rendered, else as the spool keeps them with the message, read through
// one Reader for the scan (closeSums closes it), which keeps the frame it
// decoded last: the rows come in order, so a frame is decoded once.
func (pl *Plan) valueSums(r spool.Row) ([]uint16, error) {
	if r.ValueSums != nil || pl.Spool == nil {
		return r.ValueSums, nil
	}
	if pl.sums == nil {
		rd, err := pl.Spool.Open()
		if err != nil {
			return nil, err
		}
		pl.sums = rd
	}
	m, ok, err := pl.sums.Message(r.Row)
	if !ok {
		return nil, err
	}
	return m.ValueSums, nil
}

// closeSums closes the Reader valueSums opened, if it did.
func (pl *Plan) closeSums() {
	if pl.sums != nil {
		pl.sums.Close()
		pl.sums = nil
	}
}

// wentOut is the verdict on r, a row with a problem, when its message
// went out from it before (journal.State.WentOutAt) and this run would
// not send it again: the journal's line, as for a row without a problem
// (what went out stays as it went). ok is false otherwise: a row to
// send again (--retry-failed) needs its problem fixed first.
func (pl *Plan) wentOut(r spool.Row, line report.Row) (v verdict, ok bool, err error) {
	state := pl.decider.state
	if r.Key == "" {
		return verdict{}, false, nil
	}
	if went, err := state.WentOutAt(r.Key, r.Row, pl.decider.facets, r.ColumnSums); !went || err != nil {
		return verdict{}, false, err
	}
	j, err := state.Decide(r.Key, pl.decider.policy)
	if err != nil || j.Send || len(j.Owed) > 0 {
		return verdict{}, false, err
	}
	v = done(line, j, r.Recipients)
	v.settled = true
	v.wentOut = Revisable(v.line.Status) // counted in Plan.SentBefore, as judge's
	return v, true, nil
}

// done is the verdict on a row the journal says needs no sending. The
// report keeps the journal's line for it (report.LineOf the row's
// envelope recipients, as report.RebuildFromSpool gives it: the earlier
// delivery's reply code and detail, the attempts of every run), at this
// row with its key as the row spells it; a line of unknown outcome is
// listed for the user to decide about.
func done(line report.Row, d journal.Decision, recipients []string) verdict {
	v := verdict{line: line}
	if e := d.Entry; e != nil {
		if l, ok := report.LineOf(e, recipients); ok {
			v.line = l
			v.line.Row, v.line.Key = line.Row, line.Key
		}
	}
	v.unknown = v.line.Status == sendpool.StatusUnknown
	return v
}

// owedSend is a send to the recipients a message is still owed: an
// earlier run delivered it to the others.
type owedSend struct {
	envelope []string // the owed recipients still in the row
	hash     string   // the digest of the message the others got
	row      int      // its row then, where a lookup starts
	// rendered: the message was not found by hash, and goes as rendered
	// now (Plan.forOwed).
	rendered bool
}

// owedVerdict sends a message an earlier run delivered to some recipients
// to the ones still owed it, only those the row still names (they passed
// the suppression list with it). The row starts the run with the
// journal's line (sent: the others have it), which stays when the run
// does not come to it (--limit, the daily cap, an interrupt); when the row
// names none of them, it is done.
func owedVerdict(line report.Row, d journal.Decision, recipients []string) verdict {
	v := done(line, d, recipients)
	if envelope := d.Entry.OwedIn(recipients); len(envelope) > 0 {
		first := d.Entry.Result
		v.send, v.owed, v.unknown = true, &owedSend{envelope: envelope, hash: first.Hash, row: first.Row}, false
	}
	return v
}

// owedLine is the report line of r, the result of this run's send to the
// recipients a message still owed: journal.Entry.OwedLine of what the
// journal said of its key before this run (read back: a run holds no
// more than the envelope of such a row), as report gives it once the
// journal has r, at r's row with its key as the row spells it.
func (pl *Plan) owedLine(r sendpool.Result) (report.Row, error) {
	e, err := pl.decider.state.Entry(r.Key)
	if err != nil || e == nil || e.Result == nil {
		return report.FromResult(r), err
	}
	line := report.FromJournal(e.OwedLine(journal.ResultOf(r)))
	line.Row, line.Key, line.Attempts = r.Row, r.Key, r.Attempts
	return line, nil
}

// account counts r's verdict into the plan; problem is the row's problem
// (nil but for invalid rows).
func (pl *Plan) account(r spool.Row, v verdict, problem error) {
	pl.Rows++
	if len(v.revised) > 0 {
		line := RevisedLine(r.Row, r.Key, v.revised)
		switch {
		case v.revisedHeld != "":
			line += heldWords + v.revisedHeld + ")"
		case v.owedAnew && !pl.resendChanged:
			line += DeferredAnewWords
		case pl.resendChanged && !v.send:
			line += OwnSendWords
		}
		pl.Revised.Add(line)
		if v.send {
			pl.RevisedToSend++
		}
	}
	if v.changedUnsent != "" {
		pl.ChangedUnsent.Add(v.changedUnsent)
	}
	if r.OtherValues {
		pl.OtherValues.Add(OtherValuesLine(r.Row, r.Key))
	}
	switch {
	case problem != nil && !v.settled:
		pl.addInvalid(problem)
	case v.unknown:
		pl.addUnknown(v.line)
	case v.send:
		pl.send.add(r.Row)
		pl.ToSend++
		if r.UTF8 {
			pl.utf8Rows = append(pl.utf8Rows, r.Row)
		}
		if len(v.revised) > 0 {
			pl.revisedRows = append(pl.revisedRows, r.Row)
		}
		if v.owed != nil {
			if pl.owed == nil {
				pl.owed = map[int]*owedSend{}
			}
			pl.owed[r.Row] = v.owed
		}
	case v.wentOut:
		pl.SentBefore++
	}
}

// DeferredAnewWords mark a row told as changed whose message made anew
// the server deferred, which a plain send sends again.
const DeferredAnewWords = " (its corrected message was deferred: a plain send sends it)"

// heldWords begin the words that end the line of a row told as changed
// that Options.ResendChanged does not send again for its recipients
// (reported, suppressed): " (not sent again: …)".
const heldWords = " (not sent again: "

// RevisedHeldLine reports whether line, a line of Plan.Revised (or of
// check's list alike), is of a row send --resend-changed does not send
// again, saying why (heldWords): a report came back about its address,
// or the suppression list names it.
func RevisedHeldLine(line string) bool { return strings.Contains(line, heldWords) }

// RevisedSent reports whether line, a line of Plan.Revised of a plan
// made with Options.ResendChanged set to resendChanged, is of a row the
// plan sends again: with it, one whose line ends with no words of why not
// (heldWords, OwnSendWords); without it, one whose corrected message was
// deferred (DeferredAnewWords).
func RevisedSent(line string, resendChanged bool) bool {
	if !resendChanged {
		return strings.HasSuffix(line, DeferredAnewWords)
	}
	return !strings.HasSuffix(line, OwnSendWords) && !strings.Contains(line, heldWords)
}

// RowProblem is a row problem as the spool keeps it: its row and its
// words (the location first, as problems are printed), a line for each
// of the row's problems.
type RowProblem struct {
	Row    int
	Detail string
}

func (p *RowProblem) Error() string { return report.ProblemLine(p.Detail) }

// Lines are the row's problems, one a line, each as report.ProblemLines
// words it (a spool an older tidings wrote kept package names).
func (p *RowProblem) Lines() []string { return report.ProblemLines(p.Detail) }
