//go:build unix

package credential

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadRefusesWithoutShowing: a credential that is a FIFO (reading it
// would wait for a writer, and the run with it) is refused, not read; a
// name with small letters, which may be the password written where its
// variable's name goes, is named in no error, which names the setting
// instead; a name that is not a variable's, or no file of it, is nil and
// no error; a file of a variable's name in capitals is read as it is.
func TestReadRefusesWithoutShowing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(DirEnv, dir)
	if err := syscall.Mkfifo(filepath.Join(dir, "PIPE"), 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "Summer2026secret"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "SMTP_PASS"), []byte("pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := Read("PIPE", "smtp.password_env"); c != nil || err == nil || !strings.Contains(err.Error(), "PIPE: not a regular file") {
		t.Errorf("a FIFO: %v, %v; want it refused as not a regular file", c, err)
	}
	c, err := Read("Summer2026secret", "smtp.password_env")
	if want := "smtp.password_env: reading the credential smtp.password_env names in $CREDENTIALS_DIRECTORY: not a regular file"; c != nil || err == nil || err.Error() != want {
		t.Errorf("a name with small letters: %v, %v; want %q", c, err, want)
	}
	for _, name := range []string{"../SMTP_PASS", "MISSING"} {
		if c, err := Read(name, "smtp.password_env"); c != nil || err != nil {
			t.Errorf("%s: %v, %v; want nil and no error", name, c, err)
		}
	}
	if c, err := Read("SMTP_PASS", "smtp.password_env"); err != nil || c == nil || string(c.Data) != "pw\n" || c.Named != filepath.Join(dir, "SMTP_PASS") {
		t.Errorf("SMTP_PASS: %+v, %v; want its content, named by its path", c, err)
	}
}
