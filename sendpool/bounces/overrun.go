package bounces

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/mailbox/feedback"
)

// overrunRuns is in how many runs the fetch of a message must overrun the
// bounds of one exchange (mailbox.Overran), or make the server cut the
// connection (mailbox.Dropped), before the next runs pass it over
// unread: once may be the server's bad minute, twice under the same
// bound is the message (one so large or so broken that the server cannot
// give it in time, or crashes on it), which would otherwise cost every
// run that long, or stop it there.
const overrunRuns = 2

// overrun is what Memory keeps of a message whose fetch overran: in how
// many runs, and the bound of one exchange then (mailbox.Config's
// ExchangeLimit, 10 × mailbox.timeout): a run with a larger bound tries
// it again. It holds for the message of its size only: a POP3 server
// that gives the unique-id again to another message, against RFC 1939,
// most likely gives another size, and that message is read. Cut says the
// last of those runs, the server closed the connection instead, Gone
// that it said the message is not there but listed it on a new session
// too (readAgainGone; all count alike: the server cannot give that
// message).
type overrun struct {
	runs          int
	bound         time.Duration
	size          int64  // as listed: -1 not known (its LIST cut), anySize in a line without one
	subject, from string // as its header says, "" when not known
	cut, gone     bool
	// head is its header's digest (headDigest) when kept (keepsHead),
	// else "".
	head string
}

// of reports whether o is about a message of size: any, listed with its
// size not known (-1: its LIST n cut, which tells nothing of another
// message; its header may, checkHeads); one of a size only when o's is
// that size, or any (a line written before sizes were kept).
func (o overrun) of(size int64) bool { return size < 0 || o.size == anySize || o.size == size }

// anySize is the size of an overrun read from a line written before sizes
// were kept: it holds for a message of any size.
const anySize = -2

// PassedOver is a message a run did not read because the fetch of it
// overran the bounds of one exchange in overrunRuns earlier runs, under a
// bound as large as this run's (Options.Bound).
type PassedOver struct {
	ID   string // the mailbox's id for it: its IMAP UID or POP3 unique-id
	Size int64  // its size as the server counts it
	// Subject and From are what its header said when it first overran
	// (Mailbox.Head), "" when the server did not give that either.
	Subject, From string
	// Runs is in how many runs it overran, Bound the bound of one
	// exchange in the last of them; Cut says the server closed the
	// connection then, rather than overrun (mailbox.Dropped), Gone that
	// it said the message is not there but listed it (readAgainGone).
	Runs      int
	Bound     time.Duration
	Cut, Gone bool
	// head is its header's digest, for Memory to keep (keepsHead).
	head string
	// headCut, when not nil, is its fetch's cut, the server having cut
	// the session its header was asked for on too (passOverAt): counted
	// only when no other message was passed over in the run
	// (uncountHeadCuts).
	headCut error
}

// maxNamed is how many characters of a Subject or From are kept.
const maxNamed = 100

// GivenAgain is a message listed under the id of one Memory holds to
// pass over (PassedOver) but of another size than that one's: the server
// gave its unique-id again to another message (against RFC 1939: a
// backup restored, a server that reuses them), which is read, and the
// other's record is forgotten. Size is its size now; Was, Subject, From,
// Runs, Cut and Gone are what Memory held of the other.
type GivenAgain struct {
	ID            string
	Size, Was     int64
	Subject, From string
	Runs          int
	Cut, Gone     bool
	// Header says the size is not known (Size and Was -1): its header
	// is another than the one kept of the other (headDigest).
	Header bool
}

// passOver takes out of entries the messages to pass over under bound
// (see PassedOver), and returns them apart; and those listed under the
// id of one it would pass over but of another size (GivenAgain), whose
// record it forgets.
func (m *Memory) passOver(entries []mailbox.Entry, bound time.Duration) (kept []mailbox.Entry, passed []PassedOver, again []GivenAgain) {
	kept = entries[:0:0]
	for _, e := range entries {
		o, ok := m.overran[e.ID]
		switch {
		case !ok || o.runs < overrunRuns || o.bound < bound:
		case o.of(e.Size):
			passed = append(passed, PassedOver{ID: e.ID, Size: e.Size, Subject: o.subject, From: o.from, Runs: o.runs, Bound: o.bound, Cut: o.cut, Gone: o.gone})
			continue
		default:
			again = append(again, GivenAgain{ID: e.ID, Size: e.Size, Was: o.size, Subject: o.subject, From: o.from, Runs: o.runs, Cut: o.cut, Gone: o.gone})
			delete(m.overran, e.ID)
		}
		kept = append(kept, e)
	}
	return kept, passed, again
}

// overrunRunsOf is in how many runs the fetch of message id, of size,
// overran under bound or a larger one, counting this run's overrun under
// bound: 1 when none before did (or m is nil).
func (m *Memory) overrunRunsOf(id string, size int64, bound time.Duration) int {
	if m == nil {
		return 1
	}
	if o, ok := m.overran[id]; ok && o.bound >= bound && o.of(size) {
		return o.runs + 1
	}
	return 1
}

// noteOverruns counts a run's overrun for each of msgs under bound: a
// larger bound than the last one's counts anew. A Subject or From not
// known now is the one known before.
func (m *Memory) noteOverruns(msgs []PassedOver, bound time.Duration) {
	for _, p := range msgs {
		was, known := m.overran[p.ID]
		if !storableUIDL(p.ID) || !known && len(m.overran) >= maxOverran {
			continue
		}
		if !was.of(p.Size) {
			was = overrun{} // another message under its id
		}
		m.overran[p.ID] = overrun{runs: m.overrunRunsOf(p.ID, p.Size, bound), bound: bound, size: p.Size,
			subject: cmp.Or(clipText(p.Subject), was.subject), from: cmp.Or(clipText(p.From), was.from), cut: p.Cut, gone: p.Gone,
			head: cmp.Or(p.head, was.head)}
	}
}

// clipText is s on one line, at most maxNamed characters of it.
func clipText(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "?")), " ")
	if r := []rune(s); len(r) > maxNamed {
		return string(r[:maxNamed-1]) + "…"
	}
	return s
}

// pruneOverruns forgets the overruns of the messages read (they were
// given in time at last) and of those no longer listed (taken out of the
// mailbox), listed being what this run listed (nil: keep them).
func (m *Memory) pruneOverruns(read []string, listed []mailbox.Entry) {
	for _, id := range read {
		delete(m.overran, id)
	}
	if listed == nil {
		return
	}
	there := make(map[string]bool, len(listed))
	for _, e := range listed {
		there[e.ID] = true
	}
	for id := range m.overran {
		if !there[id] {
			delete(m.overran, id)
		}
	}
}

// word is the first word of o's line: overran, dropped when the
// server last cut the connection, or gone when it said the message is
// not there.
func (o overrun) word() string {
	if o.gone {
		return "gone"
	}
	if o.cut {
		return "dropped"
	}
	return "overran"
}

// line is the rest of the overran or dropped line of message id: "ID
// RUNS BOUND SIZE SUBJECT FROM", BOUND as time.Duration writes it,
// SUBJECT and FROM Go-quoted (SIZE -1 when not listed, left out when
// any).
func (o overrun) line(id string) string {
	size := ""
	if o.size != anySize {
		size = strconv.FormatInt(o.size, 10) + " "
	}
	return fmt.Sprintf("%s %d %s %s%s %s", id, o.runs, o.bound, size, strconv.Quote(o.subject), strconv.Quote(o.from))
}

// parseOverrun reads the rest of an overran, dropped or gone line
// (overrun.line, word its first word) into m; one without SIZE (written before sizes were
// kept) holds for any size, one of SIZE -1 for a message listed with its
// size not known.
func (m *Memory) parseOverrun(word, rest string) error {
	bad := fmt.Errorf("an %s line tidings does not write: %.40q", word, rest)
	f := strings.SplitN(rest, " ", 4)
	if len(f) != 4 || !storableUIDL(f[0]) {
		return bad
	}
	runs, err := strconv.Atoi(f[1])
	bound, berr := time.ParseDuration(f[2])
	if err != nil || berr != nil || runs < 1 || bound < 0 {
		return bad
	}
	size, quoted := int64(anySize), f[3]
	if n, rest, sized := strings.Cut(quoted, " "); sized && !strings.HasPrefix(quoted, `"`) {
		if size, err = strconv.ParseInt(n, 10, 64); err != nil || size < -1 {
			return bad
		}
		quoted = rest
	}
	subject, from, ok := twoQuoted(quoted)
	if !ok {
		return bad
	}
	m.overran[f[0]] = overrun{runs: runs, bound: bound, size: size, subject: subject, from: from, cut: word == "dropped", gone: word == "gone"}
	return nil
}

// twoQuoted reads `"a" "b"`, two Go-quoted strings a space apart.
func twoQuoted(s string) (a, b string, ok bool) {
	qa, err := strconv.QuotedPrefix(s)
	if err != nil || !strings.HasPrefix(s[len(qa):], " ") {
		return "", "", false
	}
	qb := s[len(qa)+1:]
	a, err = strconv.Unquote(qa)
	b, berr := strconv.Unquote(qb)
	return a, b, err == nil && berr == nil
}

// overrunProblem says of a message whose fetch overran (err), or made
// the server cut the connection (mailbox.Dropped), that it was passed
// over, in the runs'th run to do so, and what the next run does; server
// says its header failed too, on the new session.
func overrunProblem(err error, runs int, remembered, server bool) string {
	why := strings.TrimPrefix(err.Error(), "mailbox: ")
	failed, nor, again, until := "the server did not give it within bounds", "nor its header", "overruns again", fmt.Sprintf("mailbox.timeout is larger (or %s is removed)", ReadFile)
	if mailbox.Dropped(err) {
		failed, nor, again, until = "the server closed the connection when asked for it, on a new session too", "and did not give its header either", "cuts the connection again", fmt.Sprintf("%s is removed (or mailbox.timeout is larger)", ReadFile)
	}
	switch {
	case server:
		return fmt.Sprintf("%s (%s), %s on a new session (the server, rather than the message, may be at fault); passed over, on another new session: the next run tries it again", failed, why, nor)
	case !remembered:
		return fmt.Sprintf("%s (%s); passed over, on a new session: the next run tries it again", failed, why)
	case runs >= overrunRuns:
		return fmt.Sprintf("%s, in %d runs now (%s); passed over, on a new session: the next runs skip it, saying so, until %s", failed, runs, why, until)
	}
	return fmt.Sprintf("%s (%s); passed over, on a new session: the next run tries it once more, and skips it from then on if it %s", failed, why, again)
}

// cutShort reports an error that ended the session in the exchange about
// one message, which the run passes over on a new session: an overrun
// of its bounds (mailbox.Overran), or the server closing the connection
// (mailbox.Dropped).
func cutShort(err error) bool { return mailbox.Overran(err) || mailbox.Dropped(err) }

// passedOverFinding is the finding for message p whose fetch overran
// (err) and which the run passed over on a new session; remembered says
// the overrun is kept for the next runs (Options.Memory), server that its
// header overran too.
func passedOverFinding(p PassedOver, err error, opts Options, remembered, server bool) Finding {
	runs := opts.Memory.overrunRunsOf(p.ID, p.Size, opts.Bound)
	problem := overrunProblem(err, runs, remembered, server)
	return Finding{ID: p.ID, Verdict: Unreadable, Problem: problem, Overran: true, Size: p.Size, Subject: p.Subject, From: p.From}
}

// uncountHeadCuts takes out of r's overruns to count those counted for
// a header cut (PassedOver.headCut) when more than one message of
// findings was passed over in the run: a server cutting every fetch for
// a while, rather than the message; their findings say so.
func (r *readings) uncountHeadCuts(findings []Finding) {
	passed := 0
	for _, f := range findings {
		if f.Overran {
			passed++
		}
	}
	if passed < 2 {
		return
	}
	kept := r.overran[:0]
	for _, p := range r.overran {
		if p.headCut == nil {
			kept = append(kept, p)
			continue
		}
		for i := range findings {
			if findings[i].Overran && findings[i].ID == p.ID {
				findings[i].Problem = overrunProblem(p.headCut, 1, false, true)
			}
		}
	}
	r.overran = kept
}

// triedAgain reports whether m held e, of the mailbox of scope, as one
// to pass over but tried it once more (overrun.tryAgain).
func (m *Memory) triedAgain(scope mailbox.Scope, e mailbox.Entry) bool {
	return m != nil && m.overran[e.ID].tryAgain(scope, e.Size)
}

// maxHead is the most of a message's header Process reads to name a
// message it passes over.
const maxHead = 64 << 10

// passOverAt goes on past message e, whose fetch overran its bounds or
// made the server cut the connection (err, cutShort) and ended the
// session: on a new session (passOver), where it asks for e's header to
// name it (which, failing so too, takes one more new session). It
// returns the finding, and the overrun to count (e with what its header
// said): none when the header overran too (but for one held as passed
// over and tried once more: triedAgain), or the run stops there, for
// then the server, rather than the message, may be at fault (a server
// that stalls every fetch for a while would otherwise have every message
// it listed skipped unread after two such runs). A header that cut the
// connection after two fetches did (Dovecot on a message it cannot
// read) counts: three sessions cut on commands naming one message, and
// a fourth opened, is the message's, unless others were passed over in
// the run too (uncountHeadCuts); else a damaged message cost every run
// four sessions and exit 1 for good. An error
// when the run stops there (the run's deadline or an interrupt while the
// header was asked for among the reasons).
func passOverAt(ctx context.Context, mb Mailbox, e mailbox.Entry, err error, opts Options) (Finding, []PassedOver, error) {
	p := PassedOver{ID: e.ID, Size: e.Size, Cut: mailbox.Dropped(err)}
	if serr := passOver(ctx, mb, err); serr != nil {
		return Finding{}, nil, serr
	}
	head, herr := mb.Head(ctx, e.ID, maxHead)
	if herr != nil && ctx.Err() != nil {
		// The run's deadline or an interrupt, which tells nothing of
		// the server: no count, the run stops there.
		return Finding{}, nil, herr
	}
	server := cutShort(herr)
	if server {
		if serr := passOver(ctx, mb, herr); serr != nil {
			return Finding{}, nil, serr
		}
		if p.Cut && mailbox.Dropped(herr) {
			p.headCut = err
		}
		// One passed over before, tried once more for want of a digest,
		// counts all the same: not so, every run would try it again.
		server = p.headCut == nil && !opts.Memory.triedAgain(mb.Scope(), e)
	}
	if r := feedback.ParseHeader(head); herr == nil && r != nil {
		p.Subject, p.From = clipText(r.Subject), clipText(r.From)
	}
	if herr == nil && keepsHead(mb.Scope(), e) {
		p.head = headDigest(head)
	}
	remembered := opts.Memory != nil && !opts.DryRun && mb.Scope().Key != "" && !server
	f := passedOverFinding(p, err, opts, remembered, server)
	if !remembered {
		return f, nil, nil
	}
	return f, []PassedOver{p}, nil
}
