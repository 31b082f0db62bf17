package campaign

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// MailboxProtocol is how the campaign's mailbox is read.
type MailboxProtocol int

const (
	// MailboxIMAP is IMAP4rev1 (RFC 3501), the default: it can read a
	// folder, move messages and keep copies of what was sent.
	MailboxIMAP MailboxProtocol = iota
	// MailboxPOP3 is POP3 (RFC 1939): the inbox only.
	MailboxPOP3
)

// ParseMailboxProtocol parses "imap" (or "") or "pop3"; anything else is
// an error.
func ParseMailboxProtocol(s string) (MailboxProtocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "imap":
		return MailboxIMAP, nil
	case "pop3":
		return MailboxPOP3, nil
	default:
		return 0, fmt.Errorf("unknown protocol %q (use imap or pop3)", s)
	}
}

func (p MailboxProtocol) String() string {
	switch p {
	case MailboxIMAP:
		return "imap"
	case MailboxPOP3:
		return "pop3"
	default:
		return fmt.Sprintf("MailboxProtocol(%d)", int(p))
	}
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *MailboxProtocol) UnmarshalText(b []byte) error {
	v, err := ParseMailboxProtocol(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// SentCopies says which delivered messages get a copy in the Sent folder.
type SentCopies int

const (
	// SentCopiesAll copies every delivered message (the default).
	SentCopiesAll SentCopies = iota
	// SentCopiesOne copies the first delivered message only, as the
	// campaign's record.
	SentCopiesOne
)

// ParseSentCopies parses "all" (or "") or "one"; anything else is an error.
func ParseSentCopies(s string) (SentCopies, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "all":
		return SentCopiesAll, nil
	case "one":
		return SentCopiesOne, nil
	default:
		return 0, fmt.Errorf("unknown sent_copies %q (use all or one)", s)
	}
}

func (c SentCopies) String() string {
	switch c {
	case SentCopiesAll:
		return "all"
	case SentCopiesOne:
		return "one"
	default:
		return fmt.Sprintf("SentCopies(%d)", int(c))
	}
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *SentCopies) UnmarshalText(b []byte) error {
	v, err := ParseSentCopies(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// SentCopiesAdvice is the number of recipients above which sent_copies:
// one is advised (see Mailbox.SentWarning).
const SentCopiesAdvice = 1000

// Mailbox is the campaign's `mailbox:` section: the mailbox that receives
// the campaign's bounces (read by `tidings bounces`) and, over IMAP, keeps
// copies of the delivered messages in SentFolder. No section (or an empty
// one) leaves it zero: Configured is false.
type Mailbox struct {
	// Protocol is imap (the default) or pop3.
	Protocol MailboxProtocol `yaml:"protocol"`
	Host     string          `yaml:"host"`
	// Port defaults by protocol and security: IMAP 993 with tls, 143
	// with starttls or none; POP3 995 with tls, 110 with starttls or none.
	Port int `yaml:"port"`
	// Security is tls (the default), starttls or none, as for smtp:; the
	// password goes in clear only to a loopback address.
	Security Security `yaml:"security"`
	Username string   `yaml:"username"`
	// PasswordEnv names the environment variable holding the password
	// (it may be the one smtp.password_env names), read as
	// SMTP.PasswordEnv is.
	PasswordEnv string `yaml:"password_env"`
	// Folder is where bounces arrive (IMAP); default INBOX.
	Folder string `yaml:"folder"`
	// SentFolder, when set (IMAP only), receives a copy of each delivered
	// message, flagged \Seen.
	SentFolder string `yaml:"sent_folder"`
	// SentCopies is all (the default) or one (the first delivered message
	// only). Only with SentFolder.
	SentCopies SentCopies `yaml:"sent_copies"`
	// Timeout bounds each wait on the server; default 30s.
	Timeout            Duration `yaml:"timeout"`
	InsecureSkipVerify bool     `yaml:"insecure_skip_verify"`
	// CAFile adds a PEM bundle of trusted roots (for a private CA);
	// absolute after Load.
	CAFile string `yaml:"ca_file"`
	// AuthservID names the server that receives the mailbox's mail as it
	// signs its Authentication-Results (RFC 8601): tidings bounces applies
	// an unsubscribe request by mail only when that server's topmost
	// field vouches for its From. Empty (the default) trusts none: the
	// requests are listed, not applied.
	AuthservID AuthservID `yaml:"authserv_id"`
}

// AuthservID is an authentication service identifier (RFC 8601 2.5): the
// name a receiving server writes at the head of its
// Authentication-Results fields, most often its host name
// ("mx.example.org"). It is kept in lower case: it compares so.
type AuthservID string

// ParseAuthservID parses an authserv-id: one word, without spaces,
// semicolons, parentheses, quotes or control characters; "" is none.
func ParseAuthservID(s string) (AuthservID, error) {
	v := strings.TrimSpace(s)
	bad := func(r rune) bool { return r <= ' ' || r == 0x7f || strings.ContainsRune(`;()"\`, r) }
	if strings.ContainsFunc(v, bad) || !utf8.ValidString(v) {
		return "", fmt.Errorf("%q is not an authserv-id: the name at the head of the receiving server's Authentication-Results fields (e.g. mx.example.org), one word", s)
	}
	return AuthservID(strings.ToLower(v)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *AuthservID) UnmarshalText(b []byte) error {
	v, err := ParseAuthservID(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Configured reports whether the campaign file names a mailbox.
func (m *Mailbox) Configured() bool { return m.Host != "" }

// SentWarning is the warning for a run that delivers to recipients
// messages with a copy of each in SentFolder when that is more than
// SentCopiesAdvice of them; "" otherwise.
func (m *Mailbox) SentWarning(recipients int) string {
	if m.SentFolder == "" || m.SentCopies != SentCopiesAll || recipients <= SentCopiesAdvice {
		return ""
	}
	return fmt.Sprintf("mailbox.sent_copies is all: %d copies go to %q and count against the mailbox's quota; sent_copies: one keeps the first message only, as the campaign's record", recipients, m.SentFolder)
}

// UnsubscribeWarning says, for a campaign whose List-Unsubscribe names
// mailto (its unsubscribe.mailto; "" for none), that tidings bounces
// applies no unsubscribe request by mail from this mailbox while
// authserv_id is not set: it trusts no Authentication-Results field, so
// every request is listed for the user to add by hand. "" otherwise.
func (m *Mailbox) UnsubscribeWarning(mailto string) string {
	if mailto == "" || m.AuthservID != "" || !m.Configured() {
		return ""
	}
	return fmt.Sprintf("unsubscribe.mailto %s and no mailbox.authserv_id: tidings bounces applies no unsubscribe request by mail until it names the server that receives this mailbox's mail (the authserv-id of the Authentication-Results fields it adds, e.g. mx.example.org); until then it lists each request for you to add by hand", mailto)
}

// check validates the mailbox: section of data (the campaign file) and
// fills in the defaults. A problem is a *FileError at the setting to change;
// note is what to tell about a password_env written as "$NAME". A missing
// or empty section is no mailbox and no error.
func (m *Mailbox) check(file string, data []byte) (note string, err error) {
	if sec, ok := nodeAt(data, "mailbox").(*ast.MappingNode); !ok || len(sec.Values) == 0 {
		return "", nil
	}
	at := func(key string, err error) error {
		line, col := position(data, "mailbox."+key)
		if key == "" {
			line, col = entryPosition(data, "mailbox")
		}
		return &FileError{File: file, Line: line, Column: col, Err: err}
	}
	m.PasswordEnv, note, err = cleanEnvName("mailbox.password_env", m.PasswordEnv, true)
	if err != nil {
		return "", at("password_env", err)
	}
	if key, err := m.validate(data); err != nil {
		return "", at(key, err)
	}
	m.defaults()
	return note, nil
}

// validate returns the first problem of the section and the key it is at
// ("" for the section itself).
func (m *Mailbox) validate(data []byte) (key string, err error) {
	pop3 := m.Protocol == MailboxPOP3
	switch {
	case strings.TrimSpace(m.Host) == "":
		return "", errors.New("mailbox.host: required in a mailbox: section (the server bounces are read from, e.g. imap.163.com)")
	case m.Port < 0 || m.Port > 65535:
		return "port", fmt.Errorf("mailbox.port: %d is not a port", m.Port)
	case strings.TrimSpace(m.Username) == "":
		return "", errors.New("mailbox.username: required (the mailbox's login, often its address)")
	case m.PasswordEnv == "":
		return "username", fmt.Errorf("mailbox.password_env: required with mailbox.username; %s (the secret comes from the environment, never from this file; it may name the same variable as smtp.password_env)", passwordAdvice("mailbox"))
	case pop3 && m.SentFolder != "":
		return "sent_folder", errors.New("mailbox.sent_folder: IMAP only (POP3 cannot store a message); use protocol: imap or remove sent_folder")
	case pop3 && m.Folder != "" && !strings.EqualFold(m.Folder, "INBOX"):
		return "folder", errors.New("mailbox.folder: POP3 reads the inbox only; use protocol: imap to read another folder")
	case strings.ContainsFunc(m.Folder+m.SentFolder, isControl):
		if strings.ContainsFunc(m.Folder, isControl) {
			return "folder", errors.New("mailbox.folder: a folder name holds no control characters")
		}
		return "sent_folder", errors.New("mailbox.sent_folder: a folder name holds no control characters")
	case m.SentFolder != "" && sameFolder(m.SentFolder, m.Folder):
		return "sent_folder", errors.New("mailbox.sent_folder: that is the folder bounces are read from (mailbox.folder, INBOX when not set); name the Sent folder")
	case m.SentFolder == "" && nodeAt(data, "mailbox.sent_copies") != nil:
		return "sent_copies", errors.New("mailbox.sent_copies: only with mailbox.sent_folder, where the copies go")
	}
	return "", nil
}

// defaults fills in the port, folder and timeout not set.
func (m *Mailbox) defaults() {
	if m.Port == 0 {
		m.Port = defaultMailboxPort(m.Protocol, m.Security)
	}
	if m.Folder == "" {
		m.Folder = "INBOX"
	}
	if m.Timeout == 0 {
		m.Timeout = Duration(30 * time.Second)
	}
}

// defaultMailboxPort is the registered port of the protocol: implicit TLS
// (RFC 8314) or the one STARTTLS and clear text share (RFC 2595).
func defaultMailboxPort(p MailboxProtocol, s Security) int {
	tls := s == SecurityTLS
	switch {
	case p == MailboxPOP3 && tls:
		return 995
	case p == MailboxPOP3:
		return 110
	case tls:
		return 993
	default:
		return 143
	}
}

// sameFolder reports whether IMAP names a and b ("" for INBOX) are one
// folder: INBOX is case-insensitive (RFC 3501 5.1), other names are not.
func sameFolder(a, b string) bool {
	inbox := func(s string) bool { return s == "" || strings.EqualFold(s, "INBOX") }
	return inbox(a) && inbox(b) || a == b
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
