package smtptest

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// Doveadm runs doveadm with args on d's configuration, as an administrator
// acts on a mailbox between a client's sessions ("mailbox", "delete",
// "-u", user, "Bounces"), and returns what it printed; a failure fails t.
func (d *Dovecot) Doveadm(t testing.TB, args ...string) string {
	t.Helper()
	doveadm := findProgram(t, "doveadm", "doveadm")
	out, err := exec.Command(doveadm, append([]string{"-c", filepath.Join(d.dir, "dovecot.conf")}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("dovecot: doveadm %v: %v\n%s", args, err, out)
	}
	return string(out)
}
