package smtptest

import "syscall"

// tiedProcAttr starts a daemon as the leader of a new process group that
// gets SIGTERM should the test binary die (Linux's parent-death signal).
func tiedProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// signalGroup sends sig to every process of process group pgid.
func signalGroup(pgid int, sig syscall.Signal) { syscall.Kill(-pgid, sig) }
