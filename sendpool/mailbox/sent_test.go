package mailbox_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// sentMessage builds a delivered campaign message (CR LF line ends) with
// the Message-ID <id>, of about size bytes.
func sentMessage(id string, size int) []byte {
	head := "From: Acme News <news@acme.example>\r\nTo: someone@example.com\r\nSubject: =?UTF-8?B?5paw6Ze7?=\r\n" +
		"Date: Fri, 04 Dec 2026 10:00:00 +0800\r\nMessage-ID: <" + id + ">\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
	var body strings.Builder
	for body.Len() < size-len(head) {
		body.WriteString("Grüße aus der Kampagne, line " + strconv.Itoa(body.Len()) + ".\r\n")
	}
	body.WriteString(".\r\n..leading dots stay\r\n")
	return []byte(head + body.String())
}

// openSent opens the Sent; it is closed when the test ends.
func openSent(t *testing.T, cfg mailbox.Config) *mailbox.Sent {
	t.Helper()
	st, err := mailbox.OpenSent(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	return st
}

// TestSentAppend: Append stores the message byte for byte, flagged \Seen,
// with the delivery time as its internal date; HasMessageID finds it by its
// Message-ID and finds no other.
func TestSentAppend(t *testing.T) {
	l := startLab(t, "")
	st := openSent(t, l.cfg)
	date := time.Date(2026, 12, 4, 10, 0, 7, 0, time.FixedZone("CST", 8*3600))
	small, large := sentMessage("a1.0001@acme.example", 1000), sentMessage("a1.0002@acme.example", 200<<10)
	for _, m := range [][]byte{small, large} {
		if err := st.Append(t.Context(), m, date); err != nil {
			t.Fatal(err)
		}
	}
	stored := l.d.Messages(t, user, "Sent")
	if len(stored) != 2 || !bytes.Equal(stored[0], small) || !bytes.Equal(stored[1], large) {
		t.Fatalf("Sent holds %d messages, want the two byte for byte", len(stored))
	}
	if flags := l.d.Flags(t, user, "Sent"); flags[0] != "S" || flags[1] != "S" {
		t.Errorf("Maildir flags %q, want S (\\Seen) on both", flags)
	}
	if got := internalDates(t, l, "Sent"); len(got) != 2 || !got[0].Equal(date) {
		t.Errorf("internal dates %v, want %v", got, date)
	}
	for id, want := range map[string]bool{
		"a1.0001@acme.example": true, "<a1.0002@acme.example>": true, " <a1.0001@acme.example> ": true,
		"1.0001@acme.example": false, "a1.0001@acme.exampl": false, "a1.0003@acme.example": false,
	} {
		if got, err := st.HasMessageID(t.Context(), id); err != nil || got != want {
			t.Errorf("HasMessageID(%q) = %v, %v; want %v", id, got, err, want)
		}
	}
	if _, err := st.HasMessageID(t.Context(), "<>"); err == nil {
		t.Error("HasMessageID(<>) accepted")
	}
	// Appends go on after a search selected the folder.
	if err := st.Append(t.Context(), sentMessage("a1.0003@acme.example", 500), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.HasMessageID(t.Context(), "a1.0003@acme.example"); !ok || err != nil {
		t.Errorf("HasMessageID of the third = %v, %v", ok, err)
	}
}

// internalDates reads the INTERNALDATE of the messages in folder with
// go-imap's own client.
func internalDates(t *testing.T, l *lab, folder string) []time.Time {
	t.Helper()
	c, err := client.DialTLS(net.JoinHostPort(l.cfg.Host, strconv.Itoa(l.d.IMAPSPort)), &tls.Config{RootCAs: l.d.Cert.Pool})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout()
	if err := c.Login(user, pass); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(folder, true); err != nil {
		t.Fatal(err)
	}
	ch := make(chan *imap.Message, 10)
	done := make(chan error, 1)
	set, _ := imap.ParseSeqSet("1:*")
	go func() { done <- c.Fetch(set, []imap.FetchItem{imap.FetchInternalDate}, ch) }()
	var dates []time.Time
	for m := range ch {
		dates = append(dates, m.InternalDate)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return dates
}

// TestSentRefusals: OpenSent refuses a folder the server lacks (naming the
// folders it has), and POP3.
func TestSentRefusals(t *testing.T) {
	l := startLab(t, "")
	cfg := l.cfg
	cfg.SentFolder = "Sent Messages"
	_, err := mailbox.OpenSent(t.Context(), cfg)
	var fe *mailbox.FolderError
	if !errors.As(err, &fe) || fe.Setting != "mailbox.sent_folder" || !strings.Contains(err.Error(), `Sent (\Sent)`) {
		t.Errorf("OpenSent(Sent Messages) = %v, want a *FolderError naming Sent (\\Sent)", err)
	}
	if n := len(l.d.Messages(t, user, "Sent Messages")); n != 0 {
		t.Errorf("a folder was made")
	}
	cfg = l.cfg
	cfg.Protocol, cfg.Port = campaign.MailboxPOP3, l.d.POP3SPort
	if _, err := mailbox.OpenSent(t.Context(), cfg); !errors.Is(err, mailbox.ErrIMAPOnly) {
		t.Errorf("OpenSent over POP3 = %v, want ErrIMAPOnly", err)
	}
	cfg = l.cfg
	cfg.SentFolder = ""
	if _, err := mailbox.OpenSent(t.Context(), cfg); err == nil {
		t.Error("OpenSent without a Sent folder accepted")
	}
}

// TestSentOverQuota: a refused APPEND is a *ReplyError, not tried again,
// and the Sent goes on; with LITERAL+ the server's words come through,
// without it (a synchronizing literal the server refuses before its
// continuation) they are lost, but it is still a refusal.
func TestSentOverQuota(t *testing.T) {
	for name, settings := range map[string]string{"LITERAL+": "", "no LITERAL+": "imap_capability = IMAP4rev1 ID UIDPLUS"} {
		t.Run(name, func(t *testing.T) {
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Settings: settings,
				Users: []smtptest.MailUser{{Name: user, Password: pass, QuotaBytes: 3000}}})
			cfg := mailbox.Config{Protocol: campaign.MailboxIMAP, Host: "127.0.0.1", Port: d.IMAPSPort, Username: user, Password: pass,
				SentFolder: "Sent", RootCAs: d.Cert.Pool}
			st := openSent(t, cfg)
			for _, size := range []int{3500, 10 << 10} {
				err := st.Append(t.Context(), sentMessage(fmt.Sprintf("big.%d@acme.example", size), size), time.Now())
				var re *mailbox.ReplyError
				if !errors.As(err, &re) || re.Command != "APPEND" {
					t.Errorf("Append of %d bytes = %v, want a *ReplyError", size, err)
					continue
				}
				t.Logf("%d bytes: %v", size, err)
			}
			small := sentMessage("small@acme.example", 1500)
			if err := st.Append(t.Context(), small, time.Now()); err != nil {
				t.Errorf("Append after the refusals: %v", err)
			}
			if msgs := d.Messages(t, user, "Sent"); len(msgs) != 1 || !bytes.Equal(msgs[0], small) {
				t.Errorf("Sent holds %d messages, want the small one", len(msgs))
			}
		})
	}
}

// TestSentReplyLost: when the connection breaks after APPEND was sent,
// Append connects again and looks for the Message-ID: a copy the server
// stored (its reply lost) is not stored twice; a copy that never reached
// it is stored once.
func TestSentReplyLost(t *testing.T) {
	l := startLab(t, "")
	cut := startCutter(t, net.JoinHostPort("127.0.0.1", strconv.Itoa(l.d.IMAPPort)))
	var transcript bytes.Buffer
	cfg := l.cfg
	cfg.Port, cfg.Security, cfg.Debug = cut.Port(), campaign.SecurityNone, &transcript
	st := openSent(t, cfg)

	cut.cutReply("APPENDUID") // the server stored it; its OK is lost
	stored := sentMessage("lost-reply@acme.example", 2000)
	if err := st.Append(t.Context(), stored, time.Now()); err != nil {
		t.Fatalf("Append with the reply lost: %v", err)
	}
	cut.cutCommand("APPEND") // the command is lost on the way
	lost := sentMessage("lost-command@acme.example", 2000)
	if err := st.Append(t.Context(), lost, time.Now()); err != nil {
		t.Fatalf("Append with the command lost: %v", err)
	}
	msgs := l.d.Messages(t, user, "Sent")
	if len(msgs) != 2 || !bytes.Equal(msgs[0], stored) || !bytes.Equal(msgs[1], lost) {
		t.Errorf("Sent holds %d messages, want each once", len(msgs))
	}
	if accepted, cuts := cut.counts(); accepted != 3 || cuts != 2 {
		t.Errorf("%d connections, %d cut; want 3 and 2", accepted, cuts)
	}
	if !strings.Contains(transcript.String(), "the lost APPEND had stored <lost-reply@acme.example>") {
		t.Errorf("transcript:\n%s", transcript.String())
	}

	// Without a Message-ID to look for, the outcome is unknown.
	cut.cutReply("APPENDUID")
	err := st.Append(t.Context(), []byte("Subject: no id\r\n\r\nbody\r\n"), time.Now())
	if !errors.Is(err, mailbox.ErrAppendUnknown) || !strings.Contains(err.Error(), "no Message-ID") {
		t.Errorf("Append without Message-ID, reply lost = %v, want ErrAppendUnknown", err)
	}
}

// TestSentIdle: a Sent outlives idle time longer than its Timeout (the
// timeout bounds waits on a command, not the wait between commands), and
// one the server dropped meanwhile is opened again.
func TestSentIdle(t *testing.T) {
	l := startLab(t, "")
	cut := startCutter(t, net.JoinHostPort("127.0.0.1", strconv.Itoa(l.d.IMAPPort)))
	cfg := l.cfg
	// 600ms was too short for Dovecot's greeting on a loaded machine (two
	// runs of the package at once, -race): it bounds every command too.
	cfg.Port, cfg.Security, cfg.Timeout = cut.Port(), campaign.SecurityNone, 2*time.Second
	st := openSent(t, cfg)
	// The thing tested is idle time itself, longer than the timeout: there
	// is nothing to wait on.
	time.Sleep(cfg.Timeout + cfg.Timeout/2)
	if err := st.Append(t.Context(), sentMessage("after-idle@acme.example", 500), time.Now()); err != nil {
		t.Fatal(err)
	}
	if accepted, _ := cut.counts(); accepted != 1 {
		t.Errorf("%d connections, want the first kept through the idle time", accepted)
	}
	cut.dropAll()
	if err := st.Append(t.Context(), sentMessage("after-drop@acme.example", 500), time.Now()); err != nil {
		t.Fatal(err)
	}
	if accepted, _ := cut.counts(); accepted != 2 {
		t.Errorf("%d connections, want a second after the drop", accepted)
	}
	if n := len(l.d.Messages(t, user, "Sent")); n != 2 {
		t.Errorf("Sent holds %d messages, want 2", n)
	}
}

// TestSentConcurrent: several goroutines share one Sent.
func TestSentConcurrent(t *testing.T) {
	l := startLab(t, "")
	st := openSent(t, l.cfg)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			id := fmt.Sprintf("c%d@acme.example", i)
			if err := st.Append(t.Context(), sentMessage(id, 800), time.Now()); err != nil {
				errs <- err
				return
			}
			if ok, err := st.HasMessageID(t.Context(), id); !ok || err != nil {
				errs <- fmt.Errorf("HasMessageID(%s) = %v, %v", id, ok, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(l.d.Messages(t, user, "Sent")); n != 8 {
		t.Errorf("Sent holds %d messages, want 8", n)
	}
}
