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

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/statefile"
)

// IDSaltFile is the file in a campaign's state folder that holds the
// salt of its Message-IDs (render.Options.IDSalt): 32 hex digits and a
// newline, made by the first send from that folder. Removing the state
// folder, or copying the campaign without it, gives the next send's
// messages identifiers of their own, so that a receiver that keeps last
// month's message does not take this month's, from a copy of the same
// campaign, for a copy of it.
const IDSaltFile = "message-id.salt"

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
	if _, err := hex.DecodeString(salt); err != nil || len(salt) != 32 {
		return "", fmt.Errorf("plan: %s is not the Message-ID salt tidings writes (32 hex digits): it was edited; "+
			"remove it only if nothing was sent from this state folder (the messages sent would have other Message-IDs than a resend)", path)
	}
	return salt, nil
}

// ensureIDSalt gives in its Message-ID salt before the preflight renders:
// the state folder's, or, when it has none and its journal names no
// recipient, a new one, written (synced) before any message is made with
// it. A state folder whose journal names recipients but that has no salt
// was made by a tidings from before the salts: its messages keep the
// identifiers they were sent with. The caller holds the campaign's lock.
func (in *Inputs) ensureIDSalt(state *journal.State) error {
	if in.idSalt != "" || state.Len() > 0 {
		return nil
	}
	dir := in.Campaign.StateDir
	salt, err := readIDSalt(dir)
	if err != nil || salt != "" {
		in.idSalt = salt
		return err
	}
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	salt = hex.EncodeToString(b[:])
	err = os.MkdirAll(dir, statefile.FolderMode)
	if err == nil {
		err = writeSynced(filepath.Join(dir, IDSaltFile), salt+"\n")
	}
	if err != nil {
		return fmt.Errorf("plan: the Message-ID salt: %w", err)
	}
	in.idSalt = salt
	return nil
}

// writeSynced creates path (it must not exist) holding data, and syncs
// it and its folder.
func writeSynced(path, data string) error {
	f, err := statefile.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, statefile.FileMode)
	if err != nil {
		return err
	}
	_, err = f.WriteString(data)
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(path)
		return err
	}
	return statefile.SyncDir(filepath.Dir(path))
}
