package spool

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/tidings/tidings/render"
)

// Kind says what a sheet row left in the spool.
type Kind uint8

// The kinds of row.
const (
	// KindMessage: the row rendered; its message is in the spool.
	KindMessage Kind = 1 + iota
	// KindInvalid: the row has a problem (Row.Detail); no message.
	KindInvalid
	// KindDuplicate: an earlier row has the same key (Row.Detail); no
	// message.
	KindDuplicate
)

func (k Kind) String() string {
	switch k {
	case KindMessage:
		return "message"
	case KindInvalid:
		return "invalid"
	case KindDuplicate:
		return "duplicate"
	default:
		return fmt.Sprintf("Kind(%d)", int(k))
	}
}

// Row is what a sheet row left in the spool.
type Row struct {
	Row  int
	Kind Kind
	// Key, To and MessageID are the message's (as far as the row got, for
	// an invalid one).
	Key       string
	To        string
	MessageID string
	// Detail is an invalid row's problems, a line each (DetailLine joins
	// them for a report's cell), or a duplicate's "duplicate of row N".
	Detail string
	// Recipients are a message's envelope recipients (for the suppression
	// list) and UTF8 whether it needs SMTPUTF8: what a run decides a row
	// by without reading the message.
	Recipients []string
	UTF8       bool
	// KeyReused marks an invalid row whose problem is an earlier row's
	// key with other values (plan.ErrKeyReused): a message that went out
	// from the row before does not excuse it, since which row the key
	// stands for is the question.
	KeyReused bool
	// OtherValues marks a duplicate whose values differ from the first
	// row's with its key, under recipients.duplicates: first
	// (plan.Fate.OtherValues).
	OtherValues bool
	// ValuesSum is the message's render.Message.ValuesSum: what a run
	// tells a row whose values changed since its message went out by (0:
	// not known; records of an older tidings and invalid rows have none).
	// ValueSums are its render.Message.ValueSums, only in a Row made by
	// RowOf: a record keeps them with its message.
	ValuesSum uint32
	ValueSums []uint16
	// ColumnSums, of an invalid row, are its render.Message.ColumnSums
	// (nil: not known): what tells the row that a message went out from
	// before at another row number (moved since: the sheet sorted).
	ColumnSums []uint16
	// Unspooled marks a message's row whose message the generation does
	// not hold: its message went out from an earlier generation, and
	// nothing was owed it when this one was spooled (Writer.AddRow keeps
	// its ValueSums in the record instead). A send never sends from a
	// generation the row of a message it sends is unspooled in.
	Unspooled bool
	// Unlinked is a message's render.Message.Unlinked as its Code (0:
	// none, and in records of an older tidings): a note a reused
	// generation's row tells, which render.Renderer.Notes cannot.
	Unlinked uint8
}

// DetailLine is r's Detail on one line (DetailLine of it).
func (r Row) DetailLine() string { return DetailLine(r.Detail) }

// JoinDetail is a Row.Detail of a row's problems, a line each: any
// character that ends or breaks a line inside one (CR, LF, VT, FF, NEL,
// U+2028, U+2029) is made a space, and the rest kept as it is.
func JoinDetail(problems []string) string {
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = strings.Map(func(r rune) rune {
			switch r {
			case '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
				return ' '
			}
			return r
		}, p)
	}
	return strings.Join(lines, "\n")
}

// DetailLine is detail (a Row.Detail) on one line: its lines, a row's
// problems, joined by "; ", for a report's cell.
func DetailLine(detail string) string { return strings.ReplaceAll(detail, "\n", "; ") }

// DetailLines are detail's lines (a Row.Detail): a row's problems.
func DetailLines(detail string) []string { return strings.Split(detail, "\n") }

// RowOf is the row record of a rendered message.
func RowOf(m *render.Message) Row {
	return Row{Row: m.Row, Kind: KindMessage, Key: m.Key, To: m.To, MessageID: m.MessageID, Recipients: m.Recipients, UTF8: m.UTF8,
		ValuesSum: m.ValuesSum, ValueSums: m.ValueSums, Unlinked: m.Unlinked.Code()}
}

// flagSums marks a record whose flags byte its ValuesSum follows (and, in
// a message's, its ValueSums): records of an older tidings have none and
// never this bit.
const flagSums = 4

// flagOtherValues marks a row record's Row.OtherValues.
const flagOtherValues = 8

// flagColumnSums marks a row record whose Row.ColumnSums follow its
// flags (and its ValuesSum).
const flagColumnSums = 16

// flagCopies marks a message record whose render.Message.Cc and Bcc
// follow its sums: records of an older tidings have none and never this
// bit.
const flagCopies = 32

// flagUnspooled marks a row record of Row.Unspooled, its Row.ValueSums
// after everything else.
const flagUnspooled = 64

// flagUnlinked marks a row record whose Row.Unlinked follows everything
// else, a byte.
const flagUnlinked = 128

// appendSums appends flags, with flagSums and sum and sums after it when
// sum is known.
func appendSums(b []byte, flags byte, sum uint32, sums []uint16) []byte {
	if sum == 0 {
		return append(b, flags)
	}
	b = binary.LittleEndian.AppendUint32(append(b, flags|flagSums), sum)
	return appendUint16s(b, sums)
}

func (d *decoder) uint32() uint32 {
	if d.err != nil || len(d.b) < 4 {
		d.err = ErrCorrupt
		return 0
	}
	v := binary.LittleEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v
}

// sums reads a message's ValuesSum and ValueSums after a flags byte
// with flagSums.
func (d *decoder) sums(flags byte) (uint32, []uint16) {
	if flags&flagSums == 0 {
		return 0, nil
	}
	sum := d.uint32()
	return sum, d.uint16s()
}

// Message is a spooled message: the render.Message delivery needs (its
// Warnings are not kept) and the digest the journal records of it.
type Message struct {
	*render.Message
	// Hash is journal.Hash of the data: computed once, when spooled.
	Hash string
}

// ErrCorrupt marks a frame or record that does not check or decode: the
// generation was damaged after it was written.
var ErrCorrupt = errors.New("spool: damaged")

// appendString appends s with its length as a uvarint. It takes a message's
// data as it is: a conversion to string would copy it first.
func appendString[S ~string | ~[]byte](b []byte, s S) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendRow appends r's record to b.
func appendRow(b []byte, r *Row) []byte {
	b = binary.AppendUvarint(b, uint64(r.Row))
	b = append(b, byte(r.Kind))
	b = appendString(b, r.Key)
	b = appendString(b, r.To)
	b = appendString(b, r.MessageID)
	b = appendString(b, r.Detail)
	b = binary.AppendUvarint(b, uint64(len(r.Recipients)))
	for _, a := range r.Recipients {
		b = appendString(b, a)
	}
	var flags byte
	if r.UTF8 {
		flags |= 1
	}
	if r.KeyReused {
		flags |= 2
	}
	if r.OtherValues {
		flags |= flagOtherValues
	}
	if r.ColumnSums != nil {
		flags |= flagColumnSums
	}
	if r.ValuesSum != 0 {
		flags |= flagSums
	}
	if r.Unspooled {
		flags |= flagUnspooled
	}
	if r.Unlinked != 0 {
		flags |= flagUnlinked
	}
	b = append(b, flags)
	if r.ValuesSum != 0 {
		b = binary.LittleEndian.AppendUint32(b, r.ValuesSum)
	}
	if r.ColumnSums != nil {
		b = appendUint16s(b, r.ColumnSums)
	}
	if r.Unspooled {
		b = appendUint16s(b, r.ValueSums)
	}
	if r.Unlinked != 0 {
		b = append(b, r.Unlinked)
	}
	return b
}

// appendUint16s appends s's length as a uvarint, then each little-endian.
func appendUint16s(b []byte, s []uint16) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	for _, v := range s {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	return b
}

// appendMessage appends m's record to b: its ValuesSum and ValueSums
// follow its flags (appendSums), then its Cc and Bcc when it has either
// (flagCopies).
func appendMessage(b []byte, m *render.Message, hash string) []byte {
	b = binary.AppendUvarint(b, uint64(m.Row))
	b = appendString(b, m.Key)
	b = appendString(b, m.EnvelopeFrom)
	b = binary.AppendUvarint(b, uint64(len(m.Recipients)))
	for _, r := range m.Recipients {
		b = appendString(b, r)
	}
	b = appendString(b, m.To)
	b = appendString(b, m.Subject)
	b = appendString(b, m.MessageID)
	var flags byte
	if m.UTF8 {
		flags |= 1
	}
	if m.Cc != "" || m.Bcc != "" {
		flags |= flagCopies
	}
	b = appendSums(b, flags, m.ValuesSum, m.ValueSums)
	if flags&flagCopies != 0 {
		b = appendString(appendString(b, m.Cc), m.Bcc)
	}
	b = binary.AppendUvarint(b, uint64(len(m.Attachments)))
	for _, a := range m.Attachments {
		b = appendString(b, a.Name)
		b = appendString(b, a.Path)
		b = binary.AppendUvarint(b, uint64(a.Size))
		b = appendString(b, a.ContentType)
		b = appendString(b, a.SHA256)
	}
	b = appendString(b, hash)
	return appendString(b, m.Data)
}

// decoder reads records from a frame's raw bytes. What it returns shares no
// memory with the frame.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = ErrCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = ErrCorrupt
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string { return string(d.bytes()) }

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.err = ErrCorrupt
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

// count reads a length that must fit in what is left (each item takes at
// least a byte), so a corrupt record cannot make a huge allocation.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = ErrCorrupt
		return 0
	}
	return int(n)
}

func (d *decoder) row() Row {
	r := Row{Row: int(d.uvarint()), Kind: Kind(d.byte())}
	r.Key, r.To, r.MessageID, r.Detail = d.string(), d.string(), d.string(), d.string()
	if n := d.count(); n > 0 {
		r.Recipients = make([]string, n)
		for i := range r.Recipients {
			r.Recipients[i] = d.string()
		}
	}
	flags := d.byte()
	r.UTF8, r.KeyReused, r.OtherValues = flags&1 != 0, flags&2 != 0, flags&flagOtherValues != 0
	if flags&flagSums != 0 {
		r.ValuesSum = d.uint32()
	}
	if flags&flagColumnSums != 0 {
		r.ColumnSums = d.uint16s()
	}
	if r.Unspooled = flags&flagUnspooled != 0; r.Unspooled {
		r.ValueSums = d.uint16s()
	}
	if flags&flagUnlinked != 0 {
		r.Unlinked = d.byte()
	}
	return r
}

// uint16s reads a count and that many little-endian uint16s.
func (d *decoder) uint16s() []uint16 {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)/2) {
		d.err = ErrCorrupt
		return nil
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint16(d.b[2*i:])
	}
	d.b = d.b[2*n:]
	return out
}

func (d *decoder) message() Message {
	m := &render.Message{Row: int(d.uvarint())}
	m.Key, m.EnvelopeFrom = d.string(), d.string()
	if n := d.count(); n > 0 {
		m.Recipients = make([]string, n)
		for i := range m.Recipients {
			m.Recipients[i] = d.string()
		}
	}
	m.To, m.Subject, m.MessageID = d.string(), d.string(), d.string()
	flags := d.byte()
	m.UTF8 = flags&1 != 0
	m.ValuesSum, m.ValueSums = d.sums(flags)
	if flags&flagCopies != 0 {
		m.Cc, m.Bcc = d.string(), d.string()
	}
	if n := d.count(); n > 0 {
		m.Attachments = make([]render.Attachment, n)
		for i := range m.Attachments {
			a := &m.Attachments[i]
			a.Name, a.Path = d.string(), d.string()
			a.Size = int64(d.uvarint())
			a.ContentType, a.SHA256 = d.string(), d.string()
		}
	}
	hash := d.string()
	m.Data = bytes.Clone(d.bytes())
	return Message{Message: m, Hash: hash}
}
