package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/bounces"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/report"
)

// bouncesOptions are the flags of `tidings bounces`.
type bouncesOptions struct {
	dryRun bool
	moveTo string
	delete bool
	debug  bool
	// name, when set, is an earlier name of the campaign whose reports
	// to read (its state folder; see campaign.Campaign.Rename).
	name string
	// maxTime bounds the whole run's time on the mailbox: logging in,
	// reading, moving or deleting (see mailbox.RunLimit).
	maxTime time.Duration
	// now is the clock of the records; nil means time.Now.
	now func() time.Time
	// noList: the campaign names no suppress: file, and the dry run
	// shows what it would add to suppress.txt beside it (bouncesCampaign).
	noList bool
}

// defaultSuppress is the suppression list bounces advises a campaign
// without one to name (and init's names), beside the campaign file.
const defaultSuppress = "suppress.txt"

func newBouncesCommand(g *globalOptions) *cobra.Command {
	var opts bouncesOptions
	cmd := &cobra.Command{
		Use:   "bounces CAMPAIGN.yaml",
		Short: "Read bounces and complaints from the mailbox; suppress them",
		Long: `bounces reads the campaign's mailbox (the mailbox: section, IMAP or POP3) and
matches what came back to the campaign's sent messages: delivery status
notifications (RFC 3464), the plain-text bounces of common providers,
complaint reports (RFC 5965), and mail to the campaign's unsubscribe.mailto
address. Auto-replies are ignored; other mail is left alone. Over IMAP only
the messages received since two days before the campaign's first run are read.

The journal records each bounce and complaint once (running bounces again
records nothing twice), report.csv shows bounced, soft-bounce and complained,
and hard bounces, complaints and unsubscribe requests are appended to the
campaign's suppress: file, so the next campaign sharing it skips them.
--dry-run shows all this without writing or touching anything. The mailbox is
left as it was unless --move-to FOLDER (IMAP) or --delete moves or deletes the
processed reports; nothing else is ever touched. Each run remembers the
messages it read (over IMAP the folder's UIDVALIDITY and their UIDs, over POP3
their unique-ids) in the state folder's bounces.read, and the next run reads
only the others (with --move-to or --delete, it reads again the reports a run
that moved nothing left, to move them; remove the file to read them all
again); --dry-run skips what is remembered and remembers nothing.

An unsubscribe request by mail is applied only when the server that received
it vouched for its From: the topmost Authentication-Results field signed with
mailbox.authserv_id says dmarc=pass for the From's domain, or an aligned
dkim=pass or spf=pass. The others (all of them without authserv_id) are listed
with the lines to add to the suppress: file by hand, not applied.

Reports about messages the campaign file sent under an earlier name (a file
renamed for its next issue) are named, with the --name NAME that reads them.

The run's time on the mailbox is bounded by --max-time (default 30m), which no
server can extend, and so is each command in it (10 × mailbox.timeout, plus
time for the size of the message asked for) and the number of responses and
bytes it may take: a server that keeps talking without finishing cannot keep a
cron job waiting. When a limit or a lost connection stops the run, what was
read before it is recorded and suppressed all the same, and the next run reads
on from there: with --move-to or --delete the reports read are moved or
deleted once recorded, on a new session bounded by 10 × mailbox.timeout (the
run's time may be up; if that fails too they stay, and the next run reads them
again, recording nothing twice), and the other messages read are remembered
and skipped by the next run; without them all the messages read are.
A message whose fetch alone overruns its command's bounds, or makes the
server close the connection (asked for once more on a new session, and cut
there too), is passed over (counted unreadable) and the run reads on on a new
session; once it has done so in two runs, the next skip it unread, saying so,
until mailbox.timeout is larger (or bounces.read is removed).

Exit code: 0 processed, 1 some reports unreadable or about no message of this
campaign, or about its messages under an earlier name, 2 unusable (settings,
login) or stopped (--max-time, a lost connection), 75 a send holding the
campaign's lock (run it again later), 130 interrupted (Ctrl-C; also while a
stopped run moves or deletes what it read).`,
		Args:              oneArg,
		ValidArgsFunction: completeCampaign,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBounces(cmd.Context(), opts, g, args[0])
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.dryRun, "dry-run", false, "show what would be recorded and suppressed; change nothing")
	f.StringVar(&opts.moveTo, "move-to", "", "move the processed reports to this IMAP folder")
	f.BoolVar(&opts.delete, "delete", false, "delete the processed reports from the mailbox")
	f.BoolVar(&opts.debug, "debug", false, "print the IMAP or POP3 transcript on stderr (logins redacted)")
	f.StringVar(&opts.name, "name", "", "read the reports about the campaign as it was named NAME before (the file sent under an earlier name)")
	opts.maxTime = defaultMaxTime
	f.Var((*limitFlag)(&opts.maxTime), "max-time", "stop reading the mailbox after this long (what was read is recorded, and moved, deleted or remembered: the next run reads on from there)")
	return cmd
}

// defaultMaxTime is --max-time's default: ample for a mailbox of tens of
// thousands of reports, short of the next hourly cron run.
const defaultMaxTime = 30 * time.Minute

// foreignCounts splits the reports about no message of this campaign:
// those naming no campaign tidings can tell (unknown, a reason for exit
// code 1) and those about another tidings campaign's message (others: a
// mailbox two campaigns share, left for that campaign's bounces).
func foreignCounts(sum *bounces.Summary) (unknown, others int) {
	for _, f := range sum.Findings {
		switch {
		case f.Verdict != bounces.Foreign:
		case f.Campaign == "":
			unknown++
		default:
			others++
		}
	}
	return unknown, others
}

// errReportsUnmatched says some bounce or complaint reports could not be
// read or name no message of this campaign nor of another tidings
// campaign; exit code 1.
var errReportsUnmatched = errors.New("some reports could not be read or are not about this campaign; see above")

// runBounces processes the campaign's mailbox. See the command's help for
// the contract.
func runBounces(ctx context.Context, opts bouncesOptions, g *globalOptions, path string) error {
	outliveReader()
	if opts.now == nil {
		opts.now = time.Now
	}
	if opts.maxTime <= 0 {
		return &unusableError{fmt.Errorf("--max-time %s: give the run a positive time limit (default %s)", sendpool.LimitText(opts.maxTime), sendpool.LimitText(defaultMaxTime))}
	}
	c, err := bouncesCampaign(path, opts)
	if err != nil {
		return err
	}
	if c.Suppress == "" { // a dry run: what it would add to the list advised
		c.Suppress, opts.noList = c.Path(defaultSuppress), true
	}
	lock, state, err := openState(ctx, g, c, "bounces")
	if err != nil {
		return err
	}
	defer lock.Release()
	defer state.Close()
	cfg, err := bouncesMailboxConfig(ctx, g, c, opts)
	if err != nil {
		return err
	}
	sum, err := readMailbox(ctx, g, c, lock, state, cfg, opts)
	if sum != nil {
		printBounces(g, c, sum, opts)
	}
	if err != nil {
		return afterStop(ctx, g, c, path, sum, err, opts.dryRun)
	}
	if !opts.dryRun {
		if err := rewriteReport(ctx, g, c, path); err != nil {
			return err
		}
	}
	if unknown, _ := foreignCounts(sum); sum.Count(bounces.Unreadable)+unknown > 0 {
		return errReportsUnmatched
	}
	if opts.name != "" {
		return nil // the file's own name is no earlier one
	}
	if earlier := earlierNames(c, sum); len(earlier) > 0 {
		for _, name := range earlier {
			fmt.Fprintf(g.stdout, "%s is an earlier name of this campaign file: tidings bounces --name %s %s records the reports about its messages (with --move-to or --delete they stop coming back here)\n",
				name, commandArg(name), commandArg(path))
		}
		return errEarlierName
	}
	return nil
}

// errEarlierName says reports about messages the campaign file sent under
// an earlier name are left to read with --name; exit code 1.
var errEarlierName = errors.New("some reports are about messages this campaign file sent under an earlier name; see above")

// earlierNames are the other campaigns the reports in sum are about that
// are earlier names of c's file: their state folders sit beside c's and
// their journals start with a run of a file of the same name. Nobody else
// reads those reports.
func earlierNames(c *campaign.Campaign, sum *bounces.Summary) []string {
	var names []string
	for _, f := range sum.Findings {
		if f.Verdict != bounces.Foreign || f.Campaign == "" || f.Campaign == c.Name || slices.Contains(names, f.Campaign) {
			continue
		}
		if _, ok := earlierRun(c, f.Campaign); ok {
			names = append(names, f.Campaign)
		}
	}
	return names
}

// bouncesCampaign loads the campaign and checks that bounces can work on
// it: a mailbox to read and a suppression list to write, which a dry run,
// writing none, does without.
func bouncesCampaign(path string, opts bouncesOptions) (*campaign.Campaign, error) {
	c, err := campaign.Load(path)
	if err != nil {
		return nil, &unusableError{err}
	}
	if opts.name != "" {
		if err := renameToEarlier(c, opts.name); err != nil {
			return nil, err
		}
	}
	switch {
	case opts.delete && opts.moveTo != "":
		return nil, &unusableError{errors.New("--move-to and --delete: choose one")}
	case !c.Mailbox.Configured():
		return nil, &unusableError{fmt.Errorf("%s: no mailbox: section; add one (protocol, host, username, password_env) naming the mailbox bounces come back to", displayPath(c.File))}
	case c.Suppress == "" && !opts.dryRun:
		return nil, &unusableError{fmt.Errorf("%s: no suppress: file; set suppress: %s (a list the next campaigns share) so that bounces can add the addresses to skip (bounces --dry-run shows what it would add)", displayPath(c.File), defaultSuppress)}
	}
	return c, nil
}

// bouncesMailboxConfig is the campaign's mailbox settings for bounces
// (mailboxConfig, with the transcript under --debug: g.transcript then
// set, queued while readMailbox reads).
func bouncesMailboxConfig(ctx context.Context, g *globalOptions, c *campaign.Campaign, opts bouncesOptions) (mailbox.Config, error) {
	cfg, err := mailboxConfig(ctx, g, c)
	if err != nil {
		return cfg, err
	}
	if opts.debug {
		g.transcript = &transcriptLines{g: g}
		cfg.Debug = g.transcript
	}
	return cfg, nil
}

// readMailbox logs in to the campaign's mailbox and processes it
// (processMailbox) within --max-time, ends the session, and moves or
// deletes what a stopped run read (disposeStopped). It returns the
// summary (nil when the login failed) and the error that stopped the
// run. Under --debug the transcript is queued meanwhile (printAside), so
// that a stderr that does not read never holds up the session: it
// waited mid-command, past the command's bounds (a report then counted
// unreadable) and past --max-time.
func readMailbox(ctx context.Context, g *globalOptions, c *campaign.Campaign, lock *journal.Lock, state *journal.State, cfg mailbox.Config, opts bouncesOptions) (*bounces.Summary, error) {
	if g.transcript != nil {
		_, endAside := g.printAside(nil)
		defer endAside()
	}
	mctx, cancel := context.WithTimeoutCause(ctx, opts.maxTime, &mailbox.RunLimit{Limit: opts.maxTime, Setting: "--max-time"})
	defer cancel()
	mb, err := openMailbox(mctx, cfg)
	if err != nil {
		return nil, err
	}
	sum, err := processMailbox(mctx, g, c, lock, state, mb, cfg.ExchangeLimit(), loadReadMemory(g, c), opts)
	// Over POP3 the deletions happen at the end of the session: closing
	// is part of the work, and its failure is reported.
	if cerr := mb.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil && sum != nil && sum.Processed > 0 {
		err = &unusableError{fmt.Errorf("ending the mailbox session, which removes the reports: %w", cerr)}
		sum.Processed = 0
	}
	g.interrupt.afterWords(ctx) // what an interrupted run says follows the interrupt's words
	disposeStopped(ctx, cfg, sum, err)
	return sum, err
}

// openMailbox logs in to the campaign's mailbox, on a session that
// bounces.Process may replace by a new one to read on past a message the
// server does not give within bounds (bounces.Reopener).
func openMailbox(ctx context.Context, cfg mailbox.Config) (*bounces.Reopening, error) {
	open := func(ctx context.Context) (bounces.Session, error) { return mailbox.Open(ctx, cfg) }
	mb, err := open(ctx)
	if err != nil {
		return nil, &unusableError{err}
	}
	return bounces.NewReopening(mb, open), nil
}

// mailboxConfig is the campaign's mailbox settings with the password from
// the environment, printing their warnings (a certificate not verified).
func mailboxConfig(ctx context.Context, g *globalOptions, c *campaign.Campaign) (mailbox.Config, error) {
	password, err := secretFromEnv(ctx, g, c.Mailbox.Username, c.Mailbox.PasswordEnv, "mailbox.password_env")
	if err != nil {
		return mailbox.Config{}, err
	}
	cfg := mailbox.ConfigFrom(c.Mailbox, password)
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(g.stderr, "warning:", w)
	}
	return cfg, nil
}

// processMailbox runs bounces.Process with the journal as the recorder
// (none in a dry run); bound is the bound of one exchange with the
// mailbox (bounces.Options.Bound).
func processMailbox(ctx context.Context, g *globalOptions, c *campaign.Campaign, lock *journal.Lock, state *journal.State, mb bounces.Mailbox, bound time.Duration, mem *bounces.Memory, opts bouncesOptions) (*bounces.Summary, error) {
	supp, err := loadSuppressionIfAny(c.Suppress)
	if err != nil {
		return nil, &unusableError{err}
	}
	po := bounces.Options{DryRun: opts.dryRun, MoveTo: opts.moveTo, Delete: opts.delete,
		Unsubscribe: mailtoAddress(c), UnsubscribeShared: mailtoShared(c), UnsubscribeSubject: mailtoSubject(c), AuthservID: string(c.Mailbox.AuthservID),
		SuppressFile: c.Suppress, Suppressed: supp, Campaign: c.Name, Senders: envelopeSenders(c), Now: opts.now, Since: readSince(c, state), Memory: mem, Bound: bound,
		Journal: filepath.Join(c.StateDir, journal.FileName)}
	var rec bounces.Recorder = noRecorder{}
	if !opts.dryRun {
		lr := &lazyRecorder{lock: lock, run: newRun(c, opts.now(), map[string]string{"command": "bounces"})}
		defer lr.Close()
		rec = lr
	}
	ix, err := bounces.NewIndex(state)
	if err != nil {
		return nil, &unusableError{err}
	}
	sum, err := bounces.Process(ctx, mb, ix, rec, po)
	if err != nil && !errors.Is(err, context.Canceled) {
		err = &unusableError{bouncesListReplaced(bouncesFull(err, c.File, "no report was moved, deleted or taken as read, so the next run reads them all again"), c.File)}
	}
	return sum, err
}

// sinceMargin is how long before the campaign's first run bounces still
// reads the mailbox: IMAP's SINCE compares dates in the server's time
// zone, and the two clocks may differ.
const sinceMargin = 48 * time.Hour

// readSince is the date before which bounces leaves the mailbox unread:
// sinceMargin before the campaign's first run (send, test send or
// bounces), when the mailbox is IMAP and the journal has a run; zero
// (read everything) otherwise. No report can come before the message it
// is about, and the mailbox may be a person's inbox holding years of mail.
func readSince(c *campaign.Campaign, state *journal.State) time.Time {
	if c.Mailbox.Protocol != campaign.MailboxIMAP {
		return time.Time{}
	}
	var first time.Time
	for _, r := range state.Runs {
		if !r.Started.IsZero() && (first.IsZero() || r.Started.Before(first)) {
			first = r.Started
		}
	}
	if first.IsZero() {
		return time.Time{}
	}
	return first.Add(-sinceMargin).UTC()
}

// noRecorder records nothing (a dry run).
type noRecorder struct{}

func (noRecorder) Feedback(context.Context, journal.Feedback) error { return nil }

// loadSuppressionIfAny reads the suppression list; a list that does not
// exist yet is empty (bounces creates it).
func loadSuppressionIfAny(path string) (*campaign.Suppression, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return campaign.LoadSuppression(path)
}

// mailtoShared reports whether the unsubscribe.mailto address also gets
// other mail: it is the mailbox's own address, or the From or Reply-To
// (replies go there). Then only messages whose Subject asks to
// unsubscribe are taken as requests.
func mailtoShared(c *campaign.Campaign) bool {
	m := mailtoAddress(c)
	if m == "" {
		return false
	}
	others := append(append([]string{c.Mailbox.Username}, headerAddresses(c.From)...), headerAddresses(c.ReplyTo)...)
	for _, a := range others {
		if a != "" && strings.EqualFold(strings.TrimSpace(a), m) {
			return true
		}
	}
	return false
}

// envelopeSenders are the campaign's envelope senders as bounces.Options
// takes them: its sender: and from: addresses (none for a template).
func envelopeSenders(c *campaign.Campaign) []string {
	return append(headerAddresses(c.Sender), headerAddresses(c.From)...)
}

// headerAddresses are the addresses in a From or Reply-To setting (none
// for a template).
func headerAddresses(v string) []string {
	list, err := mail.ParseAddressList(v)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.Address)
	}
	return out
}

// mailtoSubject is the subject= of the campaign's unsubscribe.mailto ("" for
// none or a template).
func mailtoSubject(c *campaign.Campaign) string {
	_, q, ok := strings.Cut(strings.TrimSpace(c.Unsubscribe.Mailto), "?")
	if !ok || strings.Contains(q, "{{") {
		return ""
	}
	// RFC 6068: a + is a +, not a space as in a web form.
	v, err := url.ParseQuery(strings.ReplaceAll(q, "+", "%2B"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(v.Get("subject"))
}

// mailtoAddress is the address of the campaign's unsubscribe.mailto when
// it does not depend on the row ("" otherwise: requests to a per-row
// address are not recognised by their To).
func mailtoAddress(c *campaign.Campaign) string {
	m := strings.TrimPrefix(strings.TrimSpace(c.Unsubscribe.Mailto), "mailto:")
	if i := strings.IndexByte(m, '?'); i >= 0 {
		m = m[:i]
	}
	if strings.Contains(m, "{{") || !strings.Contains(m, "@") {
		return ""
	}
	return m
}

// rewriteReport rebuilds report.csv, report.json and the page from the
// journal, now with the feedback in it, and says the campaign's
// complaint rate once a row complained (report.Summary.ComplaintLine),
// as the report does (with --quiet, only at or over the limit).
func rewriteReport(ctx context.Context, g *globalOptions, c *campaign.Campaign, path string) error {
	rl := holdReport(ctx, g, c, true)
	defer releaseReport(g, rl)
	state, err := journal.Load(ctx, c.StateDir)
	if err != nil {
		return &unusableError{err}
	}
	defer state.Close()
	sum, _, _, err := rebuildReport(ctx, g, c, path, state)
	if err != nil {
		return &unusableError{bouncesFull(err, path, "what this run read is recorded, in the journal and the suppression list")}
	}
	if line := sum.ComplaintLine(); line != "" && (!g.quiet || sum.ComplaintsOver()) {
		fmt.Fprintln(g.stdout, line) // --quiet: past the limit only
	}
	return nil
}

// bouncesListReplaced is err, a bounces run's failure to append to a
// suppression list an editor replaced as it appended
// (bounces.ErrListReplaced; else err as it is), with what to do next and
// why that is safe: the run recorded nothing and moved no report.
func bouncesListReplaced(err error, path string) error {
	if !errors.Is(err, bounces.ErrListReplaced) {
		return err
	}
	return fmt.Errorf("%w, then run tidings bounces %s again, which adds the lines the list lacks: this run recorded nothing, and moved, deleted or took as read no report", err, commandArg(path))
}

// bouncesFull is err, a bounces run's failure to write a file, with what
// to do next when the disk is full (ENOSPC; else err as it is): free
// space, then run bounces again, which is safe: done tells what the run
// recorded before. A run again reads the reports no run recorded, and
// records nothing twice (the journal has what was recorded; the
// suppression list gets no address it has); it rewrites the report.
func bouncesFull(err error, path, done string) error {
	fix := fullDiskFix(err)
	if fix == "" {
		return err
	}
	return fmt.Errorf("%w; %s: %s run tidings bounces %s again, which records nothing twice and writes the report", err, done, fix, commandArg(path))
}

// inMailbox says how many messages the run found in the mailbox, and of
// them how many it skipped, read by earlier runs, and, when the session
// stopped, how many it read before.
func inMailbox(sum *bounces.Summary) string {
	read := len(sum.Findings)
	s := report.Plural(read+sum.Unread+sum.Skipped+len(sum.PassedOver), "message") + " in the mailbox"
	if sum.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped (read by earlier runs)", sum.Skipped)
	}
	if n := len(sum.PassedOver); n > 0 {
		inTime := " in time"
		if slices.ContainsFunc(sum.PassedOver, func(p bounces.PassedOver) bool { return p.Cut || p.Gone }) {
			inTime = "" // it cut the connection on one
		}
		s += fmt.Sprintf(", %d passed over unread (the server did not give %s%s; see below)", n, verbFor(n, "it", "them"), inTime)
	}
	if sum.Unread > 0 {
		s += fmt.Sprintf(", %d read before the run stopped (see below)", read)
	}
	return s
}

// bouncesReadLine is printBounces' first line: what the mailbox held
// and how bounces took each kind, the matched counted by what came back
// (an unsubscribe request from an address no row has counted apart).
func bouncesReadLine(c *campaign.Campaign, sum *bounces.Summary) string {
	newN, kinds, strangers := 0, map[journal.FeedbackKind]int{}, 0
	for _, f := range sum.Findings {
		if f.Verdict != bounces.Matched {
			continue
		}
		if len(f.Matches) == 1 && f.Matches[0].Entry == nil && f.Matches[0].Kind == journal.FeedbackUnsubscribed {
			strangers++ // an unsubscribe request from an address no row has
			continue
		}
		newN += f.New
		for _, m := range f.Matches {
			kinds[m.Kind]++
		}
	}
	unknown, others := foreignCounts(sum)
	elsewhere := ""
	if others > 0 {
		elsewhere = fmt.Sprintf(", %d about another tidings campaign's messages", others)
	}
	if strangers > 0 {
		elsewhere += fmt.Sprintf(", %s from addresses that are no row's (listed all the same)", report.Plural(strangers, "unsubscribe request"))
	}
	if n := sum.Count(bounces.Unauthenticated); n > 0 {
		elsewhere += fmt.Sprintf(", %s not applied (not authenticated; see below)", report.Plural(n, "unsubscribe request"))
	}
	return fmt.Sprintf("%s: %s: %d matched this campaign (%s; %d new), %d unreadable, %d about no message of this campaign%s, %s ignored, %d other left alone",
		c.Name, inMailbox(sum), sum.Count(bounces.Matched)-strangers, kindCounts(kinds), newN,
		sum.Count(bounces.Unreadable), unknown, elsewhere, autoReplies(sum.Count(bounces.AutoReply)), sum.Count(bounces.Other))
}

// printBounces says what the mailbox held and what was done, top down
// for a reader who did not write it: what was read (the counts, the
// messages too old to read), what was found (printFindings: one line
// each, under a heading), the notes on it, then what went to the
// suppression list.
func printBounces(g *globalOptions, c *campaign.Campaign, sum *bounces.Summary, opts bouncesOptions) {
	w := g.stdout
	fmt.Fprintln(w, bouncesReadLine(c, sum))
	if !sum.Since.IsZero() && !g.quiet {
		fmt.Fprintf(w, "(messages the mailbox received before %s, two days before the campaign's first run, were not read)\n", sum.Since.Format("2 Jan 2006"))
	}
	if printFindings(g, c, sum, opts) || !g.quiet {
		fmt.Fprint(w, lineBreak(w)) // on a terminal: journald makes each line an entry
	}
	verb := "added to"
	if opts.dryRun {
		verb = "would be added to"
	}
	printMemory(g, c, sum, opts.dryRun)
	list := displayPath(c.Suppress)
	if opts.noList {
		list += fmt.Sprintf(" (%s names no suppress: file: set suppress: %s, and bounces without --dry-run adds them there)", displayPath(c.File), defaultSuppress)
	}
	fmt.Fprintf(w, "%s %s %s\n", report.Plural(len(sum.Suppress), "address"), verb, list)
	for _, s := range sum.Suppress {
		fmt.Fprintf(w, "  %s\n", s.Line(c.Name, opts.now()))
	}
	for _, a := range sum.Refused {
		fmt.Fprintf(w, "warning: %q cannot be written to the suppression list as one line; add it by hand if it is an address\n", a)
	}
	printPolicyBounces(w, sum)
	printUnapplied(w, c, sum, opts)
	printBouncesDone(w, sum, opts)
}

// printBouncesDone is bounces' last line: what it did with the reports
// it read (moved, deleted), or, in a dry run, that it did nothing.
func printBouncesDone(w io.Writer, sum *bounces.Summary, opts bouncesOptions) {
	switch {
	case opts.dryRun && sum.Processed > 0 && opts.moveTo != "":
		fmt.Fprintf(w, "dry run: nothing was recorded, written or moved (%s would be moved to %s)\n", report.Plural(sum.Processed, "report"), opts.moveTo)
	case opts.dryRun && sum.Processed > 0:
		fmt.Fprintf(w, "dry run: nothing was recorded, written or deleted (%s would be deleted)\n", report.Plural(sum.Processed, "report"))
	case opts.dryRun && opts.delete:
		fmt.Fprintln(w, "dry run: nothing was recorded, written or deleted")
	case opts.dryRun:
		fmt.Fprintln(w, "dry run: nothing was recorded, written or moved")
	case sum.Processed > 0 && opts.moveTo != "":
		fmt.Fprintf(w, "%s moved to %s\n", report.Plural(sum.Processed, "report"), opts.moveTo)
	case sum.Processed > 0:
		fmt.Fprintf(w, "%s deleted\n", report.Plural(sum.Processed, "report"))
	}
}

// printFindings lists what bounces found in the mailbox, one line each
// under a heading (under --quiet only the problems and the news: a
// finding an earlier run recorded is neither), and then, when a line
// names a row, that rows are as the sheet numbered them when the
// message was sent (rows inserted since moved the others) and how
// tidings show finds one now. It reports whether it listed any.
func printFindings(g *globalOptions, c *campaign.Campaign, sum *bounces.Summary, opts bouncesOptions) bool {
	w := g.stdout
	shown := func(f bounces.Finding) bool {
		return !g.quiet || f.Verdict != bounces.Matched || f.New > 0
	}
	var rowOf *bounces.Finding
	listed := false
	cols := columnsFor(sum.Findings, shown)
	for i, f := range sum.Findings {
		if !shown(f) {
			continue
		}
		if !listed {
			fmt.Fprint(w, lineBreak(w))
			fmt.Fprintln(w, "found, one a line (row, address, what happened, the server's words):")
			listed = true
		}
		if rowOf == nil && namesRow(f) {
			rowOf = &sum.Findings[i]
		}
		printFinding(w, f, cols)
	}
	if rowOf != nil {
		fmt.Fprintf(w, "note: rows as the sheet numbered them when the message was sent: %s\n", rowsWords(c, *rowOf, opts.name))
	}
	return listed
}

// showByKey says how tidings show finds a row's message now, given f,
// a finding naming a row: by its key, as show takes it, with --name
// earlier for a message sent under the campaign file's earlier name
// ("" for none). Where the key is the address the line lists, "tidings
// show c.yaml ADDRESS finds one now"; else (a key column such as 注文番号)
// the command for f's row, with its key: "tidings show c.yaml A-1001
// finds row 2's now, each row by its 注文番号".
func showByKey(c *campaign.Campaign, f bounces.Finding, earlier string) string {
	cmd, now := "tidings show "+commandArg(c.File)+" ", " now"
	if earlier != "" {
		cmd, now = "tidings show --name "+commandArg(earlier)+" "+commandArg(c.File)+" ", ""
	}
	for _, m := range f.Matches {
		switch {
		case m.Entry == nil:
			continue
		case strings.EqualFold(strings.TrimSpace(m.Entry.Key), m.Recipient):
			return cmd + "ADDRESS finds one" + now
		}
		if strings.HasPrefix(m.Entry.Key, "-") {
			cmd += "-- " // a key, not a flag
		}
		return fmt.Sprintf("%s%s finds row %d's%s, each row by its %s", cmd, journal.ShellWord(m.Entry.Key), m.Entry.Row, now, c.Recipients.Key)
	}
	return cmd + "KEY finds one" + now
}

// rowsWords say how tidings show finds the messages of the rows bounces
// lists (showByKey), or, for the reports read under an earlier name of
// the campaign file (--name earlier), that they went under that name and
// that show --name earlier finds them.
func rowsWords(c *campaign.Campaign, f bounces.Finding, earlier string) string {
	if earlier != "" {
		return "they went under the name " + earlier + "; " + showByKey(c, f, earlier)
	}
	return showByKey(c, f, "")
}

// namesRow reports whether printFinding names a row for f.
func namesRow(f bounces.Finding) bool {
	if f.Verdict != bounces.Matched && f.Verdict != bounces.Unauthenticated {
		return false
	}
	for _, m := range f.Matches {
		if m.Entry != nil {
			return true
		}
	}
	return false
}

// findingColumns are the widths of the row and address columns of the
// lines printFinding prints for matched recipients.
type findingColumns struct{ row, address int }

// columnsFor returns the columns that fit the rows and addresses of the
// findings shown prints: as wide as the widest plus one (so two spaces
// at least part them from the next), 8 and 28 at least, in columns of
// a terminal (report.Width: a wide character takes two).
func columnsFor(findings []bounces.Finding, shown func(bounces.Finding) bool) findingColumns {
	cols := findingColumns{row: 8, address: 28}
	for _, f := range findings {
		if !shown(f) || (f.Verdict != bounces.Matched && f.Verdict != bounces.Unauthenticated) {
			continue
		}
		for _, m := range f.Matches {
			cols.row = max(cols.row, report.Width(rowWords(m))+1)
			cols.address = max(cols.address, report.Width(m.Recipient)+1)
		}
	}
	return cols
}

// rowWords names m's row as the sheet numbered it when sent, or "no row".
func rowWords(m bounces.Match) string {
	if m.Entry == nil {
		return "no row"
	}
	return fmt.Sprintf("row %d", m.Entry.Row)
}

// printFinding prints one line per matched recipient, its row and address
// in cols, and one per unreadable or foreign report; others are only
// counted.
func printFinding(w io.Writer, f bounces.Finding, cols findingColumns) {
	switch f.Verdict {
	case bounces.Matched:
		for _, m := range f.Matches {
			diag := truncateText(m.Diagnostic, 80)
			if m.Earlier {
				diag = "(about an earlier message; the row keeps the status of its latest) " + diag
			}
			fmt.Fprintf(w, "  %s %s %-12s %-6s %s\n", report.Pad(rowWords(m), cols.row), report.Pad(m.Recipient, cols.address), m.Kind, m.Status, diag)
		}
	case bounces.Unreadable:
		if f.Overran {
			fmt.Fprintf(w, "  %s: unreadable: %s\n", messageNamed(f.ID, f.Size, f.From, f.Subject), f.Problem)
			return
		}
		if f.Subject == "" {
			// Not known (the server did not give it): no empty Subject.
			fmt.Fprintf(w, "  message %s: unreadable: %s\n", f.ID, f.Problem)
			return
		}
		fmt.Fprintf(w, "  message %s: unreadable: %s (subject %q)\n", f.ID, f.Problem, truncateText(f.Subject, 60))
	case bounces.Unauthenticated:
		for _, m := range f.Matches {
			fmt.Fprintf(w, "  %s %s %-19s %s\n", report.Pad(rowWords(m), cols.row), report.Pad(m.Recipient, cols.address), "not applied", "unsubscribe request not authenticated: "+truncateText(f.Problem, 120))
		}
	case bounces.Foreign:
		about := "no message of this campaign"
		if f.Campaign != "" {
			about = fmt.Sprintf("a message of campaign %s, not this one", f.Campaign)
		}
		fmt.Fprintf(w, "  message %s: a report (%s) about %s (subject %q)\n", f.ID, f.Format, about, truncateText(f.Subject, 60))
	}
}

// printUnapplied says which unsubscribe requests were not applied, for
// want of the receiving server's word for their From, what to set, and
// the lines to add to the suppression list by hand for those the user
// trusts.
func printUnapplied(w io.Writer, c *campaign.Campaign, sum *bounces.Summary, opts bouncesOptions) {
	n, top := sum.Count(bounces.Unauthenticated), ""
	if n == 0 {
		return
	}
	for _, f := range sum.Findings {
		if f.Verdict == bounces.Unauthenticated && f.TopAuthserv != "" {
			top = f.TopAuthserv
			break
		}
	}
	why := fmt.Sprintf("not authenticated by %s (mailbox.authserv_id)", c.Mailbox.AuthservID)
	if c.Mailbox.AuthservID == "" {
		why = "mailbox.authserv_id is not set, so no Authentication-Results field is trusted"
		if top != "" {
			why += fmt.Sprintf(" (their topmost names %s: if that is the server receiving the mailbox's mail, and it removes such fields from incoming mail as RFC 8601 asks, set mailbox.authserv_id: %s)", top, top)
		}
	}
	fmt.Fprintf(w, "%s not applied: %s; anyone can send mail From any address", report.Plural(n, "unsubscribe request"), why)
	if len(sum.Unapplied) == 0 {
		fmt.Fprintln(w, " (their senders are on the list already)")
		return
	}
	fmt.Fprintf(w, "; to apply those you trust, add their lines to %s:\n", displayPath(c.Suppress))
	for _, s := range sum.Unapplied {
		fmt.Fprintf(w, "  %s, not authenticated, added by hand\n", s.Line(c.Name, opts.now()))
	}
}

// printPolicyBounces warns of hard bounces that refused the message or
// its sender rather than the address (bounces.Match.Policy): they are not
// suppressed, and the sender has something to fix.
func printPolicyBounces(w io.Writer, sum *bounces.Summary) {
	n, example := 0, ""
	for _, f := range sum.Findings {
		for _, m := range f.Matches {
			if m.Policy {
				n++
				example = cmp.Or(example, truncateText(m.Status+" "+m.Diagnostic, 160))
			}
		}
	}
	if n > 0 {
		fmt.Fprintf(w, "warning: %s refused the message or its sender, not the address (a policy such as DMARC, SPF or spam, the content, the size): %s not suppressed; fix what the server says, e.g. %s\n",
			report.Plural(n, "hard bounce"), verbFor(n, "its address is", "their addresses are"), example)
	}
}

func kindCounts(kinds map[journal.FeedbackKind]int) string {
	var parts []string
	for _, k := range []journal.FeedbackKind{journal.FeedbackBounced, journal.FeedbackSoftBounce, journal.FeedbackComplained, journal.FeedbackUnsubscribed} {
		if n := kinds[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// truncateText cuts s to n runes, marking the cut.
func truncateText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func autoReplies(n int) string {
	if n == 1 {
		return "1 auto-reply"
	}
	return fmt.Sprintf("%d auto-replies", n)
}
