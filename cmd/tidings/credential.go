package main

import (
	"fmt"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/campaign/credential"
)

// secretFromCredential reads the password of the credential named env
// (the variable password_env names) from $CREDENTIALS_DIRECTORY, as
// systemd's LoadCredential=TIDINGS_SMTP_PASSWORD:/etc/tidings/smtp.pass
// hands it over (credential.Read), without the line end the file ends
// with. found is false when no such folder is set or it holds no such
// file. An error names the file (by setting alone when the variable's
// name is not shown, campaign.EnvNameShown: it may be the password) and
// never its content: credential.Read's, and a file empty or of more than
// one line.
func secretFromCredential(env, setting string) (password string, found bool, err error) {
	cred, err := credential.Read(env, setting, campaign.EnvNameShown(env))
	if err != nil || cred == nil {
		return "", false, asUnusable(err)
	}
	password = strings.TrimSuffix(strings.TrimSuffix(string(cred.Data), "\n"), "\r")
	switch {
	case password == "":
		return "", false, &unusableError{fmt.Errorf("%s: %s is empty; write the password (or the provider's authorization code) in the file LoadCredential= reads", setting, cred.Named)}
	case strings.ContainsAny(password, "\r\n"):
		return "", false, &unusableError{fmt.Errorf("%s: %s holds more than one line; write the password (or the provider's authorization code) alone on one line in the file LoadCredential= reads", setting, cred.Named)}
	}
	return password, true, nil
}

// asUnusable is err as an *unusableError; nil for nil.
func asUnusable(err error) error {
	if err == nil {
		return nil
	}
	return &unusableError{err}
}

// credentialExample is the credential's name as a LoadCredential= line
// writes it: env, or NAME where env is not shown (it may be the password).
func credentialExample(env string) string {
	if campaign.EnvNameShown(env) {
		return env
	}
	return "NAME"
}
