package plan

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/spool"
	"github.com/tidings/tidings/templates"
)

// Inputs are a campaign made ready to render: the campaign file loaded,
// its sheet open, its templates compiled against the sheet's columns, the
// renderer, the DKIM signer and the suppression list. The caller closes
// it; it is not safe for concurrent use (the sheet is read in order).
type Inputs struct {
	Campaign *campaign.Campaign
	Sheet    campaign.Sheet
	Set      *templates.Set
	Renderer *render.Renderer
	// Signer is nil when the campaign does not sign; Suppress nil when it
	// has no suppression list.
	Signer   *dkim.Signer
	Suppress *campaign.Suppression
	// notes holds what the files the messages are made of, and the
	// suppression list, were like before Open read them (nil when not
	// made by Open): see unchanged and SuppressChanged.
	notes fileNotes
	// messagesSum is the campaign's campaign.Campaign.MessagesDigest as
	// loaded: what Digest and the change notes take for the campaign
	// file's (see campaignSum).
	messagesSum string
	// idSalt is the state folder's Message-ID salt (IDSaltFile), or the
	// one its journal recorded when the file is gone (knownIDSalt); ""
	// when it has none yet (the preflight makes one: ensureIDSalt).
	// saltProblem is what send's preflight would refuse about it.
	idSalt      string
	saltProblem error
	// keyless says the campaign signs with a key read from an
	// environment variable that was not read (OpenToRead with the
	// variable unset, openForDigest): Digest leaves such keys out,
	// madeFromThese takes those set now and each generation's of the
	// others, and no message to send is made from in (signWith).
	keyless bool
}

// IDSaltProblem is what send would refuse about the state folder's
// Message-ID salt, for check and preview to tell: a salt file holding
// another salt than the sends in state (the campaign's journal) used, or
// a damaged one beside sends that recorded none; nil when nothing.
func (in *Inputs) IDSaltProblem(state *journal.State) error {
	if sent := state.IDSalt(); in.saltProblem == nil && in.idSalt != "" && sent != "" && sent != in.idSalt {
		return otherSalt(in.Campaign.StateDir, sent)
	}
	return in.saltProblem
}

// Close closes the sheet.
func (in *Inputs) Close() error { return in.Sheet.Close() }

// SheetWarnings are the sheet's warnings (campaign.Sheet.Warnings), then
// those about its merged ranges in the columns the campaign reads
// (render.Renderer.MergeWarnings).
func (in *Inputs) SheetWarnings() []string {
	return append(slices.Clip(in.Sheet.Warnings()), in.Renderer.MergeWarnings(in.Sheet.MergedRanges())...)
}

// Open loads the campaign file at path and everything it names. The DKIM
// key and the suppression list are read here, once, so check finds a bad
// key or a missing list before send would. Every error it returns makes the
// campaign unusable.
func Open(ctx context.Context, path string) (*Inputs, error) {
	return openInputs(ctx, path, false)
}

// OpenToRead is Open for a command that reads what was sent (report,
// show), which signs nothing: a DKIM key read from an environment
// variable (dkim.key_env) that is not set now is not needed. The
// campaign then opens with a Signer of its other keys alone
// (dkim.NewSignerOfSet), which judges each row's From as send's does,
// with the domains of the keys left out too, and never signs; the spool
// generation made from it is found by the sum of the unset key's public
// record its manifest kept ("$NAME": dkim.Signer.EnvKeys; see
// madeFromThese). check, preview and send use Open, which refuses the
// unset variable.
func OpenToRead(ctx context.Context, path string) (*Inputs, error) {
	return openInputs(ctx, path, true)
}

// openInputs is Open, or OpenToRead when toRead.
func openInputs(ctx context.Context, path string, toRead bool) (*Inputs, error) {
	notes := fileNotes{}
	if abs, err := filepath.Abs(path); err == nil {
		_ = notes.note(abs, true) // before it is read (see unchanged); Load fails next
	}
	c, err := campaign.Load(path)
	if err != nil {
		return nil, err
	}
	notes.noteCampaign(c)
	messagesSum := c.MessagesDigest() // before anything adds to c
	signer, keyless, err := openSigner(c, toRead)
	if err != nil {
		return nil, err
	}
	if _, err := sendpool.ParseDomainLimits(c.Send.Domains); err != nil {
		return nil, &campaign.FileError{File: c.File, Err: fmt.Errorf("send.domains: %w", err)}
	}
	in := &Inputs{Campaign: c, Signer: signer, notes: notes, messagesSum: messagesSum, keyless: keyless}
	if c.Suppress != "" {
		_ = notes.note(c.Suppress, true) // a list that cannot be read fails next
		if in.Suppress, err = campaign.LoadSuppression(c.Suppress); err != nil {
			return nil, err
		}
		c.Recipients.Suppress = in.Suppress // its rows are warned of no more (a status column's)
		if w := in.Suppress.ModeWarning(journal.ShownPathWord(c.Suppress)); w != "" {
			c.Warnings = append(c.Warnings, w) // a list others may read
		}
	}
	if err := in.openSheet(ctx); err != nil {
		return nil, err
	}
	if w := c.Recipients.ModeWarning(journal.ShownPathWord(c.Recipients.Path)); w != "" {
		c.Warnings = append(c.Warnings, w) // a sheet every user may read
	}
	for _, f := range in.inputFiles() {
		// The inline images, read in a few milliseconds; a file read
		// that cannot be looked at now is an error.
		if err := notes.note(f, true); err != nil {
			in.Sheet.Close()
			return nil, fmt.Errorf("plan: %w", err)
		}
	}
	return in, nil
}

// openSigner is c's DKIM signer (nil when c signs nothing), its warnings
// added to c's; an error names the campaign file and, where it can, the
// line and column of the dkim entry. toRead (OpenToRead) leaves out a key
// whose environment variable is not set (dkim.NewSignerOfSet): keyless,
// and a signer of the others, which judges a From as send's does
// (VetFrom: with the domains of the keys left out too) and never signs
// (signWith).
func openSigner(c *campaign.Campaign, toRead bool) (signer *dkim.Signer, keyless bool, err error) {
	var unset []string
	if toRead {
		signer, unset, err = dkim.NewSignerOfSet(c)
	} else {
		signer, err = dkim.NewSigner(c)
	}
	if err != nil {
		fe := &campaign.FileError{File: c.File, Err: err}
		if ee, ok := errors.AsType[*dkim.EntryError](err); ok {
			fe.Line, fe.Column = ee.Line, ee.Column
		}
		return nil, false, fe
	}
	if signer != nil {
		c.Warnings = append(c.Warnings, signer.Warnings()...) // a key file others may read
	}
	return signer, len(unset) > 0, nil
}

// fileNote is what a file the messages are made of was like before Open
// read it: its size and time, and its digest (the sheet's only once
// Digest has read it as it was, fileSum).
type fileNote struct {
	info os.FileInfo
	sum  string
}

// fileNotes maps the files the messages are made of to their notes.
type fileNotes map[string]fileNote

// note notes path, unless it is noted already; withSum with its digest.
// It returns the error of a file that cannot be read (noteCampaign's
// callers read it next, which fails too).
func (n fileNotes) note(path string, withSum bool) error {
	if _, ok := n[path]; ok {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fn := fileNote{info: fi}
	if withSum {
		if fn.sum, err = fileDigest(path); err != nil {
			return err
		}
	}
	n[path] = fn
	return nil
}

// noteCampaign notes, before they are read, the files c names that the
// messages are made of: its templates, its DKIM keys, its sheet (without
// a digest: it may be large, and is read once).
func (n fileNotes) noteCampaign(c *campaign.Campaign) {
	for _, f := range []string{c.Text, c.HTML, c.Markdown, c.Layout} {
		if f != "" {
			_ = n.note(f, true) // reading it fails next
		}
	}
	for _, k := range c.DKIM {
		if k.KeyFile != "" {
			_ = n.note(k.KeyFile, true)
		}
	}
	_ = n.note(c.Recipients.Path, false)
}

// unchanged returns an error naming the first file the messages are made
// of that changed (was saved again, replaced or removed) since Open
// noted it, before reading it: the spool's digest would name content
// other than the messages were made of, and a later send would take them
// for the campaign as it is then. A file is taken as unchanged while its
// size and modification time are (no inode is compared: network file
// systems change them), or its content (the sheet's once Digest has read
// it, fileSum). Nil for
// Inputs not made by Open.
func (in *Inputs) unchanged() error {
	if changed := in.Changed(); len(changed) > 0 {
		return &InputChangedError{File: changed[0]}
	}
	return nil
}

// InputChangedError is the error of a run that found File, one of the
// files the messages are made of, changed while it read it: nothing was
// sent, and the same command run again reads it as it is then. Its words
// name no command, which the caller knows (cmd/tidings adds the one to
// paste, with the flags the run was given).
type InputChangedError struct {
	File string
}

func (e *InputChangedError) Error() string {
	return fmt.Sprintf("plan: %s changed while this run read it (saved again?): nothing was sent", e.File)
}

// Changed lists the campaign's input files (paths as the campaign names
// them) that changed since this Inputs read them: not the same size and
// modification time, nor, when their digest was taken, the same bytes (a
// file saved again as it was is unchanged), nor, for the campaign file,
// the same messages (sameMessages: only its sending settings, comments
// or layout changed). A file removed has changed.
func (in *Inputs) Changed() []string {
	var changed []string
	for _, f := range in.inputFiles() {
		was, ok := in.notes[f]
		if !ok {
			continue
		}
		now, err := os.Stat(f)
		if err == nil && sameStat(now, was.info) {
			continue
		}
		if err == nil && was.sum != "" {
			if sum, derr := fileDigest(f); derr == nil && sum == was.sum {
				continue // saved again as it was (or touched)
			}
		}
		if f == in.Campaign.File && in.sameMessages() {
			continue
		}
		changed = append(changed, f)
	}
	return changed
}

// sameMessages says whether the campaign file, loaded now, makes the
// messages it made when this Inputs loaded it (the same
// campaign.Campaign.MessagesDigest): a file that no longer loads does not.
func (in *Inputs) sameMessages() bool {
	c, err := campaign.Load(in.Campaign.File)
	return err == nil && c.MessagesDigest() == in.campaignSum()
}

// campaignSum is the campaign's campaign.Campaign.MessagesDigest as Open
// loaded it (as it is now, for Inputs not made by Open): Digest's and
// the change notes' sum of the campaign file, which a change of its
// sending settings, comments or layout leaves as it is.
func (in *Inputs) campaignSum() string {
	if in.messagesSum == "" {
		in.messagesSum = in.Campaign.MessagesDigest()
	}
	return in.messagesSum
}

// SuppressChanged says whether the campaign's suppression list changed
// since Open read it (saved with other content, created or removed): a
// send keeps to the list as it was when it began, and an address added
// since may have been sent to. False for a campaign without one, and for
// Inputs not made by Open.
func (in *Inputs) SuppressChanged() bool {
	f := in.Campaign.Suppress
	was, ok := in.notes[f]
	if f == "" || !ok {
		return false
	}
	now, err := os.Stat(f)
	if err == nil && sameStat(now, was.info) {
		return false
	}
	sum, err := fileDigest(f)
	return err != nil || sum != was.sum
}

// openSheet opens the campaign's sheet and compiles the templates against
// it (compile); on an error the sheet is closed again.
func (in *Inputs) openSheet(ctx context.Context) error {
	var err error
	if in.Sheet, err = campaign.OpenSheet(ctx, in.Campaign.Recipients); err != nil {
		return in.Campaign.MissingFile("recipients.path", in.Campaign.Recipients.Path, err)
	}
	if err := in.compile(ctx); err != nil {
		in.Sheet.Close()
		return err
	}
	return nil
}

// compile compiles the templates against the sheet's columns and makes the
// renderer, which checks a From that does not align with the DKIM domain
// as the row's problem, before anything is sent.
func (in *Inputs) compile(ctx context.Context) error {
	set, err := templates.CompileSheet(in.Campaign, in.Sheet)
	if err != nil {
		return err
	}
	// A salt file gone or damaged is send's to write again from the
	// journal, or to refuse (ensureIDSalt); until then messages are made
	// with the salt the journal recorded, or none.
	in.idSalt, in.saltProblem = knownIDSalt(ctx, in.Campaign.StateDir)
	opts := render.Options{IDSalt: in.idSalt}
	if in.Signer != nil {
		opts.VetFrom = in.Signer.VetFrom
	}
	r, err := render.New(in.Campaign, set, opts)
	if err != nil {
		return err
	}
	in.Set, in.Renderer = set, r
	for _, w := range set.Warnings() { // told with the campaign's, once
		if !slices.Contains(in.Campaign.Warnings, w) {
			in.Campaign.Warnings = append(in.Campaign.Warnings, w)
		}
	}
	return nil
}

// Workers is how many goroutines render (and sign) in parallel.
func Workers() int { return runtime.GOMAXPROCS(0) }

// judgement is the revision of the rules the preflight judges rows by,
// part of every spool generation's digest: raise it when a row that was
// judged one way would now be judged another (2: an earlier row's key
// with other values is a problem, spool.Row.KeyReused; 3: records keep
// what the message was made of, spool.Row.ValuesSum, by which a row
// whose values changed since its message went out is told, and
// Message-IDs are made of it; 4: a row's problems are all kept, a line
// each in spool.Row.Detail, an earlier row's key with other values among
// them, and under recipients.duplicates: first a repeat with other values
// is marked, spool.Row.OtherValues; 5: an invalid row keeps its columns'
// fingerprints, spool.Row.ColumnSums, by which a sent row moved since is
// told; 6: a mailbox a row gives twice, in another letter case or in To
// and Cc, is one recipient, and address takes an email with a separator
// at its end, so an older generation's messages may go to one mailbox
// twice while the row's warning says one copy, or hold a row it refused).
const judgement = 6

// Digest is the hex SHA-256 over what the campaign's messages are made of
// (besides the attachments, which the spool checks one by one): the tool's
// version, the campaign file (as loaded, its sending settings aside:
// campaignSum), the template files and inline images, the sheet and the
// DKIM keys (one read from the environment by its public key, named
// "$NAME" in sums: dkim.Signer.EnvKeys). A spool made from the same digest
// holds the messages a new rendering would make (but for their Date): one
// made before only the campaign's rate, caps, server or login changed is
// reused. sums maps each of those files but the sheet, by its path
// relative to the campaign's folder, to its own digest. The digests Open
// noted are taken as they are: ask unchanged first.
//
// The digest also names the revision of the rules rows are judged by
// (judgement), so that a generation judged by older rules is not reused,
// and the Message-ID salt the messages were made with.
func (in *Inputs) Digest(version string) (digest string, sums map[string]string, err error) {
	return in.digestJudged(version, judgement)
}

// digestJudged is Digest with the rows judged by the rules of revision
// judged: what a generation of an earlier build names.
func (in *Inputs) digestJudged(version string, judged int) (digest string, sums map[string]string, err error) {
	head, sums, err := in.digestHead(version, judged)
	if err != nil {
		return "", nil, err
	}
	return keyedDigest(head, in.Signer.EnvKeys(), sums), sums, nil
}

// digestHead is what Digest hashes before the DKIM keys read from the
// environment: the revision, the salt and each file's name and digest;
// and sums, each file's but the sheet's by its path relative to the
// campaign's folder.
func (in *Inputs) digestHead(version string, judged int) (head []byte, sums map[string]string, err error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "tidings spool\x00%s\x00%d\x00%s\x00", version, judged, in.idSalt)
	sums = map[string]string{}
	for _, f := range in.inputFiles() {
		sum, err := in.fileSum(f)
		if err != nil {
			return nil, nil, fmt.Errorf("plan: %w", err)
		}
		fmt.Fprintf(&b, "%s\x00%s\x00", f, sum)
		if f != in.Campaign.Recipients.Path {
			sums[in.relative(f)] = sum
		}
	}
	return b.Bytes(), sums, nil
}

// keyedDigest is the hex SHA-256 of head (digestHead) followed by keys,
// the DKIM keys read from the environment by name ("$NAME") and sum
// (dkim.Signer.EnvKeys), in order; it adds keys to sums when sums is not
// nil.
func keyedDigest(head []byte, keys, sums map[string]string) string {
	h := sha256.New()
	h.Write(head)
	for _, name := range slices.Sorted(maps.Keys(keys)) {
		fmt.Fprintf(h, "%s\x00%s\x00", name, keys[name])
		if sums != nil {
			sums[name] = keys[name]
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// madeFromThese returns whether a generation of in's spool was made
// from in's inputs: its digest is Digest's; but when in did not read the
// DKIM keys read from the environment (keyless), Digest with the sum of
// each such key whose variable is set now (dkim.EnvKeysSet: a key
// changed since is a changed input, as for send), and of each other as
// the generation's manifest kept it ("$NAME" in spool.Inputs.Files:
// nothing secret); never for a generation that kept none of one. What
// was sent is so found by the inputs it was made of without the key.
func (in *Inputs) madeFromThese(version string) (func(*spool.Generation) bool, error) {
	head, _, err := in.digestHead(version, judgement)
	if err != nil {
		return nil, err
	}
	if !in.keyless {
		digest := keyedDigest(head, in.Signer.EnvKeys(), nil)
		return func(g *spool.Generation) bool { return g.Inputs().Digest == digest }, nil
	}
	var names []string
	for _, d := range in.Campaign.DKIM {
		if d.KeyEnv != "" {
			names = append(names, dkim.EnvKeyName(d.KeyEnv))
		}
	}
	set := dkim.EnvKeysSet(in.Campaign)
	return func(g *spool.Generation) bool {
		keys := map[string]string{}
		for _, name := range names {
			sum, ok := set[name]
			if !ok {
				sum, ok = g.Inputs().Files[name]
			}
			if !ok {
				return false
			}
			keys[name] = sum
		}
		return g.Inputs().Digest == keyedDigest(head, keys, nil)
	}, nil
}

// attachmentSums maps the attachments r read, those named without row
// data (render.Renderer.FixedAttachmentSums), by path relative to the
// campaign's folder, to the hex SHA-256 of what r read
// (spool.Inputs.Attachments): the content r's messages carry, with no
// file read again; nil when it has none.
func (in *Inputs) attachmentSums(r *render.Renderer) map[string]string {
	var sums map[string]string
	for f, sum := range r.FixedAttachmentSums() {
		if sums == nil {
			sums = map[string]string{}
		}
		sums[in.relative(f)] = sum
	}
	return sums
}

// fileSums is Digest's sums alone: the sheet is not read.
func (in *Inputs) fileSums() (map[string]string, error) {
	sums := map[string]string{}
	for _, f := range in.inputFiles() {
		if f == in.Campaign.Recipients.Path {
			continue
		}
		sum, err := in.fileSum(f)
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		sums[in.relative(f)] = sum
	}
	maps.Copy(sums, in.Signer.EnvKeys())
	return sums, nil
}

// fileSum is the digest of f: the campaign file's is campaignSum;
// another's the one Open noted before it read f (f is as it was then,
// while unchanged says so), else f's content now (the sheet, which Open
// notes without one; Inputs not made by Open). The
// sheet's, read while its size and time are still those noted, is noted
// too, so that Changed tells a sheet only touched since (saved again as
// it was, its time set by a sync tool) from one edited.
func (in *Inputs) fileSum(f string) (string, error) {
	if f == in.Campaign.File {
		return in.campaignSum(), nil
	}
	n, ok := in.notes[f]
	if ok && n.sum != "" {
		return n.sum, nil
	}
	sum, err := fileDigest(f)
	if err == nil && ok {
		if now, serr := os.Stat(f); serr == nil && sameStat(now, n.info) {
			n.sum = sum
			in.notes[f] = n
		}
	}
	return sum, err
}

// sameStat reports whether a and b, two looks at one file, give the same
// size and modification time: the file is taken as unchanged between them.
func sameStat(a, b os.FileInfo) bool {
	return a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// inputFiles are the files the campaign's messages are made of, each
// once, in Digest's order: the campaign file, the templates, the inline
// images, the sheet and the DKIM keys.
func (in *Inputs) inputFiles() []string {
	c := in.Campaign
	files := append([]string{c.File}, in.Set.Files()...)
	files = append(files, in.Renderer.ImageFiles()...)
	files = append(files, c.Recipients.Path)
	for _, k := range c.DKIM {
		if k.KeyFile != "" {
			files = append(files, k.KeyFile)
		}
	}
	seen := map[string]bool{}
	return slices.DeleteFunc(files, func(f string) bool {
		dup := seen[f]
		seen[f] = true
		return dup
	})
}

// relative is path relative to the campaign's folder (itself when it has
// none), so that a campaign folder moved keeps its names.
func (in *Inputs) relative(path string) string {
	rel, err := filepath.Rel(in.Campaign.Dir, path)
	if err != nil {
		return path
	}
	return rel
}

// fileDigest is the hex SHA-256 of a file's content. A file that is not
// a regular one is an error, its content not read: a FIFO a row names as
// its attachment (refused as no regular file) held send at its open,
// waiting for a writer, for good; a device would never end.
func fileDigest(path string) (string, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return "", err
	} else if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("plan: %s is not a regular file", path)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// spoolRenderer is a renderer for messages that go to the spool: signed
// (DKIM) when the campaign signs, with the journal's digest of each, and
// a message that goes again (an unknown outcome, a Cc owed) made with the
// Message-ID it went with in state (render.Options.EarlierID).
func (in *Inputs) spoolRenderer(state *journal.State) (*render.Renderer, error) {
	opts := render.Options{Digest: journal.Hash, IDSalt: in.idSalt, EarlierID: state.EarlierMessageID}
	if err := in.signWith(&opts); err != nil {
		return nil, err
	}
	return render.New(in.Campaign, in.Set, opts)
}

// ErrOpenedToRead is the error of making messages to send (a spool
// generation, a test send's) from Inputs that OpenToRead opened without
// a DKIM key whose environment variable is not set: they would go out
// unsigned.
var ErrOpenedToRead = errors.New("plan: the campaign was opened to read what was sent, without its DKIM key, and makes no message to send")

// signWith sets opts to sign the messages it makes as the campaign
// signs (VetFrom with Sign: a From that does not align is the row's
// problem naming the column that gave it, as check says it); it returns
// ErrOpenedToRead, and sets nothing, when in was opened without a key
// the campaign signs with.
func (in *Inputs) signWith(opts *render.Options) error {
	if in.keyless {
		return ErrOpenedToRead
	}
	if in.Signer != nil {
		opts.Sign, opts.VetFrom = in.Signer.Sign, in.Signer.VetFrom
	}
	return nil
}
