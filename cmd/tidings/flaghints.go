package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

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
// wrapping it (the exit code stays that of unusable input); so does
// mailmerge's --dry-run given with no command (tidings --dry-run c.yaml).
func flagError(cmd *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	if !errors.As(err, &ne) {
		return err
	}
	switch name := ne.GetSpecifiedName(); {
	case !cmd.HasParent() && (name == "dry-run" || name == "dryrun"):
		return fmt.Errorf("%w; %s", err, noCommandHint("CAMPAIGN.yaml"))
	case cmd.Name() != "send":
		return err
	case habitHint(name) != "":
		return fmt.Errorf("%w; %s", err, habitHint(name))
	}
	return err
}

// commandHint adds to err, cobra's "unknown command" for args whose first
// is a campaign file (tidings campaign.yaml, as mailmerge runs with no
// command), which command to put before it; any other err is returned as
// it is.
func commandHint(err error, args []string) error {
	if err == nil || !strings.HasPrefix(err.Error(), "unknown command ") {
		return err
	}
	i := slices.IndexFunc(args, func(a string) bool { return !strings.HasPrefix(a, "-") })
	if i < 0 {
		return err
	}
	if ext := strings.ToLower(filepath.Ext(args[i])); ext != ".yaml" && ext != ".yml" {
		return err
	}
	return fmt.Errorf("%w; %s", err, noCommandHint(commandArg(args[i])))
}

// noCommandHint says which command to run on file, given without one.
func noCommandHint(file string) string {
	return fmt.Sprintf("a command comes first: tidings check %s checks every row and sends nothing (mailmerge's dry run), tidings send %s sends it", file, file)
}
