package plan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/spool"
)

// MaxSpoolAge is how old a spool may be and still be sent from: its
// messages' Date header (and DKIM timestamp) is when they were spooled,
// and a message dated hours before it arrives is sorted below the mail of
// those hours and scored as suspect by filters (SpamAssassin's
// DATE_IN_PAST_03_06 and on). A resumed send, or a send after a test send,
// whose last message would leave an hour or more after the spooling began
// (Options.RunFor; or Options.Within, the time a send may dispatch)
// renders every row afresh into a new generation, which
// holds the messages of the rows it may send (spool.Row.Unspooled). A
// single run that lasts longer, at a low rate, is sent in parts that each
// render the rows still to send afresh (Options.Afresh).
const MaxSpoolAge = time.Hour

// Fresh says whether a send at now may send g's messages: g was begun
// less than MaxSpoolAge before now (not completed: a preflight of hours
// dates its first messages hours before it ends). A generation that is
// not is rendered again by the next send, each message with a new Date
// and DKIM signature.
func Fresh(g *spool.Generation, now time.Time) bool {
	return now.Sub(g.Started()) < MaxSpoolAge && !now.Before(g.Started())
}

// CopiesKept says whether g's message records keep what a send of c
// journals and reports of each message: its Cc and Bcc, when c has a Cc
// or Bcc template. A generation of a tidings from before the records kept
// them (spool.Generation.KeepsCopies) reads back every message without
// them, so a send does not send from it: the rows are rendered again. Its
// records stay readable for what went out from it.
func CopiesKept(g *spool.Generation, c *campaign.Campaign) bool {
	return g.KeepsCopies() || c.Cc == "" && c.Bcc == ""
}

// Options tune Preflight.
type Options struct {
	// Policy is the resume policy (--retry-failed, --resend-unknown).
	Policy journal.Policy
	// ResendChanged sends again, as they are now, the rows whose message
	// went out before and whose values changed since (Plan.Revised;
	// --resend-changed).
	ResendChanged bool
	// OwnRunsFrom, when above 0, is the journal's first run (1-based) of
	// the send this preflight is a part of: ResendChanged does not send
	// again a row whose message went out in that run or a later one (an
	// earlier part's, the sheet edited since), which is told as changed
	// as a plain send tells it. The flag is for what changed before the
	// send began; a recipient does not get two messages from one send.
	OwnRunsFrom int
	// Version is the tool's version: a spool made by another version is
	// not reused.
	Version string
	// Now is the clock the spool's age is judged by; nil means time.Now.
	Now func() time.Time
	// Describe formats a row problem for the spool (file, row, column), a
	// line for each of the row's problems (spool.Row.Detail); nil means
	// its Error.
	Describe func(error) string
	// OnMessage, when set, sees every rendered message (for its
	// warnings), from one goroutine, once the row is decided (the notes
	// of a row not to send cleared, as of every row when SendsNone: the
	// run that sends them tells them; render.Message.Unsent). A reused
	// spool renders none: it sees instead, for each row to send, in
	// sheet order, the row's notes read from the sheet without rendering
	// (render.Renderer.Notes: the same Warnings, SharedUnsubscribe and
	// Blank, no Data; Unlinked from the spool's row record;
	// notesFromSheet), none when SendsNone: the sheet is not read for
	// them.
	OnMessage func(*render.Message)
	// Store is the spool to write into and reuse from; nil means the one
	// in the campaign's state folder.
	Store *spool.Store
	// RunFor, when set, says how long delivering n messages takes at the
	// run's rate: a generation is reused only when the last message of
	// this run would still leave within MaxSpoolAge of its spooling (its
	// messages are dated then); nil counts no time.
	RunFor func(n int) time.Duration
	// Afresh renders every row into a new generation even when the
	// newest could be reused: each later part of a run longer than
	// MaxSpoolAge dates its messages when it begins.
	Afresh bool
	// SpoolAtMost, when above 0, spools the messages of the first
	// SpoolAtMost rows to send only (a part of a long run sends no more;
	// the part after it renders the rest again): the others' records are
	// spool.Row.Unspooled, so that no send sends from the generation
	// without rendering them again.
	SpoolAtMost int
	// Within is how long after a generation was begun the run may still
	// hand its messages to the server (the send's part time, after which
	// it dispatches none: the rest of MaxSpoolAge is for the messages in
	// flight then): a generation is reused only for the messages that
	// leave before it (RunFor). 0 means MaxSpoolAge.
	Within time.Duration
	// SendsNone says the run sends no message whatever the rows' fates
	// (its daily cap is used up): the rows are decided from the newest
	// generation made from the same inputs at any age, as when none is
	// left to send (Preflight), and rendered only when there is none. The
	// plan's Allow then lets no row go, though the cap may have freed a
	// slot since (a daily cron job's run as yesterday's first messages
	// leave the cap's window).
	SendsNone bool
}

// fitting is how many of the first n messages a run sends from gen
// leave before Within (MaxSpoolAge when 0) is over from gen's start, at
// the run's rate (RunFor): none when gen is older than that (or begun
// after now), n when the last does.
func (o *Options) fitting(gen *spool.Generation, n int) int {
	within := cmp.Or(o.Within, MaxSpoolAge)
	age := o.Now().Sub(gen.Started())
	outlives := func(n int) bool { return o.RunFor != nil && age+o.RunFor(n) >= within }
	switch {
	case age < 0 || age >= within:
		return 0
	case !outlives(n):
		return n
	}
	return sort.Search(n, func(i int) bool { return outlives(i + 1) })
}

func (o *Options) describe(err error) string {
	if o.Describe == nil {
		return err.Error()
	}
	return o.Describe(err)
}

// Preflight decides every row's fate before anything is sent: invalid,
// duplicate, suppressed, done by an earlier run as the journal (state)
// says, or to send. Every row is rendered once, signed when the campaign
// signs, and spooled in a new generation; unless the newest generation was
// made from the same inputs, when the rows are decided from it and nothing
// is rendered: if it is Fresh and this run's last message would leave
// within MaxSpoolAge of it (Options.RunFor), or at any age when it leaves
// no row to send, or the run sends none (Options.SendsNone): a daily send
// with nothing left renders nothing. The caller holds the campaign's
// lock. It fails when the campaign cannot be read or the spool cannot be
// written (nothing is then sent, and nothing half-written is ever used);
// row problems are in Plan.Invalid.
func Preflight(ctx context.Context, in *Inputs, state *journal.State, opts Options) (_ *Plan, perr error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Store == nil {
		opts.Store = spool.OpenStore(in.Campaign.StateDir)
	}
	newPlan := func() *Plan {
		return &Plan{decider: NewDecider(in, state, opts.Policy), resendChanged: opts.ResendChanged, ownRunsFrom: opts.OwnRunsFrom, sendsNone: opts.SendsNone}
	}
	pl := newPlan()
	// The duplicates are in the spool's row records once it ends, and
	// nothing after the preflight asks for them: the keys' hashes go
	// before delivery (tens of megabytes for a million rows). A plan not
	// returned gives back its key check's notes as well.
	defer func() {
		if perr != nil {
			pl.decider.Close()
		} else {
			pl.decider.closeDupes()
		}
	}()
	if err := in.unchanged(); err != nil {
		return nil, err
	}
	if err := in.ensureIDSalt(state); err != nil {
		return nil, err
	}
	digest, files, err := in.Digest(opts.Version)
	if err != nil {
		return nil, err
	}
	if err := pl.noteUnreadable(opts.Store); err != nil {
		return nil, err
	}
	var gen *spool.Generation
	if !opts.Afresh {
		gen, err = pl.reusable(ctx, opts.Store, in.Campaign, digest)
	}
	if err != nil {
		return nil, err
	}
	if gen, err = pl.intact(ctx, gen); err != nil {
		return nil, err
	}
	if gen != nil {
		err = pl.fromSpool(ctx, gen, &opts)
		if errors.Is(err, errUnspooled) || err == nil && !pl.sendsFrom(gen, &opts) { // decided afresh, from the rendering
			pl.decider.Close()
			was := pl
			pl, gen, err = newPlan(), nil, nil
			pl.Damaged, pl.DamagedUsed = was.Damaged, was.DamagedUsed
		}
	}
	if gen == nil {
		err = pl.render(ctx, in, spool.Inputs{Digest: digest, Files: files}, &opts)
	} else if err == nil && !opts.SendsNone {
		err = pl.notesFromSheet(ctx, in, opts.OnMessage)
	}
	if err == nil && !pl.Spool.Used() {
		// A generation a send used was made after what changed before
		// it, and that send said so.
		pl.Changed, err = changedSince(opts.Store, pl.Spool.Number(), func() (spool.Inputs, error) { return pl.Spool.Inputs(), nil })
	}
	if err != nil {
		return nil, err
	}
	pl.SheetWarnings = in.Sheet.Warnings()
	if kept := pl.Spool.Inputs().SheetWarnings; pl.Reused && len(kept) > 0 {
		pl.SheetWarnings = kept
	}
	return pl, cleanSpool(opts.Store, pl.Spool)
}

// intact returns gen (nil: none) when none of its frames was damaged since
// it was written; a damaged one is marked so (no send reuses it again) and
// kept in pl.Damaged, and nil is returned: the rows are rendered again.
func (pl *Plan) intact(ctx context.Context, gen *spool.Generation) (*spool.Generation, error) {
	if gen == nil {
		return nil, nil
	}
	rd, err := gen.Open()
	if err == nil {
		err = rd.Verify(ctx)
		rd.Close()
	}
	switch {
	case errors.Is(err, spool.ErrCorrupt):
		return nil, pl.damaged(gen, err)
	case err != nil:
		return nil, err
	}
	return gen, nil
}

// noteUnreadable marks every generation in store that cannot be read at
// all (spool.Generation.Unreadable: one messages went out from) and was
// not marked so before. The newest, the one a preflight looks to reuse,
// keeps why in pl.Damaged, as intact does with a damaged frame: the rows
// are rendered again, and the send says why. An older one is listed in
// pl.DamagedUsed: nothing is sent from it, but what went out from it can
// no longer be shown, and the send says so.
func (pl *Plan) noteUnreadable(store *spool.Store) error {
	gens, err := store.Generations()
	if err != nil {
		return err
	}
	for i, g := range gens {
		if g.Unreadable() == nil || g.Damaged() {
			continue
		}
		if i == 0 {
			err = pl.damaged(g, g.Unreadable())
		} else {
			pl.DamagedUsed = append(pl.DamagedUsed, g)
			err = g.MarkDamaged()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// damaged keeps why g was found damaged (err, wrapping spool.ErrCorrupt
// and naming the file) in pl.Damaged, and marks g so: no send reuses it.
func (pl *Plan) damaged(g *spool.Generation, err error) error {
	pl.Damaged = err
	return g.MarkDamaged()
}

// fromSpool decides every row from gen's row records; a row to send
// needs its message there (spooledFor) unless the run sends none
// (opts.SendsNone), or, for a part of a long run (opts.SpoolAtMost), the
// rows to send before it have theirs (partly).
func (pl *Plan) fromSpool(ctx context.Context, gen *spool.Generation, opts *Options) error {
	rd, err := gen.Open()
	if err != nil {
		return err
	}
	defer rd.Close()
	defer pl.closeSums()
	pl.Spool, pl.Reused = gen, true
	return rd.ScanRows(ctx, func(r spool.Row) error {
		var problem error
		if r.Kind == spool.KindInvalid {
			problem = &RowProblem{Row: r.Row, Detail: r.Detail}
		}
		v, err := pl.judge(r, true)
		if err != nil {
			return err
		}
		pl.decider.noteOtherValues(r)
		pl.unlinked.note(r)
		pl.countUnspooled(r, v, opts)
		if (v.send || v.owed != nil) && !opts.SendsNone && pl.Spooled == 0 {
			if err := pl.spooledFor(r); err != nil && !pl.partly(r, v, opts) {
				return err
			}
		}
		pl.account(r, v, problem)
		return nil
	})
}

// partly reports whether a generation whose row r, to send now, has no
// message (spool.Row.Unspooled) may still send the rows to send before it,
// and records how many those are (Plan.Spooled): a part of a long run
// (opts.SpoolAtMost) interrupted before it sent them resumes from its
// generation, with a smaller part, rather than render the same rows into
// another (the interrupted one is kept whole, as the record of what went
// out), so that a send interrupted again and again keeps about one copy of
// the list. There must be more than one (a part of one message costs a
// part's preflight and run for it: it goes in the part rendered afresh),
// and messages must have gone out from the generation
// (spool.Generation.Used), or it must hold a whole part's (a
// test send's, which spools what the send after it would): one no send
// used with fewer (a send not confirmed, at a lower rate) goes when the
// rows are rendered again, so the run need not begin with a smaller part.
func (pl *Plan) partly(r spool.Row, v verdict, opts *Options) bool {
	switch {
	case opts.SpoolAtMost <= 0 || !r.Unspooled || !v.send || v.owed != nil || pl.ToSend <= 1:
		return false
	case !pl.Spool.Used() && pl.ToSend < opts.SpoolAtMost:
		return false
	}
	pl.Spooled = pl.ToSend
	return true
}

// sendsFrom reports whether the run may send from gen the rows to send
// decided from it (fromGeneration): yes when it sends none (none to send,
// or opts.SendsNone), or when the last leaves in time (fitting); for a
// part of a long run (opts.SpoolAtMost), also when two at least do,
// capping the rows sent from gen to those (Plan.Spooled): the part after
// them renders the rest afresh. No otherwise: the rows are rendered
// again, the one that would leave in time with them (a part of one
// message costs a part's preflight and run for it, as partly says).
func (pl *Plan) sendsFrom(gen *spool.Generation, opts *Options) bool {
	n := pl.fromGeneration()
	if n == 0 || opts.SendsNone {
		return true
	}
	fit := opts.fitting(gen, n)
	switch {
	case fit == n:
		return true
	case fit <= 1 || opts.SpoolAtMost <= 0:
		return false
	}
	pl.Spooled = fit
	return true
}

// fromGeneration is how many messages the plan sends from its generation
// at most: Spooled when set, else ToSend.
func (pl *Plan) fromGeneration() int {
	if pl.Spooled > 0 {
		return min(pl.Spooled, pl.ToSend)
	}
	return pl.ToSend
}

// spooledFor returns errUnspooled when r, a row to send now, has no
// message in its generation (spool.Row.Unspooled: it was sent before,
// and is to go again now), or one with another Message-ID than the
// message it sends again went with (unknown, or owing a Cc: a generation
// an older tidings made, whose identifiers held the row's values, of a
// message one before those left).
func (pl *Plan) spooledFor(r spool.Row) error {
	if r.Unspooled {
		return fmt.Errorf("%w (row %d)", errUnspooled, r.Row)
	}
	was, _, err := pl.decider.state.EarlierMessageID(r.Key)
	if err != nil {
		return err
	}
	if was != "" && was != r.MessageID {
		return fmt.Errorf("%w (row %d: another Message-ID)", errUnspooled, r.Row)
	}
	return nil
}

// errUnspooled is fromSpool's error for a generation that holds no
// message, or not the one, for a row this run sends (spooledFor): the
// rows are rendered again.
var errUnspooled = errors.New("plan: the spool holds no message for a row to send now")

// render renders every row, spools it in a new generation made from
// inputs (their Attachments set here, from the renderer that made its
// messages) and decides it.
func (pl *Plan) render(ctx context.Context, in *Inputs, inputs spool.Inputs, opts *Options) error {
	renderer, err := in.spoolRenderer(pl.decider.state)
	if err != nil {
		return err
	}
	w, err := opts.Store.Create()
	if err != nil {
		return err
	}
	err = renderer.Each(ctx, in.Sheet, Workers(), func(m *render.Message, err error) error {
		r, problem, err := pl.rowRecord(m, err, opts)
		if err != nil {
			return err
		}
		v, err := pl.judge(r, true)
		if err != nil {
			return err
		}
		if opts.OnMessage != nil && problem == nil {
			if !v.send || opts.SendsNone {
				m.Unsent()
			}
			opts.OnMessage(m)
		}
		toSend := pl.ToSend
		pl.account(r, v, problem)
		later := opts.SpoolAtMost > 0 && pl.ToSend > toSend && toSend >= opts.SpoolAtMost
		r.Unspooled = r.Kind == spool.KindMessage && (wentOut(v) || later)
		pl.countUnspooled(r, v, opts)
		if err := spoolRow(w, r, m); err != nil {
			return err
		}
		return noteAttachments(w, r.Row, m, problem)
	})
	if err == nil {
		err = in.unchanged() // what was read is what the digest names
	}
	if err != nil {
		w.Abort()
		return err
	}
	// The sums of the attachments its messages carry, as it read them.
	inputs.Attachments = in.attachmentSums(renderer)
	inputs.SheetWarnings = in.Sheet.Warnings() // read to the end: a send reusing it reads less
	pl.ScanNote = renderer.ScanNote()
	if err := w.Close(inputs); err != nil {
		return err
	}
	pl.Spool = w.Generation()
	return nil
}

// spoolRow writes row r's record and, unless r is unspooled, its message
// m; a failing spool stops the preflight.
func spoolRow(w *spool.Writer, r spool.Row, m *render.Message) error {
	if err := w.AddRow(r); err != nil || r.Kind != spool.KindMessage || r.Unspooled {
		return err
	}
	return w.AddMessage(m, m.Digest)
}

// wentOut reports whether v is the verdict on a row whose message went out
// before and that owes no one a copy, so this run sends it nothing: its
// message is not spooled again (spool.Row.Unspooled), which keeps a
// resume's new generation to the rows still to send. Rows of other
// verdicts (unknown, failed, deferred, suppressed), and a row whose values
// changed since its message went out, keep theirs: a later run with
// --resend-unknown, --retry-failed or --resend-changed, or after the
// suppression list changed, may send them from it.
func wentOut(v verdict) bool { return v.wentOut && !v.send && v.owed == nil && len(v.revised) == 0 }

// rowRecord is the spool's record of row m (or of its problem, err), as
// the preflight judges it: invalid (problem is the row's problem),
// a duplicate, or a message's row. An error that is not a row's problem
// is stop.
func (pl *Plan) rowRecord(m *render.Message, err error, opts *Options) (r spool.Row, problem, stop error) {
	var f Fate
	dup, reused := false, false
	if err == nil {
		f, dup, err = pl.decider.duplicate(m) // err: m's key with other values
		reused = errors.Is(err, ErrKeyReused)
	} else if kp := pl.decider.Problem(m, err); kp != nil && campaign.RowProblems(err) != nil {
		reused, err = true, campaign.JoinRow(err, kp) // told with the row's others
	}
	if err != nil {
		var re *campaign.RowError
		if !errors.As(err, &re) {
			return r, nil, err
		}
		r = spool.Row{Row: re.Row, Kind: spool.KindInvalid, Detail: opts.describe(err), KeyReused: reused}
		if m != nil {
			r.Key, r.To, r.ColumnSums = m.Key, m.To, m.ColumnSums()
		}
		return r, err, nil
	}
	if dup {
		return spool.Row{Row: m.Row, Kind: spool.KindDuplicate, Key: m.Key, To: m.To, Detail: f.Detail, OtherValues: f.OtherValues}, nil, nil
	}
	return spool.RowOf(m), nil, nil
}

// JudgeRows renders every row of in's sheet and hands fn, in sheet order,
// each row's record as the preflight would spool it now (invalid with its
// problems described by describe, a duplicate, or a message's row), and
// writes nothing: what report.RebuildFromRows places the journal's lines
// by when no spool generation was made from the campaign as it is (the
// sheet or an attachment changed since the last send). state is the
// journal, which a reused key is judged by. It costs what check does.
func JudgeRows(ctx context.Context, in *Inputs, state *journal.State, describe func(error) string, fn func(spool.Row) error) error {
	pl := &Plan{decider: NewDecider(in, state, journal.Policy{})}
	defer pl.decider.Close()
	opts := &Options{Describe: describe}
	return in.Renderer.Each(ctx, in.Sheet, Workers(), func(m *render.Message, err error) error {
		r, _, err := pl.rowRecord(m, err, opts)
		if err != nil {
			return err
		}
		return fn(r)
	})
}

// cleanSpool removes the generations nothing was sent from, but current,
// and those cut short.
func cleanSpool(store *spool.Store, current *spool.Generation) error {
	err := store.Clean(func(g *spool.Generation) bool {
		return g.Number() == current.Number() || g.Used()
	})
	if err != nil {
		return fmt.Errorf("plan: cleaning the spool: %w", err)
	}
	return nil
}

// countUnspooled counts r, of verdict v, in Unspooled: a row send would
// send whose message a run that sends none (opts.SendsNone) leaves out of
// the spool.
func (pl *Plan) countUnspooled(r spool.Row, v verdict, opts *Options) {
	if v.send && opts.SendsNone && r.Unspooled {
		pl.Unspooled++
	}
}
