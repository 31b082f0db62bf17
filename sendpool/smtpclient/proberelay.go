package smtpclient

import (
	"fmt"
	"io"
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
	relayed bool                // it took a recipient outside From's domain
	refusal *sendpool.SMTPError // the first that wants a login or will not relay
	others  []string            // refused recipients whose refusal is their own
}

// probeRcpts asks the server on c about env's recipients without sending:
// MAIL FROM, RCPT TO each, RSET; it writes each answer to w. It returns
// the error a send would stop for: the *sendpool.AuthError of a refusal
// that wants a login or to relay (ClassAuth) when the server took no other
// domain's recipient, the refusal of MAIL FROM, or a broken connection.
// A refusal of some recipients only is a note: their rows would fail,
// and noted says so.
func (d *Dialer) probeRcpts(c *smtpConn, env ProbeEnvelope, w io.Writer) (noted bool, err error) {
	if len(env.To) == 0 {
		return false, nil
	}
	if err := c.c.Mail(env.From, &smtp.MailOptions{UTF8: c.utf8 && !isASCII(env.From)}); err != nil {
		return false, d.mailRefused(w, env.From, err)
	}
	fmt.Fprintf(w, "MAIL FROM:<%s>: accepted\n", env.From)
	var a rcptAnswers
	for _, to := range env.To {
		if err := c.c.Rcpt(to, nil); err != nil {
			se, ok := fromSMTP("RCPT", err)
			if !ok {
				return false, probeFailed(w, "RCPT TO:<"+to+">", err)
			}
			fmt.Fprintf(w, "RCPT TO:<%s>: refused: %s\n", to, se.Reply())
			a.note(to, se)
			continue
		}
		fmt.Fprintf(w, "RCPT TO:<%s>: accepted\n", to)
		a.relayed = a.relayed || domainOf(to) != domainOf(env.From)
	}
	if err := c.c.Reset(); err != nil {
		return false, probeFailed(w, "RSET", err)
	}
	fmt.Fprintln(w, "RSET: no message was sent")
	return d.rcptVerdict(a, w)
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
		login := "then it wants a login for the rest: set smtp.username"
		if d.noAuth.Load() {
			login = "then it relays the rest only for clients it trusts, and offers no login (AUTH) here: have its administrator trust this machine's address, or use its submission port"
		}
		fmt.Fprintf(w, "note: the server refuses to relay to some domains and takes others: it relays for this client to some domains only, or hosts those it takes (%s); a send fails the rows to the domains refused, or stops if it refuses 3 domains before it takes 2\n", login)
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
// told the bare reply.
func (d *Dialer) mailRefused(w io.Writer, from string, err error) error {
	command := "MAIL FROM:<" + from + ">"
	se, ok := fromSMTP("MAIL", err)
	if !ok || sendpool.ClassifyReply(se.Code, se.EnhancedCode, se.Message) != sendpool.ClassAuth {
		return probeFailed(w, command, err)
	}
	fmt.Fprintf(w, "%s: refused: %s\n", command, se.Reply())
	ae := d.AuthError(se)
	fmt.Fprintf(w, "problem: the server would refuse the campaign's messages (a send stops): %s\n", ae.Reason())
	return ae
}

// probeFailed writes that command failed with err and returns err.
func probeFailed(w io.Writer, command string, err error) error {
	if se, ok := fromSMTP(strings.Fields(command)[0], err); ok {
		fmt.Fprintf(w, "problem: %s refused: %s\n", command, se.Reply())
		return se
	}
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
