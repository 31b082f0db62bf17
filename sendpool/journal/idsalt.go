package journal

import "context"

// RecordedIDSalt returns the Message-ID salt of the latest run of the
// journal in the state folder dir that recorded one (Run.IDSalt), as
// State.IDSalt does, "" when none did or there is no journal, and whether
// the journal has records other than runs (sends, tries, reports). It
// reads the journal a line at a time (Scan) without loading it, takes no
// lock, writes nothing, and may run while a send appends: for the
// commands that read a campaign's state without changing it, when the
// state folder's salt file is gone.
func RecordedIDSalt(ctx context.Context, dir string) (salt string, more bool, err error) {
	_, err = Scan(ctx, dir, func(r Record) error {
		switch {
		case r.NewRun == nil:
			more = true
		case r.NewRun.IDSalt != "":
			salt = r.NewRun.IDSalt
		}
		return nil
	})
	return salt, more, err
}
