package smtpclient

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// BenchmarkPipelinedBDAT: one transaction after another on one BDAT
// connection to the in-process server (whose work, allocations included,
// is in the figures too), a 6.7 KB message each: what the pool's worker
// asks of the transport for every message.
func BenchmarkPipelinedBDAT(b *testing.B) {
	srv := smtptest.NewServer(b)
	d, err := NewDialer(Config{Host: srv.Host, Port: srv.Port, Security: campaign.SecurityNone, Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	c, err := d.Dial(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	pc, ok := c.(*pipeConn)
	if !ok || !pc.chunking {
		b.Fatalf("%T, want a BDAT pipeConn", c)
	}
	data := append([]byte("Subject: x\r\n\r\n"), bytes.Repeat([]byte("Some line of a newsletter, quoted-printable, seventy-six bytes long at most=\r\n"), 86)...)
	m := &render.Message{Row: 2, Key: "a@example.org", EnvelopeFrom: "s@example.org", Recipients: []string{"a@example.org"}, Data: data}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pc.Send(ctx, &sendpool.Tx{Msg: m, Rcpts: m.Recipients}); err != nil {
			b.Fatal(err)
		}
	}
}
