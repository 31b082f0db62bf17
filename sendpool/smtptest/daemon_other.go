//go:build !linux

package smtptest

import (
	"os"
	"syscall"
)

// tiedProcAttr has nothing to tie a daemon with outside Linux, where the
// harnesses do not start one (findProgram skips their tests): nil.
func tiedProcAttr() *syscall.SysProcAttr { return nil }

// signalGroup signals the process pgid alone outside Linux (Windows has
// no process groups to signal); the harnesses start none there.
func signalGroup(pgid int, sig syscall.Signal) {
	if p, err := os.FindProcess(pgid); err == nil {
		p.Signal(sig)
	}
}
