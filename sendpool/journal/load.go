package journal

import (
	"github.com/tidings/tidings/sendpool"

	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
)

// Warning sentinels, carried in the *campaign.FileError values of
// State.Warnings.
var (
	// ErrTornLine marks a last line cut off by a crash mid-write.
	ErrTornLine = errors.New("torn last line")
	// ErrCorruptLine marks a line in the middle that is not a record.
	ErrCorruptLine = errors.New("corrupt line")
)

// State is what a journal says about a campaign, as read by Load. A State
// is not changed after Load returns it and may be shared between goroutines.
type State struct {
	// Path is the journal file.
	Path string
	// Runs are the run records in file order.
	Runs []Run
	// Records counts the attempt, result, feedback and test records read.
	Records int
	// Tests counts the test send records (see TestSend).
	Tests int
	// Warnings are problems that did not stop loading: a torn last line
	// (ErrTornLine), corrupt lines in the middle that were skipped
	// (ErrCorruptLine). Each is a *campaign.FileError with the line number.
	Warnings []error
	// damage sorts the corrupt lines (see Damaged).
	damage damage

	entries map[string]*Entry
	// rows holds results that belong to a row rather than to a key:
	// duplicates, and rows without a key; latest per row.
	rows    map[int]rowResult
	rowLast map[int]int // sequence number of the latest record naming a row
	// feedbackIDs are the ids of the feedback records read.
	feedbackIDs map[string]bool
	// copies are the Sent-folder copies by Message-ID (see Copy).
	copies map[string]CopyState
	sent   []time.Time // finished times of sent results, ascending
}

type rowResult struct {
	r   Result
	seq int
}

// Entry is the journal's knowledge of one recipient (one normalized key).
type Entry struct {
	NormKey string
	// Key, To and Row are as last recorded.
	Key string
	To  string
	Row int
	// Status is where the recipient stands: the delivery outcome when
	// there was a delivery (sent stays sent; an attempt without a result
	// is sendpool.StatusUnknown), otherwise the latest decision (invalid,
	// suppressed, not-attempted).
	Status sendpool.Status
	// Pending is true when the last attempt has no result: the message may
	// or may not have been delivered.
	Pending bool
	// Attempts counts body hand-overs (attempt records) across all runs.
	Attempts int
	// LastAttempt is the latest attempt record, nil when none.
	LastAttempt *Attempt
	// Result is the latest result that ended a delivery (sent, failed,
	// temporary, unknown, not-attempted after an attempt); when the
	// recipient was sent it is the sent result. Nil when none.
	Result *Result
	// Note is the latest decision record (invalid, suppressed,
	// not-attempted without an attempt), nil when none.
	Note *Result
	// Owed lists the envelope recipients still owed the message after a
	// partial delivery: the server took it for the others (so the
	// recipient counts as sent) and deferred these. Later results for the
	// owed recipients alone update it; nil when nobody is owed.
	Owed []string
	// OwedResult is the latest result of a send to the owed recipients
	// alone (nil before one): failed means they were refused for good,
	// unknown that its reply was lost.
	OwedResult *Result
	// MessageID and Hash identify the last message handed over (or, when
	// sent, the one delivered).
	MessageID string
	Hash      string
	// Run is the 1-based number of the run of the latest record (index
	// into State.Runs plus one); 0 when it precedes any run record.
	Run int
	// Feedback is the weightiest report that came back about the key (a
	// bounce, a complaint, an unsubscribe request; see `tidings bounces`),
	// nil when none.
	Feedback *Feedback

	delivery sendpool.Status // outcome of the delivery history; NoStatus when none
}

// Load reads the journal in the campaign state folder dir. A missing
// journal is an empty State, not an error. Load does not take the send lock
// and may run while another process appends; a half-written last line is
// then reported as torn. Load fails only when the file cannot be read.
func Load(ctx context.Context, dir string) (*State, error) {
	s := &State{
		Path:    filepath.Join(dir, FileName),
		entries: make(map[string]*Entry),
		rows:    make(map[int]rowResult),
		rowLast: make(map[int]int),
	}
	f, err := os.Open(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: load: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	var (
		lineNo  int
		bad     *campaign.FileError // an invalid complete line, classified once we know whether it is the last
		badSize int
		badKind lineDamage
	)
	for {
		b, rerr := br.ReadBytes('\n')
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return nil, fmt.Errorf("journal: load %s: %w", s.Path, rerr)
		}
		if len(b) > 0 {
			lineNo++
			if lineNo == 1 {
				b = bytes.TrimPrefix(b, utf8BOM) // an editor's; the Writer writes none
			}
			if lineNo%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, fmt.Errorf("journal: load: %w", err)
				}
			}
			complete := b[len(b)-1] == '\n'
			if len(bytes.TrimSpace(b)) > 0 {
				if bad != nil {
					// Not the last line after all.
					s.Warnings = append(s.Warnings, bad)
					s.damage.corruptLine(bad, badKind)
					bad = nil
				}
				typ, perr := s.parse(b)
				if perr == nil {
					s.damage.record(typ)
				}
				switch {
				case !complete && perr != nil:
					s.Warnings = append(s.Warnings, &campaign.FileError{File: s.Path, Line: lineNo,
						Err: fmt.Errorf("journal: %w: %d bytes without a newline (a crash mid-write?); ignored", ErrTornLine, len(b))})
				case !complete:
					s.Warnings = append(s.Warnings, &campaign.FileError{File: s.Path, Line: lineNo,
						Err: fmt.Errorf("journal: %w: the last record has no newline (a crash mid-write?); the record is complete and was kept", ErrTornLine)})
				case perr != nil:
					bad = &campaign.FileError{File: s.Path, Line: lineNo,
						Err: fmt.Errorf("journal: %w: %w; skipped", ErrCorruptLine, perr)}
					badSize, badKind = len(b), damageOf(b)
				}
			}
		}
		if rerr != nil { // io.EOF
			break
		}
	}
	switch {
	case bad != nil && badKind == damageEncoding: // no crash leaves that
		s.Warnings = append(s.Warnings, bad)
		s.damage.corruptLine(bad, badKind)
	case bad != nil:
		s.Warnings = append(s.Warnings, &campaign.FileError{File: s.Path, Line: bad.Line,
			Err: fmt.Errorf("journal: %w: the last line (%d bytes) is not a record (a crash mid-write?); ignored", ErrTornLine, badSize)})
	}
	slices.SortFunc(s.sent, func(a, b time.Time) int { return a.Compare(b) })
	return s, nil
}

// parse decodes one line and applies it to s.
func (s *State) parse(b []byte) (typ string, err error) {
	if typ, err = recordType(b); err != nil {
		return "", err
	}
	return typ, s.apply(typ, b)
}

// apply applies the record line b of type typ to s.
func (s *State) apply(typ string, b []byte) error {
	switch typ {
	case "run":
		var l runLine
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		s.Runs = append(s.Runs, l.Run)
	case "attempt":
		var l attemptLine
		if err := decodeAttempt(b, &l); err != nil {
			return err
		}
		if l.NormKey == "" {
			l.NormKey = NormalizeKey(l.Key)
		}
		if l.NormKey == "" {
			return errors.New("attempt without a key")
		}
		s.Records++
		s.attempt(&l.Attempt)
	case "result":
		var l resultLine
		if err := decodeResult(b, &l); err != nil {
			return err
		}
		if sendpool.Status(l.Status) == NoStatus {
			return errors.New("result without a status")
		}
		l.Result.Status = sendpool.Status(l.Status)
		if l.NormKey == "" {
			l.NormKey = NormalizeKey(l.Key)
		}
		s.Records++
		s.result(&l.Result)
	case "feedback":
		var l feedbackLine
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		if !l.Kind.valid() || l.ID == "" {
			return errors.New("feedback without a kind or an id")
		}
		if l.NormKey == "" {
			l.NormKey = NormalizeKey(l.Key)
		}
		s.Records++
		s.feedback(&l.Feedback)
	case "test":
		return s.parseTest(b)
	case "copy":
		return s.parseCopy(b)
	default:
		return fmt.Errorf("unknown record type %q", typ)
	}
	return nil
}

func (s *State) entry(norm string) *Entry {
	e := s.entries[norm]
	if e == nil {
		e = &Entry{NormKey: norm, Status: NoStatus, delivery: NoStatus}
		s.entries[norm] = e
	}
	e.Run = len(s.Runs)
	return e
}

func (s *State) attempt(a *Attempt) {
	e := s.entry(a.NormKey)
	e.Key, e.Row = a.Key, a.Row
	s.rowLast[a.Row] = s.Records
	if a.To != "" {
		e.To = a.To
	}
	e.Attempts++
	e.Pending = true
	e.LastAttempt = a
	if e.delivery != sendpool.StatusSent {
		e.MessageID, e.Hash = a.MessageID, a.Hash
	}
	e.restate()
}

func (s *State) result(r *Result) {
	if r.Status == sendpool.StatusSent {
		s.sent = append(s.sent, r.Finished)
	}
	s.rowLast[r.Row] = s.Records
	if r.Status == sendpool.StatusDuplicate || r.NormKey == "" {
		// A row's own fact: the key belongs to another row, or is missing.
		s.rows[r.Row] = rowResult{r: *r, seq: s.Records}
		return
	}
	e := s.entry(r.NormKey)
	e.Key, e.Row = r.Key, r.Row
	if r.To != "" {
		e.To = r.To
	}
	ends := isDelivery(r.Status) && (r.Status != sendpool.StatusNotAttempted || e.Pending)
	switch {
	case !ends:
		e.Note = r
	case e.delivery == sendpool.StatusSent:
		// Sent stays sent: a recipient who got the message has it. A
		// later delivery can only be the send to the recipients it still
		// owed (a resumed run sends nothing else to a sent key).
		e.Pending = false
		if len(e.Owed) > 0 {
			e.owedResult(r)
		}
	default:
		e.Pending = false
		e.delivery = r.Status
		e.Result = r
		if len(r.Owed) > 0 {
			// Owed is recorded only when the server took the message
			// for some recipient: whatever the status of this try
			// (temporary, when the run retries the others), the key
			// is sent and only the owed recipients are left.
			e.delivery, e.Owed = sendpool.StatusSent, r.Owed
			if r.Status != sendpool.StatusSent {
				sent := *r
				sent.Status = sendpool.StatusSent
				e.Result = &sent
			}
		}
		if r.MessageID != "" {
			e.MessageID = r.MessageID
		}
		if r.Hash != "" {
			e.Hash = r.Hash
		}
	}
	e.restate()
}

// owedResult applies the result of a send to the owed recipients alone.
func (e *Entry) owedResult(r *Result) {
	e.OwedResult = r
	switch r.Status {
	case sendpool.StatusSent:
		e.Owed = r.Owed // those it still owes, usually none
	case sendpool.StatusDeferred, sendpool.StatusNotAttempted:
		if len(r.Owed) > 0 {
			e.Owed = r.Owed // the server took it for some of them
		}
	}
}

// owedStatus is where the recipients still owed stand: NoStatus to be sent,
// sendpool.StatusFailed refused for good, sendpool.StatusUnknown when the last send to them
// has no final reply (an attempt without a result, or a lost reply).
func (e *Entry) owedStatus() sendpool.Status {
	switch {
	case len(e.Owed) == 0:
		return NoStatus
	case e.Pending:
		return sendpool.StatusUnknown
	case e.OwedResult == nil:
		return NoStatus
	case e.OwedResult.Status == sendpool.StatusFailed || e.OwedResult.Status == sendpool.StatusUnknown:
		return e.OwedResult.Status
	}
	return NoStatus
}

// deliveryStatus is the outcome of the delivery history alone.
func (e *Entry) deliveryStatus() sendpool.Status {
	switch {
	case e.delivery == sendpool.StatusSent:
		return sendpool.StatusSent
	case e.Pending:
		return sendpool.StatusUnknown
	}
	return e.delivery
}

// restate sets Status from the delivery history and the latest decision.
func (e *Entry) restate() {
	e.Status = e.deliveryStatus()
	if e.Status == NoStatus && e.Note != nil {
		e.Status = e.Note.Status
	}
}

// Entry returns what the journal knows about key (normalized here), or nil.
func (s *State) Entry(key string) *Entry {
	return s.entries[NormalizeKey(key)]
}

// Entries returns every recipient the journal knows, by row, then key.
func (s *State) Entries() []*Entry {
	out := make([]*Entry, 0, len(s.entries))
	for _, e := range s.entries {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *Entry) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return strings.Compare(a.NormKey, b.NormKey)
	})
	return out
}

// Unknown returns the recipients whose delivery is unknown (an attempt with
// no final reply, or a result saying so), by row: the list the user must
// decide about.
func (s *State) Unknown() []*Entry {
	var out []*Entry
	for _, e := range s.Entries() {
		if e.deliveryStatus() == sendpool.StatusUnknown {
			out = append(out, e)
		}
	}
	return out
}

// Policy is the resume policy of a send run.
type Policy struct {
	// RetryFailed sends again to recipients that failed permanently.
	RetryFailed bool
	// ResendUnknown sends again to recipients whose delivery is unknown;
	// they may get the message twice.
	ResendUnknown bool
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
}

// Decide applies p to key (normalized here): recipients already sent are
// skipped; failed ones are skipped unless p.RetryFailed; temporary failures
// and messages never handed over are sent; unknown ones are skipped unless
// p.ResendUnknown; keys the journal has no delivery for (new rows, rows that
// were invalid, duplicate or suppressed before) are sent. Preflight checks
// (invalid, duplicate, suppressed) come before Decide and are not its job.
func (s *State) Decide(key string, p Policy) Decision {
	e := s.entries[NormalizeKey(key)]
	if e == nil {
		return Decision{Send: true, Status: NoStatus, Reason: "new"}
	}
	d := Decision{Entry: e, Status: NoStatus}
	switch st := e.deliveryStatus(); {
	case st == sendpool.StatusSent && len(e.Owed) > 0:
		return e.decideOwed(d, p)
	case st == sendpool.StatusSent:
		d.Status = sendpool.StatusSent
		d.Reason = "already sent" + e.Result.where()
	case st == sendpool.StatusFailed:
		if p.RetryFailed {
			d.Send, d.Reason = true, "failed before"+e.Result.where()+"; sending again (--retry-failed)"
		} else {
			d.Status = sendpool.StatusFailed
			d.Reason = "failed permanently" + e.Result.where() + ": " + e.Result.reply() + "; --retry-failed sends it again"
		}
	case st == sendpool.StatusUnknown:
		when := ""
		if a := e.LastAttempt; a != nil {
			when = " at " + a.Time.UTC().Format(time.RFC3339)
		}
		if p.ResendUnknown {
			d.Send, d.Reason = true, "unknown (attempted"+when+", no final reply recorded); sending again (--resend-unknown), the recipient may get it twice"
		} else {
			d.Status = sendpool.StatusUnknown
			d.Reason = "unknown: attempted" + when + " with no final reply recorded, it may have been delivered; --resend-unknown sends it again"
		}
	case st == sendpool.StatusDeferred:
		d.Send, d.Reason = true, "retrying after a temporary failure"+e.Result.where()+": "+e.Result.reply()
	case st == sendpool.StatusNotAttempted:
		d.Send, d.Reason = true, "not attempted before"
	default:
		d.Send, d.Reason = true, "new (no delivery recorded)"
	}
	return d
}

// decideOwed applies p to the recipients a partly delivered message still
// owes: sent to when nothing is known against it; when the server refused
// them for good, only with p.RetryFailed; when the last send to them has
// no final reply, only with p.ResendUnknown. The others never get it again.
func (e *Entry) decideOwed(d Decision, p Policy) Decision {
	n := len(e.Owed)
	owed := strings.Join(e.Owed, ", ")
	switch e.owedStatus() {
	case sendpool.StatusFailed:
		if p.RetryFailed {
			d.Send, d.Owed = true, e.Owed
			d.Reason = fmt.Sprintf("delivered to some recipients%s; %s refused%s; sending to them again (--retry-failed)", e.Result.where(), owed, e.OwedResult.where())
			return d
		}
		d.Status = sendpool.StatusSent
		d.Reason = fmt.Sprintf("delivered to some recipients%s; refused for good for %s: %s; --retry-failed tries them again", e.Result.where(), owed, e.OwedResult.reply())
	case sendpool.StatusUnknown:
		if p.ResendUnknown {
			d.Send, d.Owed = true, e.Owed
			d.Reason = fmt.Sprintf("delivered to some recipients%s; sending again (--resend-unknown) to %s, whose last send has no final reply: they may get it twice", e.Result.where(), owed)
			return d
		}
		d.Status = sendpool.StatusUnknown
		d.Reason = fmt.Sprintf("delivered to some recipients%s; the send to %s has no final reply recorded, it may have been delivered; --resend-unknown sends to them again", e.Result.where(), owed)
	default:
		d.Send, d.Owed = true, e.Owed
		d.Reason = fmt.Sprintf("delivered to some recipients%s; sending to the %d the server deferred", e.Result.where(), n)
	}
	return d
}

func (r *Result) where() string {
	if r == nil || r.Finished.IsZero() {
		return ""
	}
	return " at " + r.Finished.UTC().Format(time.RFC3339)
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

// SentSince counts the sent results whose finish time is after t, and
// returns the earliest such finish time (zero when n is 0). For a rolling
// 24-hour cap: SentSince(now.Add(-24*time.Hour)); the oldest of them
// leaves the window at oldest.Add(24*time.Hour).
func (s *State) SentSince(t time.Time) (n int, oldest time.Time) {
	i, _ := slices.BinarySearchFunc(s.sent, t, func(a, t time.Time) int {
		if a.After(t) {
			return 1
		}
		return -1
	})
	n = len(s.sent) - i
	if n > 0 {
		oldest = s.sent[i]
	}
	return n, oldest
}

// Quota applies a rolling cap of limit sent messages per window at now:
// left is how many more may be sent now (0 when the cap is reached), and
// when left is 0, next is when the next one may go (when enough of the
// window's messages have aged out of it). A limit <= 0 means no cap: left
// is math.MaxInt.
func (s *State) Quota(limit int, window time.Duration, now time.Time) (left int, next time.Time) {
	if limit <= 0 {
		return math.MaxInt, time.Time{}
	}
	n, _ := s.SentSince(now.Add(-window))
	if n < limit {
		return limit - n, time.Time{}
	}
	inWindow := s.sent[len(s.sent)-n:]
	return 0, inWindow[n-limit].Add(window)
}

// Report returns one result line per recipient and per row-only fact, by
// row then key, for report.csv and report.json: for each known key the
// result behind its Status (an attempt without a result becomes an unknown
// line naming the attempt), with Attempts counting body hand-overs across
// runs; plus the latest duplicate (or key-less) result of each row that no
// later record names. Rows are as last recorded: a row number may have moved
// if the sheet was edited between runs.
func (s *State) Report() []Result {
	var out []Result
	for _, e := range s.entries {
		var r Result
		switch {
		case e.deliveryStatus() == sendpool.StatusUnknown && e.Pending && e.LastAttempt != nil:
			a := e.LastAttempt
			r = Result{
				Row: a.Row, Key: a.Key, NormKey: a.NormKey, To: a.To, Status: sendpool.StatusUnknown,
				Detail:    fmt.Sprintf("handed to the server at %s, no final reply recorded: it may or may not have been delivered", a.Time.UTC().Format(time.RFC3339)),
				MessageID: a.MessageID, Hash: a.Hash, Started: a.Time,
			}
		case e.deliveryStatus() != NoStatus && e.Result != nil:
			r = e.WithFeedback(*e.Result)
		case e.Note != nil:
			r = *e.Note
		default:
			continue
		}
		r.Row, r.Key = e.Row, e.Key
		if r.To == "" {
			r.To = e.To
		}
		if e.Attempts > 0 {
			r.Attempts = e.Attempts
		}
		out = append(out, r)
	}
	for row, rr := range s.rows {
		if s.rowLast[row] == rr.seq {
			out = append(out, rr.r)
		}
	}
	slices.SortFunc(out, func(a, b Result) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return strings.Compare(a.NormKey, b.NormKey)
	})
	return out
}

// Outcomes counts the recipients (keys) with a delivery on record, and
// among them those refused for good: at RCPT or DATA, or bounced later
// (a hard bounce recorded by tidings bounces). It is what the send guard
// judges a list by.
func (s *State) Outcomes() (attempted, refused int) {
	for _, e := range s.entries {
		switch e.deliveryStatus() {
		case NoStatus, sendpool.StatusNotAttempted:
		case sendpool.StatusFailed:
			attempted++
			refused++
		default:
			attempted++
			if e.Feedback != nil && e.Feedback.Kind == FeedbackBounced {
				refused++ // taken, then bounced for good (tidings bounces)
			}
		}
	}
	return attempted, refused
}
