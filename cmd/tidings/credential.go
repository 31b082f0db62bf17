package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// credentialsDirEnv is the variable systemd sets, for a unit with
// LoadCredential= or SetCredential=, to the folder holding its
// credentials, one file each, named as the unit names them.
const credentialsDirEnv = "CREDENTIALS_DIRECTORY"

// maxCredentialSize is the most of a credential file tidings reads: far
// more than any password or authorization code, as systemd's own limit
// on a credential (1 MiB) is far more than a password needs.
const maxCredentialSize = 64 << 10

// secretFromCredential reads the password of the credential named env
// (the variable password_env names) from $CREDENTIALS_DIRECTORY, as
// systemd's LoadCredential=TIDINGS_SMTP_PASSWORD:/etc/tidings/smtp.pass
// hands it over, without the line end the file ends with. found is false
// when no such folder is set or it holds no such file. An error names the
// file (by setting alone when the variable's name is not shown: it may be
// the password) and never its content: a file it cannot read, one that
// is not a regular file (a FIFO would hang the run) or is larger than
// maxCredentialSize, one empty or of more than one line, and a folder
// that is not an absolute path (systemd sets one; a relative one would
// be read from wherever tidings runs). env must be a variable's name
// (campaign.IsEnvName), so that the file is one directly in the folder;
// any other is not looked for.
func secretFromCredential(env, setting string) (password string, found bool, err error) {
	dir := os.Getenv(credentialsDirEnv)
	if dir == "" || !campaign.IsEnvName(env) {
		return "", false, nil
	}
	if !filepath.IsAbs(dir) {
		return "", false, &unusableError{fmt.Errorf("%s: $%s is %q, not an absolute path as systemd sets it; unset it, or set it to the folder holding the credential", setting, credentialsDirEnv, dir)}
	}
	path := filepath.Join(dir, env)
	named := path
	if !campaign.EnvNameShown(env) {
		named = "the credential " + setting + " names in $" + credentialsDirEnv
	}
	data, err := readCredential(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", false, nil
	case err != nil:
		return "", false, &unusableError{fmt.Errorf("%s: reading %s: %w", setting, named, err)}
	}
	password = strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	switch {
	case password == "":
		return "", false, &unusableError{fmt.Errorf("%s: %s is empty; write the password (or the provider's authorization code) in the file LoadCredential= reads", setting, named)}
	case strings.ContainsAny(password, "\r\n"):
		return "", false, &unusableError{fmt.Errorf("%s: %s holds more than one line; write the password (or the provider's authorization code) alone on one line in the file LoadCredential= reads", setting, named)}
	}
	return password, true, nil
}

// readCredential reads the regular file at path, of at most
// maxCredentialSize bytes; its errors do not name path (unwrapPathErr).
func readCredential(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, unwrapPathErr(err)
	case !fi.Mode().IsRegular():
		return nil, errors.New("not a regular file")
	case fi.Size() > maxCredentialSize:
		return nil, fmt.Errorf("larger than %d KiB, more than a password", maxCredentialSize>>10)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCredentialSize+1))
	if err == nil && len(data) > maxCredentialSize {
		err = fmt.Errorf("larger than %d KiB, more than a password", maxCredentialSize>>10)
	}
	return data, unwrapPathErr(err)
}

// credentialExample is the credential's name as a LoadCredential= line
// writes it: env, or NAME where env is not shown (it may be the password).
func credentialExample(env string) string {
	if campaign.EnvNameShown(env) {
		return env
	}
	return "NAME"
}
