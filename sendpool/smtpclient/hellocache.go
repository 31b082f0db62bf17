package smtpclient

import (
	"bytes"
	"io"
	"net"
)

// helloCache is the connection go-smtp's client runs over. go-smtp's
// Client.Reset forgets the session's EHLO ("allow custom HELLO again",
// go-smtp v0.25), so the command after each RSET is preceded by another
// EHLO: a round trip for nothing after every refused row, on a session
// whose extensions RSET does not change (RFC 5321 4.1.1.5). helloCache
// keeps the reply to the session's EHLO (LHLO) and, once armed (after an
// RSET), answers the next one with it instead of sending it. Only the
// first EHLO is read for the cache: a later write that starts "EHLO " may
// be a piece of a body (go-smtp writes DATA 4096 bytes at a time), whose
// server reply is no EHLO reply. tap, when set, receives what goes over
// the wire, the replayed reply not.
type helloCache struct {
	net.Conn
	tap io.Writer
	// reply is the server's reply to the session's EHLO; reading: that
	// reply is being read (into reply); armed: the next EHLO is answered
	// with reply; replay is what is left of that answer; said: the
	// session's first EHLO went.
	reply                []byte
	reading, armed, said bool
	replay               []byte
}

// arm makes the next EHLO answered from the cache, when it holds a reply.
func (h *helloCache) arm() { h.armed = h.reply != nil && !h.reading }

func (h *helloCache) Write(b []byte) (int, error) {
	if isHello(b) {
		if h.armed {
			h.armed, h.replay = false, bytes.Clone(h.reply)
			return len(b), nil
		}
		if !h.said {
			h.reading, h.said = true, true
		}
	}
	h.armed = false
	n, err := h.Conn.Write(b)
	if h.tap != nil && n > 0 {
		h.tap.Write(b[:n])
	}
	return n, err
}

func (h *helloCache) Read(b []byte) (int, error) {
	if len(h.replay) > 0 {
		n := copy(b, h.replay)
		h.replay = h.replay[n:]
		return n, nil
	}
	n, err := h.Conn.Read(b)
	if h.tap != nil && n > 0 {
		h.tap.Write(b[:n])
	}
	if h.reading && n > 0 {
		h.reply = append(h.reply, b[:n]...)
		h.noteEnd()
	}
	return n, err
}

// noteEnd ends the reading of the EHLO reply once its last line came:
// kept when it is a 250, forgotten otherwise.
func (h *helloCache) noteEnd() {
	end := bytes.LastIndex(h.reply, []byte("\r\n"))
	if end < 0 {
		return
	}
	start := 0
	if i := bytes.LastIndex(h.reply[:end], []byte("\r\n")); i >= 0 {
		start = i + 2
	}
	line := h.reply[start:end]
	if len(line) < 4 || line[3] != ' ' {
		return // a line of a multiline reply ("250-…") or one cut short
	}
	h.reading = false
	if !bytes.HasPrefix(h.reply, []byte("250")) || end+2 != len(h.reply) {
		h.reply = nil
	}
}

// isHello reports whether b is an EHLO or LHLO command line.
func isHello(b []byte) bool {
	return len(b) >= 5 && (bytes.EqualFold(b[:5], []byte("EHLO ")) || bytes.EqualFold(b[:5], []byte("LHLO ")))
}
