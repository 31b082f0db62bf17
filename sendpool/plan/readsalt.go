package plan

import (
	"context"

	"github.com/tidings/tidings/sendpool/journal"
)

// knownIDSalt returns the Message-ID salt the next send of the campaign
// whose state folder is dir would make its messages with, as far as it
// is known without writing anything (send's preflight writes the file:
// ensureIDSalt): the salt file's, or, when the file is gone or damaged,
// the one the journal's sends recorded (journal.RecordedIDSalt, a pass
// over the journal only then), which send writes back. So check, preview,
// show and report make the Message-IDs send makes. "" when neither has
// one (send makes one then).
//
// problem is a damaged file beside sends that recorded no salt, which
// send refuses, for the commands to tell; a file holding another salt
// than the sends used is found against the loaded journal
// (Inputs.IDSaltProblem).
func knownIDSalt(ctx context.Context, dir string) (salt string, problem error) {
	salt, err := readIDSalt(dir)
	if err == nil && salt != "" {
		return salt, nil
	}
	sent, more, jerr := journal.RecordedIDSalt(ctx, dir)
	switch {
	case jerr != nil:
		return salt, jerr // the journal's own load tells it
	case sent != "":
		return sent, nil
	case err != nil && more:
		return "", damagedSalt(err)
	}
	return "", nil
}
