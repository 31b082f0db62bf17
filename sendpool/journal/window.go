package journal

import (
	"bytes"
	"errors"
	"io"
	"sync"
)

// lineWindow is how a State reads its lines back: through a window of the
// journal. The lines of one key lie tens of KB apart (a message's attempt
// and its result are written a few hundred lines apart by a busy send),
// and keys are read back in about the order they were written (by row:
// a resumed send's preflight, report, All), so one read of a window
// serves hundreds of keys where reading each line alone took a system call
// a line, a third of a resumed send's time. When reads jump about (a
// window served few lines), lines are read alone, with a window tried
// again now and then. It is safe for concurrent use.
type lineWindow struct {
	mu    sync.Mutex
	buf   []byte // never written once filled: lines handed out stay valid
	off   int64  // the file offset of buf[0]
	hits  int    // lines the window served since it was filled
	alone int    // lines read alone since the window was filled
}

const (
	// windowSize is how much a fill reads; windowBack how much of it lies
	// before the line asked for: a key's attempt is usually within that
	// before its result, which is read after it.
	windowSize = 512 << 10
	windowBack = 192 << 10
	// A window that served fewer than windowMinHits lines before a line
	// outside it was asked for is not filled again until windowRetry
	// lines were read alone.
	windowMinHits = 16
	windowRetry   = 64
)

// line reads the line that starts at at (without its newline; the last
// line may have none).
func (s *State) line(at lineRef) ([]byte, error) {
	w := &s.window
	w.mu.Lock()
	defer w.mu.Unlock()
	if s.file == nil {
		return nil, errClosed
	}
	off := int64(at - 1)
	if b, ok := w.lineAt(off); ok {
		w.hits++
		return b, nil
	}
	if w.buf != nil && w.hits < windowMinHits && w.alone < windowRetry {
		w.alone++
		return s.lineAlone(off)
	}
	if err := s.fill(off); err != nil {
		return nil, err
	}
	if b, ok := w.lineAt(off); ok {
		w.hits++
		return b, nil
	}
	return s.lineAlone(off) // longer than the window holds from off
}

// lineAt returns the line at off when the window holds it whole.
func (w *lineWindow) lineAt(off int64) ([]byte, bool) {
	if off < w.off || off >= w.off+int64(len(w.buf)) {
		return nil, false
	}
	rest := w.buf[off-w.off:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		return rest[:i], true
	}
	return nil, false
}

// fill reads a new window around off; w.mu is held.
func (s *State) fill(off int64) error {
	w := &s.window
	start := max(off-windowBack, 0)
	buf := make([]byte, windowSize)
	n, err := s.file.ReadAt(buf, start)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	w.buf, w.off, w.hits, w.alone = buf[:n], start, 0, 0
	return nil
}

// lineAlone reads the line at off by itself.
func (s *State) lineAlone(off int64) ([]byte, error) {
	buf := make([]byte, 1024)
	for {
		n, err := s.file.ReadAt(buf, off)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return buf[:i], nil
		}
		switch {
		case errors.Is(err, io.EOF) && n > 0:
			return buf[:n], nil
		case errors.Is(err, io.EOF):
			return nil, errChanged
		case err != nil:
			return nil, err
		}
		buf = make([]byte, 2*len(buf))
	}
}
