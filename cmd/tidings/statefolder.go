package main

import (
	"fmt"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/statefile"
)

// privateState makes what tidings writes in c's state folder its owner's
// only before a command writes into it (statefile.Tighten: its files 0600
// and folders 0700, the folder itself 0700 when it holds nothing else,
// when looser and the user's), warning once for each path it tightened
// and once when the folder holds other files and others can read it; a
// loose file of tidings' another user owns makes the command unusable. It is the one
// place this is done: send and bounces (openState), preview and report
// call it where they start with the state folder.
func privateState(g *globalOptions, c *campaign.Campaign) error {
	notes, err := statefile.Tighten(c.StateDir)
	for _, note := range notes {
		fmt.Fprintln(g.stderr, "warning:", note)
	}
	if err != nil {
		return &unusableError{fmt.Errorf("state folder: %w", err)}
	}
	return nil
}
