package smtpclient_test

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestHugeReplyTextClipped: a server that answers with a megabyte of text
// (a faulty or hostile one) gets its refusal recorded with the text cut to
// a few kilobytes, between characters, saying how much was cut: a reply
// text goes into the journal, the report and the page. A single line
// longer than go-smtp's limit (2,000 bytes) breaks the exchange on both
// transports alike.
func TestHugeReplyTextClipped(t *testing.T) { pooltest.Each(t, testHugeReplyTextClipped) }

func testHugeReplyTextClipped(t *testing.T, tr pooltest.Transport) {
	// 1 MB in 2,600 lines of 200 characters (two bytes each): each line
	// within the limit of a reply line, the whole far beyond any use.
	huge := strings.Repeat(strings.Repeat("é", 200)+"\n", 2600)
	long := strings.Repeat("x", 5000) // one line past the limit
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		switch {
		case strings.HasPrefix(to, "gone"):
			return smtptest.Reply(550, "5.1.1", huge)
		case strings.HasPrefix(to, "long"):
			return smtptest.Reply(550, "5.1.1", long)
		}
		return nil
	}))
	res, err := pooltest.Run(t, tr.Config(srv), []*render.Message{pooltest.Message(2, "gone@example.org"), pooltest.Message(3, "ok@example.org")})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Get(2)
	if r.Status != sendpool.StatusFailed || r.Code != 550 { // go-smtp's server puts the enhanced code on the last line only
		t.Fatalf("row 2: %v %d %s %.300s", r.Status, r.Code, r.EnhancedCode, r.Detail)
	}
	if len(r.Detail) > 4200 || !strings.HasPrefix(r.Detail, "éé") || !strings.HasSuffix(r.Detail, "more bytes cut]") {
		t.Errorf("detail of %d bytes: %.40q … %q", len(r.Detail), r.Detail, r.Detail[max(0, len(r.Detail)-40):])
	}
	if !strings.Contains(r.Detail, "é [") {
		t.Errorf("cut inside a character: %q", r.Detail[max(0, len(r.Detail)-40):])
	}
	if r3 := res.Get(3); r3.Status != sendpool.StatusSent {
		t.Errorf("row 3: %v %s", r3.Status, r3.Detail)
	}
	// A line past the limit is a broken server, not a refusal: never
	// recorded as this recipient's fault. Deferred when the body had not
	// left; with BDAT the body rides behind the RCPT, so the outcome is
	// unknown (not resent without --resend-unknown).
	// (A run of its own: the broken connection would leave the outcome of
	// messages pipelined beside it unknown too.)
	res, err = pooltest.Run(t, tr.Config(srv), []*render.Message{pooltest.Message(4, "long@example.org")})
	if err != nil {
		t.Fatal(err)
	}
	got, want := res.Get(4), sendpool.StatusDeferred
	if tr.Name == "pipelined-bdat" {
		want = sendpool.StatusUnknown
	}
	if got.Status != want || (want == sendpool.StatusDeferred && !strings.Contains(got.Detail, "too long a line")) {
		t.Errorf("row 4: %v, want %v: %.200s", got.Status, want, got.Detail)
	}
}
