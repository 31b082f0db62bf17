package pop3_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox/pop3"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestListEachDovecot: against Dovecot, which offers PIPELINING, ListEach
// gives each message's size as LIST of all does, in the order asked; a
// number the maildrop has not in the middle of a pipeline (a message
// another client took out since UIDL: Dovecot's -ERR "There's no message
// 9.") is that one refused, size -1, and the replies after it read on:
// it ended the session, the sizes after it lost.
func TestListEachDovecot(t *testing.T) {
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: popUser, Password: popPass}}})
	for i := range 5 {
		d.Deliver(t, popUser, fmt.Appendf(nil, "From: a@x.example\r\nSubject: %d\r\n\r\n%s\r\n", i, make([]byte, 10*i)))
	}
	ctx := context.Background()
	cfg := pop3.Config{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(d.POP3SPort)), Security: campaign.SecurityTLS,
		TLS: &tls.Config{RootCAs: d.Cert.Pool}, Timeout: 10 * time.Second}
	c, err := pop3.Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, popUser, popPass); err != nil {
		t.Fatal(err)
	}
	if caps, err := c.Capabilities(ctx); err != nil || !caps.Has("PIPELINING") {
		t.Fatalf("Dovecot offers no PIPELINING (%v): the test needs it", err)
	}
	all, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[int]int64)
	for _, e := range all {
		want[e.Num] = e.Size
	}
	got, refused, err := c.ListEach(ctx, []int{5, 1, 3})
	if err != nil || len(refused) != 0 || !slices.Equal(got, []int64{want[5], want[1], want[3]}) {
		t.Fatalf("ListEach(5, 1, 3) = %v, %v, %v; want %v", got, refused, err, []int64{want[5], want[1], want[3]})
	}
	got, refused, err = c.ListEach(ctx, []int{2, 9, 4, 7, 1})
	if err != nil || !slices.Equal(got, []int64{want[2], -1, want[4], -1, want[1]}) {
		t.Fatalf("ListEach(2, 9, 4, 7, 1) = %v, %v; want %v", got, err, []int64{want[2], -1, want[4], -1, want[1]})
	}
	if len(refused) != 2 || refused[9] == nil || refused[9].Text != "There's no message 9." || refused[7] == nil {
		t.Errorf("refused = %v, want Dovecot's -ERR for 9 and 7", refused)
	}
	if size, err := c.ListOne(ctx, 4); err != nil || size != want[4] {
		t.Errorf("after the pipeline: LIST 4 = %d, %v; want %d, the session in step", size, err, want[4])
	}
}
