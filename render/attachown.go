package render

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync"

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
// to it, or a name swapped for a link to it after the path was checked;
// or a file in one of its own folders (the state folders: the journal,
// the Message-ID salt, the spool) or one tidings wrote in another state
// folder found (guard.states: another campaign's journal, report or
// spool) that has another name outside them. Safe for concurrent use.
func (a *attacher) sameAsOwn(p string, fi os.FileInfo) error {
	g := a.guard.get()
	for _, id := range g.ids {
		if os.SameFile(fi, id.fi) {
			return refused("%q is %s (another name for the same file), which row data may not attach", p, id.what)
		}
	}
	if linkCount(fi) > 1 {
		for _, id := range a.linked.in(g.own, g.states) {
			if os.SameFile(fi, id.fi) {
				return refused("%q is %s (another name for the same file), which row data may not attach", p, id.what)
			}
		}
	}
	return nil
}

// linkedOwn are the files in the campaign's own folders, and those
// tidings wrote in the state folders found, that have more than one name
// (a hard link elsewhere may reach them), looked for once, the first
// time a file row data names has several names itself: files tidings
// writes there have one, and a folder of a million previews is not
// walked for every attachment. Safe for concurrent use.
type linkedOwn struct {
	once sync.Once
	ids  []ownID
}

// in returns the files of the own folders of own, and those StateWrote
// names in the state folders states, with several names (none for a nil
// l).
func (l *linkedOwn) in(own []campaign.OwnFile, states []string) []ownID {
	if l == nil {
		return nil
	}
	l.once.Do(func() {
		for _, o := range own {
			if o.Dir {
				l.walk(o.Path, "a file in "+o.What)
			}
		}
		for _, dir := range states {
			entries, _ := os.ReadDir(dir) // unreadable: nothing to attach through it
			for _, e := range entries {
				if StateWrote(e.Name()) {
					l.walk(filepath.Join(dir, e.Name()), "a file tidings keeps in the campaign state folder "+dir+" (its recipients' addresses, results or messages)")
				}
			}
		}
	})
	return l.ids
}

// walk adds the files at or below p with several names, each what.
func (l *linkedOwn) walk(p, what string) {
	_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil // unreadable, or not a file: nothing to attach through it
		}
		if fi, err := d.Info(); err == nil && linkCount(fi) > 1 {
			l.ids = append(l.ids, ownID{what: what, fi: fi})
		}
		return nil
	})
}
