package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// habitHint says what to do instead of the flag name (without dashes) of
// another mailer (Python's mailmerge) that send does not have; "" for any
// other.
func habitHint(name string) string {
	switch name {
	case "dry-run", "dryrun":
		return "send has no --" + name + ": tidings check checks every row, tidings preview writes every message; nothing is sent"
	case "no-dry-run": // mailmerge's flag to really send
		return "send sends by default; it asks before it starts unless --yes"
	case "resume":
		return "send resumes by itself from the journal: run it again"
	case "no-limit":
		return "send sends every row unless --limit N"
	}
	return ""
}

// flagError is the root's flag error function: an unknown flag of send
// that another mailer has gets what to do instead added to err, still
// wrapping it (the exit code stays that of unusable input).
func flagError(cmd *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	if cmd.Name() != "send" || !errors.As(err, &ne) {
		return err
	}
	if hint := habitHint(ne.GetSpecifiedName()); hint != "" {
		return fmt.Errorf("%w; %s", err, hint)
	}
	return err
}
