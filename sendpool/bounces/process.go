package bounces

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/mailbox/feedback"
)

// MaxMessage is the largest message Process reads: a bounce returning a
// 25 MB message in base64. A larger one is counted unreadable, unread.
const MaxMessage = 40 << 20

// Mailbox is what Process needs of a mailbox (sendpool/mailbox opens one
// over IMAP or POP3; its Mailbox is one). Process calls it from one
// goroutine.
type Mailbox interface {
	// List lists the messages in the folder bounces arrive in, leaving
	// out those received before since's date where the protocol can
	// (IMAP); zero since lists all.
	List(ctx context.Context, since time.Time) ([]mailbox.Entry, error)
	// Fetch returns a message's bytes; one over max bytes is an error
	// wrapping mailbox.ErrTooLarge.
	Fetch(ctx context.Context, id string, max int64) ([]byte, error)
	// Head returns a message's header section, at most max bytes: to
	// name one whose Fetch overran (see Options.Bound).
	Head(ctx context.Context, id string, max int64) ([]byte, error)
	// Delete deletes the messages ids, and no other.
	Delete(ctx context.Context, ids []string) error
	// Move moves the messages ids to folder.
	Move(ctx context.Context, ids []string, folder string) error
	// CheckDispose says, changing nothing, whether Move to moveTo and
	// Delete would work.
	CheckDispose(ctx context.Context, moveTo string, delete bool) error
	// Scope says where the IDs List gives hold (see mailbox.Scope).
	Scope() mailbox.Scope
}

// Options tune Process.
type Options struct {
	// DryRun records nothing and touches neither the mailbox nor the
	// suppression list; Summary says what would be done.
	DryRun bool
	// MoveTo moves the processed reports to this folder (IMAP); Delete
	// deletes them. Nothing else in the mailbox is ever touched.
	MoveTo string
	Delete bool
	// Unsubscribe is the campaign's unsubscribe.mailto address ("" for
	// none): a message to it asks for its sender to be suppressed.
	// UnsubscribeShared says the address also gets other mail (it is the
	// mailbox's own, the From or the Reply-To): then only a message whose
	// Subject asks for it (UnsubscribeSubject, the mailto's subject=, or
	// the word unsubscribe) is a request, not every reply.
	Unsubscribe        string
	UnsubscribeShared  bool
	UnsubscribeSubject string
	// AuthservID is the authserv-id (RFC 8601) of the server that receives
	// the mailbox's mail (mailbox.authserv_id): an unsubscribe request is
	// applied only when that server's topmost Authentication-Results field
	// vouches for its From (dmarc=pass, or an aligned dkim=pass or
	// spf=pass). Others, and all when it is "", are Unauthenticated
	// findings: listed (Summary.Unapplied), not applied.
	AuthservID string
	// SuppressFile is the campaign's suppression list (its suppress:
	// setting), Suppressed the list as read: addresses it has are not
	// added again. Campaign is the campaign's name: in the lines'
	// comments, and to know its test messages' Message-IDs.
	SuppressFile string
	Suppressed   *campaign.Suppression
	Campaign     string
	// Senders are the campaign's envelope senders (its sender:, else
	// its from:, when a fixed address): a report's text may quote one
	// (a session transcript's MAIL FROM, a "sent by" line), and it is
	// never a failed recipient.
	Senders []string
	// Now is the clock of the records; nil means time.Now.
	Now func() time.Time
	// Since, when not zero, leaves unread the messages the mailbox
	// received before it (see Mailbox.List): a report cannot come before
	// the message it is about, so the caller passes a margin before the
	// campaign's first run, and a mailbox that is also a person's inbox
	// is not read back to its first message.
	Since time.Time
	// Memory, when not nil, is what earlier runs read (LoadMemory):
	// those messages are not read again (with MoveTo or Delete, only
	// those left in the mailbox as no report to move: the reports a run
	// that moved nothing read are moved or deleted now), and those this
	// run reads are added to it and saved once recorded (not in a dry
	// run, which skips what it has all the same), but for those the
	// server refused to give or did not find, and unsubscribe requests
	// not applied (Unauthenticated), which the next run reads again. What
	// Memory holds for another mailbox or another SuppressFile is
	// forgotten (Summary.Forgot): every message is read again, and the
	// reports among them list their addresses in the list named now.
	Memory *Memory
	// Bound is the bound of one exchange with the server (the mailbox's
	// mailbox.Config.ExchangeLimit, 10 × mailbox.timeout). A message whose
	// fetch overran the bounds of its exchange (mailbox.Overran), or made
	// the server close the connection (mailbox.Dropped), ended the
	// session: when mb is a Reopener, Process passes it over (an
	// Unreadable finding) and reads on on a new session, else it stops
	// there. Memory counts such overruns: a message that overran in
	// overrunRuns runs under a bound as large as this one is passed over
	// unread (Summary.PassedOver), and read again under a larger bound.
	Bound time.Duration
	// Journal is the path of the campaign's journal, which rec writes
	// (journal.FileName in its state folder): Memory marks where it stood
	// once the reports read are recorded, and forgets what it holds when
	// the journal no longer holds that (restored from an older backup).
	Journal string
}

// Finding is what one message in the mailbox was found to be.
type Finding struct {
	ID      string // the mailbox's id for it
	Verdict Verdict
	Format  feedback.Format
	Subject string
	Matches []Match
	// Problem says why an unreadable report could not be read.
	Problem string
	// refused says the server would not give it, missing that it found
	// it to list it but not to give it (another client removed it since,
	// or the server stumbled): it is not remembered as read
	// (Options.Memory), and the next run tries again if it is there.
	refused, missing bool
	// saidGone is the server's words when it said a message it listed
	// is not there (a *mailbox.SaidGoneError), "" otherwise; goneAgain
	// that it said so on a new session too (readAgainGone).
	saidGone  string
	goneAgain bool
	// Campaign, for a Foreign report about a message tidings made, is the
	// campaign its Message-ID names ("" when it names none).
	Campaign string
	// TopAuthserv, for an Unauthenticated request, is the authserv-id of
	// its topmost Authentication-Results field ("" for none): the server
	// that received it, when that server writes them.
	TopAuthserv string
	// New counts the matches recorded by this run (the others were, by an
	// earlier one).
	New int
	// Overran says the server did not give the message within the
	// bounds of one exchange (an Unreadable finding, Problem saying what
	// the next run does); Size is then its size as the server counts it,
	// From its header's From address (Subject its Subject), "" when the
	// server did not give that either. It is not remembered as read.
	Overran bool
	Size    int64
	From    string
}

// Summary is what a Process run found and did.
type Summary struct {
	Findings []Finding
	// Suppress lists the addresses to add to the suppression list (see
	// AppendSuppressions), each once, none the list already has.
	Suppress []Suppression
	// Refused lists addresses a report asked to suppress that cannot be
	// written to the list as one entry (spaces, quotes, no domain).
	Refused []string
	// Processed counts the reports moved or deleted.
	Processed int
	// Unread counts the messages listed but not read: the session
	// stopped first (a *StoppedError).
	Unread int
	// Unapplied lists the senders of the unsubscribe requests not applied
	// (Unauthenticated), each once, none the list has or this run adds:
	// the lines a user who trusts them adds to the list by hand.
	Unapplied []Suppression
	// Since is Options.Since: the messages received before it were not
	// read (zero: none was left out).
	Since time.Time
	// Skipped counts the messages not read because an earlier run read
	// them (Options.Memory); Forgot says why what Memory held was
	// forgotten instead ("" when it was not: the folder's UIDVALIDITY
	// changed, say). Remembered says the messages this run read are in
	// Memory's file for the next run to skip; MemoryErr, when saving it
	// failed, says why (the next run reads them again then).
	Skipped    int
	Forgot     string
	Remembered bool
	MemoryErr  error
	// ListCut is the cut of the connection the listing of the mailbox
	// got past, listed on a new session (nil: none): a restart, most
	// likely; one every run points to a mailbox that needs repair.
	ListCut error
	// FetchCuts counts the messages whose fetch the server cut and a new
	// session read (FetchCut: the first cut; nil when none), as ListCut
	// tells a listing's: a cut or two a run is a restart, most likely,
	// and a cut every run a server on its way to dropping messages.
	FetchCuts int
	FetchCut  error
	// PassedOver lists the messages not read because their fetch
	// overran its bounds, or cut the connection, in earlier runs (see
	// Options.Bound).
	PassedOver []PassedOver
	// GivenAgain lists the messages read although listed under the id of
	// one of those, for their size is another, or, their size not known,
	// their header (POP3).
	GivenAgain []GivenAgain
}

// Count returns the findings with verdict v.
func (s *Summary) Count(v Verdict) int {
	n := 0
	for _, f := range s.Findings {
		if f.Verdict == v {
			n++
		}
	}
	return n
}

// Recorder records feedback (a *journal.Writer is one). Process does not
// call it in a dry run.
type Recorder interface {
	Feedback(ctx context.Context, f journal.Feedback) error
}

// Process reads every message in mb, decides what each is for the
// campaign (ix) and records what it finds: the suppressions (hard
// bounces, complaints, unsubscribe requests) in the suppression list,
// then through rec a feedback record per bounced, complaining or
// unsubscribing recipient (never twice: ids the journal knows are
// skipped); then it moves or deletes the processed reports when asked,
// once everything is recorded. A run its session stopped halfway (a
// *StoppedError) records what it read all the same; the reports among
// them are then in the error, for DisposeStopped to move or delete on a
// new session (the next run reads them again until that is done). The
// messages read are added to opts.Memory once recorded, and those it had
// are not read (see Options.Memory). The list is written first, and each record names the
// list its address went to (journal.Feedback.Listed): a report the
// journal has with its address listed in this list does not list it
// again (a person took it out of the list by hand: it stays out until a
// new report comes); a run stopped before the journal finds the
// addresses listed next time, and records the reports. A report that
// cannot be read, or names no message of this campaign, is counted and
// left alone.
func Process(ctx context.Context, mb Mailbox, ix *Index, rec Recorder, opts Options) (*Summary, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MoveTo != "" || opts.Delete {
		// Before anything is recorded: a run that cannot dispose of the
		// reports stops here, not after it wrote the suppression list.
		if err := mb.CheckDispose(ctx, opts.MoveTo, opts.Delete); err != nil {
			return nil, err
		}
	}
	list, err := filepath.Abs(opts.SuppressFile)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Since: opts.Since}
	scope := mb.Scope()
	remember := opts.Memory != nil
	listed, entries, err := listRemembered(ctx, mb, scope, list, sum, opts)
	if err != nil {
		return nil, err
	}
	sup := newSuppressions(opts.Suppressed)
	r, err := ix.readAll(ctx, mb, entries, sum, sup, list, opts)
	if err != nil {
		return sum, err
	}
	records, processed, stopped := r.records, r.processed, r.stopped
	sum.Suppress, sum.Refused = sup.list, sup.refused
	sum.Unapplied = unapplied(sum.Findings, sup, opts.Suppressed)
	if !opts.DryRun {
		// Local files: written whatever became of the session, past its
		// deadline too.
		wctx := ctx
		if stopped != nil {
			wctx = context.WithoutCancel(ctx)
		}
		if err := AppendSuppressions(opts.SuppressFile, sup.list, opts.Campaign, opts.Now()); err != nil {
			return sum, err
		}
		for _, fb := range records {
			if err := rec.Feedback(wctx, fb); err != nil {
				return sum, err
			}
		}
		// Recorded durably (the journal syncs each record): what was
		// read may be skipped, or moved away, from now on.
		if remember {
			sum.Remembered, sum.MemoryErr = rememberRead(opts.Memory, scope, r, listed, opts)
		}
	}
	if stopped != nil {
		// The session is over: DisposeStopped moves or deletes the
		// reports recorded on a new one.
		stopped.Remembered, stopped.Skipped = sum.Remembered, sum.Skipped
		if !opts.DryRun && (opts.MoveTo != "" || opts.Delete) {
			stopped.Recorded, stopped.MoveTo, stopped.Delete = processed, opts.MoveTo, opts.Delete
		}
		return sum, stopped
	}
	if err := disposeAfter(ctx, mb, r.ended, processed, opts); err != nil {
		return sum, disposeStop(err, processed, len(entries), sum, opts)
	}
	if opts.MoveTo != "" || opts.Delete {
		sum.Processed = len(processed)
	}
	return sum, nil
}

// listRemembered lists mb, of scope, asking the server less by what
// opts.Memory holds (Memory.knownOf), and returns all it listed and, of
// those, the messages to read: not those Memory has, nor those it passes
// over (sum says how many, and why what it held was forgotten; list is
// the suppression list's absolute path). A listing the session stopped
// is a *StoppedError.
func listRemembered(ctx context.Context, mb Mailbox, scope mailbox.Scope, list string, sum *Summary, opts Options) (listed, entries []mailbox.Entry, err error) {
	mem, known := opts.Memory, mailbox.Known{}
	if mem != nil {
		sum.Forgot = cmp.Or(mem.readBy(readRules(opts)), mem.behind(opts.Journal))
		if scope.Key != "" {
			sum.Forgot = cmp.Or(sum.Forgot, mem.hold(scope, list))
		}
		known = mem.knownOf(scope, opts.Bound)
	}
	listed, sum.ListCut, err = listAgainCut(ctx, mb, opts.Since, known)
	if err != nil {
		if mailboxStopped(err) {
			return nil, nil, &StoppedError{Err: err, DryRun: opts.DryRun}
		}
		return nil, nil, err
	}
	if mem == nil {
		return listed, listed, nil
	}
	var forgot string
	entries, sum.Skipped, forgot = mem.skip(scope, list, listed, opts.MoveTo != "" || opts.Delete)
	sum.Forgot = cmp.Or(sum.Forgot, forgot)
	entries, sum.PassedOver, sum.GivenAgain = mem.passOver(entries, opts.Bound)
	return listed, entries, nil
}

// disposeStop is the error of a run whose session stopped (mailboxStopped:
// the server closed the connection, a bound, the run's deadline) while it
// moved or deleted the reports it read (processed, of the listed it read),
// once recorded: a *StoppedError, for DisposeStopped to move or delete
// them on a new session, as for a run stopped while reading; another
// error (a refusal, an interrupt) as it is.
func disposeStop(err error, processed []string, listed int, sum *Summary, opts Options) error {
	if !mailboxStopped(err) {
		return err
	}
	return &StoppedError{Err: err, Read: listed, Listed: listed, Skipped: sum.Skipped, Remembered: sum.Remembered,
		Recorded: processed, MoveTo: opts.MoveTo, Delete: opts.Delete}
}

// readings are what readAll read: the feedback records to write, the ids
// of the reports matched (to move or delete), the ids of the messages
// read (to remember: not those the server refused to give), and the stop
// of a session that ended before the last message (nil when none did).
type readings struct {
	// seen are the feedback records' ids collected so far.
	seen map[string]bool
	// ended is the cut of a header asked for last that ended the session
	// (checkHeads), none opened since: nil when none did.
	ended     error
	records   []journal.Feedback
	processed []string
	read      []string
	// left are those of read that are no report to move: they stay in
	// the mailbox whatever the run.
	left []string
	// overran are the messages whose fetch overran its bounds, passed
	// over, whose overruns count (see passOverAt).
	overran []PassedOver
	stopped *StoppedError
}

// settled reports a finding the next run need not read again: not one
// the server refused to give or did not find (it may give it next time,
// and one removed is not listed again), nor an unsubscribe request not
// applied (mailbox.authserv_id, set since, may vouch for it; until then
// each run lists it with the line to add by hand).
func settled(f Finding) bool {
	return !f.refused && !f.missing && !f.Overran && f.Verdict != Unauthenticated
}

// rememberRead adds the messages r read, of the mailbox of scope which
// listed listed, to mem, and those whose fetch overran opts.Bound, with
// the mark of opts.Journal now that they are recorded, and saves it; it
// reports whether they are kept.
func rememberRead(mem *Memory, scope mailbox.Scope, r readings, listed []mailbox.Entry, opts Options) (bool, error) {
	if scope.Key == "" {
		return false, nil // IDs of this session only
	}
	mem.add(scope, r.read, r.left, listed)
	if scope.Key == mem.key {
		mem.noteOverruns(r.overran, opts.Bound)
		mem.journal = markOf(opts.Journal)
	}
	if err := mem.Save(); err != nil {
		return false, err
	}
	return true, nil
}

// readAll reads entries in turn into sum's findings, adding their
// addresses to sup (list is the suppression file's path). A session
// stopped by a bound, the run's deadline or a lost connection ends the
// reading (readings.stopped: what was read is recorded all the same); an
// interruption or another error of the session is returned.
func (ix *Index) readAll(ctx context.Context, mb Mailbox, entries []mailbox.Entry, sum *Summary, sup *suppressions, list string, opts Options) (readings, error) {
	r := readings{seen: map[string]bool{}}
	err := ix.readOn(ctx, mb, &r, entries, 0, sum, sup, list, opts)
	if err == nil && r.stopped == nil {
		err = ix.readHeadsLast(ctx, mb, &r, len(entries), sum, sup, list, opts)
	}
	r.uncountHeadCuts(sum.Findings)
	return r, err
}

// readOn reads entries into r as readAll does, done messages read
// before them.
func (ix *Index) readOn(ctx context.Context, mb Mailbox, r *readings, entries []mailbox.Entry, done int, sum *Summary, sup *suppressions, list string, opts Options) error {
	rule := unsubscribeRule{opts.Unsubscribe, opts.UnsubscribeShared, opts.UnsubscribeSubject, opts.AuthservID}
	for i, e := range entries {
		if err := ctx.Err(); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err // interrupted: the next run reads it all again
		}
		f, cut, err := ix.readAgainCut(ctx, mb, e, rule, ours{opts.Campaign, opts.Senders})
		if cut != nil {
			sum.FetchCuts++
			sum.FetchCut = cmp.Or(sum.FetchCut, cut)
		}
		var fe *fetchError
		if errors.As(err, &fe) && mailboxStopped(fe.err) {
			if cutShort(fe.err) {
				f, counted, serr := passOverAt(ctx, mb, e, fe.err, opts)
				if r.overran = append(r.overran, counted...); serr == nil {
					sum.Findings = append(sum.Findings, f)
					continue
				}
				fe.err = serr
			}
			r.stopped = &StoppedError{Err: fe.err, Read: done + i, Listed: done + len(entries), DryRun: opts.DryRun}
			sum.Unread = len(entries) - i
			return nil
		}
		if fe != nil {
			err = fe.err
		}
		if err != nil {
			return err
		}
		if f.goneAgain {
			r.overran = append(r.overran, countGone(&f, e, mb.Scope(), opts)...)
		}
		if f.Verdict == Matched {
			r.records = append(r.records, ix.collect(&f, sup, r.seen, list, opts)...)
			r.processed = append(r.processed, f.ID)
		}
		if settled(f) {
			r.read = append(r.read, f.ID)
			if f.Verdict != Matched {
				r.left = append(r.left, f.ID)
			}
		}
		sum.Findings = append(sum.Findings, f)
	}
	return nil
}

// read fetches and parses one message and matches it.
func (ix *Index) read(ctx context.Context, mb Mailbox, m mailbox.Entry, unsub unsubscribeRule, c ours) (Finding, error) {
	f := Finding{ID: m.ID}
	if m.Size > MaxMessage {
		f.Verdict, f.Problem = Unreadable, tooLarge(m.Size)
		return f, nil
	}
	raw, err := mb.Fetch(ctx, m.ID, MaxMessage)
	var refused *mailbox.ReplyError
	switch {
	case errors.Is(err, mailbox.ErrTooLarge):
		f.Verdict, f.Problem = Unreadable, tooLarge(m.Size)
		return f, nil
	case errors.Is(err, mailbox.ErrNotFound):
		f.Verdict, f.missing = Other, true // removed by another client since List?
		if gone, ok := errors.AsType[*mailbox.SaidGoneError](err); ok {
			f.saidGone = gone.Text
		}
		return f, nil
	case errors.As(err, &refused):
		// The server will not give this one message (a broken one, say):
		// it is named, and the others are read.
		f.Verdict, f.Problem, f.refused = Unreadable, "the server refused to give it: "+refused.Reply(), true
		return f, nil
	case err != nil:
		return f, &fetchError{err}
	}
	r, err := feedback.Parse(bytes.NewReader(raw), feedback.Options{MaxSize: MaxMessage})
	var unreadable *feedback.UnreadableError
	var large *feedback.TooLargeError
	switch {
	case errors.As(err, &unreadable), errors.As(err, &large):
		f.Verdict, f.Problem = Unreadable, strings.TrimPrefix(strings.TrimPrefix(err.Error(), "feedback: "), "unreadable message: ")
		if unreadable != nil {
			f.Subject = unreadable.Subject // to tell the user which message it is
		}
		return f, nil
	case err != nil:
		return f, fmt.Errorf("bounces: message %s: %w", m.ID, err)
	}
	f.Format, f.Subject = r.Format, r.Subject
	r.Recipients = notSenders(r.Recipients, c.senders)
	f.Verdict, f.Matches = ix.match(r, unsub, c.name)
	if f.Verdict == Matched && len(f.Matches) == 1 && f.Matches[0].Kind == journal.FeedbackUnsubscribed {
		if v := vouch(raw, f.Matches[0].Recipient, unsub.authserv); !v.ok {
			f.Verdict, f.Problem, f.TopAuthserv = Unauthenticated, v.why, v.top
		}
	}
	if f.Verdict == Foreign {
		f.Campaign = otherCampaign(r, c.name)
	}
	if err := ix.Err(); err != nil {
		return f, err
	}
	id := r.MessageID
	if id == "" {
		sum := sha256.Sum256(raw)
		id = "sha256:" + hex.EncodeToString(sum[:16])
	}
	for i := range f.Matches {
		f.Matches[i].Entry = rowOf(f.Matches[i].Entry)
		f.Matches[i].reportID = id
		f.Matches[i].reportedAt = firstTime(r.ArrivalDate, r.Date)
	}
	return f, nil
}

// rowOf is what a Match keeps of the journal's entry e once matched: its
// row and key (nil for none). The rest (its attempt, result and feedback,
// read back from the journal's lines) would be kept for every report of
// the mailbox until the run ends, about a kilobyte each.
func rowOf(e *journal.Entry) *journal.Entry {
	if e == nil {
		return nil
	}
	return &journal.Entry{Row: e.Row, Key: e.Key, NormKey: e.NormKey}
}

func tooLarge(size int64) string {
	return fmt.Sprintf("larger than %d MB (%d bytes); not read", MaxMessage>>20, size)
}

// collect returns the feedback records of f's matches that neither the
// journal nor this run (seen) has yet (none in a dry run), and collects
// the addresses to suppress: those of matches the journal does not have,
// and of those it has without their address listed in the list (list,
// its absolute path: an older tidings wrote the journal first, or the
// campaign names another list since). A match about no row (a Cc several
// rows' messages went to, an unsubscribe request from an address no row
// has) is recorded with no row and key, so that it too lists its address
// once: one taken out of the list by hand stays out. Each record names
// list when its address is on it once the list is written
// (Feedback.Listed).
func (ix *Index) collect(f *Finding, sup *suppressions, seen map[string]bool, list string, opts Options) []journal.Feedback {
	var out []journal.Feedback
	for _, m := range f.Matches {
		id := journal.FeedbackID(m.reportID, m.Recipient)
		switch {
		case ix.state.FeedbackSeen(id):
			if !sameFile(ix.state.FeedbackListed(id), list) {
				sup.add(m)
			}
			continue
		case seen[id]:
			continue // the same report twice in the mailbox
		}
		seen[id] = true
		sup.add(m)
		f.New++
		if opts.DryRun {
			continue
		}
		fb := journal.Feedback{ID: id, Recipient: m.Recipient, Kind: m.Kind,
			Status: m.Status, Code: m.Code, Diagnostic: m.Diagnostic, MessageID: m.reportID, ReportedAt: m.reportedAt, Recorded: opts.Now(), Earlier: m.Earlier, Policy: m.Policy}
		if m.Entry != nil {
			fb.Row, fb.Key = m.Entry.Row, m.Entry.Key
		}
		if sup.listed(m.Suppress) {
			fb.Listed = list
		}
		out = append(out, fb)
	}
	return out
}

// unapplied are the senders of the Unauthenticated requests in findings
// that neither the list (existing) has nor this run adds (sup).
func unapplied(findings []Finding, sup *suppressions, existing *campaign.Suppression) []Suppression {
	pending := newSuppressions(existing)
	for _, f := range findings {
		if f.Verdict != Unauthenticated {
			continue
		}
		for _, m := range f.Matches {
			if !sup.listed(m.Suppress) {
				pending.add(m)
			}
		}
	}
	return pending.list
}

// disposeAfter disposes of ids (dispose) on a new session when ended,
// the cut that ended the session last (readings.ended), is not nil.
func disposeAfter(ctx context.Context, mb Mailbox, ended error, ids []string, opts Options) error {
	if opts.DryRun || len(ids) == 0 || opts.MoveTo == "" && !opts.Delete {
		return nil
	}
	if err := goOnAfter(ctx, mb, ended); err != nil {
		return err
	}
	return dispose(ctx, mb, ids, opts)
}

// dispose moves or deletes the processed reports, as asked.
func dispose(ctx context.Context, mb Mailbox, ids []string, opts Options) error {
	if opts.DryRun || len(ids) == 0 {
		return nil
	}
	switch {
	case opts.MoveTo != "":
		return mb.Move(ctx, ids, opts.MoveTo)
	case opts.Delete:
		return mb.Delete(ctx, ids)
	}
	return nil
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// sameFile reports whether the paths a and b name one file: the same
// path, or the same file reached another way (a folder moved and linked
// back, a symlink). "" is no file.
func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// ours is the campaign a message is read for: its name and its envelope
// senders (Options.Campaign and Options.Senders).
type ours struct {
	name    string
	senders []string
}

// notSenders is list without the recipients whose address is one of
// senders: the campaign's envelope sender, which a bounce's text quotes,
// is never the address that failed.
func notSenders(list []feedback.Recipient, senders []string) []feedback.Recipient {
	if len(senders) == 0 {
		return list
	}
	out := list[:0:0]
	for _, r := range list {
		if !slices.ContainsFunc(senders, func(s string) bool { return normAddress(s) == normAddress(r.Address) }) {
			out = append(out, r)
		}
	}
	return out
}
