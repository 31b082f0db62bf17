package main

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// outliveReader makes a write to a closed stdout or stderr (their reader
// gone: tidings send --yes c.yaml | head -3, or a cron wrapper that died)
// fail with EPIPE, which tidings ignores, instead of killing the process
// with SIGPIPE, as Go does for those two files by default. send and
// bounces call it: they change the journal, the mailbox and what
// recipients get, and a run cut short by its output's reader would stop
// sending (or reading the mailbox) midway for no reason of its own; their
// output just stops, and the exit code is the run's. The other commands
// keep the default: they only read or write what they print (check,
// report, show, preview, help), and end at their next write, quietly, as
// a Unix tool does (a shell says 141).
//
// The signals go to a channel nobody reads (Notify drops what does not
// fit), not to SIG_IGN, which a program tidings starts would inherit.
// It holds for the rest of the process, never stopped: main prints the
// error a run ends with after the command returns, and that line must not
// kill it either (a test running commands in-process keeps it too).
func outliveReader() {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
}

// holdSIGPIPE makes a write to a closed stdout or stderr fail with EPIPE
// rather than kill the process, until release (safe to call more than
// once) gives back Go's default, for a command that must not die in the
// middle of a file it writes (preview); where outliveReader holds the
// signal for the whole process, release leaves it so.
func holdSIGPIPE() (release func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGPIPE)
	var once sync.Once
	return func() { once.Do(func() { signal.Stop(ch) }) }
}
