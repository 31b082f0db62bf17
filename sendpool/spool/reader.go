package spool

import (
	"context"
	"fmt"
	"hash/crc32"
	"os"
	"sort"

	"github.com/klauspost/compress/zstd"
)

// Reader reads a complete generation. It is used by one goroutine at a
// time (ScanMessages reads ahead on one of its own, so its fn, like
// ScanRows', must not call the Reader); the caller closes it.
type Reader struct {
	g      *Generation
	rows   *os.File
	msgs   *os.File
	refs   [2][]frameRef // rows frames, messages frames, in order
	dec    *zstd.Decoder
	cached int // index of the messages frame in frame, -1 for none
	frame  []Message
	buf    frameBuf // the frame being decoded
}

// Open opens the generation for reading and reads its index; an error
// wrapping ErrCorrupt when it is damaged there (or Unreadable).
func (g *Generation) Open() (*Reader, error) {
	if g.unreadable != nil {
		return nil, g.unreadable
	}
	if g.m == nil {
		if err := g.load(); err != nil {
			return nil, err
		}
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxFrame))
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	r := &Reader{g: g, dec: dec, cached: -1}
	if err := r.open(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Reader) open() error {
	var err error
	if r.rows, err = os.Open(r.g.path(extRows)); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if r.msgs, err = os.Open(r.g.path(extMsgs)); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	index, err := os.ReadFile(r.g.path(extIndex))
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if sum := r.g.m.IndexCRC; sum != 0 && crc32.Checksum(index, castagnoli) != sum {
		return fmt.Errorf("%w: checksum of the index (in %s)", ErrCorrupt, r.g.path(extIndex))
	}
	for off := 0; off+indexRecordSize <= len(index); off += indexRecordSize {
		ref := unmarshalFrameRef(index[off : off+indexRecordSize])
		if ref.stream > streamMsgs {
			return fmt.Errorf("%w: index record %d", ErrCorrupt, off/indexRecordSize)
		}
		r.refs[ref.stream] = append(r.refs[ref.stream], ref)
	}
	m := r.g.m
	err = checkRefs(r.refs[streamRows], m.Rows, m.RowsBytes)
	if err == nil {
		err = checkRefs(r.refs[streamMsgs], m.Messages, m.MsgsBytes)
	}
	if err != nil {
		return fmt.Errorf("%w (in %s)", err, r.disagreeing())
	}
	return nil
}

// disagreeing names the file to blame when the index and the manifest
// disagree on a stream's records: the manifest when the index matched
// the checksum the manifest gives it (it is as written, so the manifest's
// counts were changed since, as in a manifest without a checksum of its
// own: an older tidings' or one that lost it), else the index.
func (r *Reader) disagreeing() string {
	if r.g.m.IndexCRC != 0 {
		return r.g.path(extManifest)
	}
	return r.g.path(extIndex)
}

// checkRefs checks a stream's index records as the Writer writes them:
// frames back to back from the file's start to its end (size), of rows in
// ascending order, count records in all.
func checkRefs(refs []frameRef, count int, size int64) error {
	var at int64
	n, last := 0, 0
	for i, ref := range refs {
		if ref.offset != at || ref.count <= 0 || ref.firstRow <= last || ref.lastRow < ref.firstRow {
			return fmt.Errorf("%w: index record %d of its stream", ErrCorrupt, i)
		}
		at, n, last = at+ref.length, n+ref.count, ref.lastRow
	}
	if at != size || n != count {
		return fmt.Errorf("%w: the index covers %d records in %d bytes, not the manifest's %d in %d", ErrCorrupt, n, at, count, size)
	}
	return nil
}

// Verify checks every frame of the generation, its header, length and
// checksum, without decompressing it: an error wrapping ErrCorrupt (and
// naming the file) when one was damaged after it was written.
func (r *Reader) Verify(ctx context.Context) error {
	defer r.buf.release()
	for _, s := range []struct {
		file *os.File
		ext  string
		refs []frameRef
	}{{r.rows, extRows, r.refs[streamRows]}, {r.msgs, extMsgs, r.refs[streamMsgs]}} {
		for _, ref := range s.refs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if _, _, err := checkFrame(s.file, ref, &r.buf); err != nil {
				return r.inFile(s.ext, err)
			}
		}
	}
	return nil
}

// inFile names the generation's file (by its extension) in err.
func (r *Reader) inFile(ext string, err error) error {
	return fmt.Errorf("%w (in %s)", err, r.g.path(ext))
}

// Close closes the files.
func (r *Reader) Close() error {
	if r.rows != nil {
		r.rows.Close()
	}
	if r.msgs != nil {
		r.msgs.Close()
	}
	r.dec.Close()
	return nil
}

// Generation is the generation read.
func (r *Reader) Generation() *Generation { return r.g }

// ScanRows calls fn with every row record, in sheet order, until fn
// returns an error (which ScanRows returns).
func (r *Reader) ScanRows(ctx context.Context, fn func(Row) error) error {
	defer r.buf.release()
	for _, ref := range r.refs[streamRows] {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, err := readFrame(r.rows, r.dec, ref, &r.buf)
		if err != nil {
			return r.inFile(extRows, err)
		}
		d := decoder{b: raw}
		for range ref.count {
			row := d.row()
			if d.err != nil {
				return fmt.Errorf("%w in %s", ErrCorrupt, r.g.path(extRows))
			}
			if err := fn(row); err != nil {
				return err
			}
		}
		if len(d.b) != 0 {
			return r.inFile(extRows, leftOver(ref))
		}
		r.buf.release()
	}
	return nil
}

// ScanMessages calls fn with every message from row from on, in sheet
// order, until fn returns an error (which it returns). It decompresses the
// next frames on a goroutine of its own while fn works.
func (r *Reader) ScanMessages(ctx context.Context, from int, fn func(Message) error) error {
	ctx, cancel := context.WithCancel(ctx)
	frames := make(chan []Message, 2)
	defer func() {
		cancel()
		for range frames {
			// Wait for the reader goroutine: it uses r's files.
		}
	}()
	errc := make(chan error, 1)
	refs := r.refs[streamMsgs]
	start := sort.Search(len(refs), func(i int) bool { return refs[i].lastRow >= from })
	go func() {
		defer close(frames)
		for _, ref := range refs[start:] {
			msgs, err := r.decodeMessages(ref)
			if err != nil {
				errc <- err
				return
			}
			select {
			case frames <- msgs:
			case <-ctx.Done():
				return
			}
		}
	}()
	for msgs := range frames {
		for _, m := range msgs {
			if m.Row < from {
				continue
			}
			if err := fn(m); err != nil {
				return err
			}
		}
	}
	select {
	case err := <-errc:
		return err
	default:
		return ctx.Err()
	}
}

// decodeMessages reads and decodes one messages frame. Each message's Data
// is its own copy: a message kept for longer (one waiting for a retry, or
// for its domain's turn) holds only its own bytes, not its whole frame.
func (r *Reader) decodeMessages(ref frameRef) ([]Message, error) {
	defer r.buf.release()
	raw, err := readFrame(r.msgs, r.dec, ref, &r.buf)
	if err != nil {
		return nil, r.inFile(extMsgs, err)
	}
	d := decoder{b: raw}
	out := make([]Message, 0, ref.count)
	for range ref.count {
		m := d.message()
		if d.err != nil {
			return nil, fmt.Errorf("%w in %s", ErrCorrupt, r.g.path(extMsgs))
		}
		out = append(out, m)
	}
	if len(d.b) != 0 {
		return nil, r.inFile(extMsgs, leftOver(ref))
	}
	return out, nil
}

// leftOver is the error of a frame that holds more than the records its
// index record counts: the index was changed, or the frame.
func leftOver(ref frameRef) error {
	return fmt.Errorf("%w: the frame at %d holds more than its %d records", ErrCorrupt, ref.offset, ref.count)
}

// Message returns the message of sheet row row; ok is false when the
// generation has none. It decompresses one frame, and keeps it for the
// next call when it is at most keepMax (rows looked up in order cost a
// frame per 64; a message with a large attachment is not kept).
func (r *Reader) Message(row int) (m Message, ok bool, err error) {
	refs := r.refs[streamMsgs]
	i := sort.Search(len(refs), func(i int) bool { return refs[i].lastRow >= row })
	if i == len(refs) || refs[i].firstRow > row {
		return Message{}, false, nil
	}
	if r.cached != i {
		frame, err := r.decodeMessages(refs[i])
		if err != nil {
			return Message{}, false, err
		}
		r.cached, r.frame = -1, nil
		if dataSize(frame) <= keepMax {
			r.cached, r.frame = i, frame
		}
		return findRow(frame, row)
	}
	return findRow(r.frame, row)
}

// findRow returns the message of row in frame.
func findRow(frame []Message, row int) (Message, bool, error) {
	for _, m := range frame {
		if m.Row == row {
			return m, true, nil
		}
	}
	return Message{}, false, nil
}

// dataSize is the bytes of the messages' data.
func dataSize(msgs []Message) int {
	n := 0
	for _, m := range msgs {
		n += len(m.Data)
	}
	return n
}

// FindRow returns the first row record match accepts (by key, say); ok is
// false when none does.
func (r *Reader) FindRow(ctx context.Context, match func(Row) bool) (found Row, ok bool, err error) {
	errFound := fmt.Errorf("found")
	err = r.ScanRows(ctx, func(row Row) error {
		if match(row) {
			found, ok = row, true
			return errFound
		}
		return nil
	})
	if ok {
		return found, true, nil
	}
	return Row{}, false, err
}
