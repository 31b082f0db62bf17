package spool

import (
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/sync/semaphore"

	"github.com/tidings/tidings/render"
)

// Frame sizes: a messages frame closes at msgsPerFrame messages or
// frameBytes of records, a rows frame at rowsPerFrame rows. 64 messages of
// a newsletter compress to a few hundred bytes each; a lookup decompresses
// one frame.
const (
	msgsPerFrame = 64
	rowsPerFrame = 4096
	frameBytes   = 4 << 20
)

// pendingBytes bounds the records of the frames submitted and not yet
// written: newsletter frames (a few hundred KB) never reach it; a message
// with a large attachment fills a frame by itself, and without the bound a
// dozen of them (raw and compressed) waited in the queues (send's peak RSS
// 366 MB at 6 MB a message before its first delivery, 234 MB with it at
// 16 MB; 32 MB kept two cores compressing when there were two
// compressors).
const pendingBytes = 32 << 20

// File is what a Writer writes a file through: an *os.File, or in tests
// one that fails as a full disk does.
type File interface {
	io.Writer
	Sync() error
	Close() error
}

// CreateFunc creates a new file for writing; it must fail if the file
// exists.
type CreateFunc func(path string) (File, error)

func createFile(path string) (File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
}

// Writer writes one generation, records in sheet order. Frames are
// compressed by a goroutine of their own while the caller goes on, and
// written in order by another. It is not safe for concurrent use. Close completes the
// generation; Abort (or a failed Close) removes it.
type Writer struct {
	g     *Generation
	files [3]File // rows, msgs, index
	enc   *zstd.Encoder
	rows  frameBuilder
	msgs  frameBuilder
	queue chan *frameJob // in order, to the file writer
	work  chan *frameJob // to the compressor
	// pending holds pendingBytes: a frame takes its raw size (at most
	// all of it) when submitted and gives it back when written.
	pending *semaphore.Weighted
	wg      sync.WaitGroup
	done    chan struct{} // closed when the file writer ended
	mu      sync.Mutex
	err     error // the first error; guarded by mu
	nRows   int
	nMsgs   int
	sizes   [3]int64
	// indexCRC is the CRC-32C of the index file written so far.
	indexCRC uint32
	closed   bool
	// started is when the Writer was made (manifest.Started).
	started time.Time
	// atts streams the attachment records (AddAttachment), and
	// attsClock is their file's clock as it was created
	// (manifest.AttsClock).
	atts      *attachmentWriter
	attsClock *attachmentClock
}

// frameBuilder collects the records of the frame being filled.
type frameBuilder struct {
	stream stream
	raw    []byte
	ref    frameRef
}

func (f *frameBuilder) add(row int) {
	if f.ref.count == 0 {
		f.ref.firstRow = row
	}
	f.ref.lastRow = row
	f.ref.count++
}

// frameJob is a frame on its way to the file: compressed by a worker,
// written by the file writer in the order queued.
type frameJob struct {
	stream stream
	weight int64 // what it holds of Writer.pending
	raw    []byte
	ref    frameRef
	frame  []byte
	done   chan struct{}
}

// newWriter opens the files of g for writing.
func newWriter(g *Generation, create CreateFunc) (*Writer, error) {
	if create == nil {
		create = createFile
	}
	started := time.Now().UTC() // before any attachment is looked at
	// A window of frameBytes reaches back over a whole frame (a frame
	// closes once it holds frameBytes), and its history takes half the
	// level's default 8 MB.
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true),
		zstd.WithWindowSize(frameBytes))
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	w := &Writer{g: g, enc: enc, rows: frameBuilder{stream: streamRows}, msgs: frameBuilder{stream: streamMsgs},
		queue: make(chan *frameJob, 2*runtime.GOMAXPROCS(0)), work: make(chan *frameJob, 2*runtime.GOMAXPROCS(0)), done: make(chan struct{}),
		pending: semaphore.NewWeighted(pendingBytes), started: started}
	for i, ext := range []string{extRows, extMsgs, extIndex} {
		f, err := create(g.path(ext))
		if err != nil {
			w.closeFiles()
			g.remove()
			return nil, fmt.Errorf("spool: %w", err)
		}
		w.files[i] = f
	}
	f, err := create(g.path(extAttachments))
	if err == nil {
		if w.atts, err = newAttachmentWriter(f, g.path(extAttachments)); err != nil {
			f.Close()
		}
	}
	if err != nil {
		w.closeFiles()
		g.remove()
		return nil, fmt.Errorf("spool: %w", err)
	}
	w.attsClock = readClock(g.path(extAttachments)) // before any attachment is looked at
	// One compressor, as enc has one encoder (EncodeAll takes turns on
	// it): frames compress beside the rendering, which keeps the other
	// cores busy. One encoder each for two compressors made send's
	// preflight no faster on two cores (2026-12-05: 0.87–1.26 s against
	// 0.88–1.09 s, interleaved) for another encoder's memory.
	w.wg.Add(1)
	go w.compress()
	go w.writeFrames()
	return w, nil
}

// Path is the generation's folder entry, for messages.
func (w *Writer) Path() string { return w.g.path(extMsgs) }

// AddRow appends the record of a sheet row; rows come in sheet order, one
// record each.
func (w *Writer) AddRow(r Row) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.rows.raw = appendRow(w.rows.raw, &r)
	w.rows.add(r.Row)
	w.nRows++
	if w.rows.ref.count >= rowsPerFrame {
		w.submit(&w.rows)
	}
	return nil
}

// AddMessage appends m (whose row record says KindMessage) with hash, the
// journal's digest of its data.
func (w *Writer) AddMessage(m *render.Message, hash string) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.msgs.raw = appendMessage(w.msgs.raw, m, hash)
	w.msgs.add(m.Row)
	w.nMsgs++
	if w.msgs.ref.count >= msgsPerFrame || len(w.msgs.raw) >= frameBytes {
		w.submit(&w.msgs)
	}
	return nil
}

// AddAttachment appends the record of a file row a.Row's message carries,
// or its problem is about, after that row's record (rows ascending; a
// row's files in its message's order, each row's all, a file every row
// shares too). The records are written as they come, never kept whole.
func (w *Writer) AddAttachment(a Attachment) error {
	if err := w.failed(); err != nil {
		return err
	}
	if err := w.atts.add(&a); err != nil {
		w.fail(err)
		return err
	}
	return nil
}

// submit hands the frame being filled to the compressor and the file
// writer, and starts a new one.
func (w *Writer) submit(f *frameBuilder) {
	if f.ref.count == 0 {
		return
	}
	j := &frameJob{stream: f.stream, raw: f.raw, ref: f.ref, done: make(chan struct{}),
		weight: min(int64(len(f.raw)), pendingBytes)}
	j.ref.stream = f.stream
	f.raw, f.ref = make([]byte, 0, min(len(f.raw), frameBytes)), frameRef{}
	// The file writer gives back what every queued frame holds, failed
	// or not, so this wait always ends.
	w.pending.Acquire(context.Background(), j.weight)
	w.queue <- j
	w.work <- j
}

func (w *Writer) compress() {
	defer w.wg.Done()
	for j := range w.work {
		j.frame = encodeFrame(w.enc, j.stream, j.raw)
		j.raw = nil
		close(j.done)
	}
}

// writeFrames writes the frames in the order they were queued, and each
// one's index record.
func (w *Writer) writeFrames() {
	defer close(w.done)
	for j := range w.queue {
		<-j.done
		w.writeFrame(j)
		w.pending.Release(j.weight)
	}
}

// writeFrame writes j's frame and its index record, unless the writer
// failed already.
func (w *Writer) writeFrame(j *frameJob) {
	if w.failed() != nil {
		return
	}
	j.ref.offset, j.ref.length = w.sizes[j.stream], int64(len(j.frame))
	if err := w.write(int(j.stream), j.frame); err == nil {
		rec := j.ref.marshal()
		if w.write(2, rec) == nil {
			w.indexCRC = crc32.Update(w.indexCRC, castagnoli, rec)
		}
	}
}

// write writes b to file i, noting the first error.
func (w *Writer) write(i int, b []byte) error {
	n, err := w.files[i].Write(b)
	w.sizes[i] += int64(n)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.fail(fileError(w.g.path(exts[i]), err))
	}
	return err
}

func (w *Writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

func (w *Writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// drain flushes the frames being filled and waits until every frame is
// written.
func (w *Writer) drain() {
	if w.closed {
		return
	}
	w.closed = true
	w.submit(&w.rows)
	w.submit(&w.msgs)
	close(w.work)
	close(w.queue)
	w.wg.Wait()
	<-w.done
	w.enc.Close()
}

// Close completes the generation: it writes what is left, makes the files
// durable and writes the manifest (made from inputs, with the counts and
// sizes, and the attachment records' count and digest), after which the
// generation can be opened. On any error it
// removes the generation and returns the error, which names the file.
func (w *Writer) Close(inputs Inputs) error {
	w.drain()
	err := w.failed()
	for i, f := range w.files {
		if err == nil {
			if serr := f.Sync(); serr != nil {
				err = fileError(w.g.path(exts[i]), serr)
			}
		}
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fileError(w.g.path(exts[i]), cerr)
		}
	}
	w.files = [3]File{}
	atts, aerr := w.atts.close()
	if err == nil {
		err = aerr
	}
	if err == nil {
		m := manifest{Version: formatVersion, Created: time.Now().UTC(), Started: w.started, Inputs: inputs, Rows: w.nRows, Messages: w.nMsgs,
			RowsBytes: w.sizes[0], MsgsBytes: w.sizes[1], IndexBytes: w.sizes[2], IndexCRC: w.indexCRC, Atts: &atts, AttsClock: w.attsClock,
			Copies: true}
		err = w.g.writeManifest(&m)
	}
	if err != nil {
		w.g.remove()
	}
	return err
}

// Generation is the generation written; it can be opened once Close
// returned nil.
func (w *Writer) Generation() *Generation { return w.g }

// Abort stops writing and removes the generation.
func (w *Writer) Abort() {
	w.drain()
	w.closeFiles()
	w.g.remove()
}

func (w *Writer) closeFiles() {
	if w.atts != nil {
		w.atts.abort()
	}
	for i, f := range w.files {
		if f != nil {
			f.Close()
			w.files[i] = nil
		}
	}
}

// ensure the file names exist in one place.
var exts = [3]string{extRows, extMsgs, extIndex}
