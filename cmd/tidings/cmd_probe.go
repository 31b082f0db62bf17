package main

import (
	"cmp"
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/smtpclient"
)

// probeOptions are the flags of `tidings probe`.
type probeOptions struct {
	debug bool
}

func newProbeCommand(g *globalOptions) *cobra.Command {
	var opts probeOptions
	cmd := &cobra.Command{
		Use:   "probe CAMPAIGN.yaml",
		Short: "Connect to the SMTP server as send would and try the login",
		Long: `probe connects to the campaign's SMTP server exactly as send would, prints the
greeting, the name sent with EHLO (smtp.helo, else this machine's fully-qualified
name, else the connection's address as [192.0.2.1]), the EHLO extensions
(PIPELINING, CHUNKING, SIZE, SMTPUTF8, STARTTLS, AUTH mechanisms, DSN), the TLS
version and certificate, tries the login, asks the server whether it takes
the first rows' recipients (MAIL FROM and one RCPT TO for each of the first
three domains, then RSET: a relay that wants a login refuses them), and
says plainly what is wrong when something is. With a mailbox: section it
logs in there too and checks the folders bounces and the Sent copy use.
Nothing is sent or changed. Exit code: 0 all is well, 2 a problem with the
settings or the server.`,
		Args:              oneArg,
		ValidArgsFunction: completeCampaign,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProbe(cmd.Context(), opts, g, args[0])
		},
	}
	cmd.Flags().BoolVar(&opts.debug, "debug", false, "print the SMTP transcript on stderr (logins redacted)")
	return cmd
}

// runProbe checks the campaign's SMTP settings against the live server,
// and its mailbox settings when it has a mailbox.
func runProbe(ctx context.Context, opts probeOptions, g *globalOptions, path string) error {
	c, err := campaign.Load(path)
	if err != nil {
		return &unusableError{err}
	}
	if c.SMTP.Host == "" {
		return &unusableError{fmt.Errorf("%s: smtp.host: required", displayPath(c.File))}
	}
	smtp, err := smtpSettings(ctx, c, opts.debug, g)
	if err != nil {
		return err
	}
	env, why := probeEnvelope(ctx, path)
	if err := smtpclient.Probe(ctx, smtp, env, g.stdout); err != nil {
		// Probe printed the problem in words already.
		return &unusableError{fmt.Errorf("%w: %w", errSilent, err)}
	}
	if why != "" {
		fmt.Fprintf(g.stdout, "note: no recipient was asked about: %s\n", why)
	}
	return probeMailbox(ctx, g, c)
}

// probeMailbox logs in to the campaign's mailbox, when it has one, as
// bounces and the Sent copy would, and checks the folders it names.
func probeMailbox(ctx context.Context, g *globalOptions, c *campaign.Campaign) error {
	m := c.Mailbox
	if !m.Configured() {
		return nil
	}
	cfg, err := mailboxConfig(ctx, g, c)
	if err != nil {
		return err
	}
	mb, err := mailbox.Open(ctx, cfg)
	if err != nil {
		return &unusableError{err} // mailbox errors name their package
	}
	mb.Close(ctx)
	fmt.Fprintf(g.stdout, "mailbox: logged in to %s as %s; bounces are read from %s\n", cfg.Addr(), m.Username, cmp.Or(m.Folder, "the inbox"))
	if m.SentFolder == "" || m.Protocol != campaign.MailboxIMAP {
		return nil
	}
	sent, err := mailbox.OpenSent(ctx, cfg)
	if err != nil {
		return &unusableError{fmt.Errorf("mailbox.sent_folder: %w", err)}
	}
	sent.Close(ctx)
	fmt.Fprintf(g.stdout, "mailbox: copies of sent messages go to %s\n", m.SentFolder)
	return nil
}
