package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
)

// renamedFrom returns the name an earlier run of the campaign file c.File
// had, when c was renamed since: c's state folder is the default one
// (.tidings/<name> beside the file) and has no delivery and no send
// recorded in state, while another folder beside it has a journal whose
// first run names the file (the latest such one). Under its new name
// nothing counts as sent, so everyone would get the campaign again. ""
// when there is none.
func renamedFrom(c *campaign.Campaign, state *journal.State) (string, error) {
	parent := filepath.Join(c.Dir, ".tidings")
	if n, _ := state.Outcomes(); n > 0 || state.KeyColumn() != "" || c.StateDir != filepath.Join(parent, c.Name) {
		return "", nil
	}
	entries, err := os.ReadDir(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("state folders: %w", err)
	}
	var name string
	var latest journal.Run
	for _, e := range entries {
		if !e.IsDir() || e.Name() == c.Name {
			continue
		}
		run, ok, err := journal.FirstRun(filepath.Join(parent, e.Name()))
		if err != nil {
			return "", err
		}
		if ok && run.Campaign == c.File && (name == "" || run.Started.After(latest.Started)) {
			name, latest = e.Name(), run
		}
	}
	return name, nil
}

// renamedError is the error (or, for check, the warning) about a campaign
// file sent before under the name was.
func renamedError(c *campaign.Campaign, was string) error {
	return fmt.Errorf("%s was sent before under the name %q (state folder %s); under the name %q nothing counts as sent, so everyone would get it again. "+
		"If the name changed by mistake, put it back; if this is a new campaign made from the same file, send it with --new-campaign",
		displayPath(c.File), was, displayPath(filepath.Join(c.Dir, ".tidings", was)), c.Name)
}
