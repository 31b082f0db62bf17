package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// newRootCommand builds the tidings command tree. It holds no global state:
// tests build a fresh tree with their own globalOptions.
func newRootCommand(g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:   "tidings",
		Short: "Send a personalised message to every row of a spreadsheet, safely",
		Long: `tidings sends newsletters and notification campaigns from a campaign file (YAML)
and a CSV or XLSX recipient sheet. Every row is checked before the first message
leaves; delivery is rate-limited, retried, journaled and reported.

  tidings init DIR                write a small working campaign to edit
  tidings check CAMPAIGN.yaml     validate every recipient, send nothing
  tidings preview CAMPAIGN.yaml   write one .eml per recipient, send nothing
  tidings probe CAMPAIGN.yaml     test the SMTP server and login
  tidings send --test ME@EXAMPLE.ORG CAMPAIGN.yaml
                                  send the first 3 messages to yourself,
                                  marked [TEST]
  tidings send CAMPAIGN.yaml      deliver
  tidings report CAMPAIGN.yaml    rebuild the report from the journal
  tidings bounces CAMPAIGN.yaml   read bounces and complaints from the
                                  mailbox, suppress those addresses
  tidings show CAMPAIGN.yaml KEY  print a recipient's message as it was sent
  tidings help templates          how to write templates: values, column
                                  names, functions, examples`,
		Version:       strings.TrimPrefix(toolVersion(), "tidings "),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	root.SetFlagErrorFunc(flagError)
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "print only problems and the summary")
	addProfileFlags(root, g)
	root.AddCommand(
		newInitCommand(g),
		newCheckCommand(g),
		newPreviewCommand(g),
		newSendCommand(g),
		newProbeCommand(g),
		newReportCommand(g),
		newBouncesCommand(g),
		newShowCommand(g),
		newTemplatesTopic(),
	)
	root.SetHelpCommand(newHelpCommand())
	strictCompletion(root)
	completeFlagValues(root)
	return root
}

// strictCompletion adds cobra's `completion` command to root now, not as
// it runs, and makes it refuse a missing or unknown shell (exit 2): cobra's
// printed its help on stdout and exited 0, so `tidings completion zhs >
// _tidings` wrote the help where a script was expected.
func strictCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.RunE = func(cmd *cobra.Command, _ []string) error {
				return fmt.Errorf("usage: %s bash|zsh|fish|powershell", cmd.CommandPath())
			}
		}
	}
}

// oneArg requires the one argument every command takes (the campaign file,
// or init's folder), and says the usage line when it is missing or more
// are given, and when a flag took the campaign file (flagTookCampaign).
func oneArg(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		if hint := flagTookCampaign(cmd); hint != "" {
			return fmt.Errorf("usage: %s: %s", cmd.UseLine(), hint)
		}
	}
	if len(args) != 1 {
		return fmt.Errorf("usage: %s", cmd.UseLine())
	}
	return nil
}
