package render

import (
	"sync"

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
}

// get returns g, its fields set.
func (g *guard) get() *guard {
	g.once.Do(func() {
		scan := scanFolders(g.c, g.root, g.limit)
		g.own = ownFiles(g.c, scan.others)
		g.ids = ownIDs(g.own)
		g.states = scan.states
	})
	return g
}
