package campaign

import (
	"path/filepath"
	"strings"
)

// OwnFile is a file or folder the campaign names for tidings itself (its
// file, the sheet, a key) rather than for its recipients: What says which,
// in words ("the DKIM key").
type OwnFile struct {
	Path string // absolute, as Load made it
	What string
	Dir  bool // a folder: everything below it is the campaign's own too
}

// OwnFiles lists the campaign's own files and folders: the campaign file,
// the recipient sheet (every recipient's data), the suppression list, the
// DKIM keys, the CA bundles and the state folders (the journal, reports
// and previews of this campaign and of others beside it). An attachment
// path made from row data must lead to none of them. A state folder that
// holds the campaign's own folder (state_dir: ., invoices/reminder.yaml)
// is not listed, or every file beside the campaign file would be its own
// (the invoices): what tidings writes there is told by the folder's
// marks. Only after Load.
func (c *Campaign) OwnFiles() []OwnFile {
	own := []OwnFile{{Path: c.File, What: "the campaign file"}}
	if !Inside(c.StateDir, c.Dir) {
		own = append(own, OwnFile{Path: c.StateDir, What: "the campaign's state folder", Dir: true})
	}
	own = append(own, OwnFile{Path: filepath.Join(c.Dir, ".tidings"), What: "the campaigns' state folder", Dir: true})
	add := func(p, what string) {
		if p != "" {
			own = append(own, OwnFile{Path: p, What: what})
		}
	}
	add(c.Recipients.Path, "the recipient sheet")
	add(c.Suppress, "the suppression list")
	for _, d := range c.DKIM {
		add(d.KeyFile, "a DKIM private key")
	}
	add(c.SMTP.CAFile, "smtp.ca_file")
	add(c.Mailbox.CAFile, "mailbox.ca_file")
	return own
}

// Inside reports whether the folder dir is p or holds it, by their paths
// as given (no link is followed): filepath.Rel's path from dir to p
// climbs nowhere.
func Inside(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && (rel == "." || filepath.IsLocal(rel) && !strings.HasPrefix(rel, ".."))
}
