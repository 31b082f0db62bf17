package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/statefile"
)

// LockFileName is the lock file's name inside the campaign's state folder.
const LockFileName = render.StateLock

// ErrLocked is matched (errors.Is) by the *LockedError that AcquireLock
// returns when another process holds the lock.
var ErrLocked = errors.New("journal: campaign is locked by another send")

// LockedError says who holds a campaign's send lock.
type LockedError struct {
	// Path is the lock file.
	Path string
	// PID, Since and Command describe the holder as it wrote itself into
	// the lock file; PID is 0 when the holder had not yet written itself,
	// Command "" when it did not say (a send, or an older tidings).
	PID     int
	Since   time.Time
	Command string
	// Elsewhere says the holder's PID is of another PID namespace than
	// this process's (another container sharing the campaign's volume):
	// no process here has it.
	Elsewhere bool
	// Stopped says the holder is stopped (Ctrl-Z, SIGSTOP; /proc tells,
	// on Linux): it holds the lock and does nothing until continued.
	Stopped bool
}

func (e *LockedError) Error() string {
	switch {
	case e.PID == 0:
		return fmt.Sprintf("journal: campaign is being sent by another process (lock %s); nothing was done: run this again once it ends, or stop it first", e.Path)
	case e.Command != "" && e.Command != "send":
		return fmt.Sprintf("journal: tidings %s is working on this campaign, PID %d%s (since %s)%s",
			e.Command, e.PID, e.where(), e.Since.UTC().Format(time.RFC3339), e.next())
	}
	return fmt.Sprintf("journal: campaign is being sent by PID %d%s (since %s)%s",
		e.PID, e.where(), e.Since.UTC().Format(time.RFC3339), e.next())
}

// next is what the message ends with: what was done and what to do; for
// a stopped holder, that it waits to be continued and how.
func (e *LockedError) next() string {
	if e.Stopped {
		return ", and that process is stopped (Ctrl-Z or SIGSTOP): it does nothing and keeps the campaign until continued, " + e.HowToContinue() + "; nothing was done: run this again once it ends"
	}
	return "; nothing was done: run this again once it ends, or stop it first"
}

// HowToContinue says how a stopped holder is continued: "with fg in its
// terminal or kill -CONT 4711".
func (e *LockedError) HowToContinue() string {
	return fmt.Sprintf("with fg in its terminal or kill -CONT %d", e.PID)
}

// where says where the holder's PID is to be looked up, when not here.
func (e *LockedError) where() string {
	if e.Elsewhere {
		return " of another PID namespace (another container)"
	}
	return ""
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// startSlack is how much later than the lock's time its holder's start
// may read: the lock's time is cut to the second, and a clock stepped
// forward while the holder runs moves the start read back.
const startSlack = time.Minute

// holder is the lock file's content.
type holder struct {
	PID     int       `json:"pid"`
	Since   time.Time `json:"since"`
	Command string    `json:"command,omitempty"`
	// Dir is the state folder the holder locked, absolute: a lock file
	// that came with a copy of the campaign's folder names the folder it
	// was copied from. Empty from an older tidings.
	Dir string `json:"dir,omitempty"`
	// PIDNS is the holder's PID namespace (/proc/self/ns/pid, as
	// "pid:[4026531836]"): its PID means nothing in another one (a send
	// in one container, report in another sharing the volume, where a
	// process of that PID began before). Empty where it cannot be told,
	// and from an older tidings.
	PIDNS string `json:"pidns,omitempty"`
}

// Lock is a campaign's exclusive send lock: while one process holds it, no
// other can send the campaign. On Linux and the BSDs it is an flock(2) on
// <state>/send.lock, on Windows a LockFileEx lock of it, which the system
// releases when the holder exits in any way, also when it is killed
// (SIGKILL, End task). A Lock is held until Release; it is safe for
// concurrent use.
type Lock struct {
	dir string
	f   *os.File
	// wrap makes the File a Writer opened under the lock writes
	// through of the journal's file (SetFile); nil: the file itself.
	wrap func(*os.File) File
}

// SetFile has the Writers opened under l (Open) write their records
// through wrap(f), f the journal's file, once their run record is
// written: tests make it fail as a full disk does. Call it before Open.
func (l *Lock) SetFile(wrap func(f *os.File) File) { l.wrap = wrap }

// file is f as the Writers opened under l write through it (SetFile).
func (l *Lock) file(f *os.File) File {
	if l.wrap == nil {
		return f
	}
	return l.wrap(f)
}

// AcquireLock takes the send lock of the campaign whose state folder is dir
// (creating the folder), without waiting. When another process holds it the
// error is a *LockedError naming that process. The caller releases the lock
// with Release; the lock file itself stays.
func AcquireLock(dir string) (*Lock, error) { return AcquireLockAs(dir, "") }

// AcquireLockAs is AcquireLock for a holder that names itself: command
// ("send", "bounces") goes into the lock file beside the PID, for the
// messages others give while it holds the lock.
func AcquireLockAs(dir, command string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: lock: %w", err)
	}
	path := filepath.Join(dir, LockFileName)
	f, err := statefile.OpenFile(path, os.O_RDWR|os.O_CREATE, statefile.FileMode)
	if err != nil {
		return nil, fmt.Errorf("journal: lock: %w", err)
	}
	held, err := lockFile(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: lock %s: %w", path, err)
	}
	if held {
		le := &LockedError{Path: path}
		if b, err := io.ReadAll(io.NewSectionReader(f, 0, 4096)); err == nil {
			var h holder
			if json.Unmarshal(b, &h) == nil {
				le.PID, le.Since, le.Command, le.Elsewhere = h.PID, h.Since, h.Command, otherNamespace(h.PIDNS)
				le.Stopped = le.PID > 0 && !le.Elsewhere && stopped(le.PID)
			}
		}
		f.Close()
		return nil, le
	}
	abs, _ := filepath.Abs(dir) // "" on failure: Holder then goes by the PID alone
	b, err := json.Marshal(holder{PID: os.Getpid(), Since: time.Now().UTC().Truncate(time.Second), Command: command, Dir: abs, PIDNS: pidNamespace()})
	if err == nil {
		if err = f.Truncate(0); err == nil {
			_, err = f.WriteAt(append(b, '\n'), 0)
		}
	}
	if err != nil {
		unlockFile(f)
		f.Close()
		return nil, fmt.Errorf("journal: lock %s: %w", path, err)
	}
	return &Lock{dir: dir, f: f}, nil
}

// Holder says who holds the send lock of the campaign whose state folder
// is dir, without taking or testing the lock (a probe of the lock itself
// could make a send starting at that moment fail): what the holder wrote
// into the lock file (PID, Since, Command; Path is unset), when that
// process is still running and, where /proc tells, began before it took
// the lock, in this process's PID namespace (a holder in another
// container's is not known: its PID is not this one's to look up). ok is
// false when no process is known to hold it. A crashed
// holder's PID reused by another process reads as running only where
// there is no /proc: callers rely on it for what they show (a send's
// messages in hand, State.SendRunning), but the lock, not this, keeps two
// sends apart. A lock file copied with the campaign's folder while a send
// ran names the folder it was copied from, another than dir: no process
// holds dir's lock (a folder moved since the holder locked it, no longer
// where the holder found it, is still taken for the holder's).
func Holder(dir string) (h LockedError, ok bool) {
	b, err := os.ReadFile(filepath.Join(dir, LockFileName))
	if err != nil || len(b) == 0 {
		return LockedError{}, false
	}
	var w holder
	if json.Unmarshal(b, &w) != nil || w.PID <= 0 || otherNamespace(w.PIDNS) || !processRunning(w.PID) || startedAfter(w.PID, w.Since) {
		return LockedError{}, false
	}
	if w.Dir != "" {
		locked, err1 := os.Stat(w.Dir)
		here, err2 := os.Stat(dir)
		if err1 == nil && err2 == nil && !os.SameFile(locked, here) {
			return LockedError{}, false
		}
	}
	return LockedError{PID: w.PID, Since: w.Since, Command: w.Command, Stopped: stopped(w.PID)}, true
}

// otherNamespace says whether ns, a holder's PID namespace, is known and
// not this process's: its PID cannot be looked up here, so the holder is
// not known to run (a send killed in another container would otherwise
// read as running for good whenever a process here has its PID).
func otherNamespace(ns string) bool {
	here := pidNamespace()
	return ns != "" && here != "" && ns != here
}

// Dir is the state folder the lock guards.
func (l *Lock) Dir() string { return l.dir }

// Release gives the lock up. Calling it again does nothing.
func (l *Lock) Release() error {
	if l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	terr := f.Truncate(0) // the holder's details are no longer true
	uerr := unlockFile(f)
	cerr := f.Close()
	if err := errors.Join(terr, uerr, cerr); err != nil {
		return fmt.Errorf("journal: release lock: %w", err)
	}
	return nil
}
