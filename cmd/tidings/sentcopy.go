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
// one could not. A folder the server does not have is a setting to fix:
// the error, before anything is sent. The caller sets the copies' Journal
// and calls closeFn.
func openSentCopies(ctx context.Context, g *globalOptions, c *campaign.Campaign, sending int, part runPart) (cfg *plan.SentCopies, closeFn func(), err error) {
	m := c.Mailbox
	if !m.Configured() || m.SentFolder == "" {
		return nil, func() {}, nil
	}
	if warn := m.SentWarning(sending); warn != "" {
		fmt.Fprintln(g.stderr, "warning:", warn)
	}
	mc, err := mailboxConfig(ctx, g, c)
	if err != nil {
		fmt.Fprintf(g.stderr, "warning: no copies in %s this run (%s): %v\n", m.SentFolder, copiesLater(part), err)
		return nil, func() {}, nil
	}
	sent, err := mailbox.OpenSent(ctx, mc)
	var fe *mailbox.FolderError
	if errors.As(err, &fe) {
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
