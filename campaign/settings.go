package campaign

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Security is how the SMTP connection is protected.
type Security int

const (
	// SecurityTLS is implicit TLS from the first byte (port 465, RFC 8314).
	SecurityTLS Security = iota
	// SecurityStartTLS requires STARTTLS (RFC 3207); no plaintext fallback.
	SecurityStartTLS
	// SecurityNone is plain SMTP; AUTH is then refused except to loopback.
	SecurityNone
)

// ParseSecurity parses "tls" (or "ssl"), "starttls" or "none"; anything
// else is an error, which names the setting's word for a mail program's
// ("SSL/TLS" is tls, mailmerge's "Never" none).
func ParseSecurity(s string) (Security, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "tls", "ssl":
		return SecurityTLS, nil
	case "starttls":
		return SecurityStartTLS, nil
	case "none":
		return SecurityNone, nil
	case "ssl/tls", "tls/ssl":
		return 0, fmt.Errorf("unknown security %q: write tls (what mail programs call SSL/TLS; port 465)", s)
	case "never":
		return 0, fmt.Errorf("unknown security %q: write none (what mailmerge calls Never; a login in clear only to a server on this machine)", s)
	default:
		return 0, fmt.Errorf("unknown security %q (use tls, starttls or none)", s)
	}
}

func (s Security) String() string {
	switch s {
	case SecurityTLS:
		return "tls"
	case SecurityStartTLS:
		return "starttls"
	case SecurityNone:
		return "none"
	default:
		return fmt.Sprintf("Security(%d)", int(s))
	}
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Security) UnmarshalText(b []byte) error {
	v, err := ParseSecurity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Protocol is the mail submission protocol.
type Protocol int

const (
	// ProtocolSMTP is SMTP (RFC 5321).
	ProtocolSMTP Protocol = iota
	// ProtocolLMTP is LMTP (RFC 2033), for delivery to a local mailbox server.
	ProtocolLMTP
)

// ParseProtocol parses "smtp" or "lmtp".
func ParseProtocol(s string) (Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "smtp", "":
		return ProtocolSMTP, nil
	case "lmtp":
		return ProtocolLMTP, nil
	default:
		return 0, fmt.Errorf("unknown protocol %q (use smtp or lmtp)", s)
	}
}

func (p Protocol) String() string {
	switch p {
	case ProtocolSMTP:
		return "smtp"
	case ProtocolLMTP:
		return "lmtp"
	default:
		return fmt.Sprintf("Protocol(%d)", int(p))
	}
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Protocol) UnmarshalText(b []byte) error {
	v, err := ParseProtocol(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Transport chooses the SMTP client exchange after login.
type Transport int

const (
	// TransportAuto pipelines (RFC 2920, with BDAT when CHUNKING is also
	// offered) when the server offers PIPELINING, and uses the plain
	// exchange otherwise. The zero value.
	TransportAuto Transport = iota
	// TransportPipelined requires PIPELINING: a server without it is an
	// error.
	TransportPipelined
	// TransportPlain is the lockstep exchange: one reply awaited per
	// command.
	TransportPlain
)

// ParseTransport parses "auto" (or ""), "pipelined" or "plain"; anything
// else is an error.
func ParseTransport(s string) (Transport, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return TransportAuto, nil
	case "pipelined":
		return TransportPipelined, nil
	case "plain":
		return TransportPlain, nil
	default:
		return 0, fmt.Errorf("unknown transport %q (use auto, pipelined or plain)", s)
	}
}

func (t Transport) String() string {
	switch t {
	case TransportAuto:
		return "auto"
	case TransportPipelined:
		return "pipelined"
	case TransportPlain:
		return "plain"
	default:
		return fmt.Sprintf("Transport(%d)", int(t))
	}
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Transport) UnmarshalText(b []byte) error {
	v, err := ParseTransport(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Rate is a number of events per period, written "10/s", "600/m", "2000/h"
// or "500/d".
type Rate struct {
	N   int
	Per time.Duration
}

// ParseRate parses "N/s", "N/m", "N/h" or "N/d" (the units also spelled
// sec/second, min/minute, hour and day); anything else is an error.
func ParseRate(s string) (Rate, error) {
	n, unit, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: want N/s, N/m, N/h or N/d", s)
	}
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || count <= 0 {
		return Rate{}, fmt.Errorf("rate %q: count must be a positive whole number", s)
	}
	var per time.Duration
	switch strings.TrimSpace(unit) {
	case "s", "sec", "second":
		per = time.Second
	case "m", "min", "minute":
		per = time.Minute
	case "h", "hour":
		per = time.Hour
	case "d", "day":
		per = 24 * time.Hour
	default:
		return Rate{}, fmt.Errorf("rate %q: unit must be s, m, h or d", s)
	}
	return Rate{N: count, Per: per}, nil
}

// PerSecond is the rate as events per second; 0 for the zero Rate.
func (r Rate) PerSecond() float64 {
	if r.N == 0 || r.Per == 0 {
		return 0
	}
	return float64(r.N) / r.Per.Seconds()
}

// IsZero reports whether no rate was set (unlimited).
func (r Rate) IsZero() bool { return r.N == 0 }

func (r Rate) String() string {
	if r.IsZero() {
		return "unlimited"
	}
	unit := map[time.Duration]string{time.Second: "s", time.Minute: "m", time.Hour: "h", 24 * time.Hour: "d"}[r.Per]
	return fmt.Sprintf("%d/%s", r.N, unit)
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Rate) UnmarshalText(b []byte) error {
	v, err := ParseRate(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Duration is a time.Duration written as "30s", "2m".
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("duration %q: %w", b, err)
	}
	if v < 0 {
		return fmt.Errorf("duration %q: must not be negative", b)
	}
	*d = Duration(v)
	return nil
}

// ByteSize is a size in bytes written as "25MB", "512KB" or a plain number.
type ByteSize int64

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *ByteSize) UnmarshalText(b []byte) error {
	t := strings.ToUpper(strings.TrimSpace(string(b)))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("size %q: want a positive number with KB, MB or GB", b)
	}
	if n > math.MaxInt64/mult {
		return fmt.Errorf("size %q: too large", b)
	}
	*s = ByteSize(n * mult)
	return nil
}

// SMTP is the campaign's `smtp:` section.
type SMTP struct {
	Host     string   `yaml:"host"`
	Port     int      `yaml:"port"`
	Security Security `yaml:"security"`
	Protocol Protocol `yaml:"protocol"`
	Username string   `yaml:"username"`
	// PasswordEnv names the environment variable holding the secret. The
	// secret itself is never read from the campaign file. Load reads
	// "$NAME" as NAME (with a note in Campaign.Warnings) and refuses a value
	// that is no variable name without repeating it.
	PasswordEnv string `yaml:"password_env"`
	// Auth chooses the SASL mechanism: "" (best offered), plain, login,
	// cram-md5 or xoauth2.
	Auth               string   `yaml:"auth"`
	Helo               string   `yaml:"helo"`
	Timeout            Duration `yaml:"timeout"`
	InsecureSkipVerify bool     `yaml:"insecure_skip_verify"`
	// CAFile adds a PEM bundle of trusted roots (for a private CA).
	CAFile string `yaml:"ca_file"`
	// Transport chooses the client exchange: auto (pipelined when the
	// server offers it), pipelined, or plain.
	Transport Transport `yaml:"transport"`
}

// ErrPasswordEnv is the error for a smtp.password_env that is not the name
// of an environment variable; the error for such a mailbox.password_env
// matches it with errors.Is. The value is never part of the message.
var ErrPasswordEnv = errors.New("smtp.password_env must name an environment variable (letters, digits, _); the value given is not shown, since it may be a password")

// passwordEnvError is ErrPasswordEnv for another key than smtp.password_env.
type passwordEnvError struct{ key string }

func (e *passwordEnvError) Error() string {
	return e.key + " must name an environment variable (letters, digits, _); the value given is not shown, since it may be a password"
}

func (e *passwordEnvError) Is(target error) bool { return target == ErrPasswordEnv }

// envNameRE matches an environment variable's name (see IsEnvName).
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// IsEnvName reports whether s can be the name of an environment variable
// as the *_env settings take it: letters, digits and '_', not starting
// with a digit.
func IsEnvName(s string) bool { return envNameRE.MatchString(s) }

// shownEnvRE matches a variable's name as environment variables are named
// by convention (see EnvNameShown).
var shownEnvRE = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// EnvNameShown reports whether name, the value of a password_env setting,
// may be printed: written in capitals, digits and '_', as environment
// variables are named by convention. One with small letters ("hunter2",
// "Summer2026") may be the password itself, written where its variable's
// name goes, and a message says which setting instead.
func EnvNameShown(name string) bool { return shownEnvRE.MatchString(name) }

// cleanPasswordEnv reads PasswordEnv as the name of an environment
// variable (see cleanEnvName).
func (s *SMTP) cleanPasswordEnv() (note string, err error) {
	s.PasswordEnv, note, err = cleanEnvName("smtp.password_env", s.PasswordEnv, true)
	return note, err
}

// cleanEnvName reads v, the value of the setting key, as the name of an
// environment variable. "$NAME" and "${NAME}", written as a shell would,
// are read as NAME with a note saying so, which names NAME when
// EnvNameShown or when the secret is never a name (a DKIM key: password
// false); anything else that is not a name (IsEnvName) is an error
// matching ErrPasswordEnv, since it is probably the password itself: the
// error never holds v.
func cleanEnvName(key, v string, password bool) (name, note string, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", "", nil
	}
	name = v
	if strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}") {
		name = v[2 : len(v)-1]
	} else if strings.HasPrefix(v, "$") {
		name = v[1:]
	}
	if !IsEnvName(name) {
		if key == "smtp.password_env" {
			return "", "", ErrPasswordEnv
		}
		return "", "", &passwordEnvError{key: key}
	}
	switch {
	case name == v:
	case EnvNameShown(name) || !password:
		note = fmt.Sprintf("%s: %q is read as %s; the setting names the variable, without the $", key, v, name)
	default:
		note = fmt.Sprintf("%s: the $ before the name is dropped; the setting names the variable, without the $ (the name is not shown: with small letters it may be the password)", key)
	}
	return name, note, nil
}

func (s *SMTP) validate() error {
	var errs []error
	if s.Port < 0 || s.Port > 65535 {
		errs = append(errs, fmt.Errorf("smtp.port: %d is not a port", s.Port))
	}
	if s.Port == 0 {
		switch s.Security {
		case SecurityTLS:
			s.Port = 465
		case SecurityStartTLS:
			s.Port = 587
		default:
			s.Port = 25
		}
	}
	if s.Timeout == 0 {
		s.Timeout = Duration(30 * time.Second)
	}
	switch strings.ToLower(s.Auth) {
	case "", "plain", "login", "cram-md5", "xoauth2":
	default:
		errs = append(errs, fmt.Errorf("smtp.auth: unknown mechanism %q (use plain, login, cram-md5 or xoauth2)", s.Auth))
	}
	if s.Username != "" && s.PasswordEnv == "" {
		errs = append(errs, fmt.Errorf("smtp.password_env: required with smtp.username; %s (the secret comes from the environment, never from this file)", passwordAdvice("smtp")))
	}
	return errors.Join(errs...)
}

// Send is the campaign's `send:` section.
type Send struct {
	Rate          Rate            `yaml:"rate"`
	Burst         int             `yaml:"burst"`
	Concurrency   int             `yaml:"concurrency"`
	PerConnection int             `yaml:"per_connection"`
	Retries       *int            `yaml:"retries"`
	RetryBackoff  Duration        `yaml:"retry_backoff"`
	Domains       map[string]Rate `yaml:"domains"`
	DailyCap      int             `yaml:"daily_cap"`
	// MaxBounceRate is the send guard's limit on the share of bounced
	// messages, "5%" when not set; "0" turns the guard off. Read it with
	// BounceLimit.
	MaxBounceRate *Percent `yaml:"max_bounce_rate"`
}

// DefaultMaxBounceRate is send.max_bounce_rate when the file does not set it.
const DefaultMaxBounceRate Percent = 5

// BounceLimit is send.max_bounce_rate: as written, DefaultMaxBounceRate
// when not set; 0% (Off) means no limit.
func (s *Send) BounceLimit() Percent {
	if s.MaxBounceRate == nil {
		return DefaultMaxBounceRate
	}
	return *s.MaxBounceRate
}

// MaxRetries is the number of retries for temporary failures (default 3).
func (s *Send) MaxRetries() int {
	if s.Retries == nil {
		return 3
	}
	return *s.Retries
}

func (s *Send) validate() error {
	var errs []error
	if s.Burst < 0 {
		errs = append(errs, errors.New("send.burst: must not be negative"))
	}
	if s.Burst == 0 {
		s.Burst = 1
	}
	if s.Concurrency < 0 || s.Concurrency > 256 {
		errs = append(errs, fmt.Errorf("send.concurrency: %d is out of range 1..256", s.Concurrency))
	}
	if s.Concurrency == 0 {
		s.Concurrency = 4
	}
	if s.PerConnection < 0 {
		errs = append(errs, errors.New("send.per_connection: must not be negative"))
	}
	if s.PerConnection == 0 {
		s.PerConnection = 100
	}
	if s.Retries != nil && *s.Retries < 0 {
		errs = append(errs, errors.New("send.retries: must not be negative"))
	}
	if s.RetryBackoff == 0 {
		s.RetryBackoff = Duration(30 * time.Second)
	}
	if s.DailyCap < 0 {
		errs = append(errs, errors.New("send.daily_cap: must not be negative"))
	}
	return errors.Join(errs...)
}
