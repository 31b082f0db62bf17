package smtpclient

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestDialCancelledAsSetupEnds: a dial whose context ends just as the
// session's setup succeeded (a run halted meanwhile) returns the
// context's error, not the session: the context's end closes the socket
// on a goroutine of its own, and a message sent on it would be cut off.
func TestDialCancelledAsSetupEnds(t *testing.T) {
	srv := smtptest.NewServer(t)
	d, err := NewDialer(Config{Host: srv.Host, Port: srv.Port, Security: campaign.SecurityNone, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d.testHookSetup = cancel
	c, err := d.Dial(ctx)
	if !errors.Is(err, context.Canceled) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("Dial: %v, want context.Canceled", err)
	}
}
