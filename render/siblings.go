package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// siblingFiles lists what the other campaigns in c's folder keep for
// themselves (campaign.OwnFiles: their campaign file, sheet, suppression
// list, DKIM keys, state folder), each named as theirs: the files
// directly in c.Dir ending .yaml or .yml, other than c's, that load as
// campaigns. A row naming the sheet of a campaign beside this one
// (b.csv: every one of its recipients' addresses) would attach it, as
// its journal would (stateFile), and its state folder holds no send.lock
// before its first send (one that holds c.Dir, state_dir: ., ownFiles
// leaves out). A file that does not load as a campaign adds nothing. The
// folder is read once, as the renderer is made.
func siblingFiles(c *campaign.Campaign) []campaign.OwnFile {
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return nil
	}
	var out []campaign.OwnFile
	for _, e := range entries {
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		p := filepath.Join(c.Dir, name)
		if e.IsDir() || ext != ".yaml" && ext != ".yml" || strings.HasPrefix(name, ".") || p == c.File {
			continue
		}
		other, err := campaign.Load(p)
		if err != nil {
			continue
		}
		for _, o := range other.OwnFiles() {
			o.What = fmt.Sprintf("%s of the campaign %s beside this one", o.What, name)
			out = append(out, o)
		}
	}
	return out
}
