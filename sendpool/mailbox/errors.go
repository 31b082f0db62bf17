package mailbox

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrLogin marks a login the server refused (a *LoginError).
	ErrLogin = errors.New("mailbox: login refused")
	// ErrInUse marks a POP3 login refused because another session holds
	// the maildrop's lock (an *InUseError): no login problem, and it
	// passes once the server ends that session.
	ErrInUse = errors.New("mailbox: the maildrop is locked by another POP3 session")
	// ErrTLS marks a TLS failure: a certificate that does not verify, a
	// failed handshake, STARTTLS required but not offered (a *TLSError).
	ErrTLS = errors.New("mailbox: TLS failed")
	// ErrInsecureAuth is the refusal, before anything is sent, to send the
	// password over an unencrypted connection to a host that is not
	// loopback.
	ErrInsecureAuth = errors.New("mailbox: refusing to send the password over an unencrypted connection to a host that is not loopback (use mailbox.security: tls or starttls)")
	// ErrNoStartTLS is wrapped by the *TLSError of a server that did not
	// offer, or refused, STARTTLS (STLS for POP3) when security is
	// starttls: the session never goes on in clear.
	ErrNoStartTLS = errors.New("mailbox: the server did not offer or refused STARTTLS and mailbox.security is starttls: refusing to continue unencrypted")
	// ErrTooLarge is returned by Fetch for a message over the size cap.
	// The session is still usable.
	ErrTooLarge = errors.New("mailbox: message larger than the size cap")
	// ErrNoUIDPlus is the refusal to delete (or to move by copying and
	// deleting) on an IMAP server without UIDPLUS (RFC 4315): the only
	// other way, a plain EXPUNGE, also removes every other message marked
	// \Deleted in the folder. Nothing was changed.
	ErrNoUIDPlus = errors.New("mailbox: the IMAP server lacks UIDPLUS (RFC 4315), so deleting would take a plain EXPUNGE, which also removes every other message marked \\Deleted in the folder; refusing (nothing was changed)")
	// ErrIMAPOnly is returned for what POP3 cannot do: moving, other
	// folders, a Sent folder.
	ErrIMAPOnly = errors.New("mailbox: IMAP only (POP3 reads and deletes the inbox, nothing more)")
	// ErrNoFolder marks a folder the server does not have (a *FolderError).
	ErrNoFolder = errors.New("mailbox: no such folder")
	// ErrNotFound is returned for a message ID the mailbox does not hold
	// (any more).
	ErrNotFound = errors.New("mailbox: no such message")
	// ErrAppendUnknown: APPEND was sent but its reply was lost and the copy
	// could not be looked for (a message without Message-ID, a cancelled
	// context, a server unreachable since): it may or may not be in the
	// folder.
	ErrAppendUnknown = errors.New("mailbox: the reply to APPEND was lost: the copy may or may not be in the folder")
	// ErrClosed is returned by every call on a session that was closed or
	// whose connection broke (wrapping the cause).
	ErrClosed = errors.New("mailbox: session closed")
	// ErrConfig marks a Config that cannot work, refused before anything
	// is sent to the server (a *ConfigError): a setting missing or out of
	// range, a mailbox.ca_file that cannot be read or holds no
	// certificate.
	ErrConfig = errors.New("mailbox: a setting that cannot work")
	// ErrWrongProtocol marks a server that greeted in the other protocol
	// than mailbox.protocol (an IMAP port for POP3, or the other way
	// round): a *ProtocolError.
	ErrWrongProtocol = errors.New("mailbox: the server speaks another protocol")
)

// ProtocolError is a server at Addr whose greeting is the other
// protocol's: Speaks is the protocol it speaks ("IMAP" or "POP3"),
// Greeting what it said. Its message says what to set.
type ProtocolError struct {
	Addr, Speaks, Greeting string
}

func (e *ProtocolError) Error() string {
	speaks, want, setting := "a POP3", "IMAP", "pop3"
	if e.Speaks == "IMAP" {
		speaks, want, setting = "an IMAP", "POP3", "imap"
	}
	return fmt.Sprintf("mailbox: %s is %s server, not %s (it greeted %q): set mailbox.protocol: %s, or mailbox.port to the server's %s port (usually %s)",
		e.Addr, speaks, want, clipLine(e.Greeting), setting, want, usualPorts(want))
}

// usualPorts are the usual ports of protocol ("IMAP" or "POP3"), with the
// security each goes with.
func usualPorts(protocol string) string {
	if protocol == "POP3" {
		return "110 with security starttls or none, 995 with tls"
	}
	return "143 with security starttls or none, 993 with tls"
}

func (e *ProtocolError) Unwrap() error { return ErrWrongProtocol }

// greetingProtocol is the protocol whose greeting line is ("IMAP" for an
// untagged "* OK", "* PREAUTH" or "* BYE", "POP3" for "+OK" or "-ERR"), ""
// when it is neither's.
func greetingProtocol(line string) string {
	l := strings.ToUpper(strings.TrimSpace(line))
	switch {
	case strings.HasPrefix(l, "* OK"), strings.HasPrefix(l, "* PREAUTH"), strings.HasPrefix(l, "* BYE"):
		return "IMAP"
	case strings.HasPrefix(l, "+OK"), strings.HasPrefix(l, "-ERR"):
		return "POP3"
	}
	return ""
}

// SaidGoneError is a POP3 server's -ERR saying a message it listed in
// the session is not there (noSuchMessage): another client took it out
// since, or one the server cannot open (Dovecot says "Message 2
// expunged." of any message file it fails to open: its permissions,
// a storage error), which a new session lists again. It is ErrNotFound.
type SaidGoneError struct{ ID, Text string }

func (e *SaidGoneError) Error() string {
	return fmt.Sprintf("%v: message %s: the server says %q", ErrNotFound, e.ID, e.Text)
}

// Is reports ErrNotFound.
func (e *SaidGoneError) Is(target error) bool { return target == ErrNotFound }

// ReplyError is an IMAP server's NO or BAD to a command, or a POP3
// server's -ERR to RETR. The session is still usable.
type ReplyError struct {
	// Command is the command refused ("SELECT", "UID MOVE", "APPEND"),
	// never with its arguments.
	Command string
	// Status is "NO" or "BAD" (IMAP), or "-ERR" (POP3).
	Status string
	// Code is the response code without brackets ("TRYCREATE",
	// "OVERQUOTA", RFC 5530), "" when there is none.
	Code string
	Text string
}

func (e *ReplyError) Error() string { return "mailbox: " + e.Command + ": server replied " + e.Reply() }

// Reply is the server's words: "NO [OVERQUOTA] Quota exceeded".
func (e *ReplyError) Reply() string {
	s := e.Status
	if e.Code != "" {
		s += " [" + e.Code + "]"
	}
	if e.Text != "" {
		s += " " + e.Text
	}
	return s
}

// LoginError is a login the server refused. errors.Is(err, ErrLogin) is
// true for it. It never holds the password.
type LoginError struct {
	// Addr is the server's host:port, Username the login tried.
	Addr, Username string
	// Reply is the server's refusal ("NO [AUTHENTICATIONFAILED] ...",
	// "-ERR [AUTH] ...").
	Reply string
	// Hint says what usually fixes it at this provider.
	Hint string
}

func (e *LoginError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mailbox: login to %s as %q refused", e.Addr, e.Username)
	if e.Reply != "" {
		b.WriteString(": server replied " + e.Reply)
	}
	if e.Hint != "" {
		b.WriteString(" (" + e.Hint + ")")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrLogin) true.
func (e *LoginError) Is(target error) bool { return target == ErrLogin }

// TLSError is a TLS failure with the mailbox server. errors.Is(err, ErrTLS)
// is true for it.
type TLSError struct {
	Addr string
	// Why says what is wrong in words ("the server's certificate is not
	// valid for \"imap.example.org\"").
	Why string
	Err error
}

func (e *TLSError) Error() string {
	s := "mailbox: TLS with " + e.Addr + " failed"
	if e.Why != "" {
		s += ": " + e.Why
	}
	if e.Err != nil {
		s += ": " + strings.TrimPrefix(e.Err.Error(), "mailbox: ")
	}
	return s
}

func (e *TLSError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrTLS) true.
func (e *TLSError) Is(target error) bool { return target == ErrTLS }

// Lasting reports whether e is a failure every later try meets too, a
// setting to fix: a certificate that does not verify, a peer that speaks
// no TLS or ends the handshake with an alert, STARTTLS not offered or
// refused. A connection dropped, or no answer in time, during the
// handshake is not: it may pass.
func (e *TLSError) Lasting() bool {
	return e.Err == nil || errors.Is(e.Err, ErrNoStartTLS) || isTLSFailure(e.Err)
}

// FolderError is a folder the server does not have. errors.Is(err,
// ErrNoFolder) is true for it.
type FolderError struct {
	Addr   string
	Folder string
	// Folders are the folders the server lists, a special use (RFC 6154)
	// after the name: "Sent Messages (\Sent)".
	Folders []string
	// Setting names where the folder came from ("mailbox.folder",
	// "mailbox.sent_folder"), "" when the caller gave it otherwise.
	Setting string
}

func (e *FolderError) Error() string {
	s := fmt.Sprintf("mailbox: no folder %q on %s", e.Folder, e.Addr)
	if len(e.Folders) > 0 {
		s += " (its folders: " + strings.Join(e.Folders, ", ") + ")"
	}
	if e.Setting != "" {
		s += "; set " + e.Setting + " to one of them"
	}
	return s
}

// Is makes errors.Is(err, ErrNoFolder) true.
func (e *FolderError) Is(target error) bool { return target == ErrNoFolder }

// tlsError is the *TLSError for a failed handshake with addr (host is the
// name the certificate must carry).
func tlsError(addr, host string, err error) *TLSError {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	why := "the TLS handshake failed (is mailbox.security right for this port?)"
	switch {
	case errors.As(err, &ua):
		why = "the server's certificate is signed by an authority this machine does not trust (for a private CA set mailbox.ca_file)"
	case errors.As(err, &he):
		why = fmt.Sprintf("the server's certificate is not valid for %q", host)
	case errors.As(err, &ci):
		why = "the server's certificate is invalid (expired or not yet valid?)"
	}
	return &TLSError{Addr: addr, Why: why, Err: err}
}

// isTLSFailure reports an error of the TLS handshake: a certificate that
// does not verify, an alert, a peer that does not speak TLS.
func isTLSFailure(err error) bool {
	var cv *tls.CertificateVerificationError
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cv) || errors.As(err, &rh) || errors.As(err, &alert) ||
		errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

// loginHint says what usually fixes a refused login at host: the
// providers that want an authorization code or an app password instead of
// the account password, and want IMAP or POP3 turned on in their settings.
func loginHint(host string) string {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	has := func(domains ...string) bool {
		for _, d := range domains {
			if h == d || strings.HasSuffix(h, "."+d) {
				return true
			}
		}
		return false
	}
	switch {
	case has("163.com", "126.com", "yeah.net", "188.com", "qq.com", "foxmail.com", "sina.com", "sina.cn", "sohu.com", "aliyun.com"):
		return "this provider wants the authorization code (授权码) from its web settings, not the login password, and IMAP/POP3 turned on there"
	case has("gmail.com", "googlemail.com", "outlook.com", "office365.com", "yahoo.com", "icloud.com"):
		return "this provider refuses the account password over IMAP and POP3: use an app password, with IMAP turned on in its settings"
	}
	return "check mailbox.username and the password in the environment variable named by mailbox.password_env"
}

// InUseError is a POP3 login the server refused with the IN-USE response
// code (RFC 2449 8.1.1): the credentials may be right, but another
// session holds the maildrop's lock (a server such as Dovecot with
// pop3_lock_session locks it for one session at a time, and holds it
// until it ends that session, or notices its client is gone).
// errors.Is(err, ErrInUse) is true for it.
type InUseError struct {
	// Addr is the server's host:port, Reply its refusal.
	Addr, Reply string
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("mailbox: %s: the maildrop is locked by another POP3 session (server replied %s): not a login problem; it passes once the server ends that session", e.Addr, e.Reply)
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// inUse reports a POP3 reply text with the IN-USE response code.
func inUse(text string) bool {
	return len(text) >= 8 && strings.EqualFold(text[:8], "[IN-USE]")
}

// ConfigError is a Config that cannot work (see ErrConfig); its message
// is Err's. errors.Is(err, ErrConfig) is true for it.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }

func (e *ConfigError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrConfig) true.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }
