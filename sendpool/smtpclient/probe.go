package smtpclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
)

// probeExtensions are the EHLO keywords Probe reports, in order.
var probeExtensions = []string{"PIPELINING", "CHUNKING", "SIZE", "SMTPUTF8", "8BITMIME", "STARTTLS", "AUTH", "DSN", "ENHANCEDSTATUSCODES", "REQUIRETLS"}

// Probe connects as a send would (same TLS, same login) and writes to w
// what it finds: the address connected to, TLS version and certificate
// (subject, issuer, expiry), the greeting, the name sent with EHLO and
// where it came from, the EHLO extensions that matter
// (PIPELINING, CHUNKING, SIZE, SMTPUTF8, 8BITMIME, STARTTLS, AUTH mechanisms,
// DSN), the outcome of the login, and what the server answers env's
// recipients (probeRcpts: RCPT TO without a message, then RSET). When
// something is wrong it says so plainly and returns the same typed error a
// send would (*sendpool.AuthError, also for a server that would refuse to
// relay every recipient, *sendpool.TLSError, or a connection error).
//
// go-smtp does not expose the greeting; Probe reads it from the transcript
// the client writes. For STARTTLS the extensions shown are those offered
// after the upgrade, which are the ones a send uses.
func Probe(ctx context.Context, cfg Config, env ProbeEnvelope, w io.Writer) error {
	d, err := NewDialer(cfg)
	if err != nil {
		fmt.Fprintf(w, "problem: %v\n", err)
		return err
	}
	cfg = d.cfg
	fmt.Fprintf(w, "server: %s (security %s, protocol %s)\n", cfg.Addr(), cfg.Security, cfg.Protocol)
	for _, warn := range cfg.Warnings() {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}

	var capture bytes.Buffer
	capt := newTranscript(&lockedWriter{w: &capture}, 0, cfg.Username, cfg.Password)
	greetingShown := false
	showGreeting := func() {
		if greetingShown {
			return
		}
		greetingShown = true
		if g := greetingFrom(capture.String()); g != "" {
			fmt.Fprintf(w, "greeting: %s\n", g)
		}
	}
	notes := &probeNotes{
		tap: capt,
		connected: func(remote net.Addr, took time.Duration) {
			fmt.Fprintf(w, "connected to %s in %s\n", remote, took.Round(time.Millisecond))
		},
		tls: func(st tls.ConnectionState) {
			if cfg.Security == campaign.SecurityStartTLS {
				showGreeting()
				fmt.Fprintln(w, "STARTTLS: accepted")
			}
			writeTLS(w, st, &cfg)
		},
		hello: func(c *smtp.Client, name string) {
			showGreeting()
			fmt.Fprintf(w, "EHLO name: %s (%s)\n", name, d.heloSource())
			writeExtensions(w, c)
		},
		auth: func(mech string) {
			fmt.Fprintf(w, "login as %s: OK (%s)\n", cfg.Username, mech)
		},
	}
	c, err := d.dial(ctx, notes)
	if err != nil {
		showGreeting()
		fmt.Fprintf(w, "problem: %s\n", explain(err, &cfg))
		return err
	}
	if cfg.Username == "" {
		fmt.Fprintln(w, "login: skipped (no smtp.username)")
	}
	noted, unasked, err := d.probeRcpts(c, env, w)
	c.Quit(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, probeVerdict(noted, unasked))
	return nil
}

// probeVerdict is Probe's last line on SMTP when it found no problem:
// noted, it wrote a note that some rows would fail; unasked, the domains
// the server ended the session before answering for, which make the
// answer partial. "Everything looks right" only when neither.
func probeVerdict(noted bool, unasked []string) string {
	partial := ""
	if len(unasked) > 0 {
		partial = "the answer is partial, not every domain asked: the server ended the session before probe asked about " + strings.Join(unasked, ", ")
	}
	switch {
	case noted && partial != "":
		return "smtp: a send would get this far, but not every row would go: see the notes above; and " + partial
	case noted:
		return "smtp: a send would get this far, but not every row would go: see the notes above"
	case partial != "":
		return "smtp: a send would get this far with the domains asked, but " + partial
	}
	return "smtp: everything looks right: a send would get this far"
}

// greetingFrom picks the first server reply out of a transcript.
func greetingFrom(tr string) string {
	var lines []string
	for _, l := range strings.Split(tr, "\n") {
		_, rest, ok := strings.Cut(l, "S: ")
		if !ok {
			if len(lines) > 0 {
				break
			}
			continue
		}
		lines = append(lines, rest)
		if len(rest) < 4 || rest[3] != '-' {
			break
		}
	}
	return strings.Join(lines, " / ")
}

func writeTLS(w io.Writer, st tls.ConnectionState, cfg *Config) {
	fmt.Fprintf(w, "TLS: %s, %s\n", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	if len(st.PeerCertificates) == 0 {
		return
	}
	leaf := st.PeerCertificates[0]
	left := time.Until(leaf.NotAfter)
	verified := "verified for " + cfg.Host
	if cfg.InsecureSkipVerify {
		verified = "NOT verified (smtp.insecure_skip_verify)"
	}
	days := fmt.Sprintf("%d days left", int(left.Hours()/24))
	switch d := int(left.Hours() / 24); {
	case left < 0:
		days = "expired"
	case d == 0:
		days = "less than a day left"
	case d == 1:
		days = "1 day left"
	}
	fmt.Fprintf(w, "certificate: %s, issued by %s, valid until %s (%s), %s\n",
		leaf.Subject, leaf.Issuer, leaf.NotAfter.UTC().Format(time.DateOnly), days, verified)
	if left < 14*24*time.Hour {
		fmt.Fprintln(w, "warning: the certificate expires in less than two weeks")
	}
}

func writeExtensions(w io.Writer, c *smtp.Client) {
	fmt.Fprintln(w, "extensions:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, ext := range probeExtensions {
		ok, param := c.Extension(ext)
		v := "no"
		switch {
		case ok && param != "" && ext == "SIZE":
			v = "yes, at most " + param + " bytes"
		case ok && param != "":
			v = param
		case ok:
			v = "yes"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", ext, v)
	}
	tw.Flush()
}

// explain says in words what a dial error means.
func explain(err error, cfg *Config) string {
	var (
		de     *sendpool.DialError
		se     *sendpool.SMTPError
		dnsErr *net.DNSError
	)
	switch {
	case errors.Is(err, sendpool.ErrAuth), errors.Is(err, sendpool.ErrTLS):
		return sendpool.Reason(err)
	case errors.As(err, &de) && de.Hint != "":
		return de.Hint
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("nothing accepts connections at %s (check smtp.host and smtp.port: 465 is implicit TLS, 587 and 25 are STARTTLS): %s", cfg.Addr(), sendpool.Reason(err))
	case isTimeout(err):
		return fmt.Sprintf("no answer from %s within %s (a firewall, the wrong port, or the wrong smtp.security: 465 is implicit TLS, 587 and 25 are STARTTLS): %s", cfg.Addr(), cfg.timeout(), sendpool.Reason(err))
	case errors.As(err, &se):
		switch sendpool.ClassifyReply(se.Code, se.EnhancedCode, se.Message) {
		case sendpool.ClassThrottled:
			return "the server refuses the connection for now and asks to slow down: " + se.Reply()
		case sendpool.ClassQuota:
			return "the server says the sending quota is used up; send again once it resets: " + se.Reply()
		}
		return "the server refused: " + se.Reply()
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("the host name %s does not resolve: %s", cfg.Host, sendpool.Reason(err))
	default:
		return sendpool.Reason(err)
	}
}
