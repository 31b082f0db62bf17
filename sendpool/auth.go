package sendpool

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
)

// Mechanism names as SMTP AUTH advertises them.
const (
	mechPlain   = "PLAIN"
	mechLogin   = "LOGIN"
	mechCRAMMD5 = "CRAM-MD5"
	mechXOAUTH2 = "XOAUTH2"
)

// mechanismPreference is the order used when smtp.auth is empty: PLAIN and
// LOGIN only ever travel inside TLS (or to loopback), where they are the
// best supported; CRAM-MD5 comes last because it forces the server to store
// the password in clear.
var mechanismPreference = []string{mechPlain, mechLogin, mechCRAMMD5}

// chooseMechanism picks the SASL mechanism: the configured one (which the
// server must offer) or the best one offered. offered is the AUTH
// extension's parameter ("PLAIN LOGIN …").
func chooseMechanism(configured, offered string) (string, error) {
	have := map[string]bool{}
	for _, m := range strings.Fields(strings.ToUpper(offered)) {
		have[m] = true
	}
	if configured != "" {
		want := strings.ToUpper(configured)
		if !have[want] {
			return "", fmt.Errorf("smtp.auth is %s but the server offers only %q", want, offered)
		}
		return want, nil
	}
	for _, m := range mechanismPreference {
		if have[m] {
			return m, nil
		}
	}
	return "", fmt.Errorf("the server offers no mechanism tidings supports (offered %q; supported PLAIN, LOGIN, CRAM-MD5, XOAUTH2 with smtp.auth: xoauth2)", offered)
}

// saslClient builds the client for mech. PLAIN comes from go-sasl. go-sasl
// has no CRAM-MD5 or XOAUTH2 client, and its LOGIN client sends the user
// name as an initial response and fails on any challenge but "Password:",
// which servers that prompt "Username:" first (as the LOGIN draft
// describes) do not send; those three small exchanges are written here.
func saslClient(mech, username, password string) (sasl.Client, error) {
	switch mech {
	case mechPlain:
		return sasl.NewPlainClient("", username, password), nil
	case mechLogin:
		return &loginClient{username: username, password: password}, nil
	case mechCRAMMD5:
		return &cramMD5Client{username: username, secret: password}, nil
	case mechXOAUTH2:
		return &xoauth2Client{username: username, token: password}, nil
	default:
		return nil, fmt.Errorf("unsupported mechanism %s", mech)
	}
}

// loginClient implements LOGIN (draft-murchison-sasl-login): no initial
// response; the server's prompts are answered by their text ("Username:",
// "Password:"), or in order when a server words them otherwise.
type loginClient struct {
	username, password string
	step               int
}

func (c *loginClient) Start() (string, []byte, error) { return mechLogin, nil, nil }

func (c *loginClient) Next(challenge []byte) ([]byte, error) {
	prompt := strings.ToLower(string(challenge))
	c.step++
	switch {
	case strings.HasPrefix(prompt, "user"):
		return []byte(c.username), nil
	case strings.HasPrefix(prompt, "pass"):
		return []byte(c.password), nil
	case c.step == 1:
		return []byte(c.username), nil
	case c.step == 2:
		return []byte(c.password), nil
	}
	return nil, errors.New("LOGIN: unexpected third challenge")
}

// cramMD5Client implements CRAM-MD5 (RFC 2195): the reply to the server's
// challenge is the user name and the hex HMAC-MD5 of the challenge keyed by
// the password.
type cramMD5Client struct {
	username, secret string
	done             bool
}

func (c *cramMD5Client) Start() (string, []byte, error) { return mechCRAMMD5, nil, nil }

func (c *cramMD5Client) Next(challenge []byte) ([]byte, error) {
	if c.done {
		return nil, errors.New("CRAM-MD5: unexpected second challenge")
	}
	c.done = true
	mac := hmac.New(md5.New, []byte(c.secret))
	mac.Write(challenge)
	return []byte(c.username + " " + hex.EncodeToString(mac.Sum(nil))), nil
}

// xoauth2Client implements Google's and Microsoft's XOAUTH2: the initial
// response carries the user and the bearer token; a 334 challenge carries
// a JSON error, answered with an empty line so the server sends its final
// refusal.
type xoauth2Client struct {
	username, token string
}

func (c *xoauth2Client) Start() (string, []byte, error) {
	return mechXOAUTH2, []byte("user=" + c.username + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

func (c *xoauth2Client) Next([]byte) ([]byte, error) { return []byte{}, nil }
