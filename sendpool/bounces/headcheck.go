package bounces

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"

	"github.com/tidings/tidings/sendpool/mailbox"
)

// headDigest is what Memory keeps of the header of a POP3 message passed
// over with its size not known (its LIST n cut the connection too): the
// first 8 bytes of the SHA-256 of its identity fields (identityFields),
// in hex. Such a message cannot be told by its size from another given
// its unique-id since (against RFC 1939: a backup restored), but by the
// fields it was written and delivered with (Received, Message-ID, Date),
// which the server gave when it was passed over; its Subject and From
// are most bounces'.
func headDigest(head []byte) string {
	sum := sha256.Sum256(identityFields(head))
	return hex.EncodeToString(sum[:8])
}

// identities are the fields a message is written and delivered with,
// which no server changes later: not those an mbox server keeps a
// message's flags in (Status, X-Status, X-Keywords, X-UID), written
// once a session has seen it, which would make every run take it for
// another.
var identities = []string{"Received", "Message-Id", "Date", "From", "To", "Subject"}

// identityFields is what headDigest hashes of head: its identities,
// each "Name: value" and a NUL, in that order, each name's fields in
// theirs; head whole when it holds none. The lines of head that are no
// field (fieldLines: a damaged message's, which net/mail does not read)
// are left out.
func identityFields(head []byte) []byte {
	msg, err := mail.ReadMessage(bytes.NewReader(head))
	if err != nil {
		msg, err = mail.ReadMessage(bytes.NewReader(fieldLines(head)))
	}
	if err != nil {
		return head
	}
	var b []byte
	for _, name := range identities {
		for _, v := range msg.Header[name] {
			b = fmt.Appendf(b, "%s: %s\x00", name, v)
		}
	}
	if len(b) == 0 {
		return head
	}
	return b
}

// fieldLines is head up to its first empty line without the lines that
// are no field as net/mail reads one: not "Name:" (fieldName) nor
// folded into the field before, or holding a control character.
func fieldLines(head []byte) []byte {
	var b []byte
	field := false
	for line := range bytes.Lines(head) {
		text := bytes.TrimRight(line, "\r\n")
		if len(text) == 0 {
			break
		}
		folded := text[0] == ' ' || text[0] == '\t'
		name, _, colon := bytes.Cut(text, []byte(":"))
		field = (folded && field || !folded && colon && fieldName(name)) &&
			!bytes.ContainsFunc(text, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f })
		if field {
			b = append(append(b, text...), "\r\n"...)
		}
	}
	return append(b, "\r\n"...)
}

// fieldName reports whether name is a field's name as net/textproto
// reads one: a token (RFC 7230), one character at least.
func fieldName(name []byte) bool {
	const punct = "!#$%&'*+-.^_`|~"
	for _, c := range name {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || strings.IndexByte(punct, c) >= 0) {
			return false
		}
	}
	return len(name) > 0
}

// keepsHead reports whether the header of message e, passed over on the
// mailbox of scope, is kept (headDigest): over POP3, its size not known.
// An IMAP UID is never given again under one UIDVALIDITY.
func keepsHead(scope mailbox.Scope, e mailbox.Entry) bool { return !scope.UIDs && e.Size < 0 }

// checkHeads asks for the header of each of passed that m keeps a digest
// of (keepsHead), and takes those whose header is another now out of
// passed: another message under the unique-id, to read (read, again),
// its record forgotten. A header the server does not give leaves the
// message passed over. One whose asking ended the session (cutShort) is
// gone on past on a new session (passOver) only when there is more to
// ask or read on one: ended is the cut otherwise (nil when none), for a
// run that asks nothing more opens none (a server locking the maildrop
// for one session may refuse it: Dovecot's pop3_lock_session). No new
// session, or ctx done, is an error. One that should have a digest but
// has none (tryAgain) is read once more, its record kept.
func (m *Memory) checkHeads(ctx context.Context, mb Mailbox, passed []PassedOver) (still []PassedOver, read []mailbox.Entry, again []GivenAgain, ended, err error) {
	still = passed[:0:0]
	for _, p := range passed {
		o := m.overran[p.ID]
		if o.tryAgain(mb.Scope(), p.Size) {
			read = append(read, mailbox.Entry{ID: p.ID, Size: p.Size})
			continue
		}
		if o.head == "" {
			still = append(still, p)
			continue
		}
		if ended, err = nil, goOnAfter(ctx, mb, ended); err != nil {
			return nil, nil, nil, nil, err
		}
		head, herr := mb.Head(ctx, p.ID, maxHead)
		switch {
		case herr == nil && headDigest(head) != o.head:
			read = append(read, mailbox.Entry{ID: p.ID, Size: p.Size})
			again = append(again, GivenAgain{ID: p.ID, Size: p.Size, Was: o.size, Subject: o.subject, From: o.from, Runs: o.runs, Cut: o.cut, Header: true})
			delete(m.overran, p.ID)
			continue
		case herr != nil && ctx.Err() != nil:
			return nil, nil, nil, nil, herr
		case cutShort(herr):
			ended = herr
		}
		still = append(still, p)
	}
	if len(read) > 0 {
		ended, err = nil, goOnAfter(ctx, mb, ended)
	}
	return still, read, again, ended, err
}

// goOnAfter goes on on a new session (passOver) when ended, the cut of
// an exchange that ended the session, is not nil.
func goOnAfter(ctx context.Context, mb Mailbox, ended error) error {
	if ended == nil {
		return nil
	}
	return passOver(ctx, mb, ended)
}

// readHeadsLast checks the headers of sum's messages passed over
// (checkHeads), once the others are read (done of them), for a header
// that cuts the connection to cost no message read, and reads into r
// those of another message now. A session it stopped stops r.
func (ix *Index) readHeadsLast(ctx context.Context, mb Mailbox, r *readings, done int, sum *Summary, sup *suppressions, list string, opts Options) error {
	if opts.Memory == nil || len(sum.PassedOver) == 0 {
		return nil
	}
	passed, read, again, ended, err := opts.Memory.checkHeads(ctx, mb, sum.PassedOver)
	if err != nil {
		if mailboxStopped(err) {
			r.stopped = &StoppedError{Err: err, Read: done, Listed: done, DryRun: opts.DryRun}
			return nil
		}
		return err
	}
	sum.PassedOver, sum.GivenAgain, r.ended = passed, append(sum.GivenAgain, again...), ended
	return ix.readOn(ctx, mb, r, read, done, sum, sup, list, opts)
}

// tryAgain reports whether o, about a message of size passed over on the
// mailbox of scope, should hold its header's digest (keepsHead) but does
// not, in its overrunRuns'th run: kept by a tidings from before digests
// were, or the server did not give the header (no TOP). Another message
// under its unique-id would be passed over for good: it is read once
// more, and its record then holds the digest (a run more) or, read, is
// forgotten. In a later run it is passed over as any.
func (o overrun) tryAgain(scope mailbox.Scope, size int64) bool {
	return o.head == "" && o.runs == overrunRuns && keepsHead(scope, mailbox.Entry{Size: size})
}

// headLine is the header line of the record of message id whose header
// digest is head: "header ID DIGEST", after its overran or dropped line.
func headLine(id, head string) string { return fmt.Sprintf("header %s %s", id, head) }

// parseHead reads the rest of a header line (headLine) into the record
// of its message, which the line before holds.
func (m *Memory) parseHead(rest string) error {
	id, head, _ := strings.Cut(rest, " ")
	o, ok := m.overran[id]
	if _, err := hex.DecodeString(head); !ok || o.head != "" || len(head) != 16 || err != nil {
		return fmt.Errorf("a header line tidings does not write: %.40q", rest)
	}
	o.head = head
	m.overran[id] = o
	return nil
}
