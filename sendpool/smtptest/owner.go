package smtptest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// holder is who listens on a port (portHolder).
type holder int

const (
	heldByNone  holder = iota // no process, yet
	heldByPid                 // the server started
	heldByOther               // another process: the port was lost
)

// errPortLost is waitOwnPorts' error for a port another process holds.
var errPortLost = errors.New("smtptest: address already in use")

// waitOwnPorts waits until process pid listens on each of ports (0s are
// skipped). A server started on ports chosen free a moment before may
// lose one to another test's server, whose greeting and answers would
// pass for its own (a POP3 login refused with the other's password):
// that fails at once with errPortLost, and so does pid exiting or
// within passing.
func waitOwnPorts(pid int, ports []int, exited <-chan error, within time.Duration) error {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		waiting := false
		for _, port := range ports {
			if port == 0 {
				continue
			}
			h, err := portHolder(pid, port)
			switch {
			case err != nil:
				return fmt.Errorf("smtptest: who listens on port %d: %w", port, err)
			case h == heldByOther:
				return fmt.Errorf("%w: port %d is held by another process", errPortLost, port)
			case h == heldByNone:
				waiting = true
			}
		}
		if !waiting {
			return nil
		}
		select {
		case err := <-exited:
			return fmt.Errorf("smtptest: the server exited: %v", err)
		case <-deadline.C:
			return fmt.Errorf("smtptest: ports %v not all listened on within %s", ports, within)
		case <-tick.C:
		}
	}
}

// portOf returns the port of an "http://127.0.0.1:port" address, 0 when
// it has none.
func portOf(url string) int {
	p, _ := strconv.Atoi(url[strings.LastIndexByte(url, ':')+1:])
	return p
}
