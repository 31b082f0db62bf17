//go:build unix

package dkim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyFileWarningAsRoot: a key file of another user that others may
// read is advised to the user tidings runs as with chown and chmod (a
// service's key deployed root's, TestKeyFileOfAnotherUser); run as root
// (a check with sudo on the service's campaign) it is advised chmod 600
// alone, which keeps it its owner's: "chown root" left the service
// unable to read its key.
func TestKeyFileWarningAsRoot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dkim.key")
	if err := os.WriteFile(path, []byte("key"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil { // whatever the umask
		t.Fatal(err)
	}
	other := os.Geteuid() + 1 // a user that does not own the file
	if got := keyFileWarning(path, "dkim", "acme.example", other); !strings.Contains(got, "chown ") {
		t.Errorf("run by another user: %q, want the chown advice", got)
	}
	if os.Geteuid() != 0 {
		t.Skip("root's own view needs a file another user owns: run as root")
	}
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	got := keyFileWarning(path, "dkim", "acme.example", 0)
	if strings.Contains(got, "chown") || !strings.HasSuffix(got, "make it its owner's alone: chmod 600 "+path) {
		t.Errorf("run as root on uid 65534's key: %q, want chmod 600 alone", got)
	}
}
