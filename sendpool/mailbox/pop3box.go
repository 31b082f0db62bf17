package mailbox

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/mailbox/pop3"
)

// pop3Box is a Mailbox over POP3: the maildrop of one login, messages
// named by their unique-id (UIDL).
type pop3Box struct {
	cfg  Config
	c    *pop3.Client
	nums map[string]int // unique-id → message number in this session
	// sizes are the messages' sizes as List gave them, by unique-id: the
	// time a RETR may take grows with its message's, not with the cap.
	sizes    map[string]int64
	reopened *ListSessions
}

func openPOP3(ctx context.Context, cfg Config) (*pop3Box, error) {
	tlsCfg, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	c, err := pop3.Dial(ctx, pop3.Config{
		Addr: cfg.Addr(), ServerName: cfg.Host, Security: cfg.Security,
		TLS: tlsCfg, Timeout: cfg.Timeout, Debug: redacting(cfg.Debug, cfg.Password),
	})
	if err != nil {
		// A server may quote the password it had from an earlier session
		// in its greeting; the client's replies are redacted only from
		// the login on.
		return nil, hideErr(popDialError(cfg, err), cfg.Password)
	}
	if err := c.Login(ctx, cfg.Username, cfg.Password); err != nil {
		c.Close()
		return nil, popLoginError(cfg, err)
	}
	return &pop3Box{cfg: cfg, c: c}, nil
}

// wrapPOP3 is package pop3's err as this package's; a *LimitError already
// is.
func wrapPOP3(err error) error {
	if errors.Is(err, ErrLimit) {
		return err
	}
	return fmt.Errorf("mailbox: %w", err)
}

// step runs fn, POP3 command verb asking for bytes bytes, within the
// bounds of an exchange: Config.CommandTimeout plus time for the bytes
// (the pop3 package bounds the lines and bytes). Stopped there, or at
// ctx's deadline, it is a *LimitError.
func (b *pop3Box) step(ctx context.Context, verb string, bytes int64, fn func(context.Context) error) error {
	limit := b.cfg.CommandTimeout + time.Duration(bytes)*time.Second/minRate
	own := &LimitError{Addr: b.cfg.Addr(), Command: verb, Limit: fmt.Sprintf("it took longer than its time limit of %s", sendpool.LimitText(limit))}
	sctx, cancel := context.WithTimeoutCause(ctx, limit, own)
	defer cancel()
	err := fn(sctx)
	if err == nil {
		return nil
	}
	var le *LimitError
	var rl *RunLimit
	if errors.As(err, &le) {
		return le
	}
	if cause := context.Cause(sctx); errors.Is(err, context.DeadlineExceeded) {
		switch {
		case errors.As(cause, &le):
			return le
		case errors.As(cause, &rl):
			return &LimitError{Addr: b.cfg.Addr(), Command: verb, Limit: rl.Error(), Err: rl}
		}
	}
	return err
}

// popDialError turns package pop3's TLS failures into *TLSError, and an
// IMAP server's greeting into *ProtocolError.
func popDialError(cfg Config, err error) error {
	var ge *pop3.GreetingError
	switch {
	case errors.As(err, &ge) && greetingProtocol(ge.Line) == "IMAP":
		return &ProtocolError{Addr: cfg.Addr(), Speaks: "IMAP", Greeting: ge.Line}
	case errors.Is(err, pop3.ErrNoSTLS):
		return &TLSError{Addr: cfg.Addr(), Why: "STLS (RFC 2595) not offered or refused", Err: ErrNoStartTLS}
	case isTLSFailure(err):
		return tlsError(cfg.Addr(), cfg.Host, err)
	}
	return fmt.Errorf("mailbox: %w", err)
}

// popLoginError turns a refusal of USER, PASS or AUTH into *LoginError.
func popLoginError(cfg Config, err error) error {
	var pe *pop3.Error
	switch {
	case errors.Is(err, pop3.ErrInsecureAuth):
		return ErrInsecureAuth
	case errors.As(err, &pe) && (pe.Command == "USER" || pe.Command == "PASS" || pe.Command == "AUTH") && inUse(pe.Text):
		return &InUseError{Addr: cfg.Addr(), Reply: "-ERR " + pe.Text}
	case errors.As(err, &pe) && (pe.Command == "USER" || pe.Command == "PASS" || pe.Command == "AUTH"):
		return &LoginError{Addr: cfg.Addr(), Username: cfg.Username, Reply: "-ERR " + pe.Text, Hint: loginHint(cfg.Host)}
	}
	return fmt.Errorf("mailbox: %w", err)
}

func (b *pop3Box) List(ctx context.Context, since time.Time) ([]Entry, error) {
	return b.ListKnown(ctx, since, Known{})
}

func (b *pop3Box) ListKnown(ctx context.Context, _ time.Time, known Known) ([]Entry, error) {
	b.reopened = known.sessions()
	ids, err := b.uidl(ctx)
	if err != nil {
		return nil, err
	}
	var sizes []pop3.ListEntry
	if holdsUnsized(ids, known) {
		// The LIST of all would be cut on it: apart on this session.
		sizes, err = b.listApart(ctx, ids, known)
	} else if sizes, err = b.list(ctx, ids); Dropped(err) && ctx.Err() == nil {
		if ids, err = b.reopen(ctx); err == nil {
			sizes, err = b.listApart(ctx, ids, known)
		}
	}
	if err != nil {
		return nil, err
	}
	list := make([]Entry, 0, len(sizes))
	for _, s := range sizes {
		if id, ok := ids[s.Num]; ok {
			list = append(list, Entry{ID: id, Size: s.Size})
		}
	}
	return list, nil
}

// holdsUnsized reports whether the maildrop (ids) holds a message of
// known.Unsized.
func holdsUnsized(ids map[int]string, known Known) bool {
	for _, id := range ids {
		if known.unsized(id) {
			return true
		}
	}
	return false
}

// list asks for the messages' sizes (LIST) and keeps them by unique-id,
// ids giving the unique-id of each message number, for the time a RETR
// may take.
func (b *pop3Box) list(ctx context.Context, ids map[int]string) ([]pop3.ListEntry, error) {
	var sizes []pop3.ListEntry
	err := b.step(ctx, "LIST", 0, func(ctx context.Context) (err error) {
		sizes, err = b.c.List(ctx)
		return err
	})
	if err != nil {
		return nil, wrapPOP3(err)
	}
	b.sizes = make(map[string]int64, len(sizes))
	for _, s := range sizes {
		if id, ok := ids[s.Num]; ok {
			b.sizes[id] = s.Size
		}
	}
	return sizes, nil
}

// listApart asks for the size of each message of the maildrop apart
// (LIST n), ids giving the unique-id of each message number on b's
// session: after LIST made the server close the connection (on a new
// session), or with a message of known.Unsized in it. Each after one that
// cut the connection is asked for on another new session: that one is
// listed with size -1 (not known), as are those of known.Unsized, not
// asked for, for the caller to ask for it as for any other (a server that
// cannot work out a damaged message's size most likely cannot give it
// either: the caller's rule for a message that cuts the connection
// holds). Those of known.Sizes are listed with the size the server
// gives now, pipelined (checkSizes), or without PIPELINING with known's.
// A message another client took out since is not listed (one the
// pipeline finds gone too).
func (b *pop3Box) listApart(ctx context.Context, ids map[int]string, known Known) ([]pop3.ListEntry, error) {
	known, gone, err := b.checkSizes(ctx, ids, known)
	if err != nil {
		return nil, err
	}
	nums := slices.Sorted(maps.Keys(ids))
	sizes := make([]pop3.ListEntry, 0, len(nums))
	b.sizes = make(map[string]int64, len(nums))
	for _, n := range nums {
		now, ok := b.nums[ids[n]] // its number in this session
		if !ok || gone[ids[n]] {
			continue
		}
		size, err := b.sizeApart(ctx, ids[n], now, known)
		if err != nil {
			return nil, err
		}
		sizes = append(sizes, pop3.ListEntry{Num: n, Size: size})
		b.sizes[ids[n]] = size
	}
	return sizes, nil
}

// sizeApart is the size of message id, number now in b's session, as
// listApart asks for it: -1 when known.Unsized has it or its LIST n cut
// the connection (b then on a new session), known.Sizes' when it has it.
func (b *pop3Box) sizeApart(ctx context.Context, id string, now int, known Known) (int64, error) {
	if known.unsized(id) {
		return -1, nil
	}
	if size, ok := known.Sizes[id]; ok && size >= 0 {
		return size, nil
	}
	var size int64
	err := b.step(ctx, "LIST", 0, func(ctx context.Context) (err error) {
		size, err = b.c.ListOne(ctx, now)
		return err
	})
	switch {
	case err == nil:
		b.reopened.listed()
		return size, nil
	case Dropped(err) && ctx.Err() == nil:
		if _, err := b.reopen(ctx); err != nil {
			return 0, err // its own words
		}
		return -1, nil
	}
	return 0, wrapPOP3(err)
}

// reopen ends b's session, which the server closed, and opens another,
// whose message numbers it asks for (UIDL): another client may have
// taken messages out meanwhile.
func (b *pop3Box) reopen(ctx context.Context) (map[int]string, error) {
	b.c.Close()
	if err := b.reopened.Another(); err != nil {
		return nil, err
	}
	nb, err := openPOP3(ctx, b.cfg)
	if err != nil {
		return nil, reopenFailed(err)
	}
	b.c = nb.c
	return b.uidl(ctx)
}

// uidl reads the unique-ids anew, within the bounds of one exchange:
// message number → unique-id, and keeps the other way round for Fetch and
// Delete.
func (b *pop3Box) uidl(ctx context.Context) (map[int]string, error) {
	var list []pop3.UIDLEntry
	err := b.step(ctx, "UIDL", 0, func(ctx context.Context) (err error) {
		list, err = b.c.UIDL(ctx)
		var pe *pop3.Error
		if errors.As(err, &pe) {
			return fmt.Errorf("mailbox: the POP3 server refused UIDL, without which a message cannot be named across sessions: %w", err)
		}
		if err != nil {
			return fmt.Errorf("mailbox: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make(map[int]string, len(list))
	b.nums = make(map[string]int, len(list))
	for _, e := range list {
		ids[e.Num] = e.UID
		b.nums[e.UID] = e.Num
	}
	return ids, nil
}

// num is id's message number in this session, asking for UIDL once when
// id is not known yet.
func (b *pop3Box) num(ctx context.Context, id string) (int, error) {
	if n, ok := b.nums[id]; ok {
		return n, nil
	}
	if _, err := b.uidl(ctx); err != nil {
		return 0, err
	}
	if n, ok := b.nums[id]; ok {
		return n, nil
	}
	return 0, fmt.Errorf("%w: no message with unique-id %q in the maildrop", ErrNotFound, id)
}

// noSuchMessage reports whether a -ERR text says the message is not
// there: Dovecot's "Message 9 expunged." to RETR or TOP of one another
// client took out while the session was open (its LIST n still gives
// the size read at login, as its UIDL the unique-id), its "There's no
// message 9." to a number past the maildrop's, "no such message",
// "message 9 does not exist". POP3 has no response code for it (RFC
// 2449's SYS/PERM is any lasting failure): the words tell.
func noSuchMessage(text string) bool {
	t := strings.ToLower(text)
	return strings.Contains(t, "expunged") || strings.Contains(t, "no message") || strings.Contains(t, "no such message") || strings.Contains(t, "does not exist")
}

func (b *pop3Box) Fetch(ctx context.Context, id string, max int64) ([]byte, error) {
	if max <= 0 {
		return nil, fmt.Errorf("mailbox: fetching %s: the size cap %d is not positive", id, max)
	}
	if _, ok := b.sizes[id]; !ok {
		// A session that did not List (a new one, opened after an
		// exchange overran or was cut): the size of this one message,
		// which a server that cannot give it cannot work out either.
		if err := b.sizeOf(ctx, id); err != nil {
			return nil, err
		}
	}
	return b.get(ctx, id, max, "RETR", b.expected(id, max), b.c.Retr)
}

// sizeOf asks for the size of message id (LIST n), for the time its RETR
// may take.
func (b *pop3Box) sizeOf(ctx context.Context, id string) error {
	n, err := b.num(ctx, id)
	if err != nil {
		return err
	}
	var size int64
	err = b.step(ctx, "LIST of message "+id, 0, func(ctx context.Context) (err error) {
		size, err = b.c.ListOne(ctx, n)
		return err
	})
	if err != nil {
		return messageError(id, 0, err)
	}
	if b.sizes == nil {
		b.sizes = map[string]int64{}
	}
	b.sizes[id] = size
	return nil
}

func (b *pop3Box) Head(ctx context.Context, id string, max int64) ([]byte, error) {
	if max <= 0 {
		return nil, fmt.Errorf("mailbox: the header of %s: the size cap %d is not positive", id, max)
	}
	return b.get(ctx, id, max, "TOP", max, b.c.Top)
}

// get is message id, or its header, as cmd (RETR, TOP: get) gives it, at
// most max bytes, within the bounds of one exchange expecting that many
// bytes.
func (b *pop3Box) get(ctx context.Context, id string, max int64, cmd string, expecting int64, get func(context.Context, int, int64) ([]byte, error)) ([]byte, error) {
	n, err := b.num(ctx, id)
	if err != nil {
		return nil, err
	}
	var data []byte
	err = b.step(ctx, cmd+" of message "+id, expecting, func(ctx context.Context) (err error) {
		data, err = get(ctx, n, max)
		return err
	})
	if err != nil {
		return nil, messageError(id, max, err)
	}
	return data, nil
}

// expected is how many bytes RETR of message id may take time for: twice
// its size as List gave it, and 64 KB (LIST may give an estimate: RFC
// 1939 §5), at most max; max when List did not give it.
func (b *pop3Box) expected(id string, max int64) int64 {
	size, ok := b.sizes[id]
	if !ok || size < 0 {
		return max
	}
	return min(max, 2*size+64<<10)
}

// messageError is the error of RETR or TOP of message id, capped at max
// bytes, as this package's.
func messageError(id string, max int64, err error) error {
	var pe *pop3.Error
	var le *LimitError
	switch {
	case errors.As(err, &le):
		return le
	case errors.Is(err, pop3.ErrTooLarge):
		return fmt.Errorf("%w: message %s has more than %d bytes, the cap", ErrTooLarge, id, max)
	case errors.As(err, &pe) && noSuchMessage(pe.Text):
		// Another client took it since UIDL (a server that does not
		// lock the maildrop), or the server cannot open it.
		return &SaidGoneError{ID: id, Text: pe.Text}
	case errors.As(err, &pe):
		// The server will not give this message (a broken file); the
		// session goes on.
		return &ReplyError{Command: pe.Command, Status: "-ERR", Text: pe.Text}
	}
	return wrapPOP3(err)
}

func (b *pop3Box) Delete(ctx context.Context, ids []string) error {
	nums := make([]int, 0, len(ids))
	for _, id := range ids {
		n, err := b.num(ctx, id)
		if err != nil {
			return err
		}
		nums = append(nums, n)
	}
	for _, n := range nums {
		if err := b.step(ctx, "DELE", 0, func(ctx context.Context) error { return b.c.Dele(ctx, n) }); err != nil {
			return wrapPOP3(err)
		}
	}
	return nil
}

func (b *pop3Box) Move(context.Context, []string, string) error {
	return fmt.Errorf("%w: cannot move messages to another folder", ErrIMAPOnly)
}

func (b *pop3Box) CheckDispose(_ context.Context, moveTo string, _ bool) error {
	if moveTo != "" {
		return fmt.Errorf("%w: cannot move messages to another folder (--delete deletes them)", ErrIMAPOnly)
	}
	return nil
}

func (b *pop3Box) Close(ctx context.Context) error {
	if err := b.step(ctx, "QUIT", 0, b.c.Quit); err != nil {
		return wrapPOP3(err)
	}
	return nil
}
