package render

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tidings/tidings/campaign"
)

// guard is what a path made from row data may not lead to beyond the
// campaign's own files, found once, the first time one is checked (a
// campaign whose attachments are all constant, or which has none, never
// looks): the campaign's own files and folders with those of the other
// campaigns in its folder (own, by path; ids, by identity) and the state
// folders found there (states). Safe for concurrent use.
type guard struct {
	once   sync.Once
	c      *campaign.Campaign
	root   string // the attachment folder, absolute
	limit  int    // the entries scanFolders looks at, at most
	own    []campaign.OwnFile
	ids    []ownID
	states []string
	capped bool        // the scan stopped at limit (see ScanNote)
	done   atomic.Bool // the scan ran: its fields are set
}

// get returns g, its fields set.
func (g *guard) get() *guard {
	g.once.Do(func() {
		scan := scanFolders(g.c, g.root, g.limit)
		g.own = ownFiles(g.c, scan.others)
		g.ids = ownIDs(g.own)
		g.states, g.capped = scan.states, scan.capped
		g.done.Store(true)
	})
	return g
}

// ScanNote is a warning for the user when a path made from row data was
// checked against a campaign folder (or an attachments_dir elsewhere)
// holding more files and folders than scanFolders looks at: a campaign
// file or a state folder beyond them is not known, and a row may attach
// what it keeps. "" when no such path was checked or the scan saw every
// entry. Call it once rendering is done; safe for concurrent use.
func (r *Renderer) ScanNote() string {
	if r.att == nil || !r.att.guard.done.Load() || !r.att.guard.capped {
		return ""
	}
	g := r.att.guard
	return fmt.Sprintf("the campaign folder %s and the folders below it hold more than %d files and folders: the paths row data names were checked against the other campaigns and state folders among the nearest %d only, and a sheet or journal of a campaign beyond them may be attached; keep each campaign in a folder of its own (not a home folder)",
		g.c.Dir, g.limit, g.limit)
}
