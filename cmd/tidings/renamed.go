package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// renamedFrom returns the name an earlier send of the campaign file c.File
// had, when c was renamed since: c's state folder is the default one
// (.tidings/<name> beside the file) and has no delivery and no send
// recorded in state, while another folder beside it has a journal that
// starts with a run of a file of the same name (the folder may have moved
// since) and records deliveries, n of them tried (the latest such
// folder). Under its new name nothing counts as sent, so everyone would
// get the campaign again. "" when there is none; a folder that cannot be
// read is passed over.
func renamedFrom(ctx context.Context, c *campaign.Campaign, state *journal.State) (name string, n int) {
	parent := filepath.Join(c.Dir, ".tidings")
	if tried, _ := state.Outcomes(); tried > 0 || state.KeyColumn() != "" || c.StateDir != filepath.Join(parent, c.Name) {
		return "", 0
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return "", 0
	}
	var latest journal.Run
	for _, e := range entries {
		dir := filepath.Join(parent, e.Name())
		if !e.IsDir() || e.Name() == c.Name {
			continue
		}
		run, ok, err := journal.FirstRun(dir)
		if err != nil || !ok || filepath.Base(run.Campaign) != filepath.Base(c.File) || name != "" && !run.Started.After(latest.Started) {
			continue
		}
		if tried := triedIn(ctx, dir); tried > 0 {
			name, n, latest = e.Name(), tried, run
		}
	}
	return name, n
}

// triedIn counts the recipients the journal in dir has a delivery to; 0
// when it cannot be read.
func triedIn(ctx context.Context, dir string) int {
	st, err := journal.Load(ctx, dir)
	if err != nil {
		return 0
	}
	defer st.Close()
	tried, _ := st.Outcomes()
	return tried
}

// renamedError is the error (or, for check, the warning) about a campaign
// file sent before under the name was, to n recipients.
func renamedError(c *campaign.Campaign, was string, n int) error {
	return fmt.Errorf("%s was sent before under the name %q (%s tried; state folder %s); under the name %q nothing counts as sent, so they would get it again. "+
		"If the name changed by mistake, put it back; if this is a new campaign made from the same file, send it with --new-campaign",
		displayPath(c.File), was, report.Plural(n, "recipient"), displayPath(filepath.Join(c.Dir, ".tidings", was)), c.Name)
}
