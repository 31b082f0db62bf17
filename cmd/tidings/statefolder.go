package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/statefile"
)

// privateState makes what tidings writes in c's state folder its owner's
// only before a command writes into it (statefile.Tighten: its files 0600
// and folders 0700, the folder itself 0700 when it holds nothing else,
// when looser and the user's), warning once for each path it tightened
// and once when the folder holds other files and others can read it; a
// loose file of tidings' another user owns makes the command unusable.
// It is the one place this is done: send, bounces and report
// (readyStateFolder) and preview call it where they start with the
// state folder.
func privateState(g *globalOptions, c *campaign.Campaign) error {
	notes, err := statefile.Tighten(c.StateDir)
	for _, note := range notes {
		fmt.Fprintln(g.stderr, "warning:", note)
	}
	if err != nil {
		return &unusableError{fmt.Errorf("state folder: %w", err)}
	}
	return nil
}

// readyStateFolder readies c's state folder for a command that reads its
// journal and writes there (send, bounces, report): made where it is not
// there yet (makeStateFolder), then its owner's only (privateState).
func readyStateFolder(g *globalOptions, c *campaign.Campaign) error {
	if err := makeStateFolder(c); err != nil {
		return err
	}
	return privateState(g, c)
}

// makeStateFolder makes c's state folder (0700) where it is not there yet,
// before send, bounces, report or preview write into it. A folder this
// user may not make there (the campaign's folder read-only, as
// configuration management deploys it for a service under
// ProtectSystem=strict, or another user's) is an unusable campaign whose
// error says what to set: state_dir, to a folder the user may write; so
// is a state folder where another user's files are (otherUsersState).
func makeStateFolder(c *campaign.Campaign) error {
	err := os.MkdirAll(c.StateDir, 0o700)
	if err == nil {
		return otherUsersState(c)
	}
	if !errors.Is(err, fs.ErrPermission) && !errors.Is(err, syscall.EROFS) {
		return &unusableError{fmt.Errorf("state folder: %w", err)}
	}
	return unwritableState(c, err)
}

// unwritableState is the unusable-campaign error for c's state folder,
// which this user may not make or write (err says why): where the default
// is, in the campaign's folder, to set state_dir; where state_dir names
// it, to make it this user's or choose another.
func unwritableState(c *campaign.Campaign, err error) error {
	if c.StateDir == filepath.Join(c.Dir, ".tidings", c.Name) {
		return &unusableError{fmt.Errorf("state folder: %w: tidings keeps %s's journal and reports in .tidings/ beside it, and this user may not write its folder (read-only, or another user's); set state_dir: in %s to a folder it may write, as a service's state directory (state_dir: /var/lib/tidings/%s)",
			err, filepath.Base(c.File), filepath.Base(c.File), c.Name)}
	}
	return &unusableError{fmt.Errorf("state folder: %w: this user may not make or write the folder state_dir names in %s; make it this user's (mkdir -p %s, then chown it to the user tidings runs as), or set state_dir to a folder it may write",
		err, filepath.Base(c.File), c.StateDir)}
}

// stateFolderWarning is check's warning, "" for none, when send, report
// and preview would stop at c's state folder (makeStateFolder): this
// user may not make or write it (writable, where the system says), or a
// file of another user's is in it. check itself writes nothing there.
func stateFolderWarning(c *campaign.Campaign) string {
	err := writable(existingFolder(c.StateDir))
	if err != nil {
		err = unwritableState(c, &fs.PathError{Op: "write", Path: c.StateDir, Err: err})
	} else {
		err = otherUsersStateDoing(c, "run as %s they stop before they write anything there")
	}
	if err == nil {
		return ""
	}
	return "send, report and preview will stop: " + err.Error()
}

// existingFolder is dir, or the nearest folder above it that is there:
// the one a state folder not made yet would be made in.
func existingFolder(dir string) string {
	for {
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// otherUsersState refuses c's state folder when a file or folder tidings
// writes there is another user's (statefile.Foreign): a command run as
// root on a service's campaign, writing on, would leave files of root's
// the service cannot replace or write into (a preview/ folder of root's
// stops each later send writing its report page). The error names both
// users and what to run instead (foreignAdvice).
func otherUsersState(c *campaign.Campaign) error {
	return otherUsersStateDoing(c, "this command runs as %s: nothing was written")
}

// otherUsersStateDoing is otherUsersState's error, saying what the
// command does about the folder in did, a format given this user's
// words: check, which writes nothing there, says what send, report and
// preview will do instead of "nothing was written".
func otherUsersStateDoing(c *campaign.Campaign, did string) error {
	err := statefile.Foreign(c.StateDir)
	var fe *statefile.ForeignError
	if !errors.As(err, &fe) {
		if err != nil {
			return &unusableError{fmt.Errorf("state folder: %w", err)}
		}
		return nil
	}
	_, ownerLabel := userName(fe.UID)
	_, meLabel := userName(os.Geteuid())
	return &unusableError{fmt.Errorf("state folder: %s belongs to %s, and %s; %s",
		fe.Path, ownerLabel, fmt.Sprintf(did, meLabel), foreignAdvice(fe.UID, c.StateDir))}
}

// foreignAdvice is what to do about a state folder dir holding a file of
// the user owner's. Root's, met by another user (a service's run after
// sudo tidings run as root left it), is to be given back to that user:
// running the service as root is no answer. Another's is to be left to
// that user, whose later runs could not replace what this one wrote.
func foreignAdvice(owner int, dir string) string {
	me, _ := userName(os.Geteuid())
	if owner == 0 {
		return fmt.Sprintf("a command run as root left it, and this user cannot replace it; give the folder back to this user (sudo chown -R %s %s), and run tidings for this campaign as %s only (sudo -u %s tidings …)", strings.TrimPrefix(me, "#"), dir, me, me)
	}
	name, _ := userName(owner)
	return fmt.Sprintf("so that %s's later runs are not left with files they cannot replace; run tidings for this campaign as one user, here as %s (sudo -u %s tidings …), or give the folder to the user that runs it (chown -R USER %s)", name, name, name, dir)
}

// userName is the user id uid's login name (#uid, as sudo -u takes it,
// where the system does not know it) and the words for it, "tidings (uid
// 998)".
func userName(uid int) (name, label string) {
	id := strconv.Itoa(uid)
	if u, err := user.LookupId(id); err == nil && u.Username != "" {
		return u.Username, u.Username + " (uid " + id + ")"
	}
	return "#" + id, "uid " + id
}
