package plan

import (
	"path/filepath"
	"slices"

	"github.com/tidings/tidings/sendpool/spool"
)

// Changed lists the campaign's files (the campaign file, templates,
// inline images, DKIM keys, the attachments named without row data; not
// the sheet), by their paths relative to its folder, whose content
// differs now from the newest spool generation an earlier send used: what
// a send now makes differently from the messages sent then (Plan.Changed,
// for tidings check). The campaign file is compared as loaded, its
// sending settings aside (Inputs.Digest): a new rate or server is no
// change. Nil when no send used a generation; the files are read only
// then, and the sheet never.
func Changed(in *Inputs) ([]string, error) {
	return changedSince(spool.OpenStore(in.Campaign.StateDir), -1, func() (spool.Inputs, error) {
		files, err := in.fileSums()
		return spool.Inputs{Files: files, Attachments: in.attachmentSums(in.Renderer)}, err
	})
}

// changedSince lists the files whose sum now gives (its Files and
// Attachments) differs from the newest generation but skip (a
// generation's number; -1 for none) that an earlier send used and that
// reads (not Unreadable); now is called only when there is one. Nil when
// there is none, or it is of an older tidings (no Files, or absolute
// paths).
func changedSince(store *spool.Store, skip int, now func() (spool.Inputs, error)) ([]string, error) {
	gens, err := store.Generations()
	if err != nil {
		return nil, err
	}
	for _, g := range gens { // newest first
		if g.Number() == skip || !g.Used() || g.Unreadable() != nil {
			continue
		}
		was := g.Inputs()
		if was.Files == nil {
			return nil, nil // of an older tidings
		}
		sums, err := now()
		if err != nil {
			return nil, err
		}
		// (A generation of a tidings that kept absolute paths in Files
		// kept no Attachments.)
		changed := append(changedFiles(was.Files, sums.Files), changedAttachments(was.Attachments, sums.Attachments)...)
		slices.Sort(changed)
		return slices.Compact(changed), nil
	}
	return nil, nil
}

// changedAttachments lists the attachments in was and now both whose sums
// differ, sorted. One in either only is not named: the campaign file
// that names it changed (or was is of a tidings that kept no sums of
// attachments).
func changedAttachments(was, now map[string]string) []string {
	var changed []string
	for f, sum := range now {
		if old, ok := was[f]; ok && old != sum {
			changed = append(changed, f)
		}
	}
	slices.Sort(changed)
	return changed
}

// changedFiles lists the files whose sum in now differs from was, those
// in one only included, sorted; nil when was is of a tidings that kept
// absolute paths. A file in one only whose content the other has under
// another name (the campaign file renamed on disk) did not change.
func changedFiles(was, now map[string]string) []string {
	sums := func(m map[string]string) map[string]bool {
		set := map[string]bool{}
		for _, sum := range m {
			set[sum] = true
		}
		return set
	}
	wasSums, nowSums := sums(was), sums(now)
	var changed []string
	for f, sum := range now {
		if old, ok := was[f]; ok && old != sum || !ok && !wasSums[sum] {
			changed = append(changed, f)
		}
	}
	for f, sum := range was {
		if filepath.IsAbs(f) {
			return nil // of a tidings that kept absolute paths
		}
		if _, ok := now[f]; !ok && !nowSums[sum] {
			changed = append(changed, f)
		}
	}
	slices.Sort(changed)
	return changed
}
