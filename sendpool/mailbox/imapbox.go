package mailbox

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/commands"
	"github.com/emersion/go-imap/responses"
)

// imapBox is a Mailbox over IMAP: one session with Config.Folder selected.
type imapBox struct {
	s           *session
	uidValidity uint32 // the folder's, as SELECT gave it (0: none given)
	reopened    *ListSessions
}

func openIMAP(ctx context.Context, cfg Config) (*imapBox, error) {
	s, err := dialIMAP(ctx, cfg)
	if err != nil {
		return nil, err
	}
	err = s.do(ctx, "SELECT", func() error { return s.selectFolder(cfg.Folder, false, "mailbox.folder") })
	if err != nil {
		s.close()
		return nil, err
	}
	return &imapBox{s: s, uidValidity: s.c.Mailbox().UidValidity}, nil
}

func (b *imapBox) List(ctx context.Context, since time.Time) ([]Entry, error) {
	return b.ListKnown(ctx, since, Known{})
}

func (b *imapBox) ListKnown(ctx context.Context, since time.Time, known Known) ([]Entry, error) {
	b.reopened = known.sessions()
	var uids []uint32
	err := b.s.do(ctx, "UID SEARCH", func() error {
		var err error
		uids, err = b.s.searchUIDs(&imap.SearchCriteria{WithoutFlags: []string{imap.DeletedFlag}, Since: since})
		return err
	})
	list, uids := unsizedUIDs(uids, known)
	for len(uids) > 0 && err == nil {
		chunk := uids[:min(len(uids), listChunk)]
		uids = uids[len(chunk):]
		var got []Entry
		got, err = b.sizes(ctx, chunk)
		if Dropped(err) && ctx.Err() == nil {
			got, err = b.sizesApart(ctx, chunk)
		}
		list = append(list, got...)
	}
	slices.SortFunc(list, func(a, b Entry) int { return cmpUID(a.ID, b.ID) })
	return list, err
}

// unsizedUIDs takes the messages known.Unsized out of uids, listed with
// Size -1, and returns the others.
func unsizedUIDs(uids []uint32, known Known) (list []Entry, rest []uint32) {
	if len(known.Unsized) == 0 {
		return nil, uids
	}
	rest = uids[:0:0]
	for _, uid := range uids {
		if id := strconv.FormatUint(uint64(uid), 10); known.unsized(id) {
			list = append(list, Entry{ID: id, Size: -1})
			continue
		}
		rest = append(rest, uid)
	}
	return list, rest
}

// sizes asks for the sizes of the messages uids in one exchange,
// leaving out those another client marked \Deleted; one that answers
// starts the count of new sessions again.
func (b *imapBox) sizes(ctx context.Context, uids []uint32) ([]Entry, error) {
	var list []Entry
	err := b.s.do(ctx, sizesStep, func() error {
		b.s.allow(len(uids), 0)
		msgs, err := b.s.fetch(uidSet(uids), []imap.FetchItem{imap.FetchUid, imap.FetchRFC822Size, imap.FetchFlags})
		for _, m := range msgs {
			if !slices.Contains(m.Flags, imap.DeletedFlag) {
				list = append(list, Entry{ID: strconv.FormatUint(uint64(m.Uid), 10), Size: int64(m.Size)})
			}
		}
		return err
	})
	if err == nil {
		b.reopened.listed()
	}
	return list, err
}

// sizesApart asks for the sizes of uids, whose FETCH made the server
// close b's session, in halves, down to one message, on a new session
// after each cut only: one whose size FETCH cuts the connection too is
// listed with Size -1 (not known), for the caller to ask for it as for
// any other (a server that cannot work out a damaged message's size most
// likely cannot give it either: the caller's rule for a message that
// cuts the connection holds). It leaves b on a new session, unless it
// could not open one (the error says why).
func (b *imapBox) sizesApart(ctx context.Context, uids []uint32) ([]Entry, error) {
	if err := b.reopen(ctx); err != nil {
		return nil, err
	}
	if len(uids) == 1 {
		return []Entry{{ID: strconv.FormatUint(uint64(uids[0]), 10), Size: -1}}, nil
	}
	var list []Entry
	for _, half := range [][]uint32{uids[:len(uids)/2], uids[len(uids)/2:]} {
		got, err := b.sizes(ctx, half)
		if Dropped(err) && ctx.Err() == nil {
			got, err = b.sizesApart(ctx, half)
		}
		if list = append(list, got...); err != nil {
			return list, err
		}
	}
	return list, nil
}

// reopen ends b's session, which the server closed, and opens another
// on the same folder: one whose UIDVALIDITY changed (the folder made
// anew, its UIDs others) is an error.
func (b *imapBox) reopen(ctx context.Context) error {
	b.s.close()
	if err := b.reopened.Another(); err != nil {
		return err
	}
	nb, err := openIMAP(ctx, b.s.cfg)
	if err != nil {
		return reopenFailed(err)
	}
	if nb.uidValidity != b.uidValidity {
		nb.s.close()
		return fmt.Errorf("mailbox: the new session's folder %q is another (UIDVALIDITY %d, was %d)", b.s.selected, nb.uidValidity, b.uidValidity)
	}
	b.s = nb.s
	return nil
}

// sizesStep names List's FETCH of RFC822.SIZE and FLAGS in its errors
// (IMAP's LIST, which it was called, is the folder command).
const sizesStep = "FETCH of the messages' sizes"

// listChunk is how many messages List asks the size of in one exchange:
// the UIDs come from the server's SEARCH, and an exchange's bounds grow
// with the messages it names (session.allow), so a SEARCH answering two
// million UIDs may not buy one exchange hours and a gigabyte.
const listChunk = 10_000

func (b *imapBox) Fetch(ctx context.Context, id string, max int64) ([]byte, error) {
	if max <= 0 {
		return nil, fmt.Errorf("mailbox: fetching %s: the size cap %d is not positive", id, max)
	}
	uids, err := parseUIDs([]string{id})
	if err != nil {
		return nil, err
	}
	var data []byte
	err = b.s.do(ctx, "FETCH of message "+id, func() error {
		data, err = b.s.fetchBody(uids[0], max)
		return err
	})
	return data, err
}

// fetchBody fetches message uid's size, then at most max+1 of its bytes.
func (s *session) fetchBody(uid uint32, max int64) ([]byte, error) {
	set := uidSet([]uint32{uid})
	msgs, err := s.fetch(set, []imap.FetchItem{imap.FetchUid, imap.FetchRFC822Size})
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("%w: UID %d in %q", ErrNotFound, uid, s.selected)
	}
	size := int64(msgs[0].Size)
	if size > max {
		return nil, fmt.Errorf("%w: message %d has %d bytes, the cap is %d", ErrTooLarge, uid, size, max)
	}
	s.allow(1, size)
	// A partial fetch bounds what a server that miscounts the size sends.
	section := &imap.BodySectionName{Peek: true}
	if max < math.MaxUint32 {
		section.Partial = []int{0, int(max) + 1}
	}
	if msgs, err = s.fetch(set, []imap.FetchItem{imap.FetchUid, section.FetchItem()}); err != nil {
		return nil, err
	}
	for _, m := range msgs {
		for _, body := range m.Body { // the one section asked for
			data, err := io.ReadAll(body)
			if err != nil {
				return nil, fmt.Errorf("mailbox: FETCH %d: %w", uid, err)
			}
			if int64(len(data)) > max {
				return nil, fmt.Errorf("%w: message %d has more than %d bytes, the cap", ErrTooLarge, uid, max)
			}
			return data, nil
		}
	}
	return nil, fmt.Errorf("%w: UID %d in %q (expunged meanwhile?)", ErrNotFound, uid, s.selected)
}

func (b *imapBox) Head(ctx context.Context, id string, max int64) ([]byte, error) {
	if max <= 0 || max >= math.MaxUint32 {
		return nil, fmt.Errorf("mailbox: the header of %s: the size cap %d is out of range", id, max)
	}
	uids, err := parseUIDs([]string{id})
	if err != nil {
		return nil, err
	}
	var head []byte
	err = b.s.do(ctx, "FETCH of the header of message "+id, func() error {
		b.s.allow(1, max)
		section := &imap.BodySectionName{BodyPartName: imap.BodyPartName{Specifier: imap.HeaderSpecifier}, Peek: true, Partial: []int{0, int(max) + 1}}
		msgs, err := b.s.fetch(uidSet(uids), []imap.FetchItem{imap.FetchUid, section.FetchItem()})
		if err != nil {
			return err
		}
		for _, m := range msgs {
			for _, body := range m.Body { // the one section asked for
				if head, err = io.ReadAll(body); err != nil {
					return fmt.Errorf("mailbox: FETCH %d: %w", uids[0], err)
				}
				if int64(len(head)) > max {
					return fmt.Errorf("%w: the header of message %d has more than %d bytes, the cap", ErrTooLarge, uids[0], max)
				}
				return nil
			}
		}
		return fmt.Errorf("%w: UID %d in %q", ErrNotFound, uids[0], b.s.selected)
	})
	return head, err
}

func (b *imapBox) Delete(ctx context.Context, ids []string) error {
	uids, err := parseUIDs(ids)
	if err != nil || len(uids) == 0 {
		return err
	}
	return b.s.do(ctx, "DELETE", func() error {
		b.s.allow(len(uids), 0)
		if err := b.s.needUIDPlus(""); err != nil {
			return err
		}
		return b.s.expunge(uidSet(uids))
	})
}

func (b *imapBox) Move(ctx context.Context, ids []string, folder string) error {
	uids, err := parseUIDs(ids)
	if err != nil || len(uids) == 0 {
		return err
	}
	if sameFolder(folder, b.s.selected) {
		return fmt.Errorf("mailbox: moving to %q: the messages are in that folder", folder)
	}
	return b.s.do(ctx, "MOVE", func() error {
		b.s.allow(len(uids), 0)
		if err := b.s.checkFolder(folder, ""); err != nil {
			return err
		}
		set := uidSet(uids)
		move, err := b.s.has("MOVE")
		if err != nil {
			return err
		}
		if move {
			_, err := b.s.run("UID MOVE", &commands.Uid{Cmd: &commands.Move{SeqSet: set, Mailbox: folder}}, nil)
			return err
		}
		if err := b.s.needUIDPlus(" (nor MOVE, RFC 6851)"); err != nil {
			return err
		}
		if _, err := b.s.run("UID COPY", &commands.Uid{Cmd: &commands.Copy{SeqSet: set, Mailbox: folder}}, nil); err != nil {
			return err
		}
		return b.s.expunge(set)
	})
}

func (b *imapBox) CheckDispose(ctx context.Context, moveTo string, delete bool) error {
	if moveTo != "" && sameFolder(moveTo, b.s.selected) {
		return fmt.Errorf("mailbox: moving to %q: the messages are in that folder", moveTo)
	}
	return b.s.do(ctx, "CHECK", func() error {
		if moveTo != "" {
			if err := b.s.checkFolder(moveTo, ""); err != nil {
				return err
			}
			if move, err := b.s.has("MOVE"); err != nil || move {
				return err
			}
			return b.s.needUIDPlus(" (nor MOVE, RFC 6851)")
		}
		if delete {
			return b.s.needUIDPlus("")
		}
		return nil
	})
}

func (b *imapBox) Close(ctx context.Context) error { return b.s.logout(ctx) }

// needUIDPlus is ErrNoUIDPlus, with what else is lacking, for a server
// without UIDPLUS.
func (s *session) needUIDPlus(also string) error {
	ok, err := s.has("UIDPLUS")
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w%s", ErrNoUIDPlus, also)
	}
	return nil
}

// expunge removes the messages set and no others: UID STORE +FLAGS.SILENT
// (\Deleted), then UID EXPUNGE (RFC 4315 2.1), which go-imap v1 has no
// call for: it is sent as a UID command around a bare EXPUNGE with
// arguments.
func (s *session) expunge(set *imap.SeqSet) error {
	store := &commands.Store{SeqSet: set, Item: imap.FormatFlagsOp(imap.AddFlags, true), Value: []any{imap.RawString(imap.DeletedFlag)}}
	if _, err := s.run("UID STORE", &commands.Uid{Cmd: store}, nil); err != nil {
		return err
	}
	_, err := s.run("UID EXPUNGE", &commands.Uid{Cmd: &imap.Command{Name: "EXPUNGE", Arguments: []any{set}}}, nil)
	return err
}

// searchUIDs returns the UIDs of the selected folder's messages that
// match c (UID SEARCH, no CHARSET: the criteria used are ASCII).
func (s *session) searchUIDs(c *imap.SearchCriteria) ([]uint32, error) {
	res := &responses.Search{}
	_, err := s.run("UID SEARCH", &commands.Uid{Cmd: &commands.Search{Criteria: c}}, res)
	return res.Ids, err
}

// fetch returns items of the messages with the UIDs in set (UID FETCH).
func (s *session) fetch(set *imap.SeqSet, items []imap.FetchItem) ([]*imap.Message, error) {
	ch := make(chan *imap.Message, 16)
	got := make(chan []*imap.Message, 1)
	go func() {
		var all []*imap.Message
		for m := range ch {
			all = append(all, m)
		}
		got <- all
	}()
	_, err := s.run("UID FETCH", &commands.Uid{Cmd: &commands.Fetch{SeqSet: set, Items: items}}, &responses.Fetch{Messages: ch, SeqSet: set, Uid: true})
	close(ch)
	return <-got, err
}

// parseUIDs reads IDs as IMAP UIDs; one that is none wraps ErrNotFound.
func parseUIDs(ids []string) ([]uint32, error) {
	uids := make([]uint32, 0, len(ids))
	for _, id := range ids {
		n, err := strconv.ParseUint(id, 10, 32)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("%w: %q is not an IMAP UID", ErrNotFound, id)
		}
		uids = append(uids, uint32(n))
	}
	return uids, nil
}

func uidSet(uids []uint32) *imap.SeqSet {
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	return set
}

// cmpUID orders decimal UIDs by value.
func cmpUID(a, b string) int {
	x, _ := strconv.ParseUint(a, 10, 32)
	y, _ := strconv.ParseUint(b, 10, 32)
	return cmp.Compare(x, y)
}
