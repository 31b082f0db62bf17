package journal

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// Policy is the resume policy of a send run.
type Policy struct {
	// RetryFailed sends again to recipients that failed permanently.
	RetryFailed bool
	// ResendUnknown sends again to recipients whose delivery is unknown;
	// they may get the message twice.
	ResendUnknown bool
	// through, when above 0, limits RetryFailed and ResendUnknown to the
	// recipients whose latest attempt was in one of the journal's first
	// through runs (OnlyBefore).
	through int
}

// OnlyBefore is p limited to what the journal's first runs runs left
// failed or unknown: the later parts of a long send (each a run of its
// own) retry what failed before the send began, not what failed in its
// earlier parts, which would otherwise be tried again once a part.
func (p Policy) OnlyBefore(runs int) Policy {
	if runs <= 0 {
		p.RetryFailed, p.ResendUnknown = false, false
	}
	p.through = runs
	return p
}

// Covers reports whether p's RetryFailed and ResendUnknown apply to an
// outcome of run (1-based, as Entry.Run).
func (p Policy) Covers(run int) bool { return p.through <= 0 || run <= p.through }

// of is p as it applies to the slot k: without RetryFailed and
// ResendUnknown when k's latest attempt came after the runs p covers.
func (s *State) of(p Policy, k *slot) Policy {
	if p.through > 0 && (p.RetryFailed || p.ResendUnknown) {
		if !p.Covers(s.attemptRun(k)) {
			p.RetryFailed, p.ResendUnknown = false, false
		}
	}
	return p
}

// Decision is what a resumed run does with one recipient.
type Decision struct {
	// Send is true when the recipient is to be sent now.
	Send bool
	// Status is the status a skipped recipient keeps (sent, failed,
	// unknown); NoStatus when Send.
	Status sendpool.Status
	// Reason explains the decision for the user.
	Reason string
	// Entry is the journal's knowledge of the recipient; nil when new.
	Entry *Entry
	// Owed, when Send, lists the only envelope recipients to send to: the
	// message reached the others already (Result.Owed).
	Owed []string

	// Run is the 1-based run of the key's latest attempt (as Entry.Run,
	// which may be of a later line); 0 before any run, and for a new key.
	Run int

	owedStatus sendpool.Status // where the owed recipients stand (State.owedStatus); NoStatus when none
}

// Decide applies p to key (normalized here): recipients already sent are
// skipped; failed ones are skipped unless p.RetryFailed; temporary failures
// and messages never handed over are sent; unknown ones are skipped unless
// p.ResendUnknown; keys the journal has no delivery for (new rows, rows that
// were invalid, duplicate or suppressed before) are sent. Preflight checks
// (invalid, duplicate, suppressed) come before Decide and are not its job.
// It reads the key's lines back from the journal for the Entry and the
// Reason when it knows the key; an error says the journal cannot be read
// or changed since Load.
func (s *State) Decide(key string, p Policy) (Decision, error) {
	defer runtime.KeepAlive(s)
	i, ok := s.lookup(key)
	if !ok {
		return Decision{Send: true, Status: NoStatus, Reason: "new"}, nil
	}
	d := s.settle(s.keys.at(i), p)
	d.Run = s.attemptRun(s.keys.at(i))
	e, err := s.entryAt(i)
	if err != nil {
		return Decision{}, err
	}
	d.Entry, d.Reason = e, e.reason(d)
	return d, nil
}

// Settle is Decide from what the State holds in memory: Send, Status and
// Owed as Decide gives them, without the Entry and the Reason (but for
// "new"), so without reading the journal.
func (s *State) Settle(key string, p Policy) Decision {
	defer runtime.KeepAlive(s)
	i, ok := s.lookup(key)
	if !ok {
		return Decision{Send: true, Status: NoStatus, Reason: "new"}
	}
	d := s.settle(s.keys.at(i), p)
	d.Run = s.attemptRun(s.keys.at(i))
	return d
}

// attemptRun is the 1-based run of k's latest attempt (Decision.Run).
func (s *State) attemptRun(k *slot) int {
	run, _ := slices.BinarySearch(s.runAt, k.attempt.ref())
	return run
}

// settle applies p to the slot k.
func (s *State) settle(k *slot, p Policy) Decision {
	p = s.of(p, k)
	st := k.deliveryStatus()
	if m := s.moreOf(k); st == sendpool.StatusSent && len(m.owed()) > 0 {
		return settleOwed(s.sendingOr(s.owedStatus(k), k), m.owed(), p)
	}
	d := Decision{Status: NoStatus, owedStatus: NoStatus}
	switch st = s.sendingOr(st, k); st {
	case sendpool.StatusSending:
		// In the hands of the send running now: its reply may come.
	case sendpool.StatusSent:
		d.Status = st
	case sendpool.StatusFailed:
		d.Send = p.RetryFailed
	case sendpool.StatusUnknown:
		d.Send = p.ResendUnknown
	default:
		d.Send = true
	}
	if !d.Send {
		d.Status = st
	}
	return d
}

// settleOwed applies p to the recipients a partly delivered message still
// owes, whose last send stands at st (see State.owedStatus): sent to when
// nothing is known against them; when the server refused them for good,
// only with p.RetryFailed; when the last send to them has no final reply,
// only with p.ResendUnknown. The others never get it again.
func settleOwed(st sendpool.Status, owed []string, p Policy) Decision {
	d := Decision{Status: NoStatus, owedStatus: st}
	switch st {
	case sendpool.StatusSending:
		d.Status = st // the send running now has it in hand
	case sendpool.StatusFailed:
		if d.Send = p.RetryFailed; !d.Send {
			d.Status = sendpool.StatusSent // delivered to the others
		}
	case sendpool.StatusUnknown:
		if d.Send = p.ResendUnknown; !d.Send {
			d.Status = sendpool.StatusUnknown
		}
	default:
		d.Send = true
	}
	if d.Send {
		d.Owed = owed
	}
	return d
}

// reason explains d, the decision about e, for the user.
func (e *Entry) reason(d Decision) string {
	switch st := e.delivery; {
	case d.Status == sendpool.StatusSending:
		return inHandDetail(e.LastAttempt)
	case st == sendpool.StatusSent && len(e.Owed) > 0:
		return e.owedReason(d)
	case st == sendpool.StatusSent:
		return "already sent" + e.Result.where()
	case st == sendpool.StatusFailed && d.Send:
		return "failed before" + e.Result.where() + "; sending again (--retry-failed)"
	case st == sendpool.StatusFailed:
		return "failed permanently" + e.Result.where() + ": " + e.Result.reply() + "; --retry-failed sends it again"
	case st == sendpool.StatusUnknown && d.Send:
		return "unknown (" + e.LastAttempt.began() + "); sending again (--resend-unknown), the recipient may get it twice"
	case st == sendpool.StatusUnknown:
		return unknownDetail(e.LastAttempt)
	case st == sendpool.StatusDeferred:
		return "retrying after a temporary failure" + e.Result.where() + ": " + e.Result.reply()
	case st == sendpool.StatusNotAttempted:
		return "not attempted before"
	}
	return "new (no delivery recorded)"
}

// owedReason is reason for a message delivered to some of its recipients.
func (e *Entry) owedReason(d Decision) string {
	owed := strings.Join(e.Owed, ", ")
	switch d.owedStatus {
	case sendpool.StatusFailed:
		if d.Send {
			return fmt.Sprintf("delivered to some recipients%s; %s refused%s; sending to them again (--retry-failed)", e.Result.where(), owed, e.OwedResult.where())
		}
		return fmt.Sprintf("delivered to some recipients%s; refused for good for %s: %s; --retry-failed tries them again", e.Result.where(), owed, e.OwedResult.reply())
	case sendpool.StatusUnknown:
		if d.Send {
			return fmt.Sprintf("delivered to some recipients%s; sending again (--resend-unknown) to %s, whose last send has no final reply: they may get it twice", e.Result.where(), owed)
		}
		return fmt.Sprintf("delivered to some recipients%s; the send to %s has no final reply recorded, it may have been delivered; --resend-unknown sends to them again", e.Result.where(), owed)
	}
	return fmt.Sprintf("delivered to some recipients%s; sending to the %d the server deferred", e.Result.where(), len(e.Owed))
}

// unknownDetail says why a message handed over with attempt a is
// unknown, as send and report both give it.
func unknownDetail(a *Attempt) string {
	return a.began() + ": it may or may not have been delivered; --resend-unknown sends it again"
}

// began says when the message's delivery began, with no final reply
// recorded. An attempt is recorded before the body goes out, up to a few
// messages ahead (see sendpool's prefetch): the body may not have left.
func (a *Attempt) began() string {
	if a == nil {
		return "its delivery began, no final reply recorded"
	}
	return "its delivery began at " + a.Time.Local().Format(time.RFC3339) + ", no final reply recorded"
}

func (r *Result) where() string {
	if r == nil || r.Finished.IsZero() {
		return ""
	}
	return " at " + r.Finished.Local().Format(time.RFC3339)
}

func (r *Result) reply() string {
	if r == nil {
		return ""
	}
	var parts []string
	if r.Code != 0 {
		parts = append(parts, fmt.Sprint(r.Code))
	}
	if r.EnhancedCode != "" {
		parts = append(parts, r.EnhancedCode)
	}
	if r.Detail != "" {
		parts = append(parts, r.Detail)
	}
	if len(parts) == 0 {
		return "no detail recorded"
	}
	return strings.Join(parts, " ")
}

// Recorded reports whether r, a decision about a row the pool never saw
// (invalid, duplicate, suppressed), is the journal's latest word on it
// already, so a send need not write it again: for a row's own fact (a
// duplicate, or a row without a key) the row's latest fact, for a key its
// latest decision with no delivery line after it and no row's own fact of
// the same row after it; the same status, row, key as written, To and
// detail. written holds the keys this run wrote a line for already (see
// NewMarks; nil for none): the State was read before them, so for those
// it says false.
func (s *State) Recorded(r Result, written *Marks) (bool, error) {
	defer runtime.KeepAlive(s)
	var at lineRef
	if norm := NormalizeKey(r.Key); r.Status == sendpool.StatusDuplicate || norm == "" {
		f, ok := s.rows[r.Row]
		if !ok || f.superseded {
			return false, nil
		}
		at = f.at
	} else {
		i, ok := s.find(norm)
		if !ok || written.has(i) {
			return false, nil
		}
		k := s.keys.at(i)
		m := s.moreOf(k)
		if m == nil || m.note == 0 || k.noteStatus() != r.Status || m.note < max(k.attempt.ref(), k.result.ref()) {
			return false, nil // another decision, or a delivery after it
		}
		if f, ok := s.rows[r.Row]; ok && !f.superseded {
			return false, nil // a row's own fact came after the note
		}
		at = m.note
	}
	got, err := s.resultAt(at)
	if got == nil || err != nil {
		return false, err
	}
	return got.Status == r.Status && got.Row == r.Row && got.Key == r.Key && got.To == r.To && got.Detail == r.Detail, nil
}
