package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
	found := earlierFolders(c, c.Name)
	slices.SortFunc(found, func(a, b earlierFolder) int { return b.run.Started.Compare(a.run.Started) })
	for _, f := range found {
		if handedOver(ctx, filepath.Join(parent, f.name)) {
			return f.name
		}
	}
	return ""
}

// earlierFolder is a state folder beside c's holding c's file's sends under
// another name (earlierFolders): the name and its journal's first run.
type earlierFolder struct {
	name string
	run  journal.Run
}

// earlierFolders lists the folders of c's folder's .tidings, but skip,
// that hold c's file's sends (earlierRun), in the folder's order; none
// when it cannot be read.
func earlierFolders(c *campaign.Campaign, skip string) []earlierFolder {
	entries, err := os.ReadDir(filepath.Join(c.Dir, ".tidings"))
	if err != nil {
		return nil
	}
	var found []earlierFolder
	for _, e := range entries {
		if !e.IsDir() || e.Name() == skip {
			continue
		}
		if run, ok := earlierRun(c, e.Name()); ok {
			found = append(found, earlierFolder{e.Name(), run})
		}
	}
	return found
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

// foreignState returns the error (for check and preview, the warning)
// about c's state folder holding the sends of another campaign, nil when
// it holds c's own (or nothing yet). The journal's latest run that
// delivered (one that recorded recipients.key) says whose they are:
//   - a campaign of another name (an older tidings recorded none): a
//     state_dir: shared by two campaigns, or a name: changed under one;
//   - another campaign file still there (not c's, moved or linked):
//     last month's file copied for this month's with name: kept, or a
//     campaign folder copied with its state folder.
//
// Their recipients count as sent for c too, so c would send them
// nothing.
func foreignState(c *campaign.Campaign, state *journal.State) error {
	run, ok := state.LastDelivery()
	if !ok {
		return nil
	}
	own := "change this file's name: setting (its state folder goes by it)"
	if c.StateDir != filepath.Join(c.Dir, ".tidings", c.Name) {
		own = "give this file a state_dir: of its own"
	}
	rel, err := filepath.Rel(c.Dir, c.StateDir)
	inside := err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) // copied with the folder
	if run.Name != "" && run.Name != c.Name {
		return fmt.Errorf("the state folder %s holds the sends of the campaign %q (%s), and this one is named %q: its recipients count as sent here. "+
			"For a campaign of its own, %s; to go on with that one, put its name back",
			displayPath(c.StateDir), run.Name, displayPath(run.Campaign), c.Name, own)
	}
	other := otherFile(c, run)
	if other == "" {
		return nil
	}
	if inside && filepath.Dir(other) != c.Dir {
		return fmt.Errorf("the state folder %s holds the sends of %s (it came with a copy of that campaign's folder?): its recipients count as sent for %s, which would send them nothing. "+
			"For a campaign of its own, remove %s; to go on with that campaign from this copy, move or remove %s",
			displayPath(c.StateDir), displayPath(other), displayPath(c.File), displayPath(c.StateDir), displayPath(other))
	}
	return fmt.Errorf("%s and %s are both named %q and share the state folder %s, which holds the sends of %s: its recipients count as sent for this file too, so it would send them nothing. "+
		"For a campaign of its own (this month's issue), %s; only to go on with that campaign from this file, move or remove %s",
		displayPath(c.File), displayPath(other), c.Name, displayPath(c.StateDir), displayPath(other), own, displayPath(other))
}

// otherFile is run's campaign file when it is another file than c.File
// that still exists; "" otherwise (c's own, a journal of an older tidings
// without the path, or a file moved or removed since).
func otherFile(c *campaign.Campaign, run journal.Run) string {
	if run.Campaign == "" || run.Campaign == c.File {
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
