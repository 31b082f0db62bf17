package smtptest

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
)

// knownVerbs are the commands a mail client sends; anything else counted
// as a command is data sent where the server expected commands.
var knownVerbs = map[string]bool{
	"EHLO": true, "HELO": true, "LHLO": true, "STARTTLS": true, "AUTH": true,
	"MAIL": true, "RCPT": true, "DATA": true, "BDAT": true, "RSET": true,
	"NOOP": true, "QUIT": true, "VRFY": true,
}

// wire follows a plaintext session the way the server reads it, to count
// the commands the client sent. Each client line the server answers (a
// command, a SASL response, the end of DATA, a BDAT command with its chunk)
// gets exactly one reply, in order, so the n-th such line is answered by the
// n-th reply after the greeting. That decides what follows a DATA or AUTH
// command: the server reads the message (after 354), a SASL response
// (after 334) or the next command; until its reply is written the parser
// waits. BDAT chunks are skipped by their size whatever the reply, as the
// server does. Read and Write may run on different goroutines (go-smtp
// runs the BDAT data handler on its own), hence the lock.
type wire struct {
	s *Server

	mu       sync.Mutex
	in       bytes.Buffer // client bytes not parsed yet
	out      []byte       // a partial reply line
	skip     int64        // BDAT chunk bytes still to skip
	inData   bool         // reading a DATA body
	inSASL   bool         // the next line is a SASL response
	waitFor  int          // the line whose reply decides what follows (0: none)
	waitSASL bool         // the awaited reply is to AUTH or a SASL response
	lines    int          // answered client lines so far
	replies  int          // replies written after the greeting
	greeted  bool
}

func (w *wire) fromClient(b []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.in.Write(b)
	w.parse()
}

// parse consumes what can be decided; w.mu is held.
func (w *wire) parse() {
	for {
		if w.skip > 0 {
			n := min(w.skip, int64(w.in.Len()))
			w.in.Next(int(n))
			w.skip -= n
			if w.skip > 0 {
				return
			}
		}
		if w.waitFor > 0 {
			return
		}
		i := bytes.IndexByte(w.in.Bytes(), '\n')
		if i < 0 {
			return
		}
		line := strings.TrimRight(string(w.in.Next(i+1)), "\r\n")
		if w.inData {
			if line == "." {
				w.inData = false
				w.lines++
			}
			continue
		}
		w.lines++
		if w.inSASL {
			w.inSASL = false
			if line != "*" {
				w.waitFor, w.waitSASL = w.lines, true
			}
			continue
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		w.s.mu.Lock()
		w.s.cmds[verb]++
		w.s.mu.Unlock()
		switch verb {
		case "DATA":
			w.waitFor, w.waitSASL = w.lines, false
		case "AUTH":
			w.waitFor, w.waitSASL = w.lines, true
		case "BDAT":
			size, _, _ := strings.Cut(strings.TrimSpace(arg), " ")
			if n, err := strconv.ParseInt(size, 10, 64); err == nil && n > 0 {
				w.skip = n
			}
		}
	}
}

func (w *wire) fromServer(b []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.out = append(w.out, b...)
	for {
		i := bytes.IndexByte(w.out, '\n')
		if i < 0 {
			return
		}
		line := string(w.out[:i])
		w.out = w.out[i+1:]
		if len(line) >= 4 && line[3] == '-' {
			continue // more lines of the same reply follow
		}
		if !w.greeted {
			w.greeted = true
			continue
		}
		w.replies++
		if w.waitFor > 0 && w.replies == w.waitFor {
			w.waitFor = 0
			if w.waitSASL {
				w.inSASL = strings.HasPrefix(line, "334")
			} else {
				w.inData = strings.HasPrefix(line, "354")
			}
			w.parse()
		}
	}
}
