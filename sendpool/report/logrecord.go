package report

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tidings/tidings/sendpool"
)

// A Reporter's log holds one record per line given: its length (uvarint),
// then the Row's fields in declaration order, integers as varints and
// strings as a uvarint length and their bytes. The log lives only as long
// as its Reporter, so the format has no version; it is read back many
// times a run (every rewrite, every pass of the report page), which is why
// it is not JSON: decoding JSON was a fifth of send's CPU (bench/).

// errLogRecord is a log record that does not decode (logWindow.record
// says where).
var errLogRecord = errors.New("a damaged or cut short record")

// appendLogRecord appends r's record to b.
func appendLogRecord(b []byte, r *Row) []byte {
	p := appendLogPayload(make([]byte, 0, 256), r)
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

// The flags of a log record (its last field).
const (
	logGone          = 1 << iota // Row.Gone
	logOwing                     // Row.Owing
	logNowSuppressed             // Row.NowSuppressed
	logLeftOut                   // Row.LeftOut
)

func appendLogPayload(b []byte, r *Row) []byte {
	b = binary.AppendVarint(b, int64(r.Row))
	b = appendLogString(b, r.Key)
	b = appendLogString(b, r.To)
	b = binary.AppendVarint(b, int64(r.Status))
	b = binary.AppendVarint(b, int64(r.Attempts))
	b = binary.AppendVarint(b, int64(r.Code))
	for _, n := range r.EnhancedCode {
		b = binary.AppendVarint(b, int64(n))
	}
	for _, s := range []string{r.Detail, r.MessageID, r.Server, r.StartedAt, r.FinishedAt, r.Cc, r.Bcc} {
		b = appendLogString(b, s)
	}
	b = binary.AppendVarint(b, r.DurationMS)
	b = binary.AppendVarint(b, r.WaitMS)
	flags := int64(0)
	if r.Gone {
		flags |= logGone
	}
	if r.Owing {
		flags |= logOwing
	}
	if r.NowSuppressed {
		flags |= logNowSuppressed
	}
	if r.LeftOut {
		flags |= logLeftOut
	}
	return binary.AppendVarint(b, flags)
}

func appendLogString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// logRecordSize returns the size of the record that b begins with (its
// length's bytes included), or 0 when b is too short to tell.
func logRecordSize(b []byte) (int, error) {
	n, k := binary.Uvarint(b)
	switch {
	case k == 0:
		return 0, nil
	case k < 0 || n > 1<<30:
		return 0, errLogRecord
	}
	return k + int(n), nil
}

// decodeLogRecord decodes the record b holds exactly.
func decodeLogRecord(b []byte) (Row, error) {
	d := logDecoder{b: b}
	n, k := binary.Uvarint(d.b)
	if k <= 0 || uint64(len(d.b)-k) != n {
		return Row{}, errLogRecord
	}
	d.b = d.b[k:]
	var r Row
	r.Row = int(d.int())
	r.Key, r.To = d.string(), d.string()
	r.Status = sendpool.Status(d.int())
	r.Attempts = int(d.int())
	r.Code = ReplyCode(d.int())
	for i := range r.EnhancedCode {
		r.EnhancedCode[i] = int(d.int())
	}
	r.Detail, r.MessageID, r.Server, r.StartedAt, r.FinishedAt = d.string(), d.string(), d.string(), d.string(), d.string()
	r.Cc, r.Bcc = d.string(), d.string()
	r.DurationMS, r.WaitMS = d.int(), d.int()
	flags := d.int()
	r.Gone, r.Owing, r.NowSuppressed = flags&logGone != 0, flags&logOwing != 0, flags&logNowSuppressed != 0
	r.LeftOut = flags&logLeftOut != 0
	if d.bad || len(d.b) != 0 {
		return Row{}, errLogRecord
	}
	return r, nil
}

// logDecoder reads a record's fields; bad is set at the first that does
// not decode.
type logDecoder struct {
	b   []byte
	bad bool
}

func (d *logDecoder) int() int64 {
	v, k := binary.Varint(d.b)
	if k <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *logDecoder) string() string {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || uint64(len(d.b)-k) < n {
		d.bad = true
		return ""
	}
	s := string(d.b[k : k+int(n)])
	d.b = d.b[k+int(n):]
	return s
}

// Reading the log back: a window of the file, refilled from a little
// before the record asked for, so a pass in row order over records lying
// nearly in file order (a send's results come nearly in sheet order, 8
// connections apart) reads the file in large pieces.
const (
	logWindowSize = 256 << 10
	logWindowBack = 16 << 10
)

// logWindow reads records from a Reporter's log (size bytes long) through
// a window of it. One pass uses one; it is not safe for concurrent use.
type logWindow struct {
	f    *os.File
	size int64
	buf  []byte
	off  int64 // the file offset of buf[0]
}

// record decodes the record at off.
func (w *logWindow) record(off int64) (Row, error) {
	b := w.at(off)
	n, err := logRecordSize(b)
	// At most two refills: one when the window lacks the record's length
	// (off outside it, or the length cut at its end; n is 0), then one
	// for a record longer than the window holds from off.
	for refills := 0; err == nil && (n == 0 || n > len(b)); refills++ {
		if refills == 2 {
			err = errLogRecord
			break
		}
		if err = w.fill(off, n); err == nil {
			b = w.at(off)
			n, err = logRecordSize(b)
		}
	}
	var r Row
	if err == nil {
		r, err = decodeLogRecord(b[:n])
	}
	if err != nil {
		return Row{}, fmt.Errorf("report: reading %s at %d: %w", w.f.Name(), off, err)
	}
	return r, nil
}

// at returns the window from off on; nil when off is outside it.
func (w *logWindow) at(off int64) []byte {
	if off < w.off || off >= w.off+int64(len(w.buf)) {
		return nil
	}
	return w.buf[off-w.off:]
}

// fill reads the window anew, from a little before off, to hold at least
// need bytes from off where the file has them.
func (w *logWindow) fill(off int64, need int) error {
	start := max(off-logWindowBack, 0)
	end := min(max(off+int64(need), start+logWindowSize), w.size)
	if end <= off {
		return errLogRecord // off is past the log's end
	}
	if int64(cap(w.buf)) < end-start {
		w.buf = make([]byte, end-start)
	}
	w.buf = w.buf[:end-start]
	if n, err := w.f.ReadAt(w.buf, start); n < len(w.buf) {
		w.buf = w.buf[:0]
		return cmp.Or(err, io.ErrUnexpectedEOF)
	}
	w.off = start
	return nil
}
