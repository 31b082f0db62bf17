package campaign

import "fmt"

// ModeWarning is the warning of a suppression list that every user of the
// machine may read or write (OpenToOthers: the user's own file, 0644 as
// an editor saves it under umask 022, in folders others may pass
// through), when it names anyone: it lists everyone who bounced,
// complained or asked not to be mailed, where what tidings writes about
// recipients is its owner's alone. shown is the list's path as the user
// pastes it into a shell. "" for a list only its owner and group may
// read, one in a folder others may not enter, another user's, an empty
// one, and off Unix.
func (s *Suppression) ModeWarning(shown string) string {
	if s == nil || s.Len() == 0 {
		return ""
	}
	mode, open := OpenToOthers(s.File, 0o006)
	if !open {
		return ""
	}
	names := "1 address or domain"
	if s.Len() > 1 {
		names = fmt.Sprintf("%d addresses or domains", s.Len())
	}
	return fmt.Sprintf("suppress: %s can be read or written by every user of this machine (mode %04o), and it names %s that bounced, complained or asked not to be mailed; make it yours alone: chmod 600 %s", shown, mode, names, shown)
}
