package mailbox

import (
	"bytes"
	"regexp"
	"sync"
)

// tagWatch looks at the server's byte stream, while armed, for the first
// tagged status response ("a7 NO [OVERQUOTA] Quota exceeded"): the end of
// the one command in flight. Session.appendSync needs it because go-imap
// v1 may never return from a command whose literal the server refused
// (see appendSync). Lines are looked at only while armed; a line longer
// than 1 KB is judged by its first kilobyte. It is safe for concurrent
// use (go-imap's reader goroutine feeds it, the session arms it).
type tagWatch struct {
	mu    sync.Mutex
	line  []byte
	found chan string // nil when not armed; holds the line found
}

// taggedStatus matches a tagged status response: a tag (not "*" or "+"),
// then OK, NO or BAD (RFC 3501 7.1).
var taggedStatus = regexp.MustCompile(`^[^*+ ][^ ]* (?i:OK|NO|BAD)(?: |$)`)

// arm starts a watch at a line boundary (no command in flight) and
// returns where its line comes.
func (w *tagWatch) arm() <-chan string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.found, w.line = make(chan string, 1), w.line[:0]
	return w.found
}

// disarm ends the watch.
func (w *tagWatch) disarm() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.found = nil
}

// saw follows b, read from the server.
func (w *tagWatch) saw(b []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.found != nil && len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		part := b
		if i >= 0 {
			part = b[:i]
		}
		w.line = append(w.line, part[:min(len(part), 1024-len(w.line))]...)
		if i < 0 {
			return
		}
		if line := string(bytes.TrimRight(w.line, "\r")); taggedStatus.MatchString(line) {
			w.found <- line
			w.found = nil
		}
		w.line, b = w.line[:0], b[i+1:]
	}
}
