package journal

import (
	"bytes"
	"errors"
	"io"
	"sync"
)

// lineWindow is how a State reads its lines back: through windows of the
// journal. The lines of one key lie tens of KB apart (a message's attempt
// and its result are written a few hundred lines apart by a busy send),
// and keys are read back in about the order they were written (by row:
// a resumed send's preflight, report, All), so one read of a window
// serves hundreds of keys where reading each line alone took a system
// call a line, a third of a resumed send's time. There are two windows:
// after a run that retried some recipients, reading by row goes forward
// through the first run's lines and through the second's by turns. When
// reads jump about (the window to replace served few lines), lines are
// read alone, with a window tried again now and then. It is safe for
// concurrent use.
type lineWindow struct {
	mu    sync.Mutex
	wins  [2]window
	last  int // the window that served last
	alone int // lines read alone since a window was filled
	fills int // windows read, in all
}

// window is a stretch of the journal read at once.
type window struct {
	buf  []byte // never written once filled: lines handed out stay valid
	off  int64  // the file offset of buf[0]
	hits int    // lines it served since it was filled
}

const (
	// windowSize is how much a fill reads; windowBack how much of it lies
	// before the line asked for: a key's attempt is usually within that
	// before its result, which is read after it.
	windowSize = 512 << 10
	windowBack = 192 << 10
	// A window that served fewer than windowMinHits lines is not
	// replaced until windowRetry lines were read alone.
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
	for _, i := range []int{w.last, 1 - w.last} {
		if b, ok := w.wins[i].lineAt(off); ok {
			w.wins[i].hits++
			w.last = i
			return b, nil
		}
	}
	i := w.victim(off)
	if v := &w.wins[i]; v.buf != nil && v.hits < windowMinHits && w.alone < windowRetry {
		w.alone++
		return s.lineAlone(off)
	}
	if err := s.fill(i, off); err != nil {
		return nil, err
	}
	if b, ok := w.wins[i].lineAt(off); ok {
		w.wins[i].hits++
		w.last = i
		return b, nil
	}
	return s.lineAlone(off) // longer than the window holds from off
}

// victim is the window to fill for off: an empty one, else the one off
// follows on from (reading goes forward), else the one used longer ago.
func (w *lineWindow) victim(off int64) int {
	for i := range w.wins {
		if v := &w.wins[i]; v.buf == nil || off >= v.off && off < v.off+int64(len(v.buf))+windowSize {
			return i
		}
	}
	return 1 - w.last
}

// lineAt returns the line at off when the window holds it whole.
func (v *window) lineAt(off int64) ([]byte, bool) {
	if off < v.off || off >= v.off+int64(len(v.buf)) {
		return nil, false
	}
	rest := v.buf[off-v.off:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		return rest[:i], true
	}
	return nil, false
}

// fill reads window i anew around off; s.window.mu is held.
func (s *State) fill(i int, off int64) error {
	start := max(off-windowBack, 0)
	buf := make([]byte, windowSize)
	n, err := s.file.ReadAt(buf, start)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	s.window.wins[i] = window{buf: buf[:n], off: start}
	s.window.alone = 0
	s.window.fills++
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
