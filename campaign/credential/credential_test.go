package credential_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign/credential"
)

// secret is what every credential file of these tests holds, which no
// error may quote.
const secret = "s3cret-Summer2026"

// TestRead: what Read makes of what $CREDENTIALS_DIRECTORY and the file
// named name may be. systemd makes the folder (absolute, other users
// kept out) and a regular file in it per credential; anything else is
// refused naming the setting and the file, or not looked for (a name
// that could reach outside the folder), and no error quotes what the
// file holds. A symbolic link there, which systemd never makes, used to
// be followed wherever it pointed.
func TestRead(t *testing.T) {
	creds := t.TempDir()
	outside := filepath.Join(t.TempDir(), "smtp.pass")
	write(t, outside, secret)
	write(t, filepath.Join(creds, "KEY"), secret+"\n")
	write(t, filepath.Join(creds, "MAX"), strings.Repeat("k", credential.MaxSize))
	write(t, filepath.Join(creds, "HUGE"), secret+strings.Repeat("k", credential.MaxSize+1-len(secret)))
	write(t, filepath.Join(creds, "EMPTY"), "")
	if err := os.Symlink(outside, filepath.Join(creds, "LINK")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(creds, "FOLDER"), 0o700); err != nil {
		t.Fatal(err)
	}
	fifo := mkfifo(t, filepath.Join(creds, "FIFO"))
	write(t, filepath.Join(filepath.Dir(creds), "UP"), secret) // beside the folder: ../UP

	for _, tc := range []struct {
		name, dir, cred string
		want            string // the content read, or the error's words ("!" first)
	}{
		{"no folder set", "", "KEY", ""},
		{"a relative folder", "creds", "KEY", `!smtp.password_env: $CREDENTIALS_DIRECTORY is "creds", not an absolute path`},
		{"the file", creds, "KEY", secret + "\n"},
		{"no such file", creds, "NONE", ""},
		{"an empty file", creds, "EMPTY", "="},
		{"64 KiB", creds, "MAX", strings.Repeat("k", credential.MaxSize)},
		{"64 KiB and a byte", creds, "HUGE", "!smtp.password_env: reading " + filepath.Join(creds, "HUGE") + ": larger than 64 KiB"},
		{"a folder", creds, "FOLDER", "!reading " + filepath.Join(creds, "FOLDER") + ": not a regular file"},
		{"a FIFO", creds, "FIFO", "!reading " + filepath.Join(creds, "FIFO") + ": not a regular file"},
		{"a symbolic link", creds, "LINK", "!reading " + filepath.Join(creds, "LINK") + ": a symbolic link, where systemd puts the file itself"},
		{"a name with ..", creds, "../UP", ""},
		{"a name with /", creds, "sub/KEY", ""},
		{"..", creds, "..", ""},
		{"no name", creds, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cred == "FIFO" && !fifo {
				t.Skip("no FIFO on this system")
			}
			t.Setenv(credential.DirEnv, tc.dir)
			cred, err := credential.Read(tc.cred, "smtp.password_env", true)
			switch {
			case strings.HasPrefix(tc.want, "!"):
				if err == nil || !strings.Contains(err.Error(), tc.want[1:]) || strings.Contains(err.Error(), secret) {
					t.Errorf("Read(%q): %v, want an error saying %q, and nothing of the file", tc.cred, err, tc.want[1:])
				}
			case err != nil:
				t.Errorf("Read(%q): %v", tc.cred, err)
			case tc.want == "" && cred != nil:
				t.Errorf("Read(%q) = %q, want none", tc.cred, cred.Data)
			case tc.want == "=" && (cred == nil || len(cred.Data) != 0):
				t.Errorf("Read(%q) = %v, want the empty file", tc.cred, cred)
			case tc.want != "" && tc.want != "=" && (cred == nil || string(cred.Data) != tc.want || cred.Named != filepath.Join(creds, tc.cred)):
				t.Errorf("Read(%q) = %v, want the file's %d bytes, named by its path", tc.cred, cred, len(tc.want))
			}
		})
	}
}

// TestReadUnreadable: a file Read may not read is an error naming it,
// and nothing of it.
func TestReadUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads a file of mode 0000")
	}
	creds := t.TempDir()
	path := filepath.Join(creds, "KEY")
	write(t, path, secret)
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	t.Setenv(credential.DirEnv, creds)
	if _, err := credential.Read("KEY", "dkim.key_env", true); err == nil || !strings.Contains(err.Error(), "dkim.key_env: reading "+path+": permission denied") {
		t.Errorf("Read of a file of mode 0000: %v", err)
	}
}

// TestReadNameShown: a name is no secret, but a password_env of small
// letters may be the password itself, written where the variable's name
// goes; shown false keeps it out of Named, of every error and of
// Missing's words, which name the setting instead, and shown true names
// the file by its path.
func TestReadNameShown(t *testing.T) {
	creds := t.TempDir()
	const name = "summer2026secret"
	if err := os.Mkdir(filepath.Join(creds, name), 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(creds, "hunter2"), secret)
	t.Setenv(credential.DirEnv, creds)
	_, err := credential.Read(name, "smtp.password_env", false)
	if err == nil || strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "smtp.password_env: reading the credential smtp.password_env names in $CREDENTIALS_DIRECTORY: not a regular file") {
		t.Errorf("Read of a name not shown: %v", err)
	}
	if _, err := credential.Read(name, "dkim.key_env", true); err == nil || !strings.Contains(err.Error(), filepath.Join(creds, name)+": not a regular file") {
		t.Errorf("Read of a name shown: %v, want the path", err)
	}
	if cred, err := credential.Read("hunter2", "smtp.password_env", false); err != nil || cred == nil || strings.Contains(cred.Named, "hunter2") {
		t.Errorf("Read of a name not shown: %v, %v; want it read, Named without the name", cred, err)
	}
	if got := credential.Missing("hunter3", false); strings.Contains(got, "hunter3") || !strings.Contains(got, creds) {
		t.Errorf("Missing of a name not shown: %q", got)
	}
	if got := credential.Missing("SMTP_PASSWORD", true); got != ", and $CREDENTIALS_DIRECTORY ("+creds+") holds no credential SMTP_PASSWORD" {
		t.Errorf("Missing of a name shown: %q", got)
	}
	t.Setenv(credential.DirEnv, "")
	if got := credential.Missing("SMTP_PASSWORD", true); got != "" {
		t.Errorf("Missing with no $CREDENTIALS_DIRECTORY: %q, want nothing", got)
	}
}

// write writes s to path, readable by its owner alone.
func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
