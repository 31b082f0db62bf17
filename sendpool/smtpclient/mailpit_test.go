package smtpclient_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestMailpitEndToEnd delivers through a real mail server process with
// STARTTLS and AUTH, then reads its API to check each message arrived once.
func TestMailpitEndToEnd(t *testing.T) {
	cert := smtptest.NewCert(t, "127.0.0.1")
	const user, pass = "tidings", "mailpit-s3cret"
	mp := smtptest.StartMailpit(t, cert, user, pass)

	var msgs []*render.Message
	for i := 0; i < 5; i++ {
		m := pooltest.Message(i+2, fmt.Sprintf("reader%d@example.org", i+2))
		m.Data = []byte(strings.Replace(string(m.Data), "Subject: row", "Subject: tidings e2e row", 1))
		msgs = append(msgs, m)
	}
	cfg := pooltest.Config{
		SMTP: smtpclient.Config{
			Host: "127.0.0.1", Port: mp.SMTPPort, Security: campaign.SecurityStartTLS,
			Username: user, Password: pass, RootCAs: cert.Pool, Timeout: 10 * time.Second,
		},
		Config: sendpool.Config{
			Concurrency:   2,
			PerConnection: 2,
			Retries:       1,
			RetryBackoff:  10 * time.Millisecond,
		},
	}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, m := range msgs {
		if r := res.Get(m.Row); r.Status != sendpool.StatusSent || r.Code != 250 {
			t.Errorf("row %d: %v %d %s", m.Row, r.Status, r.Code, r.Detail)
		}
	}

	list := mp.Messages(t)
	if len(list) != len(msgs) {
		t.Errorf("mailpit holds %d messages, want %d", len(list), len(msgs))
	}
	got := map[string]int{}
	for _, m := range list {
		if len(m.To) != 1 {
			t.Errorf("%s: To %v", m.MessageID, m.To)
			continue
		}
		got[m.To[0].Address+"|"+m.Subject+"|"+m.MessageID]++
		if m.Username != user {
			t.Errorf("%s: received as user %q, want %q", m.MessageID, m.Username, user)
		}
	}
	for _, m := range msgs {
		key := fmt.Sprintf("%s|tidings e2e row %d|%s", m.Recipients[0], m.Row, m.MessageID)
		if got[key] != 1 {
			t.Errorf("%s arrived %d times", key, got[key])
		}
	}
}
