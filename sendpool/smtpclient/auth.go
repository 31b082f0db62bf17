package smtpclient

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/tidings/tidings/campaign"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/sendpool"
)

// login authenticates the session with the configured or best offered
// mechanism. It refuses to send the password in clear text to a host that
// is not loopback. A refusal is a *sendpool.AuthError (the run stops); a
// temporary refusal (454) is the *sendpool.SMTPError, so the dial is tried
// again later.
func (d *Dialer) login(c *smtp.Client, raw *rawConn, secure bool) (string, error) {
	cfg := &d.cfg
	fail := func(reply *sendpool.SMTPError, err error) *sendpool.AuthError {
		ae := &sendpool.AuthError{Host: cfg.Addr(), Username: cfg.Username, Reply: reply, Err: err}
		if reply != nil && sendpool.ClassifyReply(reply.Code, reply.EnhancedCode, reply.Message) == sendpool.ClassAuth {
			ae.Hint = d.refusalHint(reply)
		}
		return ae
	}
	if !secure && !isLoopback(raw.RemoteAddr()) {
		return "", fail(nil, sendpool.ErrInsecureAuth)
	}
	ok, offered := c.Extension("AUTH")
	if !ok {
		return "", fail(nil, errors.New("the server does not offer AUTH (remove smtp.username, or check host and port)"))
	}
	mech, err := chooseMechanism(cfg.Auth, offered)
	if err != nil {
		return "", fail(nil, err)
	}
	sc, err := saslClient(mech, cfg.Username, cfg.Password)
	if err != nil {
		return "", fail(nil, err)
	}
	if err := d.redactErr(c.Auth(sc)); err != nil {
		se, ok := fromSMTP("AUTH", err)
		se = d.redactReply(se)
		switch {
		case !ok && isNetError(err):
			return "", d.broken("AUTH "+mech, err)
		case !ok:
			return "", fail(nil, fmt.Errorf("AUTH %s: %w", mech, err))
		}
		switch sendpool.ClassifyReply(se.Code, se.EnhancedCode, se.Message) {
		case sendpool.ClassTemporary, sendpool.ClassThrottled, sendpool.ClassQuota:
			return "", se // 454 and the like: try again later; a used-up quota stops the run
		}
		return "", fail(se, nil)
	}
	return mech, nil
}

// refusalHint returns advice for a login refusal (530, 535, …): a server
// that wants STARTTLS first, asked in clear (security: none), says so in
// its reply, and no password will help; a refusal to relay (relayHint);
// a login asked of a campaign without smtp.username, to set one;
// otherwise authHint.
func (d *Dialer) refusalHint(reply *sendpool.SMTPError) string {
	if reply != nil && sendpool.IsRelayRefusal(reply.Code, reply.Message) {
		return relayHint(d.cfg.Username, d.noAuth.Load(), d.cfg.Security)
	}
	if d.cfg.Security == campaign.SecurityNone && reply != nil && strings.Contains(strings.ToUpper(reply.Message), "STARTTLS") {
		return "the server wants TLS before anything else, and smtp.security is none: set smtp.security: starttls (usually port 587) or tls (port 465)"
	}
	if reply != nil {
		if h := loginOffHint(strings.ToLower(reply.Message)); h != "" {
			return h
		}
	}
	if d.cfg.Username == "" {
		// No login was tried: the server asks for one (530 "Authentication
		// required" at MAIL FROM), and no password can be wrong.
		return "the server takes mail only from clients that log in: set smtp.username and the password's variable in smtp.password_env"
	}
	return authHint(d.cfg.Host)
}

// relayHint returns advice for a server that refuses to relay the
// campaign's mail to the recipients' domains: without smtp.username, log
// in (or be trusted by address), or, where the session offered no AUTH
// (noAuth), which a login set now would only meet as "does not offer
// AUTH", be trusted or use the port that takes logins (after STARTTLS,
// under security sec none); with a username, the login does not carry
// the right, which only the server's administrator can give.
func relayHint(username string, noAuth bool, sec campaign.Security) string {
	if username == "" && noAuth {
		h := "the server relays mail to other domains only for clients that log in or that it trusts, and offers no login (AUTH) here: have its administrator trust this machine's address, or point smtp.host and smtp.port at its submission service (usually port 587, security: starttls) and set smtp.username"
		if sec == campaign.SecurityNone {
			h += " (many servers offer AUTH only after STARTTLS: try security: starttls first)"
		}
		return h
	}
	if username == "" {
		return "the server relays mail to other domains only for clients that log in or that it trusts: set smtp.username and the password's variable in smtp.password_env, or have its administrator trust this machine's address"
	}
	return fmt.Sprintf("the server took the login but does not relay mail to other domains for %q: its administrator must allow that account to relay, or give one that may", username)
}

// loginOffHint returns advice for a login refusal whose text t (lower
// case) says password logins are turned off, which no password or app
// password answers: Exchange Online's "5.7.139 … SmtpClientAuthentication
// is disabled for the Tenant/Mailbox" and its "basic authentication is
// disabled"; "" for any other text.
func loginOffHint(t string) string {
	switch {
	case strings.Contains(t, "smtpclientauthentication is disabled"):
		return "SMTP AUTH is turned off for this mailbox or its whole organization (Exchange Online 5.7.139): an administrator must enable Authenticated SMTP for the mailbox; no password helps"
	case strings.Contains(t, "basic authentication is disabled"), strings.Contains(t, "basic auth is disabled"):
		return "the server takes no password logins (basic authentication is disabled): log in with OAuth2 (smtp.auth: xoauth2, the access token in the environment variable smtp.password_env names)"
	}
	return ""
}

// authHint returns advice for a refused login, naming the providers that
// want an app-specific authorization code instead of the account password.
func authHint(host string) string {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range []string{"163.com", "126.com", "yeah.net", "188.com", "qq.com", "foxmail.com", "sina.com", "sina.cn", "sohu.com", "aliyun.com"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return "this provider wants the authorization code (授权码) from its web settings, not the login password: use the authorization code, not the login password"
		}
	}
	for _, d := range []string{"gmail.com", "googlemail.com", "outlook.com", "office365.com", "yahoo.com", "icloud.com"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return "this provider refuses the account password over SMTP: use an app password (or OAuth2 with auth: xoauth2)"
		}
	}
	return "check smtp.username and the password in the environment variable named by smtp.password_env"
}

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
	answered        bool // the one challenge was answered
}

func (c *xoauth2Client) Start() (string, []byte, error) {
	return mechXOAUTH2, []byte("user=" + c.username + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

// Next answers the server's one challenge (its error) with an empty line;
// a second challenge is no XOAUTH2 exchange, and ends it.
func (c *xoauth2Client) Next([]byte) ([]byte, error) {
	if c.answered {
		return nil, errors.New("smtpclient: XOAUTH2: the server sent a second challenge")
	}
	c.answered = true
	return []byte{}, nil
}
