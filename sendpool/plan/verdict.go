package plan

import (
	"errors"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// verdict is what this run does with a spooled row: whether it is sent
// (to envelope when only some recipients are still owed it), and the report
// line the row starts the run with.
type verdict struct {
	send bool
	// owed, when only some recipients are still owed the message, is
	// what an earlier run delivered; nil: send to all.
	owed *owedSend
	line report.Row
	// unknown: an earlier delivery of unknown outcome, listed for the user.
	unknown bool
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
		line.MessageID, line.Status, line.Detail = "", sendpool.StatusInvalid, r.Detail
		return verdict{line: line}, nil
	case spool.KindDuplicate:
		line.MessageID, line.Status, line.Detail = "", sendpool.StatusDuplicate, r.Detail
		return verdict{line: line}, nil
	}
	f, err := pl.decider.decideSent(r.Key, r.Recipients, brief)
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
		return done(line, f.Journal), nil
	case len(f.Journal.Owed) > 0:
		return owedVerdict(line, f.Journal, r.Recipients), nil
	}
	line.Status = sendpool.StatusNotAttempted // until the pool says otherwise
	return verdict{send: true, line: line}, nil
}

// done is the verdict on a row the journal says needs no sending. The
// report keeps the journal's line for it (journal.Entry.ReportLine, as
// report.Rebuild gives it: the earlier delivery's reply code and detail,
// the attempts of every run), at this row with its key as the row spells
// it; an unknown outcome (the line says unknown too) is listed for the
// user to decide about.
func done(line report.Row, d journal.Decision) verdict {
	v := verdict{line: line, unknown: d.Status == sendpool.StatusUnknown}
	if e := d.Entry; e != nil {
		if r, ok := e.ReportLine(); ok {
			v.line = report.FromJournal(r)
			v.line.Row, v.line.Key = line.Row, line.Key
		}
	}
	return v
}

// owedSend is a send to the recipients a message is still owed: an
// earlier run delivered it to the others.
type owedSend struct {
	envelope []string       // the owed recipients still in the row
	earlier  *journal.Entry // what the journal says of the key
}

// owedVerdict sends a message an earlier run delivered to some recipients
// to the ones still owed it, only those the row still names (they passed
// the suppression list with it); when it names none of them, the row is
// done, with the journal's line (as report gives it).
func owedVerdict(line report.Row, d journal.Decision, recipients []string) verdict {
	envelope := owedInRow(d.Owed, recipients)
	if len(envelope) == 0 {
		return done(line, d)
	}
	line.Status = sendpool.StatusNotAttempted
	return verdict{send: true, owed: &owedSend{envelope: envelope, earlier: d.Entry}, line: line}
}

// line is the report line of r, the result of this run's send to the
// recipients still owed: journal.Entry.OwedLine, as report gives it once
// the journal has r, at r's row with its key as the row spells it.
func (o *owedSend) line(r sendpool.Result) report.Row {
	line := report.FromJournal(o.earlier.OwedLine(journal.ResultOf(r)))
	line.Row, line.Key = r.Row, r.Key
	line.Attempts = r.Attempts
	return line
}

// account counts r's verdict into the plan; problem is the row's problem
// (nil but for invalid rows).
func (pl *Plan) account(r spool.Row, v verdict, problem error) {
	pl.Rows++
	switch {
	case problem != nil:
		pl.addInvalid(problem)
	case v.unknown:
		pl.addUnknown(v.line)
	case v.send:
		pl.send.add(r.Row)
		pl.ToSend++
		if r.UTF8 {
			pl.utf8Rows = append(pl.utf8Rows, r.Row)
		}
		if v.owed != nil {
			if pl.owed == nil {
				pl.owed = map[int]*owedSend{}
			}
			pl.owed[r.Row] = v.owed
		}
	}
}

// rowProblem is a row problem as the spool keeps it: its words.
type rowProblem struct{ detail string }

func (p *rowProblem) Error() string { return p.detail }

var _ = errors.New
