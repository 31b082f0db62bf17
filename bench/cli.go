package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// BuildCLI builds the tidings command into dir and returns its path.
func BuildCLI(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "tidings")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/tidings/tidings/cmd/tidings")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("bench: building tidings: %w\n%s", err, out)
	}
	return bin, nil
}

// Run is how a child process went.
type Run struct {
	Elapsed time.Duration
	// PeakRSS is the child's peak resident set size in bytes (0 where the
	// system does not tell).
	PeakRSS int64
	// Output is what it wrote to stdout and stderr.
	Output []byte
	// ExitCode is its exit status.
	ExitCode int
	// CPU is the user and system CPU time it used (its wrapper's, which
	// includes the children the wrapper waited for).
	CPU time.Duration
}

// wrapEnv, set in a process's environment, makes it a wrapper (see
// RunWrapper): it runs its arguments as a command and writes the command's
// peak RSS into the file wrapEnv names.
const wrapEnv = "TIDINGS_BENCH_WRAP"

// RunCommand runs name with args in dir (env added to this process's
// environment) and measures it. A non-zero exit status is not an error;
// failing to start is.
//
// The command runs under a wrapper, this same executable started again
// (its TestMain calls RunWrapper), because the peak resident set size
// cannot be taken from a child of this process: Go starts children with
// CLONE_VM (vfork), and at exec Linux carries the parent's high-water mark
// into the child's ru_maxrss, so every child would report at least this
// (large) process's peak. The wrapper is small, so its child's ru_maxrss is
// the child's own peak (the wrapper's few megabytes are the floor).
func RunCommand(ctx context.Context, dir string, env []string, name string, args ...string) (Run, error) {
	rssFile, err := os.CreateTemp("", "tidings-bench-rss-")
	if err != nil {
		return Run{}, err
	}
	rssFile.Close()
	defer os.Remove(rssFile.Name())
	self, err := os.Executable()
	if err != nil {
		return Run{}, err
	}
	cmd := exec.CommandContext(ctx, self, append([]string{name}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), env...), wrapEnv+"="+rssFile.Name())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	r := Run{Elapsed: time.Since(start), Output: out.Bytes()}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return r, fmt.Errorf("bench: running %s: %w", name, err)
	}
	if cmd.ProcessState != nil {
		r.ExitCode = cmd.ProcessState.ExitCode()
		r.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if b, err := os.ReadFile(rssFile.Name()); err == nil {
		r.PeakRSS, _ = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	}
	return r, nil
}

// RunWrapper does the wrapper's job when this process is one (wrapEnv is
// set): it runs os.Args[1:] with stdin, stdout and stderr passed through,
// writes the child's peak RSS (bytes) into the file wrapEnv names and
// returns the child's exit status and true. Otherwise it returns false.
// Call it first thing in TestMain.
func RunWrapper() (int, bool) {
	file := os.Getenv(wrapEnv)
	if file == "" {
		return 0, false
	}
	os.Unsetenv(wrapEnv)
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "bench: wrapper: no command")
		return 2, true
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintln(os.Stderr, "bench: wrapper:", err)
		return 2, true
	}
	if werr := os.WriteFile(file, []byte(strconv.FormatInt(maxRSS(cmd.ProcessState), 10)), 0o644); werr != nil {
		fmt.Fprintln(os.Stderr, "bench: wrapper:", werr)
	}
	return cmd.ProcessState.ExitCode(), true
}
