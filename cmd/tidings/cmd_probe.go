package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
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
greeting, the EHLO extensions (PIPELINING, CHUNKING, SIZE, SMTPUTF8, STARTTLS,
AUTH mechanisms, DSN), the TLS version and certificate, tries the login, and
says plainly what is wrong when something is. Nothing is sent.`,
		Args:              oneArg,
		ValidArgsFunction: completeCampaign,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProbe(cmd.Context(), opts, g, args[0])
		},
	}
	cmd.Flags().BoolVar(&opts.debug, "debug", false, "print the SMTP transcript on stderr (logins redacted)")
	return cmd
}

// runProbe checks the campaign's SMTP settings against the live server.
func runProbe(ctx context.Context, opts probeOptions, g *globalOptions, path string) error {
	c, err := campaign.Load(path)
	if err != nil {
		return &unusableError{err}
	}
	if c.SMTP.Host == "" {
		return &unusableError{fmt.Errorf("%s: smtp.host: required", displayPath(c.File))}
	}
	smtp, err := smtpSettings(c, opts.debug, g)
	if err != nil {
		return err
	}
	if err := smtpclient.Probe(ctx, smtp, g.stdout); err != nil {
		// Probe printed the problem in words already.
		return &unusableError{fmt.Errorf("%w: %w", errSilent, err)}
	}
	return nil
}
