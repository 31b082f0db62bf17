package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// Fate is what a run does with one rendered row.
type Fate struct {
	// Send is true when the row is to be sent.
	Send bool
	// Status and Detail say why a row is not sent: StatusDuplicate or
	// StatusSuppressed with the report's detail ("duplicate of row 2",
	// "x@example.com is suppressed (@example.com)"), or the status the
	// journal gives an earlier delivery (sent, failed, unknown) with
	// Journal.Reason. Meaningless when Send.
	Status sendpool.Status
	Detail string
	// Journal is the journal's decision: the zero Decision for duplicate
	// rows, which the journal is not asked about.
	Journal journal.Decision
	// Copy is, on a suppressed row whose suppressed recipient is a Cc or
	// a Bcc and not its To, or one of several addresses of its To, that
	// address: the row's other recipients get nothing either.
	Copy string
	// OtherValues marks a duplicate whose values differ from the first
	// row's with its key, under recipients.duplicates: first (under
	// strict it is that row's problem, ErrKeyReused).
	OtherValues bool
}

// OwedGone reports whether f is a send to the recipients an earlier send
// still owes the row's message (it delivered it to the others) none of
// which recipients, the row's envelope now, names: nothing is sent then,
// and nobody gets it in their place.
func (f Fate) OwedGone(recipients []string) bool {
	return f.Send && len(f.Journal.Owed) > 0 && f.Journal.Entry != nil && len(f.Journal.Entry.OwedIn(recipients)) == 0
}

// WentOut reports whether f's row went out whole before: its message
// taken for every recipient (none still owed) and sent, or bounced or
// complained about since (Revisable), as Plan.SentBefore counts it.
func (f Fate) WentOut() bool {
	return len(f.Journal.Owed) == 0 && Revisable(f.Status)
}

// Decider decides the fate of every rendered row, the one way check,
// preview and send all use, so that they agree on every row. Feed it the
// rows in sheet order; it is not safe for concurrent use (render.Each
// calls back from one goroutine).
type Decider struct {
	// dupes is nil once closed (a Plan's preflight closes its Decider
	// when it ends: Decide and duplicate are for the preflight only).
	dupes *journal.Deduper
	// supp is nil when the campaign has no suppression list.
	supp   *campaign.Suppression
	state  *journal.State
	policy journal.Policy
	// keys finds rows to send whose key changed since the journal's
	// sends (see KeyChange); nil when no send recorded a key column, or
	// once KeyChange was asked.
	keys *keyChange
	// maybe are the rows KeyChange only noted (SameAddress).
	maybe RowList
	// sheet and keyCol name the sheet and its key column, and file the
	// campaign file, for the problem of a row that has an earlier row's
	// key with other values.
	sheet, keyCol, file string
	// recipients are the campaign's, by which Seed tells a recipient
	// whose row the selection leaves out now from one gone
	// (report.AddRemoved).
	recipients campaign.Recipients
	// facets are what a message's ValueSums fingerprint
	// (render.Renderer.Facets), for Revised; filesWords names its "" (the
	// row's files: render.Renderer.FilesWords).
	facets     []string
	filesWords string
	// firstWins: recipients.duplicates: first, where a later row with a
	// key and other values is a duplicate, not a problem.
	firstWins bool
	// reused are the first rows found with an earlier row's key and
	// other values (Reused), reusedMore the count of those past them.
	reused     []ReusedPair
	reusedMore int
}

// NewDecider returns a Decider for in's suppression list, what the journal
// says (state) and the resume policy. The caller closes it.
func NewDecider(in *Inputs, state *journal.State, policy journal.Policy) *Decider {
	return &Decider{dupes: journal.NewDeduperFor(state), supp: in.Suppress, state: state, policy: policy,
		keys: newKeyChange(in.Campaign, state), sheet: in.Campaign.Recipients.Path, keyCol: in.Campaign.Recipients.Key, file: in.Campaign.File,
		recipients: in.Campaign.Recipients,
		facets:     in.Renderer.Facets(), filesWords: in.Renderer.FilesWords(), firstWins: in.Campaign.Recipients.Duplicates == campaign.DuplicatesFirst}
}

// Revised says what of a row changed since its message went out, given
// its fate f (a message delivered before: sent, or bounced or complained
// about since; not one that still owes recipients) and its values now
// (render.Message.ValuesSum, and a function giving its ValueSums, asked
// for only when the sum differs): the columns, "" for its files, whose
// values differ from those the message was made of
// (journal.State.Revised), the files named as NameFiles does. Nil for
// any other row, and when nothing changed.
func (d *Decider) Revised(f Fate, key string, sum uint32, sums func() ([]uint16, error)) ([]string, error) {
	if f.Send || len(f.Journal.Owed) > 0 || !Revisable(f.Status) {
		return nil, nil
	}
	changed, err := d.state.Revised(key, d.facets, sum, sums)
	return NameFiles(changed, d.filesWords), err
}

// NameFiles is changed, what of a row changed (journal.State.Revised),
// with "" (the row's files) as words names them
// (render.Renderer.FilesWords: "its inline image" for a row whose QR code
// was replaced); as it is when words is "".
func NameFiles(changed []string, words string) []string {
	i := slices.Index(changed, "")
	if i < 0 || words == "" {
		return changed
	}
	out := slices.Clone(changed)
	out[i] = words
	return out
}

// OwedAnew says whether a row told as changed (Revised), whose values'
// sum is sum now, is one a plain send sends again: the message made anew
// for it (send --resend-changed) was deferred, is still owed, and was
// made of the values the row has now (journal.State.DeferredAnew).
func (d *Decider) OwedAnew(key string, sum uint32) bool {
	return sum != 0 && d.state.DeferredAnew(key) == sum
}

// ChangedUnsent says what of a row changed since its last message went,
// given its fate f, when that message was refused for good or its outcome
// is unknown and this run does not send it (a plain send leaves such rows
// to --retry-failed and --resend-unknown, which a person who fixed the
// address may not know): the columns, its files named as NameFiles
// does. Nil for any other row, and when nothing changed.
func (d *Decider) ChangedUnsent(f Fate, key string, sum uint32, sums func() ([]uint16, error)) ([]string, error) {
	if f.Send || len(f.Journal.Owed) > 0 || f.Status != sendpool.StatusFailed && f.Status != sendpool.StatusUnknown {
		return nil, nil
	}
	changed, err := d.state.Revised(key, d.facets, sum, sums)
	return NameFiles(changed, d.filesWords), err
}

// ChangedUnsentLine names a row ChangedUnsent told, with what changed and
// the status of its message: "row 3 (INV-2): email (failed)".
func ChangedUnsentLine(row int, key string, changed []string, st sendpool.Status) string {
	return RevisedLine(row, key, changed) + " (" + st.String() + ")"
}

// Revisable says whether a row whose key has status st is one whose
// message went out and was taken: sent, or bounced or complained about
// since. Only such a row is told as changed, and sent again with
// --resend-changed (a failed or unknown one has flags of its own).
func Revisable(st sendpool.Status) bool {
	switch st {
	case sendpool.StatusSent, sendpool.StatusBounced, sendpool.StatusSoftBounce, sendpool.StatusComplained:
		return true
	}
	return false
}

// RevisedLine names a row whose values changed since its message went
// out, and what changed (RevisedWords): "row 4 (INV-7): amount, due and
// its attached files".
func RevisedLine(row int, key string, changed []string) string {
	return fmt.Sprintf("row %d (%s): %s", row, key, RevisedWords(changed))
}

// OtherValuesLine names a duplicate with other values than the first
// row with its key (Fate.OtherValues): "row 9 (ann@example.com)".
func OtherValuesLine(row int, key string) string {
	return fmt.Sprintf("row %d (%s)", row, key)
}

// RevisedWords says what of a row changed, as journal.State.Revised names
// it: "amount, due and its attached files" ("" for the row's files, when
// NameFiles has not named them).
func RevisedWords(changed []string) string {
	words := make([]string, len(changed))
	for i, c := range changed {
		switch words[i] = c; c {
		case "":
			words[i] = "its attached files"
		case "?": // journal.State.Revised could not tell which
			words[i] = "its values"
		}
	}
	return campaign.JoinAnd(words)
}

// Close gives back the memory of the duplicate check (journal.Deduper)
// and of the key check's notes of the rows new to the journal (outside
// the Go heap, which no collection gives back): Decide, Settle and
// KeyChange must not be called after. Closing again does nothing.
func (d *Decider) Close() {
	d.closeDupes()
	d.keys.free()
	d.keys = nil
}

// closeDupes gives back the memory of the duplicate check only, for a
// plan whose KeyChange is still to be asked.
func (d *Decider) closeDupes() {
	if d.dupes != nil {
		d.dupes.Close()
		d.dupes = nil
	}
}

// Decide returns m's fate: a duplicate of an earlier row first, then what
// the journal says about earlier runs, then a suppressed recipient. An
// error is the journal's (see journal.State.Decide), or a
// *campaign.RowError, m's problem, when an earlier row has its key with
// other values (ErrKeyReused).
func (d *Decider) Decide(m *render.Message) (Fate, error) {
	if f, dup, err := d.duplicate(m); dup {
		return f, err
	}
	return d.decideSent(m.Row, m.Key, m.To, m.Recipients, false)
}

// Settle is Decide for a count (tidings check): the fate of a row an
// earlier run settled has no Detail and no Journal.Entry but for an
// unknown outcome and a partly delivered message, so the journal's lines
// are mostly not read back.
func (d *Decider) Settle(m *render.Message) (Fate, error) {
	if f, dup, err := d.duplicate(m); dup {
		return f, err
	}
	return d.decideSent(m.Row, m.Key, m.To, m.Recipients, true)
}

// Facets are the campaign's render.Renderer.Facets: what the columns of
// a message's fingerprints are.
func (d *Decider) Facets() []string { return d.facets }

// Problem notes m, a row with a problem (it has no fate to decide; m may
// be nil): the sheet still has its key, which KeyChange must know, and a
// later row with that key is a duplicate of it, or has that key with
// other values (ErrKeyReused), when m's values are known (its Variant).
// When an earlier row has m's key with other values, m has that problem
// too, which a delivery from it before does not excuse: Problem returns
// it, a *campaign.RowError wrapping ErrKeyReused; else nil, also when
// problem, m's problem so far, says the key cell is merged with the row
// above (campaign.ErrMergedCells in the key column), which is why the
// key repeats.
func (d *Decider) Problem(m *render.Message, problem error) error {
	if m == nil {
		return nil
	}
	if _, isError := campaign.ExcelError(m.Key); isError {
		return nil // no key: a formula failed there (the row's problem says so), in every such row alike
	}
	d.keys.sheet(m.Key)
	if m.Variant == 0 {
		return nil
	}
	if first, reused := d.dupes.CheckVariant(m.Row, m.Key, m.Variant); reused && !d.firstWins && !d.mergedKey(problem) {
		return d.keyReused(m, first)
	}
	return nil
}

// mergedKey says whether problem has a row problem of the key column's
// cell merged with the rows above it.
func (d *Decider) mergedKey(problem error) bool {
	for _, re := range campaign.RowProblems(problem) {
		if re.Column == d.keyCol && errors.Is(re.Err, campaign.ErrMergedCells) {
			return true
		}
	}
	return false
}

// keyReused is the problem of row m, whose key row first has with other
// values; it notes the pair for Reused too.
func (d *Decider) keyReused(m *render.Message, first int) error {
	d.noteReused(m.Row, first)
	return &campaign.RowError{File: d.sheet, Row: m.Row, Column: d.keyCol, Err: fmt.Errorf("plan: %w", d.state.KeyReused(m.Key, first, d.file))}
}

// Settled is Decide without the duplicate check, for a row with a
// problem whose message went out from it before (journal.State.WentOutAt):
// the journal's fate (Problem noted the row's key for the duplicate
// check already).
func (d *Decider) Settled(m *render.Message) (Fate, error) {
	return d.decideSent(m.Row, m.Key, m.To, m.Recipients, false)
}

// duplicate checks m's key against the earlier rows': dup when one has
// it, with the duplicate's Fate, or with m's problem (ErrKeyReused) when
// that row's values differ from m's, unless the first row wins
// (Fate.OtherValues).
func (d *Decider) duplicate(m *render.Message) (f Fate, dup bool, problem error) {
	first, differs := d.dupes.CheckVariant(m.Row, m.Key, m.Variant)
	if first == 0 {
		return Fate{}, false, nil
	}
	detail, other, reused := journal.Repeat(first, differs, d.firstWins)
	if reused {
		return Fate{}, true, d.keyReused(m, first)
	}
	if other {
		d.noteReused(m.Row, first) // its values go nowhere: Reused names the columns
	}
	return Fate{Status: sendpool.StatusDuplicate, Detail: detail, OtherValues: other}, true, nil
}

// ErrKeyReused is the problem of a row whose key an earlier row has, with
// other values (journal.ErrKeyReused).
var ErrKeyReused = journal.ErrKeyReused

// decideSent is the fate of a row that is no duplicate: what the journal
// says when an earlier run settled it (sent, failed, unknown: what went
// out stays as it went, even when a bounce since put the address on the
// suppression list), else suppressed when the list names one of its
// envelope recipients, else to be sent. With brief, the fate of a row the
// journal settled has no Detail and no Journal.Entry (but for an unknown
// outcome or one still in a running send's hands, listed for the user,
// and a partly delivered message), so the
// journal's lines are not read back (journal.State.Settle).
func (d *Decider) decideSent(row int, key, to string, recipients []string, brief bool) (Fate, error) {
	d.keys.sheet(key)
	var j journal.Decision
	if brief {
		j = d.state.Settle(key, d.policy)
	}
	if !brief || !j.Send && (j.Status == sendpool.StatusUnknown || j.Status == sendpool.StatusSending) || len(j.Owed) > 0 {
		var err error
		if j, err = d.state.Decide(key, d.policy); err != nil {
			return Fate{}, err
		}
	}
	if !j.Send {
		return Fate{Status: j.Status, Detail: j.Reason, Journal: j}, nil
	}
	if d.supp != nil {
		if detail, copyAddr := suppressed(d.supp, to, recipients); detail != "" {
			if len(j.Owed) > 0 {
				// Delivered to some of its recipients already: sent it
				// stays, and the ones it still owes are held back.
				j.Send, j.Status = false, sendpool.StatusSent
				j.Reason = fmt.Sprintf("delivered to some recipients before; not sent to %s, which it still owes, since %s", strings.Join(j.Owed, ", "), detail)
				return Fate{Status: j.Status, Detail: j.Reason, Journal: j}, nil
			}
			return Fate{Status: sendpool.StatusSuppressed, Detail: detail, Journal: j, Copy: copyAddr}, nil
		}
	}
	if err := d.keys.note(row, key, to); err != nil {
		return Fate{}, err
	}
	return Fate{Send: true, Journal: j}, nil
}

// Reported says why a row with key and these envelope recipients is not
// sent to them: an address of them that bounced for good (not a policy
// refusal of the message, journal.Feedback.Policy), complained or asked
// to unsubscribe about any of the key's messages (tidings bounces;
// journal.State.Reports), whether or not the suppression list has it
// yet; "" when none did.
func (d *Decider) Reported(key string, recipients []string) (string, error) {
	return Reported(d.state, key, recipients)
}

// RevisedHeld says why a send with Options.ResendChanged does not send
// again a row told as changed (Revised) with key, To to and these
// envelope recipients: a report about them (Reported), or the
// suppression list naming one of them; "" when it sends it.
func (d *Decider) RevisedHeld(key, to string, recipients []string) (string, error) {
	if held, err := d.Reported(key, recipients); held != "" || err != nil {
		return held, err
	}
	if d.supp != nil {
		if detail, _ := suppressed(d.supp, to, recipients); detail != "" {
			return detail, nil
		}
	}
	return "", nil
}

// Reported is Decider.Reported of the journal state.
func Reported(state *journal.State, key string, recipients []string) (string, error) {
	reports, err := state.Reports(key)
	if err != nil {
		return "", err
	}
	for _, fb := range reports {
		if fb.Policy {
			continue // the message or its sender was refused, not the address
		}
		for _, a := range recipients {
			if strings.EqualFold(a, fb.Recipient) {
				return fmt.Sprintf("%s %s (tidings bounces): correct the address first", fb.Recipient, fb.Kind), nil
			}
		}
	}
	return "", nil
}

// suppressed says which of the envelope recipients the suppression list
// names, and by which rule; "" when none. A row with any suppressed
// recipient is not sent at all: sending the others would still mail a
// message naming the suppressed address in To or Cc (and one to a Bcc
// alone is no message of the row's). copyAddr is the address when the
// row's other recipients lose the message with it: the list names no
// address of the To header to (decoded), only a Cc or Bcc, or one of
// several there ("a@x.de; b@y.de", both parents of a pupil); the detail
// then says the others get nothing either.
func suppressed(supp *campaign.Suppression, to string, recipients []string) (detail, copyAddr string) {
	for _, addr := range recipients {
		rule, ok := supp.Match(addr)
		if why := supp.Why(rule); ok && why != "" {
			rule += ": " + why // why: "bounced 5.1.1, tidings bounces, …"
		}
		switch {
		case !ok:
		case !inTo(to, addr):
			return fmt.Sprintf("its Cc or Bcc %s is suppressed (%s): the row is not sent at all, not even to its To", addr, rule), addr
		case othersUnsuppressed(supp, to):
			return fmt.Sprintf("%s is suppressed (%s): the row is not sent at all, not even to the other addresses of its To", addr, rule), addr
		default:
			return fmt.Sprintf("%s is suppressed (%s)", addr, rule), ""
		}
	}
	return "", ""
}

// othersUnsuppressed reports whether to, a To header (decoded), has an
// address the suppression list does not name.
func othersUnsuppressed(supp *campaign.Suppression, to string) bool {
	addrs, ok := toAddresses(to)
	return ok && slices.ContainsFunc(addrs, func(a string) bool {
		_, named := supp.Match(a)
		return !named
	})
}

// inTo says whether addr is an address of the To header to (decoded, as
// render.Message.To holds it); true when to cannot be read.
func inTo(to, addr string) bool {
	addrs, ok := toAddresses(to)
	return !ok || slices.Contains(addrs, strings.ToLower(addr))
}
