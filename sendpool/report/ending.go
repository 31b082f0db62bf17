package report

import (
	"cmp"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// The kinds of Ending, report.json's "ending"."kind": stable words a
// script may test.
const (
	EndRunning     = "running"     // a send was running when the report was written
	EndFinished    = "finished"    // the last send went through every row it set out to send
	EndLimit       = "limit"       // it held rows back past --limit
	EndDailyCap    = "daily_cap"   // it held rows back past send.daily_cap
	EndInterrupted = "interrupted" // Ctrl-C, SIGTERM, SIGHUP
	EndKilled      = "killed"      // it ended without recording how: kill -9, the OOM killer, the machine stopped
	EndStopped     = "stopped"     // something to fix or wait out: Ending.Cause says what
	EndRefused     = "refused"     // send refused to start: rows have problems; nothing sent
	EndNone        = "none"        // no send has run yet
)

// Ending is how the campaign's last send ended, as report.json gives it
// beside its summary: what send's summary and the report page say of it,
// for a script.
type Ending struct {
	// Kind is one of the End… constants.
	Kind string `json:"kind"`
	// Cause is why a stopped run stopped (Kind EndStopped only), its
	// sendpool.StopKind: settings (a refused login or relay, TLS, a host name or port to
	// fix), unreachable (nothing answered the run's first connection),
	// server (a server that stopped answering or refused service),
	// server_lacks (SMTPUTF8), quota (the server's sending quota),
	// bounce_rate (too many recipients refused), journal, other.
	Cause string `json:"cause,omitempty"`
	// Words say it as a person reads it: the stop's reason in full.
	Words string `json:"words"`
	// Next is what sends the rows not sent, and when ("tidings send
	// c.yaml sends them once the settings are fixed (see why the run
	// stopped)"); "" when nothing is left to it.
	Next string `json:"next,omitempty"`
	// ResumeAfter is when send.daily_cap lets the next message go (RFC
	// 3339 in UTC), when it holds rows back and that is known; SendsNow
	// how many it lets go before then (0: none, or not known).
	ResumeAfter string `json:"resume_after,omitempty"`
	SendsNow    int    `json:"sends_now,omitempty"`
	// OK says that nothing is left for a person to look at: the send
	// went through every row it set out to send and every row is sent
	// or settled (Summary.OK; the exit code 0 of tidings report). False
	// for every other kind (running, interrupted, stopped, killed,
	// refused, limit, daily_cap, none), for a finished send that left
	// rows failed, unknown, deferred, owing, invalid or not attempted, and
	// for a send in which the server refused some recipients of a message
	// for good while it took the others (EndFacts.RcptRefused), or held
	// back rows to send again as changed (Summary.AgainRevised, past
	// --limit or daily_cap: limit, daily_cap): send exits 1 for them,
	// though their rows count as sent. Always written, so a
	// script pages on `jq -e .ending.ok` failing, as on send's exit code.
	OK bool `json:"ok"`
	// WrittenAt is when the report was written (RFC 3339 in UTC): a
	// script that started a command at T reads a report not written
	// since T as an earlier one's.
	WrittenAt string `json:"written_at"`
}

// EndFacts is what a report's rows do not tell of how the last send
// ended, which the command that writes the report knows.
type EndFacts struct {
	// Running: a send was running when the report was written.
	Running bool
	// NoRun: no send has run yet.
	NoRun bool
	// Unrecorded: the last send ended without recording how
	// (journal.State.Unrecorded: killed outright).
	Unrecorded bool
	// Short: the last send ended before it went through the messages it
	// set out to send, and did not record why
	// (journal.State.EndedShort: killed between two messages).
	Short bool
	// Refused says why send refused to start, as it printed it ("1 of
	// 22 rows have problems; nothing was sent"), and RefusedNext what to
	// do ("fix them, or send the rest with --skip-invalid"); "" when it
	// did not refuse.
	Refused, RefusedNext string
	// HeldFor is the detail of the rows the last send held back from
	// its start (sendpool.CapUnsent, sendpool.LimitUnsent's; "" when
	// none): the rows no send has reached are those.
	HeldFor string
	// CapNext is when send.daily_cap lets the next message go once
	// Summary.CapLeft have gone (zero: not known).
	CapNext time.Time
	// RcptRefused counts the messages of the send writing the report
	// that reached some recipients while the server refused others for
	// good (plan.Plan.Refused): their rows count as sent, but that send
	// exits 1 for them, and its ending is not OK. 0 for tidings report.
	RcptRefused int
	// Now is when the report is written.
	Now time.Time
}

// Ending is how the last send ended, from s (its Again, CapLeft and
// CapAfter filled in as for WriteText) and f.
func (s Summary) Ending(f EndFacts) Ending {
	e := Ending{WrittenAt: f.Now.UTC().Format(time.RFC3339)}
	again := cmp.Or(s.Again, "the next send")
	capHeld := s.Capped > 0 || f.HeldFor == sendpool.CapUnsent && s.NotReached > 0
	switch {
	case f.Running:
		e.Kind, e.Words, e.Next = EndRunning, "a send is running: the report shows it as far as it got", "read the report again once it ends"
	case f.Refused != "":
		e.Kind, e.Words, e.Next = EndRefused, f.Refused, f.RefusedNext+s.refusedStopNext(again)
	case f.KilledWords() != "":
		e.Kind, e.Words, e.Next = EndKilled, f.KilledWords(), s.killedNext(again)
	case s.Interrupted > 0:
		e.Kind, e.Words, e.Next = EndInterrupted, sendpool.Interrupted, again+" sends "+s.sends(s.Interrupted, false)
	case s.Stopped > 0:
		e.Kind, e.Cause, e.Words, e.Next = EndStopped, cmp.Or(sendpool.StopKind(s.StopDetail), sendpool.StopOther), s.StopDetail, again+" sends "+s.stopSends()
	case capHeld:
		n := s.Capped + s.NotReached
		e.Kind, e.Words, e.Next = EndDailyCap, "daily_cap reached", again+" sends "+s.sends(n, true)
		e.SendsNow = s.CapLeft
		if !f.CapNext.IsZero() {
			e.ResumeAfter = f.CapNext.UTC().Add(time.Second - 1).Truncate(time.Second).Format(time.RFC3339)
		}
	case s.Limited > 0 || sendpool.IsLimitUnsent(f.HeldFor) && s.NotReached > 0:
		n := s.Limited + s.NotReached
		e.Kind, e.Words, e.Next = EndLimit, cmp.Or(s.LimitDetail, f.HeldFor), again+" sends "+s.sends(n, false)
	case s.AgainRevised > 0 && f.HeldFor != "":
		// Rows sent before, to send again as changed (--resend-changed),
		// that --limit or daily_cap held back: counted sent, no count
		// above tells them, but the send exits 1 for them.
		e.Kind, e.Words = EndLimit, f.HeldFor
		if f.HeldFor == sendpool.CapUnsent {
			e.Kind, e.Words = EndDailyCap, "daily_cap reached"
		}
		e.Next = again + " sends again the " + Plural(s.AgainRevised, "changed row") + " this send held back"
	case f.NoRun:
		e.Kind, e.Words, e.Next = EndNone, "no send has run yet", again+" sends "+them(s.NotReached)
	case s.OK() && f.RcptRefused > 0:
		e.Kind, e.Words = EndFinished, "every row sent or settled, but "+Plural(f.RcptRefused, "message")+" reached some recipients while the server refused others for good (their rows count as sent; send's summary names them)"
	case s.OK():
		e.Kind, e.Words, e.OK = EndFinished, "every row sent or settled", true
	default:
		e.Kind, e.Words = EndFinished, "the send went through the rows it set out to send; those not sent say why in their status and detail"
		if n := s.NotAttempted + s.Deferred - s.RunHolds; n > 0 {
			e.Next = again + " sends " + s.sends(n, false) // rows added since, deferred ones
		}
	}
	return e
}

// TextLine is the line of e that tidings report prints under its
// summary when the summary's lines of rows do not tell it, in e's words
// and with what sends the rest (Next): "last send: killed: the last send
// ended …; tidings send c.yaml sends the 27 rows left." for EndKilled,
// likewise for EndRefused; "" for the other kinds, whose rows' lines
// say it (interrupted, stopped, limit, daily_cap) or have nothing to add.
func (e Ending) TextLine() string {
	if e.Kind != EndKilled && e.Kind != EndRefused {
		return ""
	}
	line := "last send: " + e.Kind + ": " + e.Words
	if e.Next != "" {
		line += "; " + e.Next
	}
	return line + "."
}

// KilledWords are the words of an EndKilled ending of the last send f
// tells of, killed outright (Unrecorded, or Short), as Ending gives
// them; "" when f says neither.
func (f EndFacts) KilledWords() string {
	switch {
	case f.Unrecorded:
		return killedWords
	case f.Short:
		return killedShortWords
	}
	return ""
}

// killedWords are the words of an EndKilled ending.
const killedWords = "the last send ended without recording how: it was killed outright (kill -9, the OOM killer), its machine stopped, or its journal could no longer be written (a full disk: that send's closing error said so); the messages it had handed over are unknown"

// killedShortWords are the words of an EndKilled ending of a send killed
// between two messages, or before the first (EndFacts.Short).
const killedShortWords = "the last send ended before it went through the rows it set out to send, without recording how: it was killed outright (kill -9, the OOM killer), its machine stopped, or its journal could no longer be written (a full disk: that send's closing error said so), between two messages or before the first"

// killedNext is the Next of an EndKilled ending, again the command that
// sends the rest: the rows left (not attempted, deferred), and with
// --resend-unknown (AgainUnknown) the unknown ones, which may arrive
// twice; said once when again has it already. The unknown no send tries
// again (no longer in the sheet, left out now, suppressed now) are not
// among them (UnknownToSend).
func (s Summary) killedNext(again string) string {
	left, toSend := s.NotAttempted+s.Deferred, s.UnknownToSend()
	unknown := "the " + Plural(toSend, "unknown row") + " (which may arrive twice)"
	withUnknown := cmp.Or(s.AgainUnknown, again+" --resend-unknown")
	switch {
	case left > 0 && toSend > 0 && withUnknown == again:
		return again + " sends the " + Plural(left, "row") + " left and again " + unknown
	case left > 0 && toSend > 0:
		return again + " sends the " + Plural(left, "row") + " left; with --resend-unknown, also " + unknown
	case left > 0:
		return again + " sends the " + Plural(left, "row") + " left"
	case toSend > 0:
		return withUnknown + " sends " + unknown + " again"
	}
	return ""
}

// refusedStopNext ends the Next of an EndRefused ending whose rows name a
// stop before the refusal that still holds (sendpool.RefusedStop): the
// rows, fixed, go only once its cause has changed or passed
// (sendpool.StopWhen), a send before then stopping again; "" when they
// name none.
func (s Summary) refusedStopNext(again string) string {
	why, when := sendpool.StopStands(sendpool.RefusedStop(s.RefusedDetail))
	if when == "" {
		return ""
	}
	return "; and as the run before it stopped (" + clipWidth(why, 100) + "), " + again + " sends the rows left only once " + when
}
