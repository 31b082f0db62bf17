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
// has (a YAML file without one is none: see campaign.ParseNamedFiles).
var recipientsKey = regexp.MustCompile(`(?m)^["']?recipients["']?[ \t]*:`)

// maxCampaignFile bounds the size of a .yaml file scanFolders reads as a
// campaign: a campaign file is a few KB, a data file may be large.
const maxCampaignFile = 1 << 20

// folderScan is what scanFolders finds: what the other campaigns in
// the folder keep for themselves (others), and the state folders there
// (states: folders holding a stateMarks file). capped says the scan
// stopped at its limit of entries before it had seen every one.
type folderScan struct {
	others []campaign.OwnFile
	states []string
	capped bool
	dir    string // the campaign folder, symlinks resolved
	self   string // the campaign file's name in dir
}

// scanFolders looks through c's folder and everything below it, and the
// attachment folder root when it lies elsewhere (guard does, once, the
// first time a path made from row data is checked): the other campaign
// files there (.yaml or .yml) and what each keeps for itself
// (campaign.OwnFiles: its campaign file, sheet, suppression list, DKIM
// keys, state folder), each named as theirs, also of one that does not
// load (campaign.ParseNamedFiles: its sheet is every recipient's address all
// the same), and the state folders, which a hard link may lead into (see
// linkedOwn). A row naming the sheet of a campaign beside this one
// (b.csv, other/b.csv) would attach it, as its journal would
// (keptFile), and its state folder holds no send.lock before its first
// send. Both folders are walked with symlinks resolved (a campaign folder
// reached through a symlink, current -> news-2026, is walked all the
// same), nearest first, so that what lies beside the campaign is found
// before the limit, limit entries (maxScanEntries), is reached in a large
// folder below it. Hidden folders (.git, .tidings: refused whole) and
// symlinks to folders are not entered; an unreadable folder is skipped.
func scanFolders(c *campaign.Campaign, root string, limit int) folderScan {
	s := folderScan{dir: realDir(c.Dir)}
	s.self = filepath.Join(s.dir, filepath.Base(c.File))
	tops := []string{s.dir}
	if r := realDir(root); !campaign.Inside(s.dir, r) {
		tops = append(tops, r)
	}
	s.walk(tops, limit)
	return s
}

// realDir is dir with symlinks resolved; dir as it is when that fails.
func realDir(dir string) string {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		return real
	}
	return dir
}

// walk visits the entries of the folders queue holds and of those below
// them, a folder's entries before those of its subfolders, stopping after
// limit entries (capped).
func (s *folderScan) walk(queue []string, limit int) {
	seen := 0
	for len(queue) > 0 {
		dir := queue[0]
		queue = queue[1:]
		f, err := os.Open(dir)
		if err != nil {
			continue // unreadable: nothing found there
		}
		for {
			entries, err := f.ReadDir(256) // a folder of a million files is not read whole
			for _, e := range entries {
				if seen++; seen > limit {
					s.capped = true
					f.Close()
					return
				}
				if s.visit(filepath.Join(dir, e.Name()), e) {
					queue = append(queue, filepath.Join(dir, e.Name()))
				}
			}
			if err != nil {
				break // io.EOF, or unreadable from here on
			}
		}
		f.Close()
	}
}

// visit notes the entry e at p: a state mark, another campaign file. It
// reports whether p is a folder to look into: not hidden, not a symlink.
func (s *folderScan) visit(p string, e fs.DirEntry) bool {
	switch name := e.Name(); {
	case e.IsDir():
		return !strings.HasPrefix(name, ".")
	case slices.Contains(stateMarks, name):
		s.states = append(s.states, filepath.Dir(p))
	case campaignFileName(name) && p != s.self:
		s.others = append(s.others, otherCampaign(s.dir, p, e)...)
	}
	return false
}

// campaignFileName reports whether name may be a campaign file: not
// hidden, ending .yaml or .yml.
func campaignFileName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return !strings.HasPrefix(name, ".") && (ext == ".yaml" || ext == ".yml")
}

// otherCampaign is what the campaign file p (d, its entry), another
// than the one in dir (symlinks resolved), keeps for itself, each named
// as the other campaign's ("the state folder of the campaign b.yaml
// beside this one"; one in a folder below by its path, "… club/b.yaml");
// none when p is no campaign or larger than
// maxCampaignFile. A state folder that holds the other campaign's own
// folder (state_dir: ., invoices/reminder.yaml) is not among them
// (campaign.OwnFiles leaves it out): what tidings writes there is refused
// by the folder's marks (keptFile).
func otherCampaign(dir, p string, d fs.DirEntry) []campaign.OwnFile {
	if fi, err := d.Info(); err != nil || fi.Size() > maxCampaignFile {
		return nil
	}
	data, err := os.ReadFile(p) // once: Parse and ParseNamedFiles take it
	var text []byte
	if err == nil {
		text, _, err = campaign.UTF8Text(data) // a byte order mark, UTF-16
	}
	if err != nil || !recipientsKey.Match(text) {
		return nil // no campaign: Parse and ParseNamedFiles would both say so, slower
	}
	name, where, note := p, "", ""
	if rel, err := filepath.Rel(dir, p); err == nil && campaign.Inside(dir, p) {
		name = filepath.ToSlash(rel)
	}
	if filepath.Dir(p) == dir {
		where = " beside this one"
	}
	var own []campaign.OwnFile
	if other, err := campaign.Parse(data, p); err == nil {
		own = other.OwnFiles()
	} else if named, ok := campaign.ParseNamedFiles(data, p); ok {
		own, note = named, " (it does not load)"
	}
	var out []campaign.OwnFile
	for _, o := range own {
		o.What = fmt.Sprintf("%s of the campaign %s%s%s", theirs(o.What), name, where, note)
		out = append(out, o)
	}
	return out
}

// theirs is what, one of campaign.OwnFiles' names ("the campaign's state
// folder"), as another campaign's is named: "the state folder", which
// "of the campaign b.yaml" follows.
func theirs(what string) string {
	if rest, ok := strings.CutPrefix(what, "the campaign's "); ok {
		return "the " + rest
	}
	return what
}
