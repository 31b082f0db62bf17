package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestThirdInterruptQuits: a command deaf to interrupts (check rendering
// a template that loops without writing, which no context reaches)
// quits at the third Ctrl-C, saying so, with exit 130; it went on
// forever, a SIGKILL the only way out.
func TestThirdInterruptQuits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 1, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"body.txt": "Hi {{.name}}{{range 100000000000000}}{{end}}\n"})
	// A torn journal line: check warns of it on stderr once it has its
	// signal handler, before it renders.
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, state, map[string]string{"journal.jsonl": `{"type":"run","v":1,"pid":1,"started":"2026-12-01T00:00:00Z"}` + "\n{\"type\":\"att"})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "check", camp)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The exit is waited for once stderr is read to its end: Wait closes
	// the pipe, and what the reader had not read yet was lost (a reader
	// slow under load missed the quit's words of a child that quit as it
	// should).
	warned, exited := make(chan struct{}), make(chan childEnd, 1)
	go func() {
		var all strings.Builder
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if all.Len() == 0 {
				close(warned)
			}
			all.WriteString(sc.Text() + "\n")
		}
		exited <- childEnd{err: cmd.Wait(), stderr: all.String()}
	}()
	select {
	case <-warned:
	case <-ctx.Done():
		t.Fatal("check said nothing")
	}
	// In the loop: a check of one row that has used a second of CPU.
	waitFor(t, func() bool { return cpuTicks(cmd.Process.Pid) >= 100 })
	var end childEnd
	for sent := 1; ; sent++ {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		select {
		case end = <-exited:
		case <-time.After(time.Second): // no reply to wait on: the process is deaf
			if sent < 10 {
				continue
			}
			cmd.Process.Kill()
			<-exited
			t.Fatalf("still running after %d interrupts", sent)
		}
		break
	}
	var ee *exec.ExitError
	if !errors.As(end.err, &ee) || ee.ExitCode() != exitInterrupted || !strings.Contains(end.stderr, "quit at the third interrupt") {
		t.Errorf("check: %v\n%s", end.err, end.stderr)
	}
}

// childEnd is how a child process ended, and all it wrote on stderr.
type childEnd struct {
	err    error
	stderr string
}

// cpuTicks is the CPU time process pid has used, user and system, in
// clock ticks (/proc/PID/stat; 100 a second here); 0 when not known.
func cpuTicks(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	_, rest, ok := strings.Cut(string(b), ") ") // after the command name
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0
	}
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return utime + stime
}

// TestInterruptAtPromptRestoresTerminal: an interrupt at a password
// prompt (its echo off until a line comes) ends the command at once
// (exit 130), with the terminal as it was. It took three (the third
// quitting as a kill would, which left the echo off until that was
// fixed), and docker stop's one SIGTERM at a prompt nobody answers (a
// container run with -t, not -i) ended nothing: the SIGKILL did.
func TestInterruptAtPromptRestoresTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	camp := sendCampaign(t, smtptest.NewServer(t), 1, "")
	yaml := strings.Replace(readFile(t, camp), "security: none}", "security: none, username: u, password_env: TIDINGS_NEVER_SET_PW}", 1)
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": yaml})
	_, slave := openPTY(t)
	echo := func() bool {
		tio, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		return tio.Lflag&unix.ECHO != 0
	}
	if !echo() {
		t.Fatal("a new terminal without echo")
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "send", "--yes", camp)
	cmd.Stdin, cmd.Env = slave, os.Environ()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if said, err := readUntil(stderr, "not set): "); err != nil {
		t.Fatalf("no password prompt: %v\n%s", err, said)
	}
	waitFor(t, func() bool { return !echo() }) // term.ReadPassword reads
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if said, err := readUntil(stderr, "stopping\n"); err != nil {
		t.Fatalf("the first interrupt: %v\n%s", err, said)
	}
	rest, _ := io.ReadAll(stderr)
	var ee *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("send: %v\n%s", err, rest)
	}
	if !echo() {
		t.Errorf("the terminal left without echo\n%s", rest)
	}
}
