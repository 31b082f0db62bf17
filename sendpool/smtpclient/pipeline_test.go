package smtpclient_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// ppDial connects to srv with the pipelined transport required and returns
// the PipelinedConn.
func ppDial(t *testing.T, srv *smtptest.Server) sendpool.PipelinedConn {
	t.Helper()
	return ppDialWith(t, srv, func(*smtpclient.Config) {})
}

// ppDialWith is ppDial with the settings changed by set first.
func ppDialWith(t *testing.T, srv *smtptest.Server, set func(*smtpclient.Config)) sendpool.PipelinedConn {
	t.Helper()
	cfg := pooltest.NewConfig(srv).SMTP
	cfg.Transport = campaign.TransportPipelined
	set(&cfg)
	d, err := smtpclient.NewDialer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Dial(context.Background())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	pc, ok := c.(sendpool.PipelinedConn)
	if !ok {
		t.Fatalf("Dial returned %T, want a PipelinedConn", c)
	}
	t.Cleanup(func() { pc.Close() })
	return pc
}

// ppTx is a transaction for m whose BeforeBody notes the attempt.
type ppTx struct {
	sendpool.Tx
	mu        sync.Mutex
	attempted bool
}

func newPPTx(m *render.Message) *ppTx {
	x := &ppTx{}
	x.Tx = sendpool.Tx{Msg: m, Rcpts: m.Recipients, BeforeBody: func(context.Context) error {
		x.mu.Lock()
		x.attempted = true
		x.mu.Unlock()
		return nil
	}}
	return x
}

func (x *ppTx) wasAttempted() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.attempted
}

// ppBegin begins tx on c and fails the test on an error.
func ppBegin(t *testing.T, c sendpool.PipelinedConn, tx *ppTx) sendpool.Pending {
	t.Helper()
	p, err := c.Begin(context.Background(), &tx.Tx)
	if err != nil {
		t.Fatalf("Begin row %d: %v", tx.Msg.Row, err)
	}
	return p
}

func ppTxError(t *testing.T, err error) *sendpool.TxError {
	t.Helper()
	var txe *sendpool.TxError
	if !errors.As(err, &txe) {
		t.Fatalf("error %v (%T), want a *TxError", err, err)
	}
	return txe
}

func TestPipelinedWindow(t *testing.T) {
	if w := ppDial(t, smtptest.NewServer(t)).Window(); w != 1 {
		t.Errorf("with CHUNKING: window %d, want 1 (BDAT: one transaction is one round trip)", w)
	}
	if w := ppDial(t, smtptest.NewServer(t, smtptest.WithoutChunking())).Window(); w != 2 {
		t.Errorf("with DATA: window %d, want 2", w)
	}
}

// TestPipelinedDataRidesBehindBody: with DATA, the second transaction's
// commands go out with the first one's body, before its final reply: Begin
// of the second returns while the server still holds the first's reply.
func TestPipelinedDataRidesBehindBody(t *testing.T) {
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.WithoutChunking(), smtptest.HoldData(gate))
	var out bytes.Buffer
	cfg := pooltest.NewConfig(srv).SMTP
	cfg.Transport = campaign.TransportAuto
	cfg.Debug = &out
	d, err := smtpclient.NewDialer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pc := c.(sendpool.PipelinedConn)
	defer pc.Close()
	msgs := pooltest.Messages(3)
	tx := []*ppTx{newPPTx(msgs[0]), newPPTx(msgs[1]), newPPTx(msgs[2])}
	p0 := ppBegin(t, pc, tx[0])
	p1 := ppBegin(t, pc, tx[1]) // reads 354, sends body 0 and group 1
	if !tx[0].wasAttempted() || tx[1].wasAttempted() {
		t.Fatal("BeforeBody: the first body must be on its way, the second not yet")
	}
	if m := <-srv.Held(); m.To[0] != msgs[0].Recipients[0] {
		t.Fatalf("held %v", m.To)
	}
	gate <- struct{}{}
	if d, err := p0.Wait(context.Background()); err != nil || d.Reply.Code != 250 {
		t.Fatalf("first: %v %+v", err, d)
	}
	p2 := ppBegin(t, pc, tx[2])
	<-srv.Held()
	gate <- struct{}{}
	if _, err := p1.Wait(context.Background()); err != nil {
		t.Fatalf("second: %v", err)
	}
	go func() { <-srv.Held(); gate <- struct{}{} }()
	if _, err := p2.Wait(context.Background()); err != nil {
		t.Fatalf("third: %v", err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	// The transcript shows the order on the wire: the next MAIL right
	// after the end of the previous body, before its final reply.
	text := out.String()
	lines := strings.Split(text, "\n")
	var ends []int
	for i, l := range lines {
		if strings.HasSuffix(l, "C: .") {
			ends = append(ends, i)
		}
	}
	if len(ends) != 3 {
		t.Fatalf("%d bodies in the transcript:\n%s", len(ends), text)
	}
	for _, i := range ends[:2] {
		if !strings.Contains(lines[i+1], "C: MAIL FROM:") {
			t.Errorf("line %d: the next group did not follow the body:\n%s", i+1, text)
		}
	}
	if n := strings.Count(text, "C: MAIL FROM:"); n != 3 {
		t.Errorf("%d MAIL commands in the transcript:\n%s", n, text)
	}
	if srv.UnknownCommands() != 0 || srv.Commands("RSET") != 0 {
		t.Errorf("unknown %d, RSET %d", srv.UnknownCommands(), srv.Commands("RSET"))
	}
}

// TestPipelinedRefusedRecipients: 451 on one recipient and 550 on another
// inside a group; the third gets the message. A message with no recipient
// accepted is not sent (with DATA: no body after the refused DATA) and the
// next group starts with RSET.
func TestPipelinedRefusedRecipients(t *testing.T) {
	for _, chunking := range []bool{false, true} {
		name := "data"
		if chunking {
			name = "bdat"
		}
		t.Run(name, func(t *testing.T) {
			var opts []smtptest.Option
			if !chunking {
				opts = append(opts, smtptest.WithoutChunking())
			}
			opts = append(opts, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
				switch {
				case strings.HasPrefix(to, "busy"):
					return smtptest.Reply(451, "4.2.1", "mailbox busy")
				case strings.HasPrefix(to, "gone"):
					return smtptest.Reply(550, "5.1.1", "no such user")
				}
				return nil
			}))
			srv := smtptest.NewServer(t, opts...)
			pc := ppDial(t, srv)
			partial := newPPTx(pooltest.Message(2, "busy@example.org", "gone@example.org", "ok@example.org"))
			none := newPPTx(pooltest.Message(3, "busy2@example.org", "gone2@example.org"))
			after := newPPTx(pooltest.Message(4, "after@example.org"))

			d, err := ppBegin(t, pc, partial).Wait(context.Background())
			if err != nil {
				t.Fatalf("partial: %v", err)
			}
			if e := d.Rcpts[0].Err; e == nil || e.Code != 451 || e.EnhancedCode.String() != "4.2.1" || e.Message != "mailbox busy" {
				t.Errorf("busy: %+v", e)
			}
			if e := d.Rcpts[1].Err; e == nil || e.Code != 550 || e.Command != "RCPT" {
				t.Errorf("gone: %+v", e)
			}
			if d.Rcpts[2].Err != nil || d.Reply.Code != 250 {
				t.Errorf("ok: %+v, reply %+v", d.Rcpts[2].Err, d.Reply)
			}

			p := ppBegin(t, pc, none)
			pa := ppBegin(t, pc, after) // with DATA it rides behind; with BDAT Begin waits for none first
			d, err = p.Wait(context.Background())
			if txe := ppTxError(t, err); !errors.Is(err, sendpool.ErrNoRecipients) || txe.Ambiguous() {
				t.Fatalf("none: %v", err)
			}
			if d.Rcpts[0].Err == nil || d.Rcpts[1].Err == nil {
				t.Errorf("none: %+v", d.Rcpts)
			}
			if !chunking && none.wasAttempted() {
				t.Error("with DATA the journal was asked to record a body that is never sent")
			}
			if _, err := pa.Wait(context.Background()); err != nil {
				t.Fatalf("after: %v", err)
			}
			for addr, want := range map[string]int{"ok@example.org": 1, "busy@example.org": 0, "gone@example.org": 0, "busy2@example.org": 0, "after@example.org": 1} {
				if got := srv.Received(addr); got != want {
					t.Errorf("%s received %d, want %d", addr, got, want)
				}
			}
			if n := len(srv.Messages()); n != 2 {
				t.Errorf("%d messages accepted, want 2", n)
			}
			if srv.UnknownCommands() != 0 {
				t.Errorf("%d unknown commands: a body went where commands belong", srv.UnknownCommands())
			}
			if srv.Commands("RSET") != 1 {
				t.Errorf("RSET %d times, want 1 (before the group after the refused transaction)", srv.Commands("RSET"))
			}
		})
	}
}

// TestPipelinedReplyLostMidPipeline: the server takes the first message and
// drops the connection before replying. That one is unknown; the one whose
// commands rode behind its body never had a body sent: not unknown, not
// delivered, and safe to retry.
func TestPipelinedReplyLostMidPipeline(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithoutChunking(), smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool {
		return m.To[0] == "lost@example.org"
	}))
	pc := ppDial(t, srv)
	lost, behind := newPPTx(pooltest.Message(2, "lost@example.org")), newPPTx(pooltest.Message(3, "behind@example.org"))
	p0 := ppBegin(t, pc, lost)
	p1 := ppBegin(t, pc, behind)
	_, err := p0.Wait(context.Background())
	if txe := ppTxError(t, err); !txe.Ambiguous() || txe.Stage != sendpool.StageReply || sendpool.Classify(err) != sendpool.ClassAmbiguous {
		t.Fatalf("lost: %v, want ambiguous", err)
	}
	_, err = p1.Wait(context.Background())
	txe := ppTxError(t, err)
	if txe.Ambiguous() || txe.Stage > sendpool.StageMail || behind.wasAttempted() {
		t.Fatalf("behind: stage %v, %v, attempted %v; want a failure before its body", txe.Stage, err, behind.wasAttempted())
	}
	if srv.Received("lost@example.org") != 1 || srv.Received("behind@example.org") != 0 {
		t.Errorf("server has lost %d, behind %d", srv.Received("lost@example.org"), srv.Received("behind@example.org"))
	}
	if _, err := pc.Begin(context.Background(), &newPPTx(pooltest.Message(4, "x@example.org")).Tx); err == nil {
		t.Error("Begin on a broken connection succeeded")
	}

	// With BDAT the body leaves with the envelope: a lost reply is
	// unknown.
	srv = smtptest.NewServer(t, smtptest.DropReply(func(smtptest.Session, *smtptest.Message) bool { return true }))
	pc = ppDial(t, srv)
	x := newPPTx(pooltest.Message(2, "lost@example.org"))
	_, err = ppBegin(t, pc, x).Wait(context.Background())
	if txe := ppTxError(t, err); !txe.Ambiguous() || !x.wasAttempted() {
		t.Fatalf("bdat: %v, attempted %v", err, x.wasAttempted())
	}
}

// TestPipelined421MidPipeline: the server answers the first body with 421
// and closes. The first failed with a temporary reply; the one behind it
// never had its body written and is retried, not unknown.
func TestPipelined421MidPipeline(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithoutChunking(), smtptest.Close421OnData(func(_ smtptest.Session, m *smtptest.Message) bool {
		return m.To[0] == "first@example.org"
	}))
	pc := ppDial(t, srv)
	first, behind := newPPTx(pooltest.Message(2, "first@example.org")), newPPTx(pooltest.Message(3, "behind@example.org"))
	p0 := ppBegin(t, pc, first)
	p1 := ppBegin(t, pc, behind)
	_, err := p0.Wait(context.Background())
	var se *sendpool.SMTPError
	if txe := ppTxError(t, err); !errors.As(err, &se) || se.Code != 421 || txe.Ambiguous() || sendpool.Classify(err) != sendpool.ClassTemporary {
		t.Fatalf("first: %v", err)
	}
	_, err = p1.Wait(context.Background())
	if txe := ppTxError(t, err); txe.Ambiguous() || txe.Stage > sendpool.StageMail || behind.wasAttempted() {
		t.Fatalf("behind: %v (stage %v)", err, txe.Stage)
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("server accepted %d", len(srv.Messages()))
	}
}

// TestPool421MidPipeline runs the same through the pool: each message is
// delivered exactly once, the one refused with 421 after a retry, the ones
// behind it without spending one.
func TestPool421MidPipeline(t *testing.T) {
	var mu sync.Mutex
	closed := false
	srv := smtptest.NewServer(t, smtptest.WithoutChunking(), smtptest.Close421OnData(func(_ smtptest.Session, m *smtptest.Message) bool {
		mu.Lock()
		defer mu.Unlock()
		if m.To[0] == "user5@example.org" && !closed {
			closed = true
			return true
		}
		return false
	}))
	cfg := pooltest.NewConfig(srv)
	cfg.SMTP.Transport = campaign.TransportPipelined
	cfg.Concurrency = 1
	cfg.Retries = 1
	msgs := pooltest.Messages(10)
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	for _, m := range msgs {
		r := res.Get(m.Row)
		want := 1
		if m.Row == 5 {
			want = 2
		}
		if r.Status != sendpool.StatusSent || r.Attempts != want {
			t.Errorf("row %d: %v after %d attempts (%s), want sent after %d", m.Row, r.Status, r.Attempts, r.Detail, want)
		}
	}
}

// TestPipelinedInterruptStopsQueued: Ctrl-C while the first message's
// reply is held. It finishes; a transaction begun behind it (commands sent,
// body not) is not sent: not-attempted, with no journal attempt.
func TestPipelinedInterruptStopsQueued(t *testing.T) {
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.WithoutChunking(), smtptest.HoldData(gate))
	cfg := pooltest.NewConfig(srv)
	cfg.SMTP.Transport = campaign.TransportPipelined
	cfg.Concurrency = 1
	j := &pooltest.Journal{Srv: srv, T: t}
	cfg.Journal = j
	msgs := pooltest.Messages(4)
	_, cancel, results, done := pooltest.Start(t, cfg, msgs)
	<-srv.Held()
	cancel()
	gate <- struct{}{}
	if err := <-done; !errors.Is(err, sendpool.ErrInterrupted) {
		t.Fatalf("Run: %v", err)
	}
	if r := results.Get(2); r.Status != sendpool.StatusSent {
		t.Errorf("row 2: %v %s", r.Status, r.Detail)
	}
	for row, r := range results.Map() {
		if row != 2 && r.Status != sendpool.StatusNotAttempted {
			t.Errorf("row %d: %v %s", row, r.Status, r.Detail)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server has %d messages, want 1", n)
	}
	// A message taken ahead may have its attempt journaled (prefetch);
	// then its final not-attempted result must follow, so a resumed run
	// sends it.
	open := map[string]bool{}
	for _, e := range j.Events {
		f := strings.Fields(e)
		switch {
		case f[0] == "attempt":
			open[f[1]] = true
		case f[0] == "result" && strings.HasSuffix(e, "final=true"):
			if f[1] != "2" && f[2] != "not-attempted" {
				t.Errorf("journal: %s", e)
			}
			delete(open, f[1])
		}
	}
	if len(open) > 0 {
		t.Errorf("attempts without a final result: %v\n%s", open, strings.Join(j.Events, "\n"))
	}
}

// TestPipelinedFallbackKeepsAttempt: a message whose first try on a
// pipelining connection recorded its journal attempt and then met a 421 at
// MAIL (nothing of it taken) goes again, without spending a retry, over the
// redial; that connection does not offer PIPELINING (a server pool whose
// members differ), so the plain exchange carries it and must reuse the
// attempt on record, not journal a second one (unless the attempt was
// withdrawn before the redial, then recorded anew).
func TestPipelinedFallbackKeepsAttempt(t *testing.T) {
	for _, tr := range pooltest.Transports[1:] {
		t.Run(tr.Name, func(t *testing.T) {
			srv := tr.Server(t, smtptest.With421After(3), smtptest.WithoutPipeliningAfter(1))
			cfg := tr.Config(srv)
			cfg.SMTP.Transport = campaign.TransportAuto
			cfg.Concurrency = 1
			cfg.Retries = 0
			j := &pooltest.Journal{Srv: srv, T: t}
			cfg.Journal = j
			msgs := pooltest.Messages(6)
			results, err := pooltest.Run(t, cfg, msgs)
			if err != nil {
				t.Fatal(err)
			}
			pooltest.ExactlyOnce(t, srv, msgs)
			if n := srv.Connections(); n != 2 {
				t.Errorf("%d connections, want 2 (the second without PIPELINING)", n)
			}
			if n := srv.Commands("QUIT"); n != 1 {
				t.Errorf("%d QUITs, want 1: the plain exchange ends the second connection", n)
			}
			for _, m := range msgs {
				if r := results.Get(m.Row); r.Status != sendpool.StatusSent || r.Attempts != 1 {
					t.Errorf("row %d: %v after %d attempts (%s), want sent after 1", m.Row, r.Status, r.Attempts, r.Detail)
				}
			}
			// An attempt recorded ahead and withdrawn before the redial
			// (a not-attempted result that is not final) does not count.
			attempts := map[string]int{}
			for _, e := range j.Events {
				switch f := strings.Fields(e); {
				case f[0] == "attempt":
					attempts[f[1]]++
				case f[0] == "result" && f[2] == sendpool.StatusNotAttempted.String() && f[3] == "final=false":
					attempts[f[1]]--
				}
			}
			for _, m := range msgs {
				if n := attempts[strconv.Itoa(m.Row)]; n != 1 {
					t.Errorf("row %d: %d journal attempts not withdrawn, want 1\n%s", m.Row, n, strings.Join(j.Events, "\n"))
				}
			}
		})
	}
}

// TestPipelinedJournalBeforeBody: the journal's attempt returns before any
// byte of the body is written, in both modes, and a failing journal keeps
// the body from being sent.
func TestPipelinedJournalBeforeBody(t *testing.T) {
	for _, tr := range pooltest.Transports[1:] {
		t.Run(tr.Name, func(t *testing.T) {
			srv := tr.Server(t)
			cfg := tr.Config(srv)
			cfg.Concurrency = 1
			j := &pooltest.Journal{Srv: srv, T: t, FailFor: 6}
			cfg.Journal = j
			msgs := pooltest.Messages(8)
			res, err := pooltest.Run(t, cfg, msgs)
			if !errors.Is(err, sendpool.ErrJournal) {
				t.Fatalf("err %v", err)
			}
			if srv.Received(msgs[4].Key) != 0 {
				t.Error("body sent although its attempt was not recorded")
			}
			for row := 2; row <= 5; row++ {
				if r := res.Get(row); r.Status != sendpool.StatusSent {
					t.Errorf("row %d: %v", row, r.Status)
				}
			}
			for row, r := range res.Map() {
				if row >= 6 && (r.Status != sendpool.StatusNotAttempted || srv.Received(msgs[row-2].Key) != 0) {
					t.Errorf("row %d: %v", row, r.Status)
				}
			}
		})
	}
}

func TestPipelinedMailParameters(t *testing.T) {
	ascii := pooltest.Message(2, "a@example.org")
	eight := pooltest.Message(3, "b@example.org")
	eight.Data = []byte(strings.Replace(string(eight.Data), "Hello", "Grüße", 1))
	utf := pooltest.Message(4, "用户@example.org")
	utf.UTF8 = true
	msgs := []*render.Message{ascii, eight, utf}
	for _, tr := range pooltest.Transports[1:] {
		t.Run(tr.Name, func(t *testing.T) {
			srv := tr.Server(t, smtptest.WithSMTPUTF8(), smtptest.WithMaxSize(1<<20))
			if _, err := pooltest.Run(t, tr.Config(srv), msgs); err != nil {
				t.Fatal(err)
			}
			got := map[string]smtptest.Message{}
			for _, m := range srv.Messages() {
				got[m.To[0]] = m
			}
			if m := got["a@example.org"]; m.Body != "" || m.UTF8 || m.Size != int64(len(ascii.Data)) {
				t.Errorf("7-bit message: BODY=%q SMTPUTF8=%v SIZE=%d", m.Body, m.UTF8, m.Size)
			}
			if m := got["b@example.org"]; m.Body != "8BITMIME" || !bytes.Equal(m.Data, eight.Data) {
				t.Errorf("8-bit message: BODY=%q, data intact %v", m.Body, bytes.Equal(m.Data, eight.Data))
			}
			if m := got["用户@example.org"]; !m.UTF8 {
				t.Errorf("SMTPUTF8 missing: %+v", m)
			}
		})
	}
}

// TestPipelinedBodyBytes: dot-stuffing, a missing final line break, bare
// line feeds and a big body arrive as the plain exchange delivers them.
func TestPipelinedBodyBytes(t *testing.T) {
	base := "From: a@example.org\r\nTo: b@example.org\r\nSubject: dots\r\n\r\n"
	bodies := map[string]string{
		"dots":     base + ".leading dot\r\n..two\r\n.\r\nend\r\n",
		"no-crlf":  base + "last line without a break",
		"bare-lf":  base + "one\ntwo\r\nthree\n",
		"big":      base + strings.Repeat(".x"+strings.Repeat("y", 76)+"\r\n", 5000),
		"big-dot0": "." + base + strings.Repeat(strings.Repeat("z", 70)+"\r\n", 4500),
	}
	want := map[string][]byte{}
	plain := smtptest.NewServer(t)
	var msgs []*render.Message
	for name, data := range bodies {
		m := pooltest.Message(len(msgs)+2, name+"@example.org")
		m.Data = []byte(data)
		msgs = append(msgs, m)
	}
	if _, err := pooltest.Run(t, pooltest.NewConfig(plain), msgs); err != nil {
		t.Fatal(err)
	}
	for _, m := range plain.Messages() {
		want[m.To[0]] = m.Data
	}
	for _, tr := range pooltest.Transports[1:] {
		t.Run(tr.Name, func(t *testing.T) {
			srv := tr.Server(t)
			if _, err := pooltest.Run(t, tr.Config(srv), msgs); err != nil {
				t.Fatal(err)
			}
			for _, m := range srv.Messages() {
				w := want[m.To[0]]
				if tr.Chunking && m.To[0] == "no-crlf@example.org" {
					// BDAT sends the bytes as they are (bare LFs
					// made CRLF); DATA must end with a line break.
					w = bytes.TrimSuffix(w, []byte("\r\n"))
				}
				if !bytes.Equal(m.Data, w) {
					t.Errorf("%s: %d bytes arrived, the plain exchange delivers %d", m.To[0], len(m.Data), len(w))
				}
			}
			if len(srv.Messages()) != len(msgs) || srv.UnknownCommands() != 0 {
				t.Errorf("%d messages, %d unknown commands", len(srv.Messages()), srv.UnknownCommands())
			}
		})
	}
}

// TestTransportSelection: auto falls back to the plain exchange when the
// server offers no PIPELINING; pipelined refuses such a server and stops the
// run; an unknown value is refused up front.
func TestTransportSelection(t *testing.T) {
	bare := smtptest.NewServer(t, smtptest.WithoutPipelining(), smtptest.WithoutChunking())
	cfg := pooltest.NewConfig(bare).SMTP
	cfg.Transport = campaign.TransportAuto
	d, err := smtpclient.NewDialer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(sendpool.PipelinedConn); ok {
		t.Error("auto: pipelined although the server offers no PIPELINING")
	}
	c.Quit(context.Background())

	full := smtptest.NewServer(t)
	cfg = pooltest.NewConfig(full).SMTP
	cfg.Transport = campaign.TransportAuto
	d, _ = smtpclient.NewDialer(cfg)
	if c, err = d.Dial(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(sendpool.PipelinedConn); !ok {
		t.Errorf("auto: %T against a server offering PIPELINING", c)
	}
	c.Quit(context.Background())

	pcfg := pooltest.NewConfig(bare)
	pcfg.SMTP.Transport = campaign.TransportPipelined
	pcfg.Concurrency = 1
	res, err := pooltest.Run(t, pcfg, pooltest.Messages(3))
	if !errors.Is(err, sendpool.ErrNoPipelining) || !errors.Is(err, sendpool.ErrUnreachable) {
		t.Fatalf("pipelined against a server without PIPELINING: %v", err)
	}
	for row, r := range res.Map() {
		if r.Status != sendpool.StatusNotAttempted {
			t.Errorf("row %d: %v", row, r.Status)
		}
	}
	if bare.Connections() != 2 || bare.Commands("QUIT") != 2 {
		t.Errorf("connections %d, QUIT %d: the refused session was not ended politely", bare.Connections(), bare.Commands("QUIT"))
	}

	cfg.Transport = campaign.Transport(7)
	if _, err := smtpclient.NewDialer(cfg); err == nil || !strings.Contains(err.Error(), `unknown smtp.transport Transport(7)`) {
		t.Errorf("unknown transport: %v", err)
	}
}

// TestPipelinedTranscript: the --debug transcript of the pipelined
// transport, after a STARTTLS login, shows the groups in wire order with the
// login redacted and the body elided; smtp.helo is the EHLO name before
// STARTTLS as after it.
func TestPipelinedTranscript(t *testing.T) {
	const user = "me@example.org"
	srv := smtptest.NewServer(t, smtptest.WithStartTLS(), smtptest.WithAuth(user, spSecret))
	cfg := pooltest.NewConfig(srv)
	cfg.SMTP.Transport = campaign.TransportAuto
	cfg.SMTP.Security = campaign.SecurityStartTLS
	cfg.SMTP.RootCAs = srv.Cert.Pool
	cfg.SMTP.Username, cfg.SMTP.Password, cfg.SMTP.Auth = user, spSecret, "login"
	cfg.SMTP.Helo = "client.example.org"
	var out bytes.Buffer
	cfg.SMTP.Debug = &out
	cfg.Concurrency = 1
	msgs := pooltest.Messages(2)
	if _, err := pooltest.Run(t, cfg, msgs); err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	for _, m := range srv.Messages() {
		if !m.TLS || m.User != user {
			t.Errorf("message TLS=%v user=%q", m.TLS, m.User)
		}
	}
	text := out.String()
	for _, s := range spSecretForms(user) {
		if strings.Contains(text, s) {
			t.Fatalf("transcript contains the secret:\n%s", text)
		}
	}
	want := []string{
		"S: 220 smtptest", "C: EHLO client.example.org", "C: STARTTLS", "S: 220 ", "C: EHLO client.example.org", "C: AUTH LOGIN", "C: [redacted]", "S: 235 ",
		"C: MAIL FROM:<sender@example.org> SIZE=", "C: RCPT TO:<user2@example.org>", "C: BDAT ", "C: [message data: 6 lines, ",
		"S: 250 2.0.0 Roger", "S: 250 2.0.0 OK: queued", "C: MAIL FROM:", "C: QUIT", "S: 221 ",
	}
	rest := text
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("transcript lacks %q after what came before:\n%s", w, text)
		}
		rest = rest[i+len(w):]
	}
	if strings.Contains(text, "EHLO localhost") { // go-smtp's own name, before STARTTLS too
		t.Errorf("smtp.helo is client.example.org, but the transcript holds localhost:\n%s", text)
	}
	if strings.Contains(text, "Hello, row") || strings.Contains(text, "TLS started") {
		t.Errorf("body or the replayed greeting in the transcript:\n%s", text)
	}
}

// TestPipelinedLMTP: LMTP answers the body once per accepted recipient.
func TestPipelinedLMTP(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithLMTP(), smtptest.WithoutChunking(), smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasPrefix(to, "nobody") {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}), smtptest.OnLMTPRcpt(func(_ smtptest.Session, rcpt string) error {
		if strings.HasPrefix(rcpt, "full") {
			return smtptest.Reply(552, "5.2.2", "mailbox full")
		}
		return nil
	}))
	pc := ppDialWith(t, srv, func(cfg *smtpclient.Config) { cfg.Protocol = campaign.ProtocolLMTP })
	a := newPPTx(pooltest.Message(2, "a@example.org", "nobody@example.org", "full@example.org", "b@example.org"))
	allFull := newPPTx(pooltest.Message(3, "full1@example.org", "full2@example.org"))
	z := newPPTx(pooltest.Message(4, "z@example.org"))
	pa, pf := ppBegin(t, pc, a), ppBegin(t, pc, allFull)
	dl, err := pa.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if dl.Rcpts[0].Err != nil || dl.Rcpts[3].Err != nil || dl.Rcpts[1].Err == nil || dl.Rcpts[1].Err.Code != 550 ||
		dl.Rcpts[2].Err == nil || dl.Rcpts[2].Err.Code != 552 || dl.Reply.Code != 250 {
		t.Errorf("per-recipient replies %+v, reply %+v", dl.Rcpts, dl.Reply)
	}
	pz := ppBegin(t, pc, z)
	if _, err := pf.Wait(context.Background()); !errors.Is(err, sendpool.ErrNoRecipients) {
		t.Errorf("all full: %v", err)
	}
	if _, err := pz.Wait(context.Background()); err != nil {
		t.Errorf("after: %v", err)
	}
	for addr, want := range map[string]int{"a@example.org": 1, "b@example.org": 1, "nobody@example.org": 0, "full@example.org": 0, "z@example.org": 1} {
		if got := srv.Received(addr); got != want {
			t.Errorf("%s received %d, want %d", addr, got, want)
		}
	}
}

// TestPipelinedCancel: a cancelled context drops the connection at once;
// the transaction whose body left is unknown.
func TestPipelinedCancel(t *testing.T) {
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	pc := ppDial(t, srv)
	p := ppBegin(t, pc, newPPTx(pooltest.Message(2, "held@example.org")))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-srv.Held()
		cancel()
	}()
	_, err := p.Wait(ctx)
	if txe := ppTxError(t, err); !txe.Ambiguous() || !errors.Is(err, net.ErrClosed) {
		t.Fatalf("%v, want unknown after the connection was closed (not a timeout)", err)
	}
}

// TestPipelinedLetsGoOfSent: once a transaction was waited for, the
// connection keeps nothing of it reachable, also while idle (as between
// messages under a rate limit): with a large attachment each message it
// kept would be megabytes outside the pool's byte bound.
func TestPipelinedLetsGoOfSent(t *testing.T) {
	for _, opts := range [][]smtptest.Option{nil, {smtptest.WithoutChunking()}} {
		c := ppDial(t, smtptest.NewServer(t, opts...))
		m, freed := pooltest.BigMessage(2, "a@example.org")
		if _, err := ppBegin(t, c, newPPTx(m)).Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		pooltest.WaitFreed(t, freed, fmt.Sprintf("window %d: the connection still holds the first message's data", c.Window()))
	}
}
