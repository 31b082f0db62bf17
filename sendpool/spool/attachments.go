package spool

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/klauspost/compress/zstd"
)

// ErrNoAttachmentRecords is returned by ScanAttachments for a generation
// of an older tidings, whose manifest listed its attachments itself: what
// they held is not known here, so such a generation is never taken for
// one made from the attachments as they are.
var ErrNoAttachmentRecords = errors.New("spool: the generation has no attachment records (made by an older tidings)")

// Attachment is the record of a file a row's message carries (or the one
// its problem is about), as the preflight found it: what tells, on a later
// run, whether the file still holds what the message was made of.
type Attachment struct {
	// Row is the sheet row whose message (or problem) named the file.
	Row int
	// Path is the file's absolute path as the row named it, symlinks not
	// resolved (a link pointed elsewhere since reads as the new file).
	Path string
	// Size and ModTime (Unix nanoseconds) are what the file's metadata
	// said before its data was read.
	Size    int64
	ModTime int64
	// SHA256 is the hex SHA-256 of its content, or "" when it could not be
	// read (the row has a problem until it can).
	SHA256 string
}

// attachmentsSummary is what a manifest says of the generation's
// attachment records (the .atts file): their count, the file's size and a
// digest over the records (the list, in sheet order).
type attachmentsSummary struct {
	Count  int    `json:"count"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// maxAttachmentPath bounds a record's path, so a damaged length cannot
// make a huge allocation.
const maxAttachmentPath = 1 << 16

// appendAttachment appends a's raw record to b: row, path, size and
// modification time as varints, then a flag byte (1: the 32 bytes of the
// SHA-256 follow; 0: the file could not be read).
func appendAttachment(b []byte, a *Attachment) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(a.Row))
	b = appendString(b, a.Path)
	b = binary.AppendVarint(b, a.Size)
	b = binary.AppendVarint(b, a.ModTime)
	if a.SHA256 == "" {
		return append(b, 0), nil
	}
	sum, err := hex.DecodeString(a.SHA256)
	if err != nil || len(sum) != sha256.Size {
		return b, fmt.Errorf("spool: attachment %s: digest %q is not a hex SHA-256", a.Path, a.SHA256)
	}
	return append(append(b, 1), sum...), nil
}

// readAttachment reads a raw record from r; io.EOF when none is left.
func readAttachment(r *bufio.Reader) (Attachment, error) {
	row, err := binary.ReadUvarint(r)
	if errors.Is(err, io.EOF) {
		return Attachment{}, err // between records: the end
	}
	if err != nil {
		return Attachment{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	var a Attachment
	a.Row = int(row)
	n, err := binary.ReadUvarint(r)
	if err != nil || n > maxAttachmentPath {
		return a, fmt.Errorf("%w: %w", ErrCorrupt, noEOF(err))
	}
	path := make([]byte, n)
	if _, err := io.ReadFull(r, path); err != nil {
		return a, fmt.Errorf("%w: %w", ErrCorrupt, noEOF(err))
	}
	a.Path = string(path)
	if a.Size, err = binary.ReadVarint(r); err == nil {
		a.ModTime, err = binary.ReadVarint(r)
	}
	var flag byte
	if err == nil {
		flag, err = r.ReadByte()
	}
	if err == nil && flag > 1 {
		err = errors.New("attachment flag")
	}
	if err == nil && flag == 1 {
		var sum [sha256.Size]byte
		if _, err = io.ReadFull(r, sum[:]); err == nil {
			a.SHA256 = hex.EncodeToString(sum[:])
		}
	}
	if err != nil {
		return a, fmt.Errorf("%w: %w", ErrCorrupt, noEOF(err))
	}
	return a, nil
}

// noEOF is err with an end of file in the middle of a record said as such.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// attachmentWriter streams a generation's attachment records to its .atts
// file, compressed as one zstd stream, and keeps their digest.
type attachmentWriter struct {
	file  File
	count *countingWriter
	enc   *zstd.Encoder
	sum   hash.Hash
	n     int
	buf   []byte
}

// countingWriter counts the bytes written through it to the file and
// names the file in the first error (once: not the *PathError's path
// again).
type countingWriter struct {
	w    io.Writer
	path string
	n    int64
	err  error
}

func (c *countingWriter) Write(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(b)
	c.n += int64(n)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		c.err = fileError(c.path, err)
	}
	return n, c.err
}

func newAttachmentWriter(f File, path string) (*attachmentWriter, error) {
	cw := &countingWriter{w: f, path: path}
	enc, err := zstd.NewWriter(cw, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1),
		zstd.WithLowerEncoderMem(true), zstd.WithWindowSize(1<<20))
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return &attachmentWriter{file: f, count: cw, enc: enc, sum: sha256.New()}, nil
}

// add appends a's record.
func (aw *attachmentWriter) add(a *Attachment) error {
	var err error
	if aw.buf, err = appendAttachment(aw.buf[:0], a); err != nil {
		return err
	}
	aw.sum.Write(aw.buf)
	aw.n++
	if _, err := aw.enc.Write(aw.buf); err != nil {
		return aw.written(err)
	}
	return nil
}

// written is err as the file's: the countingWriter's error names it.
func (aw *attachmentWriter) written(err error) error {
	if aw.count.err != nil {
		return aw.count.err
	}
	return fmt.Errorf("spool: writing %s: %w", aw.count.path, err)
}

// close ends the stream and makes the file durable; the summary is for
// the manifest.
func (aw *attachmentWriter) close() (attachmentsSummary, error) {
	err := aw.enc.Close()
	if err != nil {
		err = aw.written(err)
	} else if serr := aw.file.Sync(); serr != nil {
		err = fileError(aw.count.path, serr)
	}
	if cerr := aw.file.Close(); err == nil && cerr != nil {
		err = fileError(aw.count.path, cerr)
	}
	aw.file = nil
	return attachmentsSummary{Count: aw.n, Bytes: aw.count.n, SHA256: hex.EncodeToString(aw.sum.Sum(nil))}, err
}

// abort closes the file without completing it.
func (aw *attachmentWriter) abort() {
	if aw.file != nil {
		aw.enc.Close()
		aw.file.Close()
		aw.file = nil
	}
}

// racyWindow is how close to the start of a generation's attachment
// records (AttachmentClock) a file's modification time may be and still be
// trusted with its size to say the file is unchanged: two seconds, the
// coarsest file system time resolution (FAT's). A file written within it
// of being looked at may have been written again without its time
// changing; only its content tells then.
const racyWindow = 2 * time.Second

// attachmentClock is what the state folder's file system said as the
// attachment records' file was created, before any attachment was looked
// at: its time then (the new file's modification time, Unix nanoseconds,
// on that file system's clock) and which file system it is (its device).
type attachmentClock struct {
	Since  int64  `json:"since"`
	Device uint64 `json:"device"`
}

// readClock is the clock of the file at path, just created; nil when it
// cannot be read or the platform does not tell its device (no file's size
// and time are trusted then).
func readClock(path string) *attachmentClock {
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	dev, ok := deviceOf(fi)
	if !ok {
		return nil
	}
	return &attachmentClock{Since: fi.ModTime().UnixNano(), Device: dev}
}

// AttachmentClock says which attachment files can be taken as unchanged
// by their size and modification time (Trusts), without reading them.
// The zero AttachmentClock trusts none.
type AttachmentClock struct {
	since time.Time
	dev   uint64
	ok    bool
}

// AttachmentClock is the clock g's attachment records were begun by: the
// time of the file system that holds the state folder, read from the
// records' file as it was created, before any attachment was looked at.
// Not the machine's clock (Started): a file server's may run behind it,
// and a file rewritten in the tick it was read in would then look older
// than the generation. A file's time is only compared with it on the same
// file system (its device, which must also still be the state folder's):
// another one's clock (a share with the attachments, the state folder
// local) may be anywhere, and no time of it is known without writing
// there, so such a file's content decides. So do every file's for a
// generation of an older tidings, which did not read the clock, and on a
// platform that does not tell a file's device.
func (g *Generation) AttachmentClock() AttachmentClock {
	c := g.m.AttsClock
	if c == nil {
		return AttachmentClock{}
	}
	fi, err := os.Stat(g.path(extAttachments))
	if err != nil {
		return AttachmentClock{}
	}
	if dev, ok := deviceOf(fi); !ok || dev != c.Device {
		return AttachmentClock{} // the state folder moved since
	}
	return AttachmentClock{since: time.Unix(0, c.Since), dev: c.Device, ok: true}
}

// Trusts reports whether fi, the file of record a as it is now, can be
// taken as holding what it held without reading it: a regular file of the
// size and modification time recorded, on the state folder's file system,
// modified more than racyWindow before the records were begun by its
// clock.
func (c AttachmentClock) Trusts(a Attachment, fi os.FileInfo) bool {
	if !c.ok || a.ModTime == 0 || !fi.Mode().IsRegular() || fi.Size() != a.Size || fi.ModTime().UnixNano() != a.ModTime {
		return false
	}
	if dev, ok := deviceOf(fi); !ok || dev != c.dev {
		return false
	}
	return fi.ModTime().Before(c.since.Add(-racyWindow))
}

// HasAttachmentRecords reports whether g has attachment records: false
// for a generation of an older tidings (see ErrNoAttachmentRecords).
func (g *Generation) HasAttachmentRecords() bool { return g.m.Atts != nil }

// ScanAttachments hands fn the generation's attachment records in sheet
// order (rows ascending; a row's files in the order its message names
// them), reading them from the disk as it goes: the whole list is never in
// memory. fn returning an error stops the scan, which returns that error.
// A scan that reads every record checks them against the manifest (their
// count and digest): a difference, or records that do not decode or are
// gone, is an error wrapping ErrCorrupt that names their file. A
// generation of an older tidings has no records: ErrNoAttachmentRecords.
func (g *Generation) ScanAttachments(ctx context.Context, fn func(Attachment) error) error {
	if g.m.Atts == nil {
		return ErrNoAttachmentRecords
	}
	if g.m.Atts.Count == 0 {
		return nil
	}
	path := g.path(extAttachments)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s is missing", ErrCorrupt, path)
	}
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer f.Close()
	dec, err := zstd.NewReader(f, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(1<<20))
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer dec.Close()
	h := sha256.New()
	r := bufio.NewReader(io.TeeReader(dec, h))
	n := 0
	for ; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		a, err := readAttachment(r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%w (in %s, record %d)", err, path, n+1)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	if n != g.m.Atts.Count {
		return fmt.Errorf("%w: %s holds %d attachment records, not the %d its manifest gives", ErrCorrupt, path, n, g.m.Atts.Count)
	}
	if hex.EncodeToString(h.Sum(nil)) != g.m.Atts.SHA256 {
		return fmt.Errorf("%w: the attachment records in %s are not the ones its manifest gives (their digest differs)", ErrCorrupt, path)
	}
	return nil
}

// fileError is err writing path, the path said once (an *os.PathError
// names it already).
func fileError(path string, err error) error {
	if pe, ok := errors.AsType[*os.PathError](err); ok {
		err = pe.Err
	}
	return fmt.Errorf("spool: writing %s: %w", path, err)
}
