package smtptest

import (
	"os/exec"
	"testing"
	"time"
)

// TestStartTiedExitedTwice: exited answers every receive once the process
// has ended, not the first alone. StartDovecot's wait for the ports took
// the one value when Dovecot exited on a port taken meanwhile (a loaded
// machine), and the stop that reaps it then waited 5s and failed the test
// ("master not reaped") that had started again on other ports.
func TestStartTiedExitedTwice(t *testing.T) {
	bin, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true(1)")
	}
	exited, err := startTied(exec.Command(bin))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		select {
		case err := <-exited:
			if i == 0 && err != nil {
				t.Errorf("true exited with %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("receive %d from exited still waiting after 10s", i+1)
		}
	}
}
