package render

import (
	"fmt"
	"os"

	"github.com/tidings/tidings/campaign"
)

// ownID is one of the campaign's own files (not a folder) as the file
// system knows it: device and inode, whatever name reaches it.
type ownID struct {
	what string
	fi   os.FileInfo
}

// ownIDs stats the campaign's own files that exist. A hard link to one
// (files/key.pdf beside keys/rsa.key) is the same file under another
// name, which the path checks (private) cannot see.
func ownIDs(own []campaign.OwnFile) []ownID {
	var ids []ownID
	for _, o := range own {
		if o.Dir {
			continue
		}
		if fi, err := os.Stat(o.Path); err == nil && fi.Mode().IsRegular() {
			ids = append(ids, ownID{what: o.What, fi: fi})
		}
	}
	return ids
}

// sameAsOwn refuses the file opened for the path p made from row data
// (fi, its Stat) when it is one of the campaign's own files: a hard link
// to it, or a name swapped for a link to it after the path was checked.
func (a *attacher) sameAsOwn(p string, fi os.FileInfo) error {
	for _, id := range a.ownIDs {
		if os.SameFile(fi, id.fi) {
			return fmt.Errorf("%w: %q is %s (another name for the same file), which row data may not attach", ErrAttachmentPath, p, id.what)
		}
	}
	return nil
}
