// Command tidings is a bulk mailer: a campaign file pairs templates with a
// CSV or XLSX recipient sheet, and tidings checks, previews and sends one
// message per recipient.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
)

// Exit codes, mapped from errors in exitCode and nowhere else (README.md,
// "Exit codes", lists them). A command that only prints and whose output's
// reader went away dies of SIGPIPE (141 in a shell): see outliveReader.
const (
	exitOK          = 0
	exitSomeFailed  = 1   // some recipients have problems or were not sent
	exitUnusable    = 2   // the campaign cannot be used, or a run stopped (auth, TLS)
	exitTempFail    = 75  // another send or bounces holds the campaign's lock: nothing done, run again later (sysexits.h's EX_TEMPFAIL)
	exitInterrupted = 130 // Ctrl-C, SIGTERM, SIGHUP
)

func main() {
	forbidCoreDumps() // before any password is read
	words := &interruptWords{}
	ctx, abort, sig, stop := signalContexts(os.Stderr, words)
	defer stop()
	startGCFloor(heapFloor) // for the life of the process
	g := &globalOptions{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, abort: abort, interrupt: words,
		progressLines: progressInLines(os.Getenv("TERM"))}
	restore := terminalRestorer(os.Stdin)
	go quitAtThird(sig.forced, restore)
	err := execute(ctx, g, os.Args[1:])
	code := exitCode(err)
	if ctx.Err() != nil || sig.pending() {
		// What the signal said comes first, and is said even when the
		// command ended well within the words' wait (echoWindow): a
		// test send whose one message went while they waited; or
		// before the signal's goroutine took it (a loaded machine).
		<-sig.said
	}
	switch {
	case err == nil, errors.Is(err, errSilent):
	case code == exitInterrupted:
		fmt.Fprintln(os.Stderr, words.atExit())
	default:
		fmt.Fprintln(g.stderr, "tidings:", err)
	}
	stop()
	os.Exit(code)
}

// quitAtThird quits once forced is closed (the third interrupt), at any
// point of the command, also while it or main waits on a stderr that
// does not read: work deaf to the second interrupt (a template that loops
// without writing, say) ends as a kill would end it, which the journal
// is made for, the terminal as it was (restore: a password prompt turns
// its echo off). It says so, waiting for stderr no longer than quitSay.
func quitAtThird(forced <-chan struct{}, restore func()) {
	<-forced
	restore()
	sayWithin(os.Stderr, "tidings: quit at the third interrupt, as a kill would: the journal stands; run the command again", quitSay)
	os.Exit(exitInterrupted)
}

// quitSay is how long the third interrupt's words may wait for stderr.
const quitSay = time.Second

// sayWithin writes line to w, returning once it is written or after d,
// whichever comes first (the write goes on beside).
func sayWithin(w io.Writer, line string, d time.Duration) {
	written := make(chan struct{})
	go func() {
		fmt.Fprintln(w, line)
		close(written)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-written:
	case <-t.C:
	}
}

// execute runs the command line args (without the program name) on a
// fresh command tree, then ends the CPU profile --cpu-profile started,
// whether the command failed or not.
func execute(ctx context.Context, g *globalOptions, args []string) error {
	g.stdout, g.stderr = newTerminalWriter(g.stdout), newTerminalWriter(g.stderr)
	cmd := newRootCommand(g)
	cmd.SetArgs(args)
	err := commandHint(cmd.ExecuteContext(ctx), args)
	if g.stopProfile != nil {
		if perr := g.stopProfile(); perr != nil {
			err = errors.Join(err, perr)
		}
	}
	return err
}

// signals says what signals came: said is closed once the first was
// told (words' onSignal), forced at the third; pending reports whether
// a signal came that the goroutine telling them has not taken yet (it
// will: said is then closed once it is told).
type signals struct {
	said, forced <-chan struct{}
	pending      func() bool
}

// signalContexts returns a context cancelled by the first SIGINT, SIGTERM
// or SIGHUP (the terminal or the ssh session closed; unless ignored, as
// nohup does) and a second context, derived from nothing, cancelled by the
// second one: the first stops dispatching, the second aborts in-flight
// work; the third closes sig.forced, for main to quit at once. At the
// first, it cancels ctx, then says words' onSignal on w and closes
// sig.said (sayOnSignal, which never waits for w: the next signals are
// counted while the words wait on a w that does not read). Signals that
// come with the first (absorbEchoes) count as it.
func signalContexts(w io.Writer, words *interruptWords) (ctx, abort context.Context, sig signals, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	abort, cancelAbort := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	if !signal.Ignored(syscall.SIGHUP) {
		// Not under nohup, which asks for the send to outlive the
		// session (Notify would undo its ignoring).
		signal.Notify(ch, syscall.SIGHUP)
	}
	done, saidCh, forced := make(chan struct{}), make(chan struct{}), make(chan struct{})
	if words != nil {
		words.said = saidCh
	}
	go func() {
		n := 0
		for {
			select {
			case <-ch:
				switch n++; n {
				case 1:
					// Cancelled before it says so: what it says is then
					// already true (a test waits for the words).
					cancel(errInterrupted)
					absorbEchoes(ch, done)
					words.sayOnSignal(w, saidCh)
				case 2:
					cancelAbort(errInterrupted)
					cancel(errInterrupted)
				case 3:
					close(forced)
				}
			case <-done:
				return
			}
		}
	}()
	pending := func() bool { return len(ch) > 0 }
	return ctx, abort, signals{said: saidCh, forced: forced, pending: pending}, func() {
		signal.Stop(ch)
		select {
		case <-done:
		default:
			close(done)
		}
	}
}

// lineBreak is what goes before the words of an interrupt on w: a
// newline on a terminal, ending the line its "^C" echo or a progress
// line left open; nothing elsewhere (a cron job's mail, a log file),
// where it made a blank line. It is the blank line that sets parts of
// send's and bounces' output apart too: journald shows a service's
// output a line at a time, and each must mean something alone.
func lineBreak(w io.Writer) string {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return "\n"
	}
	return ""
}

// echoWindow is how long after the first signal others count as the
// same interrupt. GNU timeout, as cron jobs use it, sends its signal to
// tidings and again to its process group (unless --foreground), and
// both arrive about one run in four: counted as two, they aborted the
// messages in flight (unknown, which a plain send skips). A person's
// second Ctrl-C comes after the words the first prints, which wait out
// the window.
const echoWindow = 100 * time.Millisecond

// absorbEchoes takes the signals that come on ch within echoWindow of
// now, or until done is closed, and counts none of them.
func absorbEchoes(ch <-chan os.Signal, done <-chan struct{}) {
	t := time.NewTimer(echoWindow)
	defer t.Stop()
	for {
		select {
		case <-ch:
		case <-t.C:
			return
		case <-done:
			return
		}
	}
}

var (
	// errSilent marks an error whose story was already told on stderr.
	errSilent = errors.New("tidings: see above")
	// errInterrupted is the cause of a cancellation by a signal.
	errInterrupted = errors.New("tidings: interrupted")
)

// problemsError says some recipients have problems, or what keeps them
// from going (text, when set); exit code 1.
type problemsError struct {
	n    int
	text string
}

func (e *problemsError) Error() string {
	if e.text != "" {
		return e.text
	}
	return report.Plural(e.n, "recipient") + " with problems"
}

// unusableError marks an error that makes the campaign unusable; exit 2.
type unusableError struct{ err error }

func (e *unusableError) Error() string { return e.err.Error() }
func (e *unusableError) Unwrap() error { return e.err }

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var (
		pe *problemsError
		ue *unusableError
		fe *campaign.FileError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errInterrupted), errors.Is(err, context.Canceled),
		errors.Is(err, sendpool.ErrInterrupted), errors.Is(err, sendpool.ErrAborted):
		return exitInterrupted
	case errors.As(err, &pe), errors.Is(err, plan.ErrBounceRate):
		return exitSomeFailed
	case errors.Is(err, journal.ErrLocked):
		return exitTempFail
	case errors.As(err, &ue), errors.As(err, &fe):
		return exitUnusable
	case isStopError(err):
		return exitUnusable
	case errors.Is(err, errSomeNotSent), errors.Is(err, errNotFound), errors.Is(err, errReportsUnmatched), errors.Is(err, errEarlierName), errors.Is(err, errTestNotSent):
		return exitSomeFailed
	default:
		return exitUnusable
	}
}

// globalOptions holds what every command shares. Tests build their own.
type globalOptions struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	// abort is cancelled by a second interrupt: in-flight work stops too.
	abort context.Context
	// quiet prints only problems and the summary (--quiet).
	quiet bool
	// progressLines shows a send's progress on a terminal as off one, a
	// line every progressEvery, never a bar redrawn over itself
	// (progressInLines: TERM=dumb).
	progressLines bool
	// stopProfile ends the CPU profile --cpu-profile started; nil without.
	stopProfile func() error
	// interrupt is what an interrupt is said to do; nil in tests that
	// call a run function.
	interrupt *interruptWords
	// transcript, set by --debug (smtpSettings; bounces'
	// bouncesMailboxConfig), says the SMTP (IMAP, POP3) transcript on
	// stderr a whole line at a time: queued on the printer while a send
	// delivers or bounces reads the mailbox (printAside), written at
	// once otherwise (probe). A send then shows its progress in lines,
	// as off a terminal: a bar drawn over the transcript began each of
	// its lines. nil without --debug.
	transcript *transcriptLines
	// errMu serializes the lines errLine writes, and every write on
	// stderr from goroutines of their own (lockedStderr).
	errMu sync.Mutex
	// aside, while a send delivers (newProgress), writes what errLine is
	// given, from a goroutine of its own.
	aside atomic.Pointer[linePrinter]
	// seams are what tests put between a command and its state files;
	// the zero value in use.
	seams testSeams
}

// lockedStderr writes on g's stderr under g.errMu: the printer's lines
// (linePrinter) and the lines written beside it (errLine's, --debug's
// transcript's before and after the delivery) would otherwise go into
// each other (and race on a test's bytes.Buffer).
type lockedStderr struct{ g *globalOptions }

func (l lockedStderr) Write(p []byte) (int, error) {
	l.g.errMu.Lock()
	defer l.g.errMu.Unlock()
	return l.g.stderr.Write(p)
}

// errLine writes a line of a to stderr, one at a time: the pool's notices
// and the progress lines come from goroutines of their own, and a line
// must not be written into another (in tests stderr is a bytes.Buffer).
// While a send delivers it only queues the line (g.aside), so that the
// pool never waits for a terminal that does not read.
func (g *globalOptions) errLine(a ...any) { g.sayLine(fmt.Sprintln(a...), lineNote) }

// sayLine writes line (ending in a newline) to stderr as errLine does,
// queued as kind (lineNote or lineTranscript) while a send delivers.
func (g *globalOptions) sayLine(line string, kind lineKind) {
	if lp := g.aside.Load(); lp != nil {
		if lp.add(line, kind) {
			return
		}
		<-lp.done // closing: the lines queued before this one come first
	}
	g.errMu.Lock()
	defer g.errMu.Unlock()
	io.WriteString(g.stderr, line)
}
