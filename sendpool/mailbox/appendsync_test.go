package mailbox

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestAppendRefusedBeforeLiteral: a server without LITERAL+ refuses an
// APPEND (over quota) before its continuation, and go-imap's reader
// handles the refusal before its writer would wait for the continuation:
// the moment go-imap v1's own synchronizing literal loses its cancel and
// never returns (holdConn makes that moment happen). Append gives the
// server's refusal in its words, without hanging, and the next Append
// works; so does one of 3 MB, its literal written in chunks.
func TestAppendRefusedBeforeLiteral(t *testing.T) {
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Settings: "imap_capability = IMAP4rev1 ID UIDPLUS",
		Users: []smtptest.MailUser{{Name: "ann", Password: "pw", QuotaBytes: 3000}}})
	hold := &holdOnce{}
	cfg := Config{Protocol: campaign.MailboxIMAP, Host: "127.0.0.1", Port: d.IMAPPort, Security: campaign.SecurityNone,
		Username: "ann", Password: "pw", SentFolder: "Sent", Timeout: 10 * time.Second,
		hooks: &hooks{wrapConn: func(c net.Conn) net.Conn { return &holdConn{Conn: c, hold: hold} }}}
	st, err := OpenSent(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- st.Append(t.Context(), message("big@acme.example", 10<<10), time.Now()) }()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second): // it returns after appendGrace
		t.Fatal("Append hung") // (and holds the Sent: no Close)
	}
	defer st.Close(t.Context())
	var re *ReplyError
	if !errors.As(err, &re) || re.Status != "NO" || !strings.Contains(strings.ToLower(re.Reply()), "quota") {
		t.Errorf("Append = %v, want the server's refusal in its words", err)
	}
	if !hold.held() {
		t.Error("the refusal was not read before go-imap waited for the continuation: the test proves nothing")
	}
	small := message("small@acme.example", 1500)
	if err := st.Append(t.Context(), small, time.Now()); err != nil {
		t.Errorf("Append after the refusal: %v", err)
	}
	if msgs := d.Messages(t, "ann", "Sent"); len(msgs) != 1 || !bytes.Equal(msgs[0], small) {
		t.Errorf("Sent holds %d messages, want the small one", len(msgs))
	}
	d2 := smtptest.StartDovecot(t, smtptest.DovecotOptions{Settings: "imap_capability = IMAP4rev1 ID UIDPLUS",
		Users: []smtptest.MailUser{{Name: "ann", Password: "pw"}}})
	cfg.Port, cfg.hooks = d2.IMAPPort, nil
	big := message("big@acme.example", 3<<20)
	st2, err := OpenSent(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close(t.Context())
	if err := st2.Append(t.Context(), big, time.Now()); err != nil {
		t.Errorf("Append of 3 MB: %v", err)
	}
	if msgs := d2.Messages(t, "ann", "Sent"); len(msgs) != 1 || !bytes.Equal(msgs[0], big) {
		t.Errorf("Sent holds %d messages, want the 3 MB one whole", len(msgs))
	}
}

// message is a message of about size bytes with Message-ID id.
func message(id string, size int) []byte {
	head := "From: news@acme.example\r\nTo: someone@example.com\r\nSubject: hi\r\nMessage-ID: <" + id + ">\r\n\r\n"
	return []byte(head + strings.Repeat("line of text\r\n", (size-len(head))/14+1))
}

// holdOnce holds the first APPEND's write of its literal's announcement
// until the server's NO was read and the reader came back for more (so
// go-imap handled it while its writer was still writing).
type holdOnce struct {
	mu      sync.Mutex
	holding chan struct{} // closed to let the write return
	sawNO   bool
	done    bool
}

func (h *holdOnce) held() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.done
}

type holdConn struct {
	net.Conn
	hold *holdOnce
}

func (c *holdConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	h := c.hold
	h.mu.Lock()
	if h.holding != nil || h.done || !bytes.Contains(b, []byte(" APPEND ")) || !bytes.HasSuffix(b, []byte("}\r\n")) {
		h.mu.Unlock()
		return n, err
	}
	ch := make(chan struct{})
	h.holding = ch
	h.mu.Unlock()
	<-ch
	return n, err
}

func (c *holdConn) Read(p []byte) (int, error) {
	h := c.hold
	h.mu.Lock()
	if h.holding != nil && !h.done && h.sawNO {
		h.done = true // the reader is back: go-imap handled the NO
		close(h.holding)
	}
	h.mu.Unlock()
	n, err := c.Conn.Read(p)
	h.mu.Lock()
	if h.holding != nil && bytes.Contains(p[:n], []byte(" NO ")) {
		h.sawNO = true
	}
	h.mu.Unlock()
	return n, err
}
