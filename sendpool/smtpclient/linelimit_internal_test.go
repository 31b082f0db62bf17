package smtpclient

import (
	"bufio"
	"net/textproto"
	"strings"
	"testing"
)

// TestLineLimitKeepsEarlierReplies: a complete reply that arrived in the same read as an over-long
// line after it is kept: the transaction it answers (say a message's
// final 250) is settled by it, and only the long line fails.
func TestLineLimitKeepsEarlierReplies(t *testing.T) {
	in := "250 2.0.0 queued as 1\r\n550 " + strings.Repeat("x", 2500) + "\r\n"
	r := textproto.NewReader(bufio.NewReaderSize(&lineLimitReader{r: strings.NewReader(in), limit: maxReplyLine}, 4096))
	code, msg, err := r.ReadResponse(0)
	if err != nil || code != 250 {
		t.Fatalf("first reply: %d %q %v; want the 250 read before the long line fails", code, msg, err)
	}
	if _, _, err := r.ReadResponse(0); err == nil {
		t.Fatal("long line read")
	}
}
