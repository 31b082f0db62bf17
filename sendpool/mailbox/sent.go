package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/commands"
	"github.com/emersion/go-imap/responses"

	"github.com/tidings/tidings/campaign"
)

// Sent keeps copies of delivered messages in the IMAP folder
// Config.SentFolder (RFC 3501 APPEND).
//
// The folder must exist: OpenSent refuses one the server does not list,
// with a *FolderError naming the folders it has, rather than CREATE it,
// since the Sent folder's name differs from provider to provider ("Sent
// Messages", "[Gmail]/Sent Mail", "已发送") and a folder made from a wrong
// name is one nobody looks in.
//
// A Sent may be used by several goroutines: calls are serialized on its
// one connection. Between calls the connection may idle; one the server
// dropped meanwhile is opened again at the next call. The caller ends it
// with Close.
type Sent struct {
	cfg Config

	mu sync.Mutex
	s  *session // nil when not connected
}

// OpenSent connects and logs in as Open does, and checks that
// cfg.SentFolder exists. It refuses a POP3 Config (ErrIMAPOnly).
func OpenSent(ctx context.Context, cfg Config) (*Sent, error) {
	cfg, err := cfg.check()
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.Protocol != campaign.MailboxIMAP:
		return nil, fmt.Errorf("%w: mailbox.sent_folder needs protocol: imap", ErrIMAPOnly)
	case cfg.SentFolder == "":
		return nil, errors.New("mailbox: no Sent folder (mailbox.sent_folder) to keep copies in")
	}
	st := &Sent{cfg: cfg}
	if _, err := st.session(ctx); err != nil {
		return nil, err
	}
	return st, nil
}

// session returns the connection, opening it (again) when there is none
// or the server closed it. st.mu is held.
func (st *Sent) session(ctx context.Context) (*session, error) {
	if st.s != nil && !st.s.dead() {
		return st.s, nil
	}
	if st.s != nil {
		st.s.close()
		st.s = nil
	}
	s, err := dialIMAP(ctx, st.cfg)
	if err != nil {
		return nil, err
	}
	err = s.do(ctx, "LIST", func() error { return s.checkFolder(st.cfg.SentFolder, "mailbox.sent_folder") })
	if err != nil {
		s.close()
		return nil, err
	}
	st.s = s
	return s, nil
}

// Append stores data, a message exactly as it was delivered (CR LF line
// ends), in the Sent folder, flagged \Seen, with date as its internal date
// (the delivery time; the zero time lets the server use its own clock).
//
// When the reply to the APPEND is lost (the connection broke after the
// message was sent), Append connects again and looks for the message's
// Message-ID in the folder (HasMessageID); only when it is not there does
// it append again, once. If it cannot tell (a message without Message-ID,
// ctx ended, no new connection), the error wraps ErrAppendUnknown. A
// server's refusal (over quota) is a *ReplyError: nothing was stored.
func (st *Sent) Append(ctx context.Context, data []byte, date time.Time) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, err := st.session(ctx)
	if err != nil {
		return err
	}
	err = st.append(ctx, s, data, date)
	var re *ReplyError
	if err == nil || errors.As(err, &re) {
		return err
	}
	id := messageID(data)
	if id == "" || ctx.Err() != nil {
		return fmt.Errorf("%w (%s): %w", ErrAppendUnknown, lostWhy(ctx, id), err)
	}
	if s, err = st.session(ctx); err != nil {
		return fmt.Errorf("%w (connecting again to look for it failed): %w", ErrAppendUnknown, err)
	}
	found, err := s.hasMessageID(ctx, st.cfg.SentFolder, id)
	if err != nil {
		return fmt.Errorf("%w (looking for %s failed): %w", ErrAppendUnknown, id, err)
	}
	if found {
		s.log.note("the lost APPEND had stored " + id)
		return nil
	}
	if err := st.append(ctx, s, data, date); err != nil && !errors.As(err, &re) {
		return fmt.Errorf("%w (the second APPEND's reply was lost too): %w", ErrAppendUnknown, err)
	} else if err != nil {
		return err
	}
	return nil
}

func lostWhy(ctx context.Context, id string) string {
	if id == "" {
		return "the message has no Message-ID to look for it by"
	}
	return "interrupted: " + context.Cause(ctx).Error()
}

// append sends one APPEND of data with the \Seen flag. With LITERAL+
// (RFC 7888) the message goes as a non-synchronizing literal whatever its
// size; without it, as a synchronizing literal (appendSync).
func (st *Sent) append(ctx context.Context, s *session, data []byte, date time.Time) error {
	return s.do(ctx, "APPEND", func() error {
		s.allow(1, int64(len(data)))
		plus, err := s.has("LITERAL+")
		if err != nil {
			return err
		}
		cmd := &commands.Append{Mailbox: st.cfg.SentFolder, Flags: []string{imap.SeenFlag}, Date: date, Message: bytes.NewReader(data)}
		if plus {
			_, err = s.run("APPEND", nonSyncLiteral(cmd.Command(), data), nil)
			return err
		}
		return s.appendSync(cmd.Command(), data)
	})
}

// appendSync sends cmd, an APPEND, with data as a synchronizing literal
// that a response handler queues when the server's continuation comes.
// go-imap v1's own synchronizing literals wait for it on a channel: its
// reader's cancel of that wait is lost when the server refuses before the
// writer waits, and nothing wakes the writer when the connection ends.
// Here go-imap writes only the command line, so a refusal ends Execute
// with the server's words, and ctx or a lost connection ends it as any
// other command.
func (s *session) appendSync(cmd *imap.Command, data []byte) error {
	args := slices.Clone(cmd.Arguments[:len(cmd.Arguments)-1])
	args = append(args, imap.RawString("{"+strconv.Itoa(len(data))+"}"))
	_, err := s.run("APPEND", &imap.Command{Name: cmd.Name, Arguments: args}, newLiteralReply(data))
	return err
}

// literalChunk is how much of a literal goes in one write (each write has
// its own deadline, see guardConn).
const literalChunk = 64 << 10

// literalReply answers the server's continuation with a literal's data and
// the CRLF that ends the command (a responses.Replier).
type literalReply struct {
	data []byte
	ch   chan []byte // room for every chunk: Handle, on go-imap's reader, never blocks
	sent bool
}

func newLiteralReply(data []byte) *literalReply {
	return &literalReply{data: data, ch: make(chan []byte, len(data)/literalChunk+2)}
}

// Replies is where execute takes what to write (responses.Replier).
func (l *literalReply) Replies() <-chan []byte { return l.ch }

// Handle queues the literal at the first continuation request; it never
// blocks (it runs on go-imap's reader).
func (l *literalReply) Handle(resp imap.Resp) error {
	if _, ok := resp.(*imap.ContinuationReq); !ok || l.sent {
		return responses.ErrUnhandled
	}
	l.sent = true
	for b := l.data; len(b) > 0; b = b[min(len(b), literalChunk):] {
		l.ch <- b[:min(len(b), literalChunk)]
	}
	l.ch <- []byte("\r\n")
	return nil
}

// nonSyncLiteral is cmd with its last argument, a literal, replaced by
// data written as a non-synchronizing literal.
func nonSyncLiteral(cmd *imap.Command, data []byte) *imap.Command {
	args := slices.Clone(cmd.Arguments[:len(cmd.Arguments)-1])
	args = append(args, imap.RawString("{"+strconv.Itoa(len(data))+"+}\r\n"+string(data)))
	return &imap.Command{Name: cmd.Name, Arguments: args}
}

// HasMessageID reports whether the Sent folder holds a message whose
// Message-ID field is messageID (with or without its angle brackets): UID
// SEARCH HEADER Message-ID, each match's field then compared whole.
func (st *Sent) HasMessageID(ctx context.Context, messageID string) (bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, err := st.session(ctx)
	if err != nil {
		return false, err
	}
	return s.hasMessageID(ctx, st.cfg.SentFolder, messageID)
}

// Close ends the session (LOGOUT); the Sent is closed afterwards, whatever
// the outcome.
func (st *Sent) Close(ctx context.Context) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.s == nil {
		return nil
	}
	err := st.s.logout(ctx)
	st.s = nil
	return err
}

// hasMessageID looks for messageID in folder, selected read-only.
func (s *session) hasMessageID(ctx context.Context, folder, messageID string) (bool, error) {
	want := "<" + strings.Trim(strings.TrimSpace(messageID), "<>") + ">"
	if want == "<>" {
		return false, errors.New("mailbox: looking for an empty Message-ID")
	}
	var found bool
	err := s.do(ctx, "SEARCH", func() error {
		if err := s.selectFolder(folder, true, "mailbox.sent_folder"); err != nil {
			return err
		}
		c := imap.NewSearchCriteria()
		c.Header.Add("Message-Id", want)
		uids, err := s.searchUIDs(c)
		if err != nil || len(uids) == 0 {
			return err
		}
		// SEARCH HEADER matches substrings: compare the whole field.
		section := &imap.BodySectionName{Peek: true, BodyPartName: imap.BodyPartName{Specifier: imap.HeaderSpecifier, Fields: []string{"Message-ID"}}}
		msgs, err := s.fetch(uidSet(uids), []imap.FetchItem{imap.FetchUid, section.FetchItem()})
		for _, m := range msgs {
			for _, body := range m.Body {
				if h, perr := mail.ReadMessage(body); perr == nil && strings.TrimSpace(h.Header.Get("Message-Id")) == want {
					found = true
				}
			}
		}
		return err
	})
	return found, err
}

// messageID is data's Message-ID field, "" when it has none.
func messageID(data []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(m.Header.Get("Message-Id"))
}
