// Package credential reads the secrets systemd hands a service as
// credentials: a unit with LoadCredential=NAME:FILE (or SetCredential=,
// LoadCredentialEncrypted=) finds each in a file named NAME in the folder
// $CREDENTIALS_DIRECTORY names, which no other user reads, rather than in
// its environment, which systemctl show and /proc print. tidings reads
// there the secret a *_env setting names (smtp.password_env,
// dkim.key_env, a mailbox's password_env) when that variable is not set.
//
// The package knows nothing of what the secret is for: its caller checks
// the content (a password on one line, a PEM key).
package credential

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tidings/tidings/campaign"
)

// DirEnv is the variable systemd sets, for a unit with LoadCredential= or
// SetCredential=, to the folder holding its credentials, one file each,
// named as the unit names them.
const DirEnv = "CREDENTIALS_DIRECTORY"

// MaxSize is the most of a credential file Read reads: far more than any
// password, authorization code or PEM key (a 4096-bit RSA key is some
// 3 KiB), as systemd's own limit on a credential (1 MiB) is far more
// than a secret needs.
const MaxSize = 64 << 10

// Credential is a credential file Read found.
type Credential struct {
	// Data is the file's content, as it is: its line end too.
	Data []byte
	// Named is how a message names the file: its path, or, where the
	// credential's name may be the secret itself (campaign.EnvNameShown:
	// one with small letters may be a password, written where its
	// variable's name goes), "the credential SETTING names in
	// $CREDENTIALS_DIRECTORY".
	Named string
}

// Read reads the credential named name, the value of the setting setting
// (a variable's name), from $CREDENTIALS_DIRECTORY. It returns nil and no
// error when no such folder is set, name is not a variable's name
// (campaign.IsEnvName: any other could name a file outside the folder,
// and is not looked for) or the folder holds no file of that name.
//
// An error starts with setting and names the file as Named does, never
// its content: a file it cannot read, one that is not a regular file (a
// FIFO would hang the run) or is larger than MaxSize, and a folder that
// is not an absolute path (systemd sets one; a relative one would be read
// from wherever tidings runs).
func Read(name, setting string) (*Credential, error) {
	dir := os.Getenv(DirEnv)
	if dir == "" || !campaign.IsEnvName(name) {
		return nil, nil
	}
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("%s: $%s is %q, not an absolute path as systemd sets it; unset it, or set it to the folder holding the credential", setting, DirEnv, dir)
	}
	path := filepath.Join(dir, name)
	named := path
	if !campaign.EnvNameShown(name) {
		named = "the credential " + setting + " names in $" + DirEnv
	}
	data, err := readFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("%s: reading %s: %w", setting, named, err)
	}
	return &Credential{Data: data, Named: named}, nil
}

// errTooLarge is readFile's error for a file larger than MaxSize.
var errTooLarge = fmt.Errorf("larger than %d KiB, more than a password or a key holds", MaxSize>>10)

// readFile reads the regular file at path, of at most MaxSize bytes; its
// errors do not name path (its name may be a password).
func readFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, withoutPath(err)
	case !fi.Mode().IsRegular():
		return nil, errors.New("not a regular file")
	case fi.Size() > MaxSize:
		return nil, errTooLarge
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, withoutPath(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err == nil && len(data) > MaxSize {
		err = errTooLarge
	}
	return data, withoutPath(err)
}

// withoutPath is err without the path of an *fs.PathError.
func withoutPath(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}
