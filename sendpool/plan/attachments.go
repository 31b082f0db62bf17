package plan

import (
	"context"
	"errors"
	"os"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/spool"
)

// recentFiles bounds how many files a check remembers as looked at
// already (one every row shares is looked at once, not once a row).
const recentFiles = 1024

// noteAttachments records in w the files row's message m carries, its
// inline images of the row's own among them (render.Message.Images) (also
// when the row has a problem: an attachment too large for
// max_message_size), and the one its problem is about (an attachment that
// could not be read: as unreadable when it cannot be read now either), so
// that a file put back or changed makes the generation one of other
// inputs. Each record goes to the spool's file as it comes.
func noteAttachments(w *spool.Writer, row int, m *render.Message, problem error) error {
	if m != nil {
		for _, a := range append(m.Attachments[:len(m.Attachments):len(m.Attachments)], m.Images...) {
			rec := spool.Attachment{Row: row, Path: a.Path, Size: a.Size, ModTime: a.ModTime, SHA256: a.SHA256}
			if err := w.AddAttachment(rec); err != nil {
				return err
			}
		}
	}
	if ae, ok := errors.AsType[*render.AttachmentError](problem); ok {
		rec := spool.Attachment{Row: row, Path: ae.Path}
		if errors.Is(problem, render.ErrAttachmentPath) {
			// Refused for where it leads, readable or not: recorded as
			// unreadable, so that the generation is made again while
			// the path leads to a file (a link put right, say). Its
			// content is not read (it may be a key).
			return w.AddAttachment(rec)
		}
		if fi, err := os.Stat(ae.Path); err == nil { // before its content
			rec.Size, rec.ModTime = fi.Size(), fi.ModTime().UnixNano()
		}
		rec.SHA256, _ = fileDigest(ae.Path)
		return w.AddAttachment(rec)
	}
	return nil
}

// holds says whether the file a still holds what it held when spooled
// (or, spooled as unreadable, still cannot be read). A file clock trusts
// (spool.AttachmentClock.Trusts: of the size and modification time
// recorded, and older than the generation by its file system's clock) is
// taken as unchanged without reading it (as render's cache and
// Inputs.unchanged take one); else its content is hashed. The zero clock
// trusts none.
func holds(a spool.Attachment, clock spool.AttachmentClock) bool {
	if a.SHA256 == "" {
		sum, _ := fileDigest(a.Path)
		return sum == ""
	}
	fi, err := os.Stat(a.Path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != a.Size {
		return false
	}
	if clock.Trusts(a, fi) {
		return true
	}
	sum, err := fileDigest(a.Path)
	return err == nil && sum == a.SHA256
}

// sameAttachments says whether every attachment g's messages were made
// with still holds what it held, and those that could not be read still
// cannot. Its records are read one at a time, every one to the end, so
// that their digest is checked; the files are looked at until the first
// difference. A file's size and modification time are trusted (see
// holds): a resumed send or a report does not read every recipient's
// file again. A generation without records (an older tidings') is never
// the same: it is made again. Damaged records are an error wrapping
// spool.ErrCorrupt that names their file, never taken for files that
// changed or did not.
func sameAttachments(ctx context.Context, g *spool.Generation) (bool, error) {
	clock := g.AttachmentClock()
	seen := make(map[spool.Attachment]bool) // the row aside
	same := true
	err := g.ScanAttachments(ctx, func(a spool.Attachment) error {
		a.Row = 0
		if !same || seen[a] {
			return nil
		}
		if !holds(a, clock) {
			same = false
			return nil
		}
		if len(seen) >= recentFiles {
			clear(seen)
		}
		seen[a] = true
		return nil
	})
	return scanned(same, err)
}

// scanned is what a scan of a generation's attachment records that found
// its files the same (same) and ended with err says: a generation without
// records (an older tidings') is never the same; another error is one.
func scanned(same bool, err error) (bool, error) {
	switch {
	case errors.Is(err, spool.ErrNoAttachmentRecords):
		return false, nil
	case err != nil:
		return false, err
	}
	return same, nil
}

// RowHolds says whether the attachments g spooled for sheet row row (the
// files of its message, or the one its problem is about) still hold what
// they held, reading (hashing) those files alone and no other row's: what
// a generation made from the campaign's inputs (SpooledFrom) holds for
// that row is then what a send would make of it now. Every record is read,
// to its end, so that their digest is checked: a damaged one (the row's,
// or another's) is an error wrapping spool.ErrCorrupt, never taken for a
// file that changed or one that did not. A generation without records (an
// older tidings') holds no row.
func RowHolds(ctx context.Context, g *spool.Generation, row int) (bool, error) {
	same := true
	err := g.ScanAttachments(ctx, func(a spool.Attachment) error {
		if a.Row == row && same && !holds(a, spool.AttachmentClock{}) {
			same = false
		}
		return nil
	})
	return scanned(same, err)
}

// reusable returns the newest generation in store when it was made from
// the inputs digest (at any age: Preflight sends from it only while it is
// Fresh), was not found damaged, keeps the Cc and Bcc of campaign c's
// messages (CopiesKept), and its attachments still hold what they held;
// nil otherwise. Its attachment records damaged, it is marked so (no send
// reuses it again) and pl.Damaged says why, naming their file; nil is
// returned: the rows are rendered again.
func (pl *Plan) reusable(ctx context.Context, store *spool.Store, c *campaign.Campaign, digest string) (*spool.Generation, error) {
	gens, err := store.Generations()
	if err != nil || len(gens) == 0 {
		return nil, err
	}
	g := gens[0]
	if g.Inputs().Digest != digest || g.Damaged() || !CopiesKept(g, c) {
		return nil, nil
	}
	same, err := sameAttachments(ctx, g)
	switch {
	case errors.Is(err, spool.ErrCorrupt):
		return nil, pl.damaged(g, err)
	case err != nil || !same:
		return nil, err
	}
	return g, nil
}

// madeFrom returns the newest generation in store that made says was
// made from a campaign's inputs (Inputs.madeFromThese), not found
// damaged, whose attachments still hold what they held;
// nil when there is none. Attachment records found damaged on the way are
// an error wrapping spool.ErrCorrupt that names their file (and nil).
func madeFrom(ctx context.Context, store *spool.Store, made func(*spool.Generation) bool) (*spool.Generation, error) {
	gens, err := store.Generations()
	if err != nil {
		return nil, err
	}
	for _, g := range gens {
		if !made(g) || g.Damaged() {
			continue
		}
		same, err := sameAttachments(ctx, g)
		if err != nil {
			return nil, err
		}
		if same {
			return g, ctx.Err()
		}
	}
	return nil, ctx.Err()
}

// Spooled returns the newest generation of the campaign's spool made from
// the campaign's inputs as they are now (the campaign file at path, its
// templates, sheet, key and attachments; at any age, by this version of
// tidings), nil when there is none. Its row records are the rows as a
// send would judge them now (invalid, duplicate, or a message to decide
// about): what report.RebuildFromSpool places the journal's lines by. It
// reads what the digest covers, not the suppression list or the key
// itself, and of the attachments their size and time (see
// sameAttachments); an error says the campaign or its spool could not be
// read (one wrapping spool.ErrCorrupt: a generation's attachment records
// were damaged, so which rows it holds as the campaign is now is not
// known).
func Spooled(ctx context.Context, path, version string) (*spool.Generation, error) {
	in, err := openForDigest(ctx, path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	return SpooledOf(ctx, in, version)
}

// SpooledOf is Spooled of a campaign's inputs opened already (Open), whose
// files it reads once more only for the digest.
func SpooledOf(ctx context.Context, in *Inputs, version string) (*spool.Generation, error) {
	made, err := in.madeFromThese(version)
	if err != nil {
		return nil, err
	}
	return madeFrom(ctx, spool.OpenStore(in.Campaign.StateDir), made)
}

// SpooledFrom is Spooled without a look at any attachment: the
// generations made from the campaign's inputs digest (not damaged, with
// attachment records), newest first, whose rows are the campaign's as it
// is now only as far as RowHolds says of each: what a command that shows
// one row asks, which reads that row's attachments and not every
// recipient's. An older one may hold a row the newest does not (a file
// changed, then put back); only the store's newest is ever sent from.
func SpooledFrom(ctx context.Context, path, version string) ([]*spool.Generation, error) {
	in, err := openForDigest(ctx, path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	made, err := in.madeFromThese(version)
	if err != nil {
		return nil, err
	}
	gens, err := spool.OpenStore(in.Campaign.StateDir).Generations()
	if err != nil {
		return nil, err
	}
	var out []*spool.Generation
	for _, g := range gens {
		if made(g) && !g.Damaged() && g.HasAttachmentRecords() {
			out = append(out, g)
		}
	}
	return out, nil
}

// openForDigest loads the campaign file at path and opens its sheet and
// templates, what Digest reads; the caller closes it.
func openForDigest(ctx context.Context, path string) (*Inputs, error) {
	c, err := campaign.Load(path)
	if err != nil {
		return nil, err
	}
	in := &Inputs{Campaign: c, messagesSum: c.MessagesDigest(), keyless: true} // as Open takes it: before anything adds to c; no key read
	if err := in.openSheet(ctx); err != nil {
		return nil, err
	}
	return in, nil
}

// ChangedAttachments names the files g's messages carry that no longer
// hold what they held when spooled (edited, replaced or removed since:
// holds, trusting a file's size and time as sameAttachments does), each
// once, the first most of them, and counts them all: what a send that
// sent from g tells of the files edited while it ran. A record of a file
// that could not be read (a row's problem) is no message's. A generation
// without records (an older tidings') names none; damaged records are an
// error wrapping spool.ErrCorrupt.
func ChangedAttachments(ctx context.Context, g *spool.Generation, most int) (names []string, n int, err error) {
	clock := g.AttachmentClock()
	same := make(map[string]bool) // path and digest of files that hold what they held (the last recentFiles)
	changed := make(map[string]bool)
	err = g.ScanAttachments(ctx, func(a spool.Attachment) error {
		if a.SHA256 == "" || same[a.Path+"\x00"+a.SHA256] || changed[a.Path] {
			return nil
		}
		if !holds(a, clock) {
			if changed[a.Path] = true; len(names) < most {
				names = append(names, a.Path)
			}
			return nil
		}
		if len(same) >= recentFiles {
			clear(same)
		}
		same[a.Path+"\x00"+a.SHA256] = true
		return nil
	})
	if errors.Is(err, spool.ErrNoAttachmentRecords) {
		return nil, 0, nil
	}
	return names, len(changed), err
}
