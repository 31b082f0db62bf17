package smtptest

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestWaitOwnPorts: a port the server holds passes, one another process
// holds is errPortLost at once (a mailpit whose POP3 port another test's
// mailpit took answered that one's greeting and refused the login), and
// one nobody holds is waited on until the server exits.
func TestWaitOwnPorts(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	if err := waitOwnPorts(os.Getpid(), []int{port, 0}, nil, 5*time.Second); err != nil {
		t.Errorf("this process's own listener: %v", err)
	}
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	if err := waitOwnPorts(other.Process.Pid, []int{port}, nil, 5*time.Second); !errors.Is(err, errPortLost) {
		t.Errorf("a port this process holds, asked for another: %v, want errPortLost", err)
	}
	free := freePort(t)
	exited := make(chan error, 1)
	exited <- errors.New("exit status 1")
	if err := waitOwnPorts(other.Process.Pid, []int{free}, exited, 5*time.Second); err == nil || errors.Is(err, errPortLost) {
		t.Errorf("a port nobody holds, the server gone: %v", err)
	}
}

// TestWaitOwnPortsNoProc: where /proc cannot be read (a container
// without it) waitOwnPorts cannot tell who holds a port and takes it for
// the server's, as outside Linux, where it failed every mailpit test
// ("who listens on port …: open /proc/net/tcp"); and a server that exited
// is said to have exited, not a failure to read its descriptors.
func TestWaitOwnPortsNoProc(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	exited <- errors.New("exit status 1")
	if err := waitOwnPorts(gone.Process.Pid, []int{port}, exited, 5*time.Second); err == nil || !strings.Contains(err.Error(), "exited") {
		t.Errorf("a server gone, its port held by this process: %v, want that it exited", err)
	}
	defer func(root string) { procRoot = root }(procRoot)
	procRoot = t.TempDir()
	if err := waitOwnPorts(os.Getpid(), []int{port}, nil, 5*time.Second); err != nil {
		t.Errorf("no /proc: %v, want the port taken for the server's", err)
	}
}
