package spool

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/klauspost/compress/zstd"
)

// stream names one of a generation's two record files.
type stream uint8

const (
	streamRows stream = iota
	streamMsgs
)

// Frame layout on disk: a header, then the zstd-compressed records.
//
//	0  2  magic "TS"
//	2  1  format version (1)
//	3  1  stream (0 rows, 1 messages)
//	4  4  compressed length, little endian
//	8  4  raw length
//	12 4  CRC-32C of the compressed bytes
const (
	frameHeaderSize = 16
	formatVersion   = 1
)

// Index records, one per frame of either stream, in the order written:
//
//	0  1  stream
//	1  3  (zero)
//	4  4  records in the frame
//	8  4  first row
//	12 4  last row
//	16 8  offset of the frame in its stream's file
//	24 4  frame length on disk, header included
//	28 4  (zero)
const indexRecordSize = 32

// frameRef is an index record.
type frameRef struct {
	stream   stream
	count    int
	firstRow int
	lastRow  int
	offset   int64
	length   int64
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (f *frameRef) marshal() []byte {
	b := make([]byte, indexRecordSize)
	b[0] = byte(f.stream)
	binary.LittleEndian.PutUint32(b[4:], uint32(f.count))
	binary.LittleEndian.PutUint32(b[8:], uint32(f.firstRow))
	binary.LittleEndian.PutUint32(b[12:], uint32(f.lastRow))
	binary.LittleEndian.PutUint64(b[16:], uint64(f.offset))
	binary.LittleEndian.PutUint32(b[24:], uint32(f.length))
	return b
}

func unmarshalFrameRef(b []byte) frameRef {
	return frameRef{
		stream:   stream(b[0]),
		count:    int(binary.LittleEndian.Uint32(b[4:])),
		firstRow: int(binary.LittleEndian.Uint32(b[8:])),
		lastRow:  int(binary.LittleEndian.Uint32(b[12:])),
		offset:   int64(binary.LittleEndian.Uint64(b[16:])),
		length:   int64(binary.LittleEndian.Uint32(b[24:])),
	}
}

// encodeFrame compresses raw into a frame of stream s.
func encodeFrame(enc *zstd.Encoder, s stream, raw []byte) []byte {
	out := make([]byte, frameHeaderSize, frameHeaderSize+len(raw)/4+64)
	out = enc.EncodeAll(raw, out)
	comp := out[frameHeaderSize:]
	out[0], out[1], out[2], out[3] = 'T', 'S', formatVersion, byte(s)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(comp)))
	binary.LittleEndian.PutUint32(out[8:], uint32(len(raw)))
	binary.LittleEndian.PutUint32(out[12:], crc32.Checksum(comp, castagnoli))
	return out
}

// frameBuf holds a reader's buffers for one frame at a time: what
// readFrame returns is valid until its next call with the same frameBuf.
type frameBuf struct {
	comp, raw []byte
}

// grow returns b resliced to n bytes, reallocated when too small.
func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// keepMax: a frameBuf keeps buffers up to this size for the next frame,
// and Reader.Message a decoded frame up to this size for the next call (a
// newsletter's frames are a few hundred KB; a frame of one message with a
// large attachment is let go once decoded).
const keepMax = 4 << 20

// release lets go of buffers larger than keepMax; the Reader calls it
// once a frame is decoded.
func (fb *frameBuf) release() {
	if cap(fb.comp) > keepMax {
		fb.comp = nil
	}
	if cap(fb.raw) > keepMax {
		fb.raw = nil
	}
}

// readFrame reads the frame ref points to in r and returns its raw
// records, checking the header, the length and the CRC. The records are
// in fb's memory, valid until readFrame is next called with fb.
func readFrame(r io.ReaderAt, dec *zstd.Decoder, ref frameRef, fb *frameBuf) ([]byte, error) {
	comp, rawLen, err := checkFrame(r, ref, fb)
	if err != nil {
		return nil, err
	}
	raw, err := dec.DecodeAll(comp, grow(fb.raw, rawLen)[:0])
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: frame at %d does not decompress: %w", ErrCorrupt, ref.offset, err)
	case len(raw) != rawLen:
		return nil, fmt.Errorf("%w: frame at %d decompresses to %d bytes, not %d", ErrCorrupt, ref.offset, len(raw), rawLen)
	}
	fb.raw = raw
	return raw, nil
}

// checkFrame reads the frame ref points to in r and checks its header,
// length and CRC; it returns the compressed records (in fb's memory) and
// their length once decompressed.
func checkFrame(r io.ReaderAt, ref frameRef, fb *frameBuf) (comp []byte, rawLen int, err error) {
	if ref.length < frameHeaderSize || ref.length > maxFrame {
		return nil, 0, fmt.Errorf("%w: frame of %d bytes", ErrCorrupt, ref.length)
	}
	fb.comp = grow(fb.comp, int(ref.length))
	buf := fb.comp
	if _, err := r.ReadAt(buf, ref.offset); errors.Is(err, io.EOF) {
		return nil, 0, fmt.Errorf("%w: frame at %d cut short", ErrCorrupt, ref.offset)
	} else if err != nil {
		return nil, 0, fmt.Errorf("spool: reading a frame at %d: %w", ref.offset, err)
	}
	if buf[0] != 'T' || buf[1] != 'S' || buf[2] != formatVersion || stream(buf[3]) != ref.stream {
		return nil, 0, fmt.Errorf("%w: bad frame header at %d", ErrCorrupt, ref.offset)
	}
	compLen := int64(binary.LittleEndian.Uint32(buf[4:]))
	rawLen = int(binary.LittleEndian.Uint32(buf[8:]))
	comp = buf[frameHeaderSize:]
	if compLen != int64(len(comp)) || rawLen > maxFrame {
		return nil, 0, fmt.Errorf("%w: frame lengths at %d", ErrCorrupt, ref.offset)
	}
	if crc32.Checksum(comp, castagnoli) != binary.LittleEndian.Uint32(buf[12:]) {
		return nil, 0, fmt.Errorf("%w: checksum of the frame at %d", ErrCorrupt, ref.offset)
	}
	return comp, rawLen, nil
}

// maxFrame bounds a frame's size: a frame closes once it holds
// frameBytes, so it is at most that and one message, which
// max_message_size keeps under campaign.MaxMessageSizeLimit.
const maxFrame = 1 << 30
