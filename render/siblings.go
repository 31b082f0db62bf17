package render

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// maxScanEntries bounds the files and folders scanFolders looks at: a
// campaign folder of a few thousand files is scanned whole in a few
// milliseconds, and an attachments_dir: / does not walk the disk.
const maxScanEntries = 50_000

// recipientsKey finds the top-level recipients: key every campaign file
// has (a YAML file without one is none: see campaign.NamedFiles).
var recipientsKey = regexp.MustCompile(`(?m)^["']?recipients["']?[ \t]*:`)

// maxCampaignFile bounds the size of a .yaml file scanFolders reads as a
// campaign: a campaign file is a few KB, a data file may be large.
const maxCampaignFile = 1 << 20

// folderScan is what scanFolders finds: what the other campaigns in
// the folder keep for themselves (others), and the state folders there
// (states: folders holding a stateMarks file).
type folderScan struct {
	others []campaign.OwnFile
	states []string
}

// scanFolders looks through c's folder and everything below it, and the
// attachment folder root when it lies elsewhere (guard does, once, the
// first time a path made from row data is checked): the other campaign files there
// (.yaml or .yml) and what each keeps for itself (campaign.OwnFiles: its
// campaign file, sheet, suppression list, DKIM keys, state folder), each
// named as theirs, also of one that does not load (campaign.NamedFiles:
// its sheet is every recipient's address all the same), and the state
// folders, which a hard link may lead into (see linkedOwn). A row naming
// the sheet of a campaign beside this one (b.csv, other/b.csv) would
// attach it, as its journal would (stateFile), and its state folder holds
// no send.lock before its first send. Hidden folders (.git, .tidings:
// refused whole) are not entered, and the scan stops after
// maxScanEntries.
func scanFolders(c *campaign.Campaign, root string) folderScan {
	var s folderScan
	seen := 0
	for i, top := range []string{c.Dir, root} {
		if i == 1 && inside(c.Dir, root) {
			break
		}
		_ = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if seen++; seen > maxScanEntries {
				return fs.SkipAll
			}
			switch name := d.Name(); {
			case err != nil:
				return nil // unreadable: nothing found there
			case d.IsDir() && strings.HasPrefix(name, ".") && p != top:
				return fs.SkipDir
			case d.IsDir():
			case slices.Contains(stateMarks, name):
				s.states = append(s.states, filepath.Dir(p))
			case campaignFileName(name) && p != c.File:
				s.others = append(s.others, otherCampaign(c, p, d)...)
			}
			return nil
		}) // the walk returns no error
	}
	return s
}

// campaignFileName reports whether name may be a campaign file: not
// hidden, ending .yaml or .yml.
func campaignFileName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return !strings.HasPrefix(name, ".") && (ext == ".yaml" || ext == ".yml")
}

// otherCampaign is what the campaign file p (d, its entry), another
// than c's, keeps for itself, each named as the other campaign's; none
// when p is no campaign or larger than maxCampaignFile.
func otherCampaign(c *campaign.Campaign, p string, d fs.DirEntry) []campaign.OwnFile {
	if fi, err := d.Info(); err != nil || fi.Size() > maxCampaignFile {
		return nil
	}
	data, err := os.ReadFile(p)
	if err == nil {
		data, _, err = campaign.UTF8Text(data) // a byte order mark, UTF-16
	}
	if err != nil || !recipientsKey.Match(data) {
		return nil // no campaign: Load and NamedFiles would both say so, slower
	}
	name, note := p, ""
	if rel, err := filepath.Rel(c.Dir, p); err == nil && inside(c.Dir, p) {
		name = filepath.ToSlash(rel)
	}
	var own []campaign.OwnFile
	if other, err := campaign.Load(p); err == nil {
		own = other.OwnFiles()
	} else if named, ok := campaign.NamedFiles(p); ok {
		own, note = named, " (it does not load)"
	}
	for i := range own {
		own[i].What = fmt.Sprintf("%s of the campaign %s beside this one%s", own[i].What, name, note)
	}
	return own
}
