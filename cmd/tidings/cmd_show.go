package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// showOptions are the flags of `tidings show`.
type showOptions struct {
	// row picks the recipient by sheet row instead of key.
	row int
	// out is the file to write the message to; "" for stdout.
	out string
	// name, when set, is an earlier name of the campaign whose message
	// to show (its state folder; see campaign.Campaign.Rename).
	name string
}

func newShowCommand(g *globalOptions) *cobra.Command {
	var opts showOptions
	cmd := &cobra.Command{
		Use:   "show CAMPAIGN.yaml [KEY]",
		Short: "Print a recipient's message as it was sent, byte for byte",
		Long: `show prints the message of one recipient, picked by key (as the sheet has it)
or with --row N, exactly as it went to the server: from the spool every send
writes (its preflight renders each message once and keeps it, compressed, in
the state folder). A recipient not sent yet gets the message the next send
will send, once a send spooled it from the campaign as it is (after an edit,
the next send renders it again; preview shows it meanwhile); one spooled
more than an hour ago, whose spool is damaged, or spooled before the newest
spool (the campaign or a file of the row changed, spooled so, and put back)
is shown with a warning: the next send renders it again, with a new Date and
DKIM signature. --row N
is the sheet's row N as it is now (read from the sheet when the spool's
records of the rows are damaged). --out FILE writes the message to FILE (an .eml a
mail program opens; an existing file other than an .eml is refused) instead
of standard output; what it is (row, status, when spooled) goes to standard
error. --name EARLIER shows the message the campaign file handed over while
it was named EARLIER (renamed since for its next issue): from that name's
state folder, by key or by --row N as the sheet numbered it then, whatever
the sheet is now. Exit code: 0 printed, 1 no such recipient or no message spooled for
it yet, 2 campaign unusable.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 && opts.row == 0 || len(args) == 1 && opts.row > 0 {
				return nil
			}
			return fmt.Errorf("usage: %s (a KEY or --row N)", cmd.UseLine())
		},
		ValidArgsFunction: completeCampaign,
		RunE: func(cmd *cobra.Command, args []string) error {
			key := ""
			if len(args) == 2 {
				key = args[1]
			}
			if opts.name != "" {
				return runShowEarlier(cmd.Context(), opts, g, args[0], key)
			}
			return runShow(cmd.Context(), opts, g, args[0], key)
		},
	}
	cmd.Flags().IntVar(&opts.row, "row", 0, "the recipient of sheet row N (the header is row 1)")
	cmd.Flags().StringVarP(&opts.out, "out", "o", "", "write the message to FILE instead of standard output")
	cmd.Flags().StringVar(&opts.name, "name", "", "show the message of the campaign as it was named NAME before (the file sent under an earlier name)")
	_ = cmd.MarkFlagFilename("out", "eml")
	return cmd
}

// errNotFound says show found no message; exit code 1.
var errNotFound = errors.New("no message")

// runShow prints the message of the recipient key (or of sheet row
// opts.row).
func runShow(ctx context.Context, opts showOptions, g *globalOptions, path, key string) error {
	return showFrom(ctx, opts, g, path, key, &currentSpool{ctx: ctx, path: path})
}

// openSentRecord opens the journal and the spool of the state folder dir,
// read-only, beside a running send (besideSend), for show: what went out
// and its messages. The caller calls closeRecord once done with both. An
// error is an *unusableError.
func openSentRecord(ctx context.Context, dir string) (state *journal.State, finder *spool.Finder, closeRecord func(), err error) {
	state, err = journal.Load(ctx, dir)
	if err != nil {
		return nil, nil, nil, &unusableError{err}
	}
	besideSend(state, dir)
	finder, err = spool.OpenStore(dir).NewFinder()
	if err != nil {
		state.Close()
		return nil, nil, nil, &unusableError{err}
	}
	return state, finder, func() { finder.Close(); state.Close() }, nil
}

// showFrom is runShow with current, the generation made from the campaign
// at path as it is, not looked for yet.
func showFrom(ctx context.Context, opts showOptions, g *globalOptions, path, key string, current *currentSpool) error {
	c, err := campaign.Load(path)
	if err != nil {
		return &unusableError{err}
	}
	if opts.out != "" {
		if err := safeOut(opts.out, c.StateDir); err != nil {
			return &unusableError{err} // before a word about the message
		}
	}
	// A message that went out is shown from the spool without the sheet;
	// a row of it, or a message not sent yet, needs it.
	sheetErr := sheetThere(c)
	if sheetErr != nil && opts.row > 0 {
		return &unusableError{sheetErr}
	}
	state, finder, closeRecord, err := openSentRecord(ctx, c.StateDir)
	if err != nil {
		return err
	}
	defer closeRecord()
	defer current.warn(g.stderr)
	row, dupOf := opts.row, ""
	var damaged error // current's row records, found damaged
	if row > 0 {
		if key, dupOf, damaged, err = showRowKey(ctx, g, c, state, current, row, path); err != nil {
			return err
		}
	}
	e, err := state.Entry(key)
	if err != nil {
		return &unusableError{err}
	}
	row, hash, status := journalSays(e, row)
	m, gen, ok, err := findMessage(ctx, finder, current, row, key, hash)
	if err != nil {
		return &unusableError{err}
	}
	if !ok {
		if sheetErr != nil {
			return &unusableError{sheetErr}
		}
		err := notSpooled(ctx, current, c, key)
		if hash != "" {
			err = goneMessage(key, hash, e.LastAttempt.Time, finder.Generations())
		}
		if dupOf != "" {
			err = fmt.Errorf("row %d is a %s: %w", opts.row, dupOf, err)
		}
		return err
	}
	if !g.quiet {
		fmt.Fprintf(g.stderr, "%s, %s: %s; spooled %s (generation %d), %s\n", shownWhere(ctx, c, m, opts.row, dupOf, hash != "" && !isCurrent(current, gen, m.Row)),
			keyWords(m.Key), status, report.Time(gen.Created()), gen.Number(), byteSize(int64(len(m.Data))))
		if hash != "" && e != nil && plan.Revisable(e.Status) {
			if note := revisedNote(revisedSince(ctx, path, c, state, current, finder, m.Row, m.Key)); note != "" {
				fmt.Fprintln(g.stderr, note)
			}
		}
		if hash != "" {
			if note := earlierNote(state, m.Key); note != "" {
				fmt.Fprintln(g.stderr, note)
			}
		}
	}
	if why := rerendered(gen, finder.Generations()[0], c, damaged, time.Now()); hash == "" && why != "" {
		// Said also under -q: the bytes printed are not what goes.
		fmt.Fprintf(g.stderr, "warning: %s, so the next send renders this message again, with a new Date and DKIM signature: it shows what the message says, not byte for byte what will be sent\n", why)
	}
	return writeMessage(g, c.StateDir, opts.out, m.Data)
}

// showRowKey is keyOfRow for show --row row, telling on g's stderr what
// show says before the message: a row the campaign leaves out now
// (leftOutError) whose key the journal (state) has a message for is
// that key, with a note of why it is left out; a row whose spooled
// records are damaged is read from the sheet, with a warning saying so.
// The error says a header or title row is not a recipient's, rather than
// that there is no such row.
func showRowKey(ctx context.Context, g *globalOptions, c *campaign.Campaign, state *journal.State, current *currentSpool, row int, path string) (key, dupOf string, damaged, err error) {
	if key, dupOf, damaged, err = keyOfRow(ctx, current, c, row, path); errors.Is(err, errNotFound) {
		if herr := notARecipientRow(ctx, c, row); herr != nil {
			return "", "", nil, herr // the header, or above it: say that rather than "no row"
		}
	}
	if lo := (*leftOutError)(nil); errors.As(err, &lo) && messageWentTo(state, lo.key) {
		// Left out now (paid since the reminder went): what went.
		fmt.Fprintf(g.stderr, "note: %v; a message went to it before, shown below\n", lo.err)
		key, err = lo.key, nil
	}
	if err != nil {
		return "", "", nil, err
	}
	if damaged != nil {
		fmt.Fprintf(g.stderr, "warning: %v; row %d is read from the sheet instead\n", damaged, row)
	}
	return key, dupOf, damaged, nil
}

// messageWentTo reports whether the journal of state knows a message
// that went out (or is going) to the recipient with key.
func messageWentTo(state *journal.State, key string) bool {
	e, err := state.Entry(key)
	if err != nil || key == "" {
		return false
	}
	_, hash, _ := journalSays(e, 0)
	return hash != ""
}

// journalSays is what the journal's entry e (nil: none) says of the
// recipient show looks for at row: the row and digest (hash, "" for none)
// of the message that went out, and its status in words; row when none
// did and the journal has no row for it.
func journalSays(e *journal.Entry, row int) (at int, hash, status string) {
	switch {
	case e == nil:
		return row, "", "not sent yet"
	case e.LastAttempt != nil && e.InHand:
		return e.Row, e.Hash, "being sent now by the send that is running (its reply has not come yet)"
	case e.LastAttempt != nil && e.Status.WentOut():
		return e.Row, e.Hash, wentOutWords(e)
	}
	// A decision, no delivery: suppressed stands; an invalid row's
	// problem is gone once it has a message. A message handed over but
	// not taken (deferred, or cut off before its body: not attempted) is
	// sent again as the campaign is then.
	switch e.Status {
	case sendpool.StatusSuppressed:
		return e.Row, "", "suppressed, not sent"
	case sendpool.StatusDeferred, sendpool.StatusNotAttempted:
		return e.Row, "", e.Status.String() + ", to be sent again" + triedWords(e)
	}
	return e.Row, "", "not sent yet"
}

// wentOutWords is the status of e, whose message went out, with when
// (sentWords, triedWords) and what came back about it since as the
// report tells it (a bounce, a complaint: journal.Entry.WithFeedback):
// "sent 2026-12-07T10:15:02Z; since then: bounced for …". A sent row's
// report says bounced; show said only "sent".
func wentOutWords(e *journal.Entry) string {
	status := e.Status.String()
	if e.Result == nil || e.Result.Status != sendpool.StatusSent {
		return status + triedWords(e)
	}
	status = sentWords(e)
	if r := e.WithFeedback(*e.Result); r.Status != e.Result.Status {
		status += "; since then: " + r.Detail
	}
	return status
}

// spoolAgeWords says plan.MaxSpoolAge in words: "an hour", else as
// estimates do.
func spoolAgeWords() string {
	if plan.MaxSpoolAge == time.Hour {
		return "an hour"
	}
	return sendpool.FormatEstimate(plan.MaxSpoolAge)
}

// rerendered says why the next send renders again the message of a row
// not sent yet that show found in gen, a generation made from the
// campaign as it is: a send only sends from the spool's newest generation
// (newest), and gen is older (one made since from the campaign as it was
// then: edited and put back, or from an attachment of this row changed
// and put back), or gen was begun too long before now to be sent from
// (plan.Fresh; or so long that a send would not dispatch it in time:
// partTime), or its row records were found damaged (damaged, which
// that send's check of the spool finds too), or gen's records do not keep
// the Cc and Bcc campaign c gives messages (plan.CopiesKept). "" when
// that send sends it as it is.
func rerendered(gen, newest *spool.Generation, c *campaign.Campaign, damaged error, now time.Time) string {
	switch {
	case damaged != nil:
		return "its spool generation is damaged"
	case gen.Number() != newest.Number():
		return fmt.Sprintf("it was spooled in generation %d, and generation %d was spooled since from the campaign as it was then", gen.Number(), newest.Number())
	case !plan.Fresh(gen, now):
		return "it was spooled more than " + spoolAgeWords() + " ago"
	case now.Sub(gen.Started()) >= partTime: // send reuses a spool that long (plan.Options.Within)
		return fmt.Sprintf("it was spooled more than %d minutes ago, too late to go within %s of its Date", int(partTime/time.Minute), spoolAgeWords())
	case !plan.CopiesKept(gen, c):
		return "it was spooled by a tidings from before the spool kept a message's Cc and Bcc"
	}
	return ""
}

// shownWhere says which row m, the message show prints, is: the sheet's
// row asked for (0: show was given a key), a duplicate (dupOf, "" when
// not) of m's row, or m's row as it was when sent (sentBefore: from a
// generation made before the campaign changed), when the sheet no longer
// has it, or its selection leaves it out now (campaign.LeftOutNote), too.
func shownWhere(ctx context.Context, c *campaign.Campaign, m spool.Message, asked int, dupOf string, sentBefore bool) string {
	switch {
	case dupOf != "":
		return fmt.Sprintf("row %d is a %s and gets no message of its own; row %d", asked, dupOf, m.Row)
	case asked > 0 && asked != m.Row: // the sheet changed since
		return fmt.Sprintf("row %d (row %d when sent)", asked, m.Row)
	case !sentBefore:
		return fmt.Sprintf("row %d", m.Row)
	}
	all := *c
	all.Recipients = c.Recipients.Unselected() // a row left out is in the sheet still
	r, err := sheetFirstRowOf(ctx, &all, m.Key)
	if err != nil { // the sheet does not say where the row is now
		return fmt.Sprintf("row %d when sent", m.Row)
	}
	if r.Number == 0 {
		return fmt.Sprintf("row %d when sent, no longer in the sheet", m.Row)
	}
	if why := c.Recipients.LeftOut(r.Values); why != "" {
		return fmt.Sprintf("row %d when sent (%s)", m.Row, campaign.LeftOutNote(why))
	}
	return fmt.Sprintf("row %d when sent", m.Row)
}

// revisedNote is show's note on a message that went out when what it
// was made of changed since (revisedSince's changed, owed and held), or
// "" when nothing did.
func revisedNote(changed []string, owed bool, held string) string {
	switch {
	case held != "":
		return fmt.Sprintf("note: since it went out, %s changed; not sent again: %s", plan.RevisedWords(changed), held)
	case owed:
		return fmt.Sprintf("note: since it went out, %s changed; its corrected message was deferred: a plain send sends it, as the row is now", plan.RevisedWords(changed))
	case len(changed) > 0:
		return fmt.Sprintf("note: since it went out, %s changed; send --resend-changed sends it as it is now, a message of its own", plan.RevisedWords(changed))
	}
	return ""
}

// revisedSince is what of key's row (row when its message went out)
// changed since (journal.State.Revised): as the generation made from the
// campaign as it is holds the row, or else as the campaign at path
// renders the sheet's first row with key now. Nil when nothing changed or
// it cannot be told (the row is gone, the campaign does not open). owed
// says that the corrected message the server deferred is still owed and
// made of the row's values now (journal.State.DeferredAnew): a plain send
// sends it. held says why no send sends it again (a report about one of
// its recipients, plan.Reported), as send and check judge it.
func revisedSince(ctx context.Context, path string, c *campaign.Campaign, state *journal.State, current *currentSpool,
	finder *spool.Finder, row int, key string) (changed []string, owed bool, held string) {
	in, err := plan.OpenToRead(ctx, path)
	if err != nil {
		return nil, false, ""
	}
	defer in.Close()
	var now *render.Message
	if m, _, ok, _ := current.message(finder, row, key); ok {
		now = m.Message
	}
	if now == nil {
		if r, err := sheetFirstRowOf(ctx, c, key); err == nil && r.Number > 0 {
			now, _ = in.Renderer.Render(r)
		}
	}
	if now == nil {
		return nil, false, ""
	}
	changed, _ = state.Revised(key, in.Renderer.Facets(), now.ValuesSum, func() ([]uint16, error) { return now.ValueSums, nil })
	changed = plan.NameFiles(changed, in.Renderer.FilesWords())
	if len(changed) > 0 {
		held, _ = plan.Reported(state, key, now.Recipients)
	}
	return changed, len(changed) > 0 && state.DeferredAnew(key) == now.ValuesSum && held == "", held
}

// currentSpool is, for show, the generations made from the campaign's
// inputs as they are (plan.SpooledFrom), newest first, found once: it
// hashes the inputs, but not the attachments, of which only the rows show
// asks about are looked at (forRow), not every recipient's, once a row
// however often show asks. Attachment records found damaged make their
// generation hold no row, as the next send renders afresh then too:
// damaged says why, and warn says it.
type currentSpool struct {
	ctx     context.Context
	path    string // the campaign file
	once    sync.Once
	gens    []*spool.Generation
	err     error
	damaged error
	// failed is the first error other than damage that a look at the
	// attachment records met (the row is taken as not spooled then).
	failed error
	// rows is what forRow found for each row asked about, and scans
	// counts the looks at the attachment records (plan.RowHolds) that
	// took.
	rows  map[int]*spool.Generation
	scans int
}

// generation is the newest generation made from the campaign's inputs as
// they are, whose row records say where a key is (the same in each of
// them: the sheet is the same); nil when there is none.
func (c *currentSpool) generation() (*spool.Generation, error) {
	c.once.Do(func() { c.gens, c.err = plan.SpooledFrom(c.ctx, c.path, release) })
	if len(c.gens) == 0 {
		return nil, c.err
	}
	return c.gens[0], nil
}

// forRow is the newest generation made from the campaign's inputs as they
// are that holds sheet row row as the campaign is now (plan.RowHolds: the
// row's attachments still hold what they held): an older one when a file
// changed since the newest was made and was put back. Nil when none does,
// or the attachment records are damaged (the first damage is kept in
// damaged).
func (c *currentSpool) forRow(row int) *spool.Generation {
	if gen, asked := c.rows[row]; asked {
		return gen
	}
	if c.rows == nil {
		c.rows = map[int]*spool.Generation{}
	}
	c.generation()
	for _, gen := range c.gens {
		c.scans++
		ok, err := plan.RowHolds(c.ctx, gen, row)
		switch {
		case errors.Is(err, spool.ErrCorrupt):
			c.damaged = cmp.Or(c.damaged, err)
		case err != nil:
			c.failed = cmp.Or(c.failed, err) // told by warn, as the row is then taken as not spooled
		}
		if ok && err == nil {
			c.rows[row] = gen
			return gen
		}
	}
	c.rows[row] = nil
	return nil
}

// message is key's message in the generation that holds its row as the
// campaign is now (forRow), looked for at row first (spool.Finder.FindIn).
func (c *currentSpool) message(finder *spool.Finder, row int, key string) (spool.Message, *spool.Generation, bool, error) {
	first, _ := c.generation() // none: not spooled as it is now
	if first == nil {
		return spool.Message{}, nil, false, nil
	}
	m, ok, err := finder.FindIn(c.ctx, first, row, key)
	if !ok || err != nil {
		return m, nil, false, err
	}
	gen := c.forRow(m.Row)
	switch {
	case gen == nil:
		return spool.Message{}, nil, false, nil
	case gen != first: // the same row: the sheet is the same
		m, ok, err = finder.FindIn(c.ctx, gen, m.Row, key)
	}
	return m, gen, ok, err
}

// warn says on w that attachment records were found damaged, or that the
// spool could not be read (show then takes its rows as not spooled as the
// campaign is now), when either happened.
func (c *currentSpool) warn(w io.Writer) {
	if c.damaged != nil {
		fmt.Fprintf(w, "warning: %v; the next send renders the messages again\n", c.damaged)
	}
	if c.failed != nil {
		fmt.Fprintf(w, "warning: the spool's attachment records could not be read (%v): the message shown, if any, is not the spool's as the campaign is now\n", c.failed)
	}
}

// findMessage finds key's message: with hash (a message was handed over
// for it), the one that went out, in whichever generation holds it;
// without, the one the next send sends, which only the generation made
// from the campaign as it is (current) holds, when the row's attachments
// still hold what they held (plan.RowHolds): an older one was made from
// other inputs, and the next send renders it again.
func findMessage(ctx context.Context, finder *spool.Finder, current *currentSpool, row int, key, hash string) (spool.Message, *spool.Generation, bool, error) {
	if hash != "" {
		return finder.Find(ctx, row, key, hash)
	}
	return current.message(finder, row, key)
}

// isCurrent says whether gen is the generation made from the campaign as
// it is, as far as sheet row row is concerned (its attachments), or
// another made from the campaign's inputs as they are (an earlier part of
// a long send, or an earlier send at a rate, spooled a part's worth of
// the same sheet): its rows are numbered as the sheet's are now.
func isCurrent(current *currentSpool, gen *spool.Generation, row int) bool {
	if cur := current.forRow(row); cur != nil && cur.Number() == gen.Number() {
		return true
	}
	return slices.ContainsFunc(current.gens, func(g *spool.Generation) bool { return g.Number() == gen.Number() })
}

// keyOfRow is the key of sheet row row, and dupOf the row's "duplicate of
// row N" when it is one: as the generation made from the campaign as it
// is judged the row (plan.SpooledFrom, plan.RowHolds), where a row with a
// problem has no message; without one (the campaign changed since it was
// spooled), as the sheet has it now (keyOfSheetRow, with the campaign
// file at path). When that generation's row records are damaged (an
// error wrapping spool.ErrCorrupt, damaged), it is as the sheet has it
// too.
func keyOfRow(ctx context.Context, spooled *currentSpool, c *campaign.Campaign, row int, path string) (key, dupOf string, damaged, err error) {
	first, _ := spooled.generation()
	current := spooled.forRow(row) // nil: an attachment of it changed, or its record is damaged
	if first == nil || current == nil {
		key, dupOf, err = keyOfSheetRow(ctx, c, row, path)
		return key, dupOf, nil, err
	}
	r, ok, err := spooledRow(ctx, current, row)
	switch {
	case errors.Is(err, spool.ErrCorrupt):
		key, dupOf, serr := keyOfSheetRow(ctx, c, row, path)
		return key, dupOf, err, serr
	case err != nil:
		return "", "", nil, &unusableError{err}
	case !ok:
		// No such row in the sheet the spool was made from, as it is
		// now: the sheet says which rows it has (sheetRowAt).
		key, dupOf, err = keyOfSheetRow(ctx, c, row, path)
		return key, dupOf, nil, err
	case r.Kind == spool.KindInvalid:
		return "", "", nil, fmt.Errorf("%w: row %d has a problem, and none is made until it is fixed: %s", errNotFound, row, report.ProblemLine(r.Detail))
	case r.Kind == spool.KindDuplicate:
		return r.Key, r.Detail, nil, nil
	}
	return r.Key, "", nil, nil
}

// spooledRow is the row record of sheet row row in gen.
func spooledRow(ctx context.Context, gen *spool.Generation, row int) (spool.Row, bool, error) {
	rd, err := gen.Open()
	if err != nil {
		return spool.Row{}, false, err
	}
	defer rd.Close()
	return rd.FindRow(ctx, func(r spool.Row) bool { return r.Row == row })
}

// keyOfSheetRow is keyOfRow from the sheet alone: row's key, and whether
// an earlier row has it: a duplicate, or a problem when that row's values
// differ (journal.ErrKeyReused, told as send tells it: the campaign at
// path's render.Renderer.Variant).
func keyOfSheetRow(ctx context.Context, c *campaign.Campaign, row int, path string) (key, dupOf string, err error) {
	r, err := sheetRowAt(ctx, c, row)
	if err != nil {
		return "", "", err
	}
	key = r.Values[c.Recipients.Key]
	first, err := sheetFirstRowOf(ctx, c, key)
	switch {
	case err != nil:
		return "", "", &unusableError{err}
	case first.Number >= row:
		return key, "", nil
	}
	differs := false
	if variant, done := rowVariant(ctx, path); variant != nil {
		defer done()
		differs = journal.VariantsDiffer(variant(first), variant(r))
	}
	detail, _, reused := journal.Repeat(first.Number, differs, c.Recipients.Duplicates == campaign.DuplicatesFirst)
	if reused {
		return "", "", fmt.Errorf("%w: row %d has a problem, and none is made until it is fixed: %w: row %d has this key too, with other values (tidings check says what to do)", errNotFound, row, journal.ErrKeyReused, first.Number)
	}
	return key, detail, nil
}

// notARecipientRow says so when sheet row row is the header or above it
// (title rows); nil for a row below it. It opens the sheet, so show asks
// only once a row was not found.
func notARecipientRow(ctx context.Context, c *campaign.Campaign, row int) error {
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return &unusableError{err}
	}
	defer sheet.Close()
	switch h := sheet.HeaderRow(); {
	case row == h:
		return fmt.Errorf("%w: row %d of %s is its header; the recipients are in the rows below it", errNotFound, row, displayPath(c.Recipients.Path))
	case row < h:
		return fmt.Errorf("%w: row %d of %s is above its header (row %d); the recipients are in the rows below that", errNotFound, row, displayPath(c.Recipients.Path), h)
	}
	return nil
}

// sheetRowAt reads sheet row row; a row that cannot be read or has no key
// is errNotFound, and a row past the sheet's last says which rows hold
// recipients.
func sheetRowAt(ctx context.Context, c *campaign.Campaign, row int) (campaign.Row, error) {
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return campaign.Row{}, &unusableError{err}
	}
	defer sheet.Close()
	first, last := 0, 0
	for {
		r, err := sheet.Next(ctx)
		var re *campaign.RowError
		if err == nil || errors.As(err, &re) {
			n := r.Number
			if err != nil {
				n = re.Row
			}
			first, last = cmp.Or(first, n), max(last, n)
		}
		if errors.Is(err, io.EOF) || err == nil && r.Number > row {
			if key, why := leftOutRow(ctx, c, row); why != "" {
				return campaign.Row{}, &leftOutError{key: key, err: fmt.Errorf("%w: row %d of %s is no recipient of this campaign: %s", errNotFound, row, displayPath(c.Recipients.Path), why)}
			}
		}
		switch {
		case errors.Is(err, io.EOF):
			return campaign.Row{}, fmt.Errorf("%w: %s has no row %d%s", errNotFound, displayPath(c.Recipients.Path), row, rowsSpan(first, last))
		case errors.As(err, &re) && re.Row == row:
			return campaign.Row{}, fmt.Errorf("%w: row %d has a problem: %s", errNotFound, row, problemText(err))
		case errors.As(err, &re):
			continue
		case err != nil:
			return campaign.Row{}, &unusableError{err}
		case r.Number < row:
			continue
		case r.Number > row: // a blank row, which the sheet skips
			return campaign.Row{}, fmt.Errorf("%w: row %d of %s is blank", errNotFound, row, displayPath(c.Recipients.Path))
		case r.Values[c.Recipients.Key] == "":
			return campaign.Row{}, fmt.Errorf("%w: row %d of %s has no key (column %q)", errNotFound, row, displayPath(c.Recipients.Path), c.Recipients.Key)
		}
		return r, nil
	}
}

// leftOutError is sheetRowAt's error for a row the campaign's
// recipients.only_blank or only_filled leave out: an errNotFound saying
// why, and the row's key, by which the journal may know a message that
// went to it before (show prints that).
type leftOutError struct {
	key string
	err error
}

func (e *leftOutError) Error() string { return e.err.Error() }

func (e *leftOutError) Unwrap() error { return e.err }

// leftOutRow says why recipients.only_blank or only_filled leave out
// sheet row row (campaign.Recipients.LeftOut), reading the sheet without
// them, with the row's key; why is "" when the campaign chooses no rows,
// or the row is chosen, not there or cannot be read.
func leftOutRow(ctx context.Context, c *campaign.Campaign, row int) (key, why string) {
	if len(c.Recipients.OnlyBlank) == 0 && len(c.Recipients.OnlyFilled) == 0 {
		return "", ""
	}
	sheet, err := campaign.OpenSheet(ctx, c.Recipients.Unselected())
	if err != nil {
		return "", ""
	}
	defer sheet.Close()
	for {
		r, err := sheet.Next(ctx)
		var re *campaign.RowError
		switch {
		case errors.As(err, &re):
			continue
		case err != nil || r.Number > row:
			return "", ""
		case r.Number == row:
			return r.Values[c.Recipients.Key], c.Recipients.LeftOut(r.Values)
		}
	}
}

// rowsSpan says which rows hold recipients, first to last, for an error
// naming a row past them.
func rowsSpan(first, last int) string {
	switch {
	case last == 0:
		return " (it has no recipient rows)"
	case first == last:
		return fmt.Sprintf(" (its one recipient is in row %d)", first)
	}
	return fmt.Sprintf(" (its recipients are in rows %d to %d)", first, last)
}

// goneMessage is show's error for key's message that went out (its digest
// hash, handed over at sent) and that no generation of gens holds: gone
// from the spool; or, when none is as old as the message, the spool
// folder removed since (said first: the journal outlives the spool, as
// README's "The messages only" has it) or never in one (a tidings from
// before the spool sent it); sent in UTC, as show's line says when.
func goneMessage(key, hash string, sent time.Time, gens []*spool.Generation) error {
	for _, g := range gens {
		if !g.Started().After(sent) {
			return fmt.Errorf("%w: the message handed over for %s (digest %s) is not in the spool any more", errNotFound, key, hash)
		}
	}
	return fmt.Errorf("%w: the message handed over for %s (digest %s) at %s is in no spool generation, and none is as old: "+
		"the spool folder was removed since (the journal still says it was sent), or a tidings from before the spool sent it, which kept no copy of its messages",
		errNotFound, key, hash, report.Time(sent))
}

// notSpooled says why key, whose message has not gone out, has none: its
// row has a problem (as the generation made from the campaign as it is
// found: plan.SpooledFrom), not in the sheet, or not spooled yet (or not
// as the campaign is now).
func notSpooled(ctx context.Context, spooled *currentSpool, c *campaign.Campaign, key string) error {
	gen, _ := spooled.generation()
	if gen != nil { // none: the sheet says the rest
		r, ok, err := invalidRowOf(ctx, gen, key)
		if err != nil {
			return &unusableError{err}
		}
		if ok && spooled.forRow(r.Row) == gen {
			return fmt.Errorf("%w: %s (row %d) has no message: the row has a problem, and none is made until it is fixed: %s", errNotFound, key, r.Row, report.ProblemLine(r.Detail))
		}
		if ok {
			gen = nil // an attachment of the row changed since
		}
	}
	row, err := sheetRowOf(ctx, c, key)
	if err == nil && row > 0 && gen != nil && spooled.forRow(row) == nil {
		gen = nil
	}
	switch {
	case err != nil:
		return &unusableError{err}
	case row == 0:
		return fmt.Errorf("%w: %q is not a key in column %q of %s%s", errNotFound, key, c.Recipients.Key, displayPath(c.Recipients.Path), heldElsewhere(ctx, c, key))
	case gen == nil:
		return fmt.Errorf("%w: %s (row %d) has no message spooled from the campaign as it is now (a file of it changed since, or no send spooled it yet): the next send renders and checks it again; preview shows what it would be, or what is wrong with it", errNotFound, key, row)
	}
	return fmt.Errorf("%w: %s (row %d) has no message spooled yet: send spools a row's message when it begins the run (or the part of a long run) that sends it (preview shows what it would be)", errNotFound, key, row)
}

// safeOut checks that writing a message to the file out loses nothing: it
// is new, or an .eml file (itself, not a link to one), and outside every
// state folder.
func safeOut(out, stateDir string) error {
	if fi, err := os.Lstat(out); err == nil && (!fi.Mode().IsRegular() || !strings.EqualFold(filepath.Ext(out), ".eml")) {
		return fmt.Errorf("--out %s exists and is not an .eml file (a link, a folder or another file): choose another name, or remove it first", displayPath(out))
	}
	if _, isState, inState := statePlace(filepath.Dir(out), stateDir); isState || inState {
		return fmt.Errorf("--out %s is in a campaign's state folder: choose another folder", displayPath(out))
	}
	if fi, err := os.Stat(filepath.Dir(out)); err != nil || !fi.IsDir() {
		return fmt.Errorf("--out %s: there is no folder %s to write it in", displayPath(out), displayPath(filepath.Dir(out)))
	}
	return nil
}

// unwrapPathErr is err without the path of an *os.PathError or
// *os.LinkError, for a caller that names the file itself, or must not
// (a temporary file's name, which says nothing to a user; a credential
// whose name may be the password, secretFromCredential).
func unwrapPathErr(err error) error {
	if pe, ok := errors.AsType[*os.PathError](err); ok {
		return pe.Err
	}
	if le, ok := errors.AsType[*os.LinkError](err); ok {
		return le.Err
	}
	return err
}

// replaceFile writes data to a new private file beside path and renames it
// to path: an .eml replaced is replaced as a name, so another link to the
// same file (a hard link) keeps what it had.
func replaceFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".show-*.eml")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// invalidRowOf finds the row record of gen with key that has a problem.
func invalidRowOf(ctx context.Context, gen *spool.Generation, key string) (spool.Row, bool, error) {
	rd, err := gen.Open()
	if err != nil {
		return spool.Row{}, false, err
	}
	defer rd.Close()
	return rd.FindRow(ctx, func(r spool.Row) bool { return r.Kind == spool.KindInvalid && spool.SameKey(r.Key, key) })
}

// sheetRowOf finds key in the sheet's key column; 0 when it is not there.
func sheetRowOf(ctx context.Context, c *campaign.Campaign, key string) (int, error) {
	r, err := sheetFirstRowOf(ctx, c, key)
	return r.Number, err
}

// sheetFirstRowOf is the first row of the sheet with key (Number 0: none).
func sheetFirstRowOf(ctx context.Context, c *campaign.Campaign, key string) (campaign.Row, error) {
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return campaign.Row{}, err
	}
	defer sheet.Close()
	for {
		r, err := sheet.Next(ctx)
		var re *campaign.RowError
		switch {
		case errors.Is(err, io.EOF):
			return campaign.Row{}, nil
		case errors.As(err, &re):
			continue
		case err != nil:
			return campaign.Row{}, err
		}
		if spool.SameKey(r.Values[c.Recipients.Key], key) {
			return r, nil
		}
	}
}

// earlierNote says that the message shown, of key, is a corrected one
// (send --resend-changed) and which went before it under the key, when
// and to whom: its reader got those too, with the values they had; the
// time in UTC, as show's line before it says when the message was sent
// (reportTime). "" when none went before it (or the journal cannot say).
func earlierNote(state *journal.State, key string) string {
	as, err := state.Earlier(key)
	if err != nil || len(as) == 0 {
		return ""
	}
	words := make([]string, len(as))
	for i, a := range as {
		words[i] = fmt.Sprintf("%s to %s (%s)", report.Time(a.Time), a.To, a.MessageID)
	}
	return fmt.Sprintf("note: this is a corrected message; before it, %s went under this key, as the row was then: %s", report.Plural(len(as), "message"), strings.Join(words, "; "))
}

// maxHeldElsewhere is the most rows heldElsewhere names.
const maxHeldElsewhere = 3

// heldElsewhere names the rows of the sheet whose other columns hold
// value (an address or a name typed where show wants the key), each with
// its key, as "; it is the E-Mail of row 5 (key "K1004")", and those whose
// key is value with the leading zeros it dropped ("87" for "00087": it is
// the key "00087" of row 3, written with its leading zeros), or "" when
// no row does (or the sheet cannot be read: the error says enough).
func heldElsewhere(ctx context.Context, c *campaign.Campaign, value string) string {
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return ""
	}
	defer sheet.Close()
	var found []string
	more := 0
	for {
		r, err := sheet.Next(ctx)
		var re *campaign.RowError
		if errors.As(err, &re) {
			continue
		}
		if err != nil {
			break
		}
		key := r.Values[c.Recipients.Key]
		held := ""
		if col := columnHolding(sheet.Columns(), r, c.Recipients.Key, value); col != "" {
			held = fmt.Sprintf("the %s of row %d (key %q)", col, r.Number, key)
		} else if zerosDropped(key, value) {
			held = fmt.Sprintf("the key %q of row %d, written with its leading zeros", key, r.Number)
		}
		switch {
		case held == "":
		case len(found) == maxHeldElsewhere:
			more++
		default:
			found = append(found, held)
		}
	}
	if len(found) == 0 {
		return ""
	}
	tail := ""
	if more > 0 {
		tail = fmt.Sprintf(" and of %d more rows", more)
	}
	return fmt.Sprintf("; it is %s%s: show takes the key", strings.Join(found, ", "), tail)
}

// zerosDropped reports whether value is key, a number written with
// leading zeros (a client number "00087"), with some of them left out
// ("87", "087"), as a person types it.
func zerosDropped(key, value string) bool {
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	digits := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	return digits(key) && digits(value) && len(value) < len(key) && strings.TrimLeft(key, "0") == strings.TrimLeft(value, "0")
}

// columnHolding is the first of columns, other than key, whose value in r
// is value (as keys compare: spool.SameKey), or holds it as one of its
// addresses ("a@x.de; b@y.de", a cell To reads as two), or "".
func columnHolding(columns []string, r campaign.Row, key, value string) string {
	for _, col := range columns {
		if col != key && strings.TrimSpace(r.Values[col]) != "" && (spool.SameKey(r.Values[col], value) || amongAddresses(r.Values[col], value)) {
			return col
		}
	}
	return ""
}

// amongAddresses reports whether cell, a list of addresses separated by
// ',' or ';' (each bare or in <>), holds value, an address, as one of them.
func amongAddresses(cell, value string) bool {
	if !strings.Contains(value, "@") || !strings.ContainsAny(cell, ",;") {
		return false
	}
	for part := range strings.FieldsFuncSeq(cell, func(r rune) bool { return r == ',' || r == ';' }) {
		if i := strings.LastIndexByte(part, '<'); i >= 0 {
			part = strings.TrimSuffix(strings.TrimSpace(part[i+1:]), ">")
		}
		if spool.SameKey(part, value) {
			return true
		}
	}
	return false
}

// writeMessage writes data to out (a new private file, or one that
// replaces an .eml file), or to stdout when out is "". It refuses to
// replace any other file (a sheet, a journal) and to write into a state
// folder (stateDir, the campaign's).
func writeMessage(g *globalOptions, stateDir, out string, data []byte) error {
	if out == "" {
		_, err := rawWriter(g.stdout).Write(data) // byte for byte
		return err
	}
	if err := safeOut(out, stateDir); err != nil {
		return &unusableError{err}
	}
	if err := replaceFile(out, data); err != nil {
		return &unusableError{fmt.Errorf("--out %s: %w", displayPath(out), unwrapPathErr(err))}
	}
	if !g.quiet {
		fmt.Fprintf(g.stderr, "wrote %s\n", displayPath(out))
	}
	return nil
}

// keyWords names a recipient by key for show's line: an address as it is
// ("ann@example.com"), another key as one ("key \"2\""), which a bare
// number beside a row number would not read as.
func keyWords(key string) string {
	if strings.Contains(key, "@") {
		return key
	}
	return fmt.Sprintf("key %q", key)
}
