package plan

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/statefile"
)

// IDSaltFile is the file in a campaign's state folder that holds the
// salt of its Message-IDs (render.Options.IDSalt): 32 hex digits and a
// newline, made by the first send from that folder, and recorded in the
// run line of every send that used it (journal.Run.IDSalt). Removing the
// state folder, or copying the campaign without it, gives the next send's
// messages identifiers of their own, so that a receiver that keeps last
// month's message does not take this month's, from a copy of the same
// campaign, for a copy of it.
const IDSaltFile = render.StateIDSalt

// errBadSalt is wrapped by readIDSalt's error for a file that holds no
// salt tidings wrote.
var errBadSalt = errors.New("not the Message-ID salt tidings writes (32 hex digits)")

// readIDSalt returns the salt in stateDir, "" when there is none yet.
func readIDSalt(stateDir string) (string, error) {
	path := filepath.Join(stateDir, IDSaltFile)
	f, err := statefile.OpenFile(path, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("plan: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64))
	if err != nil {
		return "", fmt.Errorf("plan: %s: %w", path, err)
	}
	salt := strings.TrimSuffix(string(b), "\n")
	if !validSalt(salt) {
		return "", fmt.Errorf("plan: %s: %w", path, errBadSalt)
	}
	return salt, nil
}

func validSalt(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil && len(s) == 32
}

// ensureIDSalt gives in its Message-ID salt before the preflight renders
// (the caller holds the campaign's lock):
//   - the state folder's, when the journal's sends used it or no other;
//   - the one the journal's sends used (journal.State.IDSalt), written
//     back, when the file is gone or damaged;
//   - a new one, written before any message is made with it, when neither
//     the file nor the journal has one and the journal names no
//     recipient (the file may be damaged then: nothing was sent with it);
//   - none when the journal names recipients but neither has a salt: the
//     state folder was made by a tidings from before the salts, and its
//     messages keep the identifiers they were sent with.
//
// A file whose salt is not the one the journal's sends used is refused:
// a resend would get another Message-ID than the message it resends. A
// salt file beside sends that recorded none is taken (an earlier build
// kept the salt in the file only).
func (in *Inputs) ensureIDSalt(state *journal.State) error {
	dir := in.Campaign.StateDir
	salt, err := readIDSalt(dir)
	sent := state.IDSalt()
	switch {
	case err == nil && salt != "" && sent != "" && salt != sent:
		return otherSalt(dir, sent)
	case err == nil && salt != "":
		// (With sends and no salt recorded: a tidings that kept the salt
		// in the file only made them; the next run line records it.)
		in.idSalt = salt
		return nil
	case sent != "":
		salt = sent
	case state.Len() > 0 && err == nil:
		in.idSalt = "" // a state folder from before the salts
		return nil
	case state.Len() > 0:
		return damagedSalt(err)
	default:
		var b [16]byte
		_, _ = rand.Read(b[:]) // never fails (crypto/rand)
		salt = hex.EncodeToString(b[:])
	}
	if err := writeSalt(dir, salt); err != nil {
		return fmt.Errorf("plan: the Message-ID salt: %w", err)
	}
	in.idSalt = salt
	return nil
}

// otherSalt is the error of the salt file in dir when it holds another
// salt than sent, the one the journal's sends used.
func otherSalt(dir, sent string) error {
	return fmt.Errorf("plan: %s holds another salt than the sends of this campaign used (%s, in the journal's run lines): "+
		"put it back (write that salt into the file) or remove the file, which the next send writes again from the journal",
		filepath.Join(dir, IDSaltFile), sent)
}

// damagedSalt is the error of a salt file that cannot be read (err)
// beside sends that recorded no salt.
func damagedSalt(err error) error {
	return fmt.Errorf("%w: put back the salt this state folder's sends used (a backup of it has the file), or remove the file if it never held one", err)
}

// writeSalt replaces the salt file in dir by one holding salt, atomically
// (a temporary file synced, then renamed over it, and the folder synced):
// a crash leaves the old file or the new one, never one cut short. A link
// in its place is refused (statefile).
func writeSalt(dir, salt string) error {
	if err := os.MkdirAll(dir, statefile.FolderMode); err != nil {
		return err
	}
	path := filepath.Join(dir, IDSaltFile)
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return &statefile.LinkError{Path: path} // the rename would replace it
	}
	return statefile.WriteAtomic(path, []byte(salt+"\n"))
}

// IDSalt is the Message-ID salt the campaign's messages are made with
// ("" for none), for the journal's run line.
func (in *Inputs) IDSalt() string { return in.idSalt }
