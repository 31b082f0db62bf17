// Package credential reads the secrets systemd hands a service as
// credentials: a unit with LoadCredential=NAME:FILE (or SetCredential=,
// LoadCredentialEncrypted=, which systemd decrypts before the service
// starts) finds each in a file named NAME in the folder
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
	// credential's name is not shown (Read), "the credential SETTING
	// names in $CREDENTIALS_DIRECTORY".
	Named string
}

// Read reads the credential named name, the value of the setting setting
// (a variable's name), from $CREDENTIALS_DIRECTORY. It returns nil and no
// error when no such folder is set, name is not a variable's name
// (campaign.IsEnvName: any other could name a file outside the folder,
// and is not looked for) or the folder holds no file of that name.
//
// shown says whether a message may print name: a name is no secret, but
// a password_env of small letters may be the password itself, written
// where its variable's name goes (campaign.EnvNameShown), while no DKIM
// key is a variable's name. A message names the file as Named does.
//
// An error starts with setting and never holds the file's content: a
// file it cannot read; one that is not a regular file (a FIFO would hang
// the run) or is a symbolic link (systemd makes regular files; a link
// could take the secret from anywhere); one larger than MaxSize; and a
// folder that is not an absolute path (systemd sets one; a relative one
// would be read from wherever tidings runs).
func Read(name, setting string, shown bool) (*Credential, error) {
	dir := os.Getenv(DirEnv)
	if dir == "" || !campaign.IsEnvName(name) {
		return nil, nil
	}
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("%s: $%s is %q, not an absolute path as systemd sets it; unset it, or set it to the folder holding the credential", setting, DirEnv, dir)
	}
	path := filepath.Join(dir, name)
	named := path
	if !shown {
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

// Missing is what an error says of the credential named name when Read
// found none, after the variable of that name was not set either: ""
// when no $CREDENTIALS_DIRECTORY is set, else that the folder holds no
// file of that name, naming both (name only when shown, as Read).
func Missing(name string, shown bool) string {
	dir := os.Getenv(DirEnv)
	if dir == "" {
		return ""
	}
	if !shown {
		return fmt.Sprintf(", and $%s (%s) holds no credential of that name", DirEnv, dir)
	}
	return fmt.Sprintf(", and $%s (%s) holds no credential %s", DirEnv, dir, name)
}

// errTooLarge is readFile's error for a file larger than MaxSize.
var errTooLarge = fmt.Errorf("larger than %d KiB, more than a password or a key holds", MaxSize>>10)

// readFile reads the regular file at path, of at most MaxSize bytes,
// refusing a symbolic link and what is no regular file before it opens
// it, and a file that another took the place of as it opened it; its
// errors do not name path (its name may be a password).
func readFile(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, withoutPath(err)
	}
	if err := checkMode(fi); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, withoutPath(err)
	}
	defer f.Close()
	opened, err := f.Stat()
	switch {
	case err != nil:
		return nil, withoutPath(err)
	case !os.SameFile(fi, opened):
		return nil, errors.New("replaced by another file as it was read")
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err == nil && len(data) > MaxSize {
		err = errTooLarge
	}
	return data, withoutPath(err)
}

// checkMode refuses fi, a credential file's Lstat, unless it is a
// regular file of at most MaxSize bytes.
func checkMode(fi fs.FileInfo) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return errors.New("a symbolic link, where systemd puts the file itself: load the file it points to (LoadCredential=NAME:FILE)")
	case !fi.Mode().IsRegular():
		return errors.New("not a regular file")
	case fi.Size() > MaxSize:
		return errTooLarge
	}
	return nil
}

// withoutPath is err without the path of an *fs.PathError.
func withoutPath(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}
