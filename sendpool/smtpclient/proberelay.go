package smtpclient

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/sendpool"
)

// ProbeEnvelope is what Probe asks the server about after the login,
// sending nothing: MAIL FROM From, RCPT TO each of To (the campaign's
// first rows' recipients, one a domain), then RSET. With no To, Probe
// asks nothing.
type ProbeEnvelope struct {
	From string
	To   []string
}

// rcptAnswers is what the server answered probeRcpts' RCPTs.
type rcptAnswers struct {
	answered int                 // RCPTs the server answered for themselves
	relayed  bool                // it took a recipient outside From's domain
	refusal  *sendpool.SMTPError // the first that wants a login or will not relay
	others   []string            // refused recipients whose refusal is their own
}

// probeRcpts asks the server on c about env's recipients without sending:
// MAIL FROM, RCPT TO each, RSET; it writes each answer to w. It returns
// the error a send would stop for: the *sendpool.AuthError of a refusal
// that wants a login or to relay (ClassAuth) when the server took no other
// domain's recipient, the refusal of MAIL FROM, or a broken connection
// before any RCPT was answered. A refusal of some recipients only is a
// note: their rows would fail. A server that ends the session after some
// answers (Postfix's "421 4.7.0 Error: too many errors"), or fails RSET,
// is a note too (a send connects again): the verdict is on the answers
// it gave. noted reports that it wrote a note that some rows would fail;
// unasked are the domains of env.To the server ended the session before
// answering for, whose rows that verdict does not cover.
func (d *Dialer) probeRcpts(c *smtpConn, env ProbeEnvelope, w io.Writer) (noted bool, unasked []string, err error) {
	if len(env.To) == 0 {
		return false, nil, nil
	}
	// SMTPUTF8 as a send's MAIL declares it for an address beyond ASCII
	// (a strict server refuses "jörg@…" without it, which would read as
	// the row failing).
	intl := !isASCII(env.From) || slices.ContainsFunc(env.To, func(a string) bool { return !isASCII(a) })
	if err := c.c.Mail(env.From, &smtp.MailOptions{UTF8: c.utf8 && intl}); err != nil {
		return false, nil, d.mailRefused(w, env.From, err)
	}
	fmt.Fprintf(w, "MAIL FROM:<%s>: accepted\n", env.From)
	var a rcptAnswers
	for i, to := range env.To {
		if err := a.ask(c, to, domainOf(env.From), w); err != nil {
			if a.answered == 0 {
				return false, nil, err
			}
			noted, err := d.rcptVerdict(a, w)
			for _, u := range env.To[i:] {
				unasked = append(unasked, domainOf(u))
			}
			return noted, unasked, err
		}
	}
	if err := c.c.Reset(); err != nil {
		d.probeEnded(w, "RSET", err)
	} else {
		c.hc.arm() // go-smtp's QUIT would send EHLO first (see helloCache)
		fmt.Fprintln(w, "RSET: no message was sent")
	}
	noted, err = d.rcptVerdict(a, w)
	return noted, nil, err
}

// ask sends RCPT TO:<to> on c and takes the answer into a, writing it to
// w. It returns an error when the session ended instead (a 421 or a
// broken connection): probeFailed's when no RCPT was answered before,
// probeEnded's note otherwise.
func (a *rcptAnswers) ask(c *smtpConn, to, fromDomain string, w io.Writer) error {
	err := c.c.Rcpt(to, nil)
	if err == nil {
		fmt.Fprintf(w, "RCPT TO:<%s>: accepted\n", to)
		a.answered++
		a.relayed = a.relayed || domainOf(to) != fromDomain
		return nil
	}
	se, ok := c.d.reply("RCPT", err)
	switch {
	case ok && se.Code != 421:
		fmt.Fprintf(w, "RCPT TO:<%s>: refused: %s\n", to, se.Reply())
		a.answered++
		a.note(to, se)
		return nil
	case a.answered == 0:
		return c.d.probeFailed(w, "RCPT TO:<"+to+">", err)
	}
	c.d.probeEnded(w, "RCPT TO:<"+to+">", err)
	return err
}

// probeEnded writes that the server ended the session (or failed RSET)
// at command, with err, after answering the RCPTs before: a note, as a
// send connects again. The reply is redacted (see Dialer.reply).
func (d *Dialer) probeEnded(w io.Writer, command string, err error) {
	what := sendpool.Reason(d.redactErr(err))
	if se, ok := d.reply(strings.Fields(command)[0], err); ok {
		what = se.Reply()
	}
	fmt.Fprintf(w, "note: %s: %s; no message was sent, and a send connects again: what follows is from the answers before\n", command, what)
}

// note takes the refusal se of to into a.
func (a *rcptAnswers) note(to string, se *sendpool.SMTPError) {
	if sendpool.ClassifyReply(se.Code, se.EnhancedCode, se.Message) == sendpool.ClassAuth {
		if a.refusal == nil {
			a.refusal = se
		}
		return
	}
	a.others = append(a.others, to)
}

// rcptVerdict says what a's answers mean for a send, as the pool would
// take them (sendpool.ClassifyReply, and a refusal to relay once the
// server relayed is the recipient's own); noted: it wrote a note that
// some rows would fail.
func (d *Dialer) rcptVerdict(a rcptAnswers, w io.Writer) (noted bool, err error) {
	if a.refusal != nil && !(a.relayed && sendpool.IsRelayRefusal(a.refusal.Code, a.refusal.Message)) {
		ae := d.AuthError(a.refusal)
		fmt.Fprintf(w, "problem: the server would refuse the campaign's recipients (a send stops): %s\n", ae.Reason())
		return false, ae
	}
	if a.refusal != nil {
		fmt.Fprintf(w, "note: the server refuses to relay to some domains and takes others: %s; a send fails the rows to the domains refused, or stops if it refuses 3 domains before it takes 2\n", d.RelaySome())
	}
	if len(a.others) > 0 {
		fmt.Fprintf(w, "note: the rows of %s would fail (the server refused them, not the campaign)\n", strings.Join(a.others, ", "))
	}
	return a.refusal != nil || len(a.others) > 0, nil
}

// mailRefused writes that MAIL FROM:<from> failed with err and returns
// the error a send would stop for: a refusal that wants a login (530
// "Authentication required" to a client that did not log in) is the
// *sendpool.AuthError with its advice, as a send says it, where probe
// told the bare reply. The reply is redacted (see Dialer.reply).
func (d *Dialer) mailRefused(w io.Writer, from string, err error) error {
	command := "MAIL FROM:<" + from + ">"
	se, ok := d.reply("MAIL", err)
	if !ok || sendpool.ClassifyReply(se.Code, se.EnhancedCode, se.Message) != sendpool.ClassAuth {
		return d.probeFailed(w, command, err)
	}
	fmt.Fprintf(w, "%s: refused: %s\n", command, se.Reply())
	ae := d.AuthError(se)
	fmt.Fprintf(w, "problem: the server would refuse the campaign's messages (a send stops): %s\n", ae.Reason())
	return ae
}

// probeFailed writes that command failed with err and returns err, its
// text redacted: a server may quote the password in any reply after the
// login (see Dialer.reply).
func (d *Dialer) probeFailed(w io.Writer, command string, err error) error {
	if se, ok := d.reply(strings.Fields(command)[0], err); ok {
		fmt.Fprintf(w, "problem: %s refused: %s\n", command, se.Reply())
		return se
	}
	err = d.redactErr(err)
	fmt.Fprintf(w, "problem: %s: %s\n", command, sendpool.Reason(err))
	return err
}

// domainOf is the domain of address a, lowercased: what follows its
// last "@".
func domainOf(a string) string {
	return strings.ToLower(a[strings.LastIndexByte(a, '@')+1:])
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
