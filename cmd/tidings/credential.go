package main

import (
	"errors"
	"fmt"
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

// secretFromCredential reads the password of the credential named env
// (the variable password_env names) from $CREDENTIALS_DIRECTORY, as
// systemd's LoadCredential=TIDINGS_SMTP_PASSWORD:/etc/tidings/smtp.pass
// hands it over, without the line end the file ends with. found is false
// when no such folder is set or it holds no such file; an empty file, or
// one it cannot read, is an error naming the file (by setting alone when
// the variable's name is not shown: it may be the password).
func secretFromCredential(env, setting string) (password string, found bool, err error) {
	dir := os.Getenv(credentialsDirEnv)
	if dir == "" || env == "" {
		return "", false, nil
	}
	path := filepath.Join(dir, env)
	named := path
	if !campaign.EnvNameShown(env) {
		named = "the credential " + setting + " names in $" + credentialsDirEnv
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", false, nil
	case err != nil:
		return "", false, &unusableError{fmt.Errorf("%s: reading %s: %w", setting, named, unwrapPathErr(err))}
	}
	password = strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if password == "" {
		return "", false, &unusableError{fmt.Errorf("%s: %s is empty; write the password (or the provider's authorization code) in the file LoadCredential= reads", setting, named)}
	}
	return password, true, nil
}

// credentialExample is the credential's name as a LoadCredential= line
// writes it: env, or NAME where env is not shown (it may be the password).
func credentialExample(env string) string {
	if campaign.EnvNameShown(env) {
		return env
	}
	return "NAME"
}
