package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/plan"
)

// openSentCopies opens the mailbox's Sent folder when the campaign keeps
// copies (mailbox.sent_folder); nil when it does not, or when the folder
// cannot be opened for now (the server cannot be reached, say): that is a
// warning, delivery goes on, and the next send run makes the copies this
// one could not. A setting to fix (sentSettingWrong: a folder the server
// does not have, a certificate this machine does not trust, a login the
// server refuses; or the password not in the environment), which no
// later run gets past either, is the error, before anything is sent. The
// caller sets the copies' Journal and calls closeFn.
func openSentCopies(ctx context.Context, g *globalOptions, c *campaign.Campaign, sending int, part runPart) (cfg *plan.SentCopies, closeFn func(), err error) {
	m := c.Mailbox
	if !m.Configured() || m.SentFolder == "" {
		return nil, func() {}, nil
	}
	if warn := m.SentWarning(sending); warn != "" {
		fmt.Fprintln(g.stderr, "warning:", warn)
	}
	mc, err := mailboxConfig(ctx, g, c)
	if errors.Is(err, errInterrupted) {
		return nil, func() {}, err
	}
	if err != nil { // the password not in the environment
		return nil, func() {}, fmt.Errorf("%s: %w; nothing was sent", displayPath(c.File), err)
	}
	sent, err := mailbox.OpenSent(ctx, mc)
	if sentSettingWrong(err) {
		return nil, func() {}, fmt.Errorf("%s: %w; nothing was sent", displayPath(c.File), err)
	}
	if err != nil {
		fmt.Fprintf(g.stderr, "warning: no copies in %s this run (%s): %v\n", m.SentFolder, copiesLater(part), err)
		return nil, func() {}, nil
	}
	cfg = &plan.SentCopies{To: sent, Folder: m.SentFolder, One: m.SentCopies == campaign.SentCopiesOne,
		Warn: func(err error) { g.errLine("warning:", err) }, Later: copiesLater(part)}
	return cfg, func() { sent.Close(context.WithoutCancel(ctx)) }, nil
}

// sentSettingWrong reports whether err, of opening the Sent folder, is
// one of the campaign's settings or its password: a setting that cannot
// work (a mailbox.ca_file not read, say), a folder the server does not
// have, a TLS handshake that fails (a certificate not trusted:
// mailbox.ca_file; a port that speaks no TLS: mailbox.security), a port
// where a POP3 server answers, a login the server refuses, a password it
// would take only in clear. A server that cannot be reached, or drops
// the connection (during the TLS handshake too), is none.
func sentSettingWrong(err error) bool {
	if te := (*mailbox.TLSError)(nil); errors.As(err, &te) {
		return te.Lasting()
	}
	for _, e := range []error{mailbox.ErrConfig, mailbox.ErrNoFolder, mailbox.ErrWrongProtocol, mailbox.ErrLogin, mailbox.ErrInsecureAuth, mailbox.ErrIMAPOnly} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// printCopies says what went to the Sent folder in a run's part.
func printCopies(g *globalOptions, c *campaign.Campaign, st plan.CopyStats, part runPart) {
	if st.Copied+st.Failed == 0 {
		return
	}
	line := fmt.Sprintf("sent copies: %d in %s", st.Copied, c.Mailbox.SentFolder)
	if st.Failed > 0 {
		line += fmt.Sprintf(", %d not made (%s)", st.Failed, copiesLater(part))
	}
	fmt.Fprintln(g.stdout, line)
}

// copiesLater says who makes the Sent copies a run's part does not: the
// next part of the send, when one follows, else the next send.
func copiesLater(part runPart) string {
	if part.more {
		return "the next part of this send makes them"
	}
	return "the next send run makes them"
}
