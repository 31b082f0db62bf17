package preview

import (
	"fmt"

	"github.com/tidings/tidings/campaign"
)

// ListedWarning is the warning of a folder a preview writes into
// (preview --out) that every user of the machine may list
// (campaign.OpenToOthers: the user's own, made under umask 022, 0755, in
// folders others may pass through): the message files preview writes are
// their owner's alone (0600), but their names hold each recipient's key
// (000002-alice@example.com.eml), so anyone may read who the campaign goes
// to. shown is dir as the user reads it and pastes it into a shell. It is
// "" for a folder others may not list or reach, one not there (NewWriter
// makes it 0700), and off Unix, whose file modes say nothing of who reads
// a folder. The folder's mode is left as it is: the folder is the user's,
// and may hold other files.
func ListedWarning(dir, shown string) string {
	mode, open := campaign.OpenToOthers(dir, 0o004)
	if !open {
		return ""
	}
	return fmt.Sprintf("%s can be listed by other users of this machine (mode %04o): the messages preview writes there are yours alone, but their names hold each recipient's key (000002-<key>.eml); make the folder its owner's alone: chmod 700 %s", shown, mode, shown)
}
