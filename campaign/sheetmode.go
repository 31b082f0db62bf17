package campaign

import "fmt"

// ModeWarning is the warning of a recipient sheet every user of the
// machine may read (OpenToOthers: the user's own file, readable by
// others, as a CRM's export saved under umask 022 is, 0644, in folders
// others may pass through), where what tidings writes about the same
// recipients is its owner's alone. shown is the sheet's path as the
// user pastes it into a shell (quoted where it must be). It is "" when
// there is nothing to say: a sheet only its owner and group may read, one
// in a folder others may not enter, another user's, one that cannot be
// looked at (opening it tells), and off Unix.
func (r Recipients) ModeWarning(shown string) string {
	mode, open := OpenToOthers(r.Path, 0o004)
	if !open {
		return ""
	}
	return fmt.Sprintf("recipients: %s can be read by every user of this machine (mode %04o), and it holds every recipient's row: names, addresses and what else its columns hold; make it yours alone: chmod 600 %s", shown, mode, shown)
}
