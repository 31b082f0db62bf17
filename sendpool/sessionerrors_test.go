package sendpool_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
)

// TestErrorsThen421AfterBody: a 421 to the end of a message's body (the
// final dot, or BDAT … LAST) on a session that had refused a recipient
// came after the body went: no session-ending for errors (Postfix says
// "too many errors" to a command, before the body), so the message is
// not sent again at once as if nothing of it went, free of a try; it is
// taken as its reply says, a try spent. Before, any 421 on such a
// session was, whatever the stage (endedForErrors).
func TestErrorsThen421AfterBody(t *testing.T) {
	for _, tc := range []struct {
		name string
		ext  []string
		tr   campaign.Transport
	}{
		{"plain", []string{"PIPELINING"}, campaign.TransportPlain},
		{"pipelined", []string{"PIPELINING"}, campaign.TransportPipelined},
		{"chunking", []string{"PIPELINING", "CHUNKING"}, campaign.TransportPipelined},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			ended := false
			s := newScripted(t, tc.ext, refusesNobody(func(c int, cmd string, b []byte) string {
				mu.Lock()
				defer mu.Unlock()
				if (cmd == "." || strings.HasPrefix(cmd, "BDAT")) && !ended && strings.Contains(string(b), "row 3") {
					ended = true
					return "421 4.3.0 content filter failed, closing" + closeAfter
				}
				return okAll(c, cmd, b)
			}))
			msgs := []*render.Message{pooltest.Message(2, "nobody@example.org"), pooltest.Message(3, "user3@example.org")}
			res, err := pooltest.Run(t, scriptedConfig(s, tc.tr), msgs)
			if err != nil {
				t.Fatal(err)
			}
			if r := res.Get(3); r.Status != sendpool.StatusSent || r.Attempts != 2 {
				t.Errorf("row 3: %v after %d attempts (%s), want sent after 2: the 421 came after its body\n%s", r.Status, r.Attempts, r.Detail, strings.Join(s.Log(), "\n"))
			}
		})
	}
}

// TestLocalRefusalsNoSessionErrors: a message refused before anything
// of it was sent (larger than the server's SIZE: StagePrepare) is no
// error reply of the session; seven of them on one connection do not
// end it as one that collected too many (sessionErrorsMost), where a
// fresh connection was dialed for nothing.
func TestLocalRefusalsNoSessionErrors(t *testing.T) {
	s := newScripted(t, []string{"SIZE 400"}, okAll)
	var msgs []*render.Message
	for row := 2; row <= 8; row++ {
		m := pooltest.Message(row, fmt.Sprintf("user%d@example.org", row))
		m.Data = append(m.Data, strings.Repeat("x", 500)...)
		msgs = append(msgs, m)
	}
	msgs = append(msgs, pooltest.Message(9, "user9@example.org"))
	res, err := pooltest.Run(t, scriptedConfig(s, campaign.TransportPlain), msgs)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(9); r.Status != sendpool.StatusSent {
		t.Errorf("row 9: %v (%s), want sent", r.Status, r.Detail)
	}
	if n := s.conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1: nothing the server refused\n%s", n, strings.Join(s.Log(), "\n"))
	}
}

// TestErroredKeptUnderConnectionLimit: a session that collected error
// replies is replaced by a fresh one (sessionErrorsMost), which on a list
// of unknown users dials every few rows; a server that limits how many
// connections a client opens (Postfix anvil's
// smtpd_client_connection_rate_limit: "421 4.7.0 … Error: too many
// connections from …" to a greeting) refused them, and with its limit per
// minute the run waited out one refusal after another, or stopped
// "server unreachable" after a few in a row. Once the server refused a
// connection as one too many, the run keeps its sessions through their
// errors (the error tarpit costs less than a refused dial).
func TestErroredKeptUnderConnectionLimit(t *testing.T) {
	s := newScripted(t, []string{"PIPELINING"}, refusesNobody(okAll), greeting(func(conn int) string {
		if conn == 2 {
			return "421 4.7.0 mta.test Error: too many connections from 127.0.0.1"
		}
		return "220 scripted ESMTP"
	}))
	var msgs []*render.Message
	for row := 2; row <= 21; row++ {
		msgs = append(msgs, pooltest.Message(row, fmt.Sprintf("nobody%d@example.org", row)))
	}
	msgs = append(msgs, pooltest.Message(22, "user22@example.org"))
	res, err := pooltest.Run(t, scriptedConfig(s, campaign.TransportPlain), msgs)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(22); r.Status != sendpool.StatusSent {
		t.Errorf("row 22: %v (%s), want sent", r.Status, r.Detail)
	}
	if n := s.conns.Load(); n != 3 {
		t.Errorf("%d connections, want 3: one replaced for its errors, one refused, the last kept\n%s", n, strings.Join(s.Log(), "\n"))
	}
}

// onceFailingJournal fails the first attempt of row, and records nothing.
type onceFailingJournal struct {
	row    int
	mu     sync.Mutex
	failed bool
}

func (j *onceFailingJournal) Attempt(_ context.Context, m *render.Message) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if m.Row == j.row && !j.failed {
		j.failed = true
		return errors.New("disk full")
	}
	return nil
}

func (j *onceFailingJournal) Result(context.Context, *render.Message, sendpool.Result) error {
	return nil
}

// TestErrorsThenJournalFails: a journal attempt that fails stops the run
// and the body is not sent (Journal's contract), also on a session that
// had refused a recipient: endedForErrors took the failure, which drops
// the connection, for the session's end, and the message went again on a
// new one once a second attempt was recorded, the run going on.
func TestErrorsThenJournalFails(t *testing.T) {
	for _, tr := range []campaign.Transport{campaign.TransportPlain, campaign.TransportPipelined} {
		t.Run(tr.String(), func(t *testing.T) {
			var mu sync.Mutex
			bodies := 0
			s := newScripted(t, []string{"PIPELINING"}, refusesNobody(func(c int, cmd string, b []byte) string {
				mu.Lock()
				defer mu.Unlock()
				if cmd == "." {
					bodies++
				}
				return okAll(c, cmd, b)
			}))
			cfg := scriptedConfig(s, tr)
			cfg.Journal = &onceFailingJournal{row: 3}
			msgs := []*render.Message{pooltest.Message(2, "nobody@example.org"), pooltest.Message(3, "user3@example.org")}
			_, err := pooltest.Run(t, cfg, msgs)
			mu.Lock()
			defer mu.Unlock()
			if !errors.Is(err, sendpool.ErrJournal) || bodies != 0 {
				t.Errorf("Run = %v, %d bodies; want the journal's failure to stop it, nothing sent\n%s", err, bodies, strings.Join(s.Log(), "\n"))
			}
		})
	}
}

// refusesNobody answers as a server that refuses nobody@… at RCPT
// (550 5.1.1) and the DATA or BDAT of a transaction with no recipient
// taken (554 5.5.1), as Postfix does; then answers the rest.
func refusesNobody(then scriptFn) scriptFn {
	var mu sync.Mutex
	took := map[int]bool{} // a recipient of the transaction taken, by connection
	return func(c int, cmd string, b []byte) string {
		mu.Lock()
		refused := ""
		switch {
		case strings.HasPrefix(cmd, "MAIL"):
			took[c] = false
		case strings.HasPrefix(cmd, "RCPT") && strings.Contains(cmd, "nobody"):
			refused = "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"
		case strings.HasPrefix(cmd, "RCPT"):
			took[c] = true
		case (strings.HasPrefix(cmd, "DATA") || strings.HasPrefix(cmd, "BDAT")) && !took[c]:
			refused = "554 5.5.1 Error: no valid recipients"
		}
		mu.Unlock()
		if refused != "" {
			return refused
		}
		return then(c, cmd, b)
	}
}

// TestPlainNoEHLOAfterRSET: the plain transport sent EHLO again after
// every RSET (go-smtp's Client.Reset forgets the session's EHLO), a round
// trip more for each refused row; the server's reply to the session's
// EHLO answers it (smtpclient's helloCache): one EHLO a connection, its
// extensions kept (BODY=8BITMIME), the row after the refused ones sent.
func TestPlainNoEHLOAfterRSET(t *testing.T) {
	s := newScripted(t, []string{"PIPELINING", "8BITMIME"}, refusesNobody(okAll))
	msgs := []*render.Message{pooltest.Message(2, "nobody@example.org"), pooltest.Message(3, "nobody@example.org"), pooltest.Message(4, "user4@example.org")}
	msgs[1].Key = "other"
	res, err := pooltest.Run(t, scriptedConfig(s, campaign.TransportPlain), msgs)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(4); r.Status != sendpool.StatusSent {
		t.Errorf("row 4: %v (%s), want sent", r.Status, r.Detail)
	}
	var ehlo, rset int
	for _, l := range s.Log() {
		ehlo += strings.Count(l, "C: EHLO")
		rset += strings.Count(l, "C: RSET")
		if strings.Contains(l, "C: MAIL") && !strings.HasSuffix(l, "BODY=8BITMIME") {
			t.Errorf("%s: the extensions of the session's EHLO forgotten", l)
		}
	}
	if ehlo != 1 || rset != 2 || s.conns.Load() != 1 {
		t.Errorf("%d EHLO, %d RSET on %d connections, want 1 EHLO and 2 RSET on 1\n%s", ehlo, rset, s.conns.Load(), strings.Join(s.Log(), "\n"))
	}
}

// TestPlainEHLOInBodyNotCached: a body whose 4096-byte write (go-smtp's
// buffer) began with a line "EHLO …" (a newsletter quoting a transcript)
// made smtpclient's helloCache take the server's reply to the body for the
// session's EHLO reply, and the EHLO after the next RSET was answered with
// "250 … queued": the session's extensions gone (MAIL without
// BODY=8BITMIME, a UTF-8 address refused locally). Only the session's
// first EHLO is kept.
func TestPlainEHLOInBodyNotCached(t *testing.T) {
	s := newScripted(t, []string{"PIPELINING", "8BITMIME"}, refusesNobody(okAll))
	msgs := []*render.Message{pooltest.Message(2, "user2@example.org"), pooltest.Message(3, "nobody@example.org"), pooltest.Message(4, "user4@example.org")}
	body := msgs[0].Data
	pad := 4096 - len(body)%4096
	body = append(body, strings.Repeat("x", pad-2)+"\r\n"...)
	msgs[0].Data = append(body, "EHLO quoted.example.org\r\nmore text\r\n"...)
	res, err := pooltest.Run(t, scriptedConfig(s, campaign.TransportPlain), msgs)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(4); r.Status != sendpool.StatusSent {
		t.Errorf("row 4: %v (%s), want sent", r.Status, r.Detail)
	}
	for _, l := range s.Log() {
		if strings.Contains(l, "C: MAIL") && !strings.HasSuffix(l, "BODY=8BITMIME") {
			t.Errorf("%s: the extensions of the session's EHLO forgotten\n%s", l, strings.Join(s.Log(), "\n"))
		}
	}
}
