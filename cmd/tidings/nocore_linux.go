package main

import "golang.org/x/sys/unix"

// forbidCoreDumps keeps this process's memory out of any core file: once
// read, it holds the SMTP and mailbox passwords (and a DKIM key), which
// a crash under GOTRACEBACK=crash or an abort with a core size limit
// above zero would write to disk, where the README promises they are
// never written. The core size limit goes to zero, and the process is
// made not dumpable, which also keeps out a core handler that ignores
// the limit (a core_pattern "|…") and another process of the same user
// reading its memory (ptrace, /proc/PID/mem). A failure is ignored:
// sending needs neither.
func forbidCoreDumps() {
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	_ = unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
}
