package smtptest

import (
	"os"
	"os/exec"
	"testing"
)

// TestVetsOnWindowsAndDarwin: the package and its tests build and pass go
// vet for Windows and macOS, so that GOOS=windows go vet ./... and go test
// ./... on a Mac get past it: Setpgid, Pdeathsig and syscall.Kill, which
// the daemons' harness uses, are Linux's (daemon_linux.go), and the
// harness skips its tests elsewhere.
func TestVetsOnWindowsAndDarwin(t *testing.T) {
	gobin, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		t.Fatalf("no go command on PATH: %v", err)
	}
	for _, goos := range []string{"windows", "darwin"} {
		cmd := exec.Command(gobin, "vet", ".")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("GOOS=%s go vet: %v\n%s", goos, err, out)
		}
	}
}
