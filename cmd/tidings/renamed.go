package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
)

// renamedFrom returns the name an earlier send of the campaign file c.File
// had, when c was renamed since: c's state folder is the default one
// (.tidings/<name> beside the file) and has no delivery and no send
// recorded in state, while another folder beside it has a journal that
// starts with a run of a file of the same name (the folder may have moved
// since) and that handed a message to a server (the latest such folder).
// Under its new name nothing counts as sent, so everyone would get the
// campaign again. "" when there is none; a folder that cannot be read is
// passed over.
func renamedFrom(ctx context.Context, c *campaign.Campaign, state *journal.State) string {
	parent := filepath.Join(c.Dir, ".tidings")
	if tried, _ := state.Outcomes(); tried > 0 || state.KeyColumn() != "" || c.StateDir != filepath.Join(parent, c.Name) {
		return ""
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return ""
	}
	type earlier struct {
		name string
		run  journal.Run
	}
	var found []earlier
	for _, e := range entries {
		if !e.IsDir() || e.Name() == c.Name {
			continue
		}
		if run, ok := earlierRun(c, e.Name()); ok {
			found = append(found, earlier{e.Name(), run})
		}
	}
	slices.SortFunc(found, func(a, b earlier) int { return b.run.Started.Compare(a.run.Started) })
	for _, f := range found {
		if handedOver(ctx, filepath.Join(parent, f.name)) {
			return f.name
		}
	}
	return ""
}

// earlierRun is the first run of the state folder of name beside c's,
// when that folder is c's file under the name (its journal starts with a
// run of a file of the same name: the folder may have moved since); ok is
// false otherwise, or when it cannot be read.
func earlierRun(c *campaign.Campaign, name string) (run journal.Run, ok bool) {
	run, ok, err := journal.FirstRun(filepath.Join(c.Dir, ".tidings", name))
	return run, err == nil && ok && filepath.Base(run.Campaign) == filepath.Base(c.File)
}

// errHandedOver stops handedOver's scan at its first attempt record.
var errHandedOver = errors.New("a message was handed over")

// handedOver reports whether the journal in dir records a message handed
// to a server (an attempt: test sends record none), reading it only up to
// the first; false when it cannot be read.
func handedOver(ctx context.Context, dir string) bool {
	_, err := journal.Scan(ctx, dir, func(r journal.Record) error {
		if r.Attempt != nil {
			return errHandedOver
		}
		return nil
	})
	return errors.Is(err, errHandedOver)
}

// renamedError is the error (or, for check, the warning) about a campaign
// file sent before under the name was.
func renamedError(c *campaign.Campaign, was string) error {
	return fmt.Errorf("%s was sent before under the name %q (state folder %s); under the name %q nothing counts as sent, so its recipients would get it again. "+
		"If the name changed by mistake, put it back; if this is a new campaign made from the same file, send it with --new-campaign",
		displayPath(c.File), was, displayPath(filepath.Join(c.Dir, ".tidings", was)), c.Name)
}

// otherFile returns the campaign file whose sends c's state folder holds,
// when that is another file than c.File that still exists: the journal's
// latest run that delivered (one that recorded recipients.key) was of it
// (say, last month's file copied for this month's, name: kept, or a
// campaign folder copied with its state folder). Its recipients count as
// sent here, so c would send them nothing. "" otherwise: no such run, c's
// own, a journal of an older tidings (no path), or a file moved since.
func otherFile(c *campaign.Campaign, state *journal.State) string {
	for i := len(state.Runs) - 1; i >= 0; i-- {
		run := state.Runs[i]
		if run.KeyColumn == "" || run.Campaign == "" {
			continue
		}
		if run.Campaign == c.File {
			return ""
		}
		was, err := os.Stat(run.Campaign)
		if err != nil || !was.Mode().IsRegular() {
			return ""
		}
		if now, err := os.Stat(c.File); err == nil && os.SameFile(was, now) {
			return ""
		}
		return run.Campaign
	}
	return ""
}

// otherFileError is the error (or, for check, the warning) about a state
// folder that holds the sends of the campaign file other.
func otherFileError(c *campaign.Campaign, other string) error {
	return fmt.Errorf("%s and %s are both named %q and share the state folder %s, which holds the sends of %s: the recipients sent there count as sent for this file too, so it would send them nothing. "+
		"For a campaign of its own (this month's issue), give this file another name:; to go on with that campaign from this file, move or remove %s",
		displayPath(c.File), displayPath(other), c.Name, displayPath(c.StateDir), displayPath(other), displayPath(other))
}
