package smtpclient

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

func TestAppendDotStuffed(t *testing.T) {
	for in, want := range map[string]string{
		"":                     ".\r\n",
		"a\r\nb\r\n":           "a\r\nb\r\n.\r\n",
		".a\r\n":               "..a\r\n.\r\n",
		"a\r\n.\r\n..b\r\n":    "a\r\n..\r\n...b\r\n.\r\n",
		"no break":             "no break\r\n.\r\n",
		"cr at end\r":          "cr at end\r\n.\r\n",
		"x\r\n.":               "x\r\n..\r\n.\r\n",
		"mid.dot\r\n. \r\n":    "mid.dot\r\n.. \r\n.\r\n",
		"\r\n\r\n.\r\n\r\n.x ": "\r\n\r\n..\r\n\r\n..x \r\n.\r\n",
	} {
		if got := string(appendDotStuffed([]byte("G"), []byte(in))); got != "G"+want {
			t.Errorf("appendDotStuffed(%q) = %q, want %q", in, got[1:], want)
		}
	}
}

func TestCanonicalCRLF(t *testing.T) {
	in := []byte("a\r\nb\r\n")
	if out := canonicalCRLF(in); &out[0] != &in[0] {
		t.Error("CRLF data was copied")
	}
	for in, want := range map[string]string{"a\nb\r\nc\n": "a\r\nb\r\nc\r\n", "\n": "\r\n", "x": "x", "a\r\n\nb": "a\r\n\r\nb", "a\r\nb\n": "a\r\nb\r\n", "\r\r\n": "\r\r\n"} {
		if got := string(canonicalCRLF([]byte(in))); got != want {
			t.Errorf("canonicalCRLF(%q) = %q", in, got)
		}
	}
}

func TestReplyError(t *testing.T) {
	se := replyError("RCPT", 550, "5.1.1 no such user\n5.1.1 try another")
	if se.Code != 550 || se.EnhancedCode != (sendpool.EnhancedCode{5, 1, 1}) || se.Message != "no such user\ntry another" || se.Command != "RCPT" {
		t.Errorf("%+v", se)
	}
	se = replyError("MAIL", 451, "try later")
	if se.EnhancedCode != (sendpool.EnhancedCode{}) || se.Message != "try later" {
		t.Errorf("%+v", se)
	}
	ok := okReply(250, "2.0.0 OK queued as X")
	if ok.Code != 250 || ok.EnhancedCode != (sendpool.EnhancedCode{2, 0, 0}) || ok.Message != "OK queued as X" {
		t.Errorf("%+v", ok)
	}
}

// TestCheckIdle: before a BDAT group on a connection idle for idleCheck
// the transport notices a server that closed it, so the message is not
// written into a dead connection (where it would end up unknown).
func TestCheckIdle(t *testing.T) {
	srv := smtptest.NewServer(t)
	d, err := NewDialer(Config{Host: srv.Host, Port: srv.Port, Security: campaign.SecurityNone, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	dial := func() *pipeConn {
		c, err := d.Dial(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pc, ok := c.(*pipeConn)
		if !ok || !pc.chunking {
			t.Fatalf("%T, want a BDAT pipeConn", c)
		}
		return pc
	}
	msg := func(to string) *sendpool.Tx {
		m := &render.Message{Row: 2, Key: to, EnvelopeFrom: "s@example.org", Recipients: []string{to}, Data: []byte("Subject: x\r\n\r\nhi\r\n")}
		return &sendpool.Tx{Msg: m, Rcpts: m.Recipients}
	}

	// An idle connection that is alive passes the check.
	pc := dial()
	pc.lastIO = time.Now().Add(-2 * idleCheck)
	if _, err := pc.Send(context.Background(), msg("alive@example.org")); err != nil {
		t.Fatalf("alive: %v", err)
	}
	if srv.Received("alive@example.org") != 1 {
		t.Error("not delivered")
	}

	// The server closes the connection while it idles.
	pc.lastIO = time.Now().Add(-2 * idleCheck)
	srv.Close()
	<-srv.Gone()
	attempted := false
	tx := msg("dead@example.org")
	tx.BeforeBody = func(context.Context) error { attempted = true; return nil }
	_, err = pc.Begin(context.Background(), tx)
	var txe *sendpool.TxError
	if !errors.As(err, &txe) || txe.Stage != sendpool.StageMail || txe.Ambiguous() || !sendpool.ConnBroken(err) || attempted {
		t.Fatalf("dead: %v (attempted %v), want a connection failure before anything was sent", err, attempted)
	}
}

func BenchmarkAppendDotStuffed(b *testing.B) {
	data := bytes.Repeat([]byte("Some line of a newsletter, about seventy-six characters long, as usual.\r\n"), 80)
	buf := make([]byte, 0, 2*len(data))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		buf = appendDotStuffed(buf[:0], data)
	}
}

func TestHas8bit(t *testing.T) {
	for i := range 20 {
		b := bytes.Repeat([]byte("a"), 19)
		if has8bit(b) {
			t.Fatal("ASCII reported 8-bit")
		}
		if i < len(b) {
			b[i] = 0xc3
			if !has8bit(b) {
				t.Errorf("8-bit byte at %d missed", i)
			}
		}
	}
}

// TestOKReplyDropsRepeatedCodes: a multiline positive reply keeps its
// enhanced code once, as a refusal's does.
func TestOKReplyDropsRepeatedCodes(t *testing.T) {
	r := okReply(250, "2.0.0 Ok: queued as ABC\n2.0.0 second line")
	if r.EnhancedCode.String() != "2.0.0" || r.Message != "Ok: queued as ABC\nsecond line" {
		t.Errorf("okReply: %q %q", r.EnhancedCode, r.Message)
	}
}
