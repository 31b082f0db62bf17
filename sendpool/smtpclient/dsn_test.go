package smtpclient_test

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestDSNRequested: a server that offers DSN (RFC 3461) is asked, on every
// exchange, for failure and delay reports carrying the headers, the
// message's envelope id (its Message-ID) and each recipient's address; a
// server that does not offer it gets no DSN parameters.
func TestDSNRequested(t *testing.T) { pooltest.Each(t, testDSNRequested) }

func testDSNRequested(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.WithDSN())
	msgs := []*render.Message{pooltest.Message(2, "ann@example.org", "cc+tag@example.org"), pooltest.Message(3, "bob@example.org")}
	if _, err := pooltest.Run(t, tr.Config(srv), msgs); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 2 {
		t.Fatalf("%d messages", len(got))
	}
	for _, m := range got {
		want := map[string]string{"ann@example.org": "row2@example.org", "bob@example.org": "row3@example.org"}[m.To[0]]
		if m.Ret != "HDRS" || m.EnvID != want {
			t.Errorf("%v: RET=%q ENVID=%q, want HDRS and %q", m.To, m.Ret, m.EnvID, want)
		}
		for _, rcpt := range m.To {
			if m.Notify[rcpt] != "FAILURE,DELAY" || !strings.EqualFold(m.ORcpt[rcpt], "rfc822;"+rcpt) {
				t.Errorf("%s: NOTIFY=%q ORCPT=%q", rcpt, m.Notify[rcpt], m.ORcpt[rcpt])
			}
		}
	}

	plain := tr.Server(t)
	if _, err := pooltest.Run(t, tr.Config(plain), []*render.Message{pooltest.Message(2, "ann@example.org")}); err != nil {
		t.Fatal(err)
	}
	if m := plain.Messages()[0]; m.Ret != "" || m.EnvID != "" || len(m.Notify) != 0 {
		t.Errorf("DSN parameters to a server without DSN: %+v", m)
	}
}
