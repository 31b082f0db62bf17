package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// displayPath shortens an absolute path to one relative to the working
// folder when that is shorter, for messages a person reads
// (campaign.ShownPath, which the messages of the packages below name
// their files by).
func displayPath(p string) string { return campaign.ShownPath(p) }

// commandArg is displayPath(p) as one word of a command a person pastes
// into a POSIX shell (journal.ShownPathWord: "'my news/campaign.yaml'",
// "./-news.yaml").
func commandArg(p string) string { return journal.ShownPathWord(p) }

// problemText formats a row problem for a person: file, row, column,
// reason; a row's other problems follow, "; " between them, on the same
// line (for a report's cell).
func problemText(err error) string {
	return spool.DetailLine(problemLines(err))
}

// problemLines is problemText with a line for each of the row's problems:
// what the spool keeps of a row with problems (spool.Row.Detail).
func problemLines(err error) string {
	return spool.JoinDetail(problemWords(err))
}

// printProblem prints a row problem, each of the row's problems on its
// own line: of a row just rendered, or as the spool kept them
// (*plan.RowProblem).
func printProblem(w io.Writer, err error) {
	for _, s := range spool.DetailLines(problemLines(err)) {
		fmt.Fprintln(w, "problem:", s)
	}
}

// problemWords is each of err's row problems for a person (file as
// displayPath shows it, row, column, reason as report.Reason words it),
// or the lines of a *plan.RowProblem, or err's words.
func problemWords(err error) []string {
	if rp, ok := errors.AsType[*plan.RowProblem](err); ok {
		return rp.Lines()
	}
	list := shownProblems(err)
	if len(list) == 0 {
		return []string{err.Error()}
	}
	words := make([]string, len(list))
	for i, re := range list {
		words[i] = re.Error()
	}
	return words
}

// rowsNamed names the rows of l as a warning about them does: "row 4",
// or "3 rows (4, 9, 12)" and "7 rows (2, 3, 4, 5, 6 and 2 more)".
func rowsNamed(l *plan.RowList) string {
	if l.N > 1 {
		return fmt.Sprintf("%d rows (%s)", l.N, l.Join(", "))
	}
	return "row " + l.Join(", ")
}

// moreRows is "1 more row" or "5 more rows".
func moreRows(n int) string {
	return fmt.Sprintf("%d more %s", n, verbFor(n, "row", "rows"))
}

// shownProblems is each of err's row problems with its file as
// displayPath shows it and its reason as report.Reason words it, for
// their words only: the reason is text, no longer the error it was.
func shownProblems(err error) campaign.RowErrors {
	list := campaign.RowProblems(err)
	shown := make(campaign.RowErrors, len(list))
	for i, re := range list {
		cp := *re
		cp.File = displayPath(re.File)
		if re.Err != nil {
			cp.Err = errors.New(report.Reason(re.Err.Error(), re.Column))
		}
		shown[i] = &cp
	}
	return shown
}

// printWarnings prints the sheet's and renderer's warnings.
func printWarnings(w io.Writer, warnings []string) {
	for _, s := range warnings {
		fmt.Fprintln(w, "warning:", s)
	}
}

// messageWarnings prints the warnings of rendered messages (a subject over
// render.SubjectWarnLength characters …) as they come, each with its file
// and row, up to limit of them; a constant template can give every row the
// same warning, and a million identical lines help nobody. Done prints how
// many were not shown, the rows whose To shares a one-click
// unsubscribe link (render.Message.SharedUnsubscribe) in one line, and
// those whose bodies do not link to their unsubscribe target
// (render.Message.Unlinked) in a line for each kind. It is
// not safe for concurrent use (render.Each calls back from one goroutine).
type messageWarnings struct {
	w     io.Writer
	file  string // the sheet, as displayPath shows it
	limit int
	n     int
	// rows counts the messages added: a column blank in all of them is
	// told once in the preview gallery (everyColumn), so a caller adds
	// no row it has emptied of notes (render.Message.Unsent).
	rows int
	// shared are the rows whose To shares a one-click link, as the sheet
	// numbers them, and sharedK the number of addresses of the first.
	shared  plan.RowList
	sharedK int
	blank   blankCells
	// padded are the rows whose cell the subject or a body prints with
	// white space at its ends (render.Message.Padded), by column.
	padded paddedCells
	// noFile are the rows whose attachment's path a blank cell emptied
	// (render.Message.NoFile), by column.
	noFile blankCells
	// noImage are the rows whose inline image's path a blank cell
	// emptied (render.Message.NoImage), by column.
	noImage blankCells
	// unlinked are the rows whose bodies do not link to their
	// unsubscribe target (render.Message.Unlinked).
	unlinked unlinkedRows
}

// maxMessageWarnings is how many message warnings a run prints.
const maxMessageWarnings = 20

// newMessageWarnings are the warnings of the messages r renders from
// sheet, printed on w, whose lines say where r's templates print a
// column (blank or padded) and what a reader sees of it blank.
func newMessageWarnings(w io.Writer, sheet string, r *render.Renderer) *messageWarnings {
	mw := &messageWarnings{w: w, file: displayPath(sheet), limit: maxMessageWarnings}
	mw.blank.where, mw.blank.seen = r.PrintedIn, r.BlankSeen
	mw.padded.where = r.PaddedIn
	return mw
}

// Add prints m's warnings.
func (mw *messageWarnings) Add(m *render.Message) {
	mw.rows++
	for _, s := range m.Warnings {
		mw.n++
		if mw.n <= mw.limit {
			fmt.Fprintf(mw.w, "warning: %s: row %d: %s\n", mw.file, m.Row, s)
		}
	}
	mw.blank.add(m.Row, m.Blank)
	mw.padded.add(m)
	mw.noFile.add(m.Row, m.NoFile)
	mw.noImage.add(m.Row, m.NoImage)
	mw.unlinked.add(m.Row, m.Unlinked)
	if m.SharedUnsubscribe > 0 {
		mw.shared.Add(strconv.Itoa(m.Row))
		if mw.sharedK == 0 {
			mw.sharedK = m.SharedUnsubscribe
		}
	}
}

// Done says how many warnings were not shown, which rows share a
// one-click unsubscribe link among several To addresses, which print
// a blank cell as it is, which a cell with white space at its ends,
// which go without an attachment, and which have a body without a link
// to their unsubscribe target (columnLines).
func (mw *messageWarnings) Done() {
	if mw.n > mw.limit {
		fmt.Fprintf(mw.w, "(%d more warnings about messages not shown)\n", mw.n-mw.limit)
	}
	for _, line := range mw.columnLines() {
		fmt.Fprintln(mw.w, line)
	}
}

// columnLines are the lines Done prints of the rows gathered, each
// "warning: SHEET: " and its words: the rows sharing a one-click link,
// then a line a column for the blank cells, padded cells, attachments
// and inline images without a file, and a line a kind for the bodies
// without their unsubscribe link.
func (mw *messageWarnings) columnLines() []string {
	var out []string
	if line := sharedUnsubscribeWarning(mw.file, mw.shared, mw.sharedK); line != "" {
		out = append(out, line)
	}
	for _, lines := range [][]string{
		mw.blank.lines(mw.file), mw.padded.lines(mw.file),
		noFileWarning.lines(&mw.noFile, mw.file), noImageWarning.lines(&mw.noImage, mw.file),
		mw.unlinked.lines(mw.file),
	} {
		out = append(out, lines...)
	}
	return out
}

// byteSize writes a size for a person: "512 bytes", "3.4 KB", "87.1 MB".
func byteSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	}
}

// hasHave is "1 recipient has" or "3 recipients have".
func hasHave(n int, noun string) string {
	if n == 1 {
		return report.Plural(n, noun) + " has"
	}
	return report.Plural(n, noun) + " have"
}

// isRowProblem reports whether err is a row's problem.
func isRowProblem(err error) bool {
	_, ok := errors.AsType[*campaign.RowError](err)
	return ok
}

// capLater says when send.daily_cap (dailyCap: a rolling day of the
// messages state holds) lets n messages go past those it lets go at now,
// in capWhen's words ("after 16:55 UTC tomorrow", "3 after 16:55 UTC
// tomorrow, 2 after 17:53 UTC"); "" when its window holds none (or
// there is no cap). Every line that says when the cap lets messages go
// says it so: report's summary, send --test's refusal.
func capLater(state *journal.State, dailyCap, n int, now time.Time) string {
	room, _ := state.Quota(dailyCap, 24*time.Hour, now)
	return capWhen(state.CapSlots(dailyCap, 24*time.Hour, now), n, room, now)
}

// capWhen says when send.daily_cap lets n messages go past those it
// lets go now, its slots opening at slots (journal.State.CapSlots, in
// order), in the words of the summary's line of the rows it holds back
// (report.Summary.CapAfter), which send's summary, report's and
// report.json's ending share: "after 16:54 UTC tomorrow" when the slots
// the n need open within a minute; "all 200 by 17:27 UTC tomorrow" when
// over more minutes, back to back; "3 after 16:54 UTC tomorrow, 197
// after 17:52 UTC" when they open in steps more than capStepGap apart (a
// test send an hour before the send: at 16:54 only 3 may go), three at
// most, the last taking the rest; after them, when n is more than the
// slots, ", others on later days" while the cap lets none go now (room
// 0: the others wait for the messages sent in the slots to leave the
// cap's day), else ", others a day after those that go now" (the room's
// messages leave the cap's day then, tomorrow too); "" when there are
// no slots. Each time is
// the local minute and zone (zoneWords) by which all of a step's slots
// have opened (capMinute), never one before: a step within one minute
// "after" it, one over more "by" it; "tomorrow" on the first on a later
// day than now.
func capWhen(slots []time.Time, n, room int, now time.Time) string {
	n = max(n, 1)
	rest := n - len(slots)
	steps := capSteps(slots[:min(n, len(slots))])
	var parts []string
	day := now.Local()
	for _, s := range steps {
		words := ""
		if len(steps) > 1 || rest > 0 {
			words = strconv.Itoa(s.n) + " "
		}
		at, by := s.first.Local().Truncate(time.Minute), capMinute(s.last)
		switch {
		case by.Sub(at) <= time.Minute:
			words += "after " + clockWords(by, &day)
		case words == "":
			words = fmt.Sprintf("all %d by %s", s.n, clockWords(by, &day))
		default:
			words += "by " + clockWords(by, &day)
		}
		parts = append(parts, words)
	}
	switch {
	case len(parts) == 0 || rest <= 0:
	case room > 0:
		parts = append(parts, "others a day after those that go now")
	default:
		parts = append(parts, "others on later days")
	}
	return strings.Join(parts, ", ")
}

// capMinute is t, local, rounded up to the minute: the first minute a
// person reading it may run send at and find t passed (a slot opening at
// 16:54:03 is said "16:55": at 16:54 nothing would go).
func capMinute(t time.Time) time.Time {
	return t.Local().Add(time.Minute - time.Nanosecond).Truncate(time.Minute)
}

// capStep is a run of a cap's slots (capWhen) that open close together:
// n of them, the first at first, the last at last.
type capStep struct {
	first, last time.Time
	n           int
}

// capStepGap is the gap between two of a cap's slots that starts a new
// step (capSteps): a send at rate leaves none so long; a test send
// before it, or the last day's sends in parts, does.
const capStepGap = 10 * time.Minute

// capSteps groups slots (in order) into steps, a new one where the next
// opens more than capStepGap after the one before; three at most, the
// third taking the rest.
func capSteps(slots []time.Time) []capStep {
	var steps []capStep
	for _, t := range slots {
		if i := len(steps) - 1; i >= 0 && (t.Sub(steps[i].last) <= capStepGap || i == 2) {
			steps[i].last = t
			steps[i].n++
			continue
		}
		steps = append(steps, capStep{first: t, last: t, n: 1})
	}
	return steps
}

// clockWords is t's local minute and zone ("17:52 UTC"), with
// " tomorrow" when t is on a later day than day, the day the words
// before it name (now's at first), which it moves to t's.
func clockWords(t time.Time, day *time.Time) string {
	words := t.Format("15:04") + " " + zoneWords(t)
	if y, m, d := t.Date(); t.After(*day) && (y != day.Year() || m != day.Month() || d != day.Day()) {
		words += " tomorrow"
		*day = t
	}
	return words
}

// zoneWords names t's zone by its offset from UTC, as a person reads
// it: "UTC", "UTC+01:00", "UTC-05:00", never RFC 3339's bare "+01:00"
// after a time ("09:14+01:00" reads as a sum) or "Z", nor an
// abbreviation ("CST" is China's and America's).
func zoneWords(t time.Time) string {
	if _, off := t.Zone(); off != 0 {
		return t.Format("UTC-07:00")
	}
	return "UTC"
}

// maxJournalWarnings is how many of the journal's warnings a command
// prints (a journal saved as UTF-16 has one for every line).
const maxJournalWarnings = 5

// printJournalWarnings prints the first of warnings and how many more
// there are.
func printJournalWarnings(g *globalOptions, warnings []error) {
	for _, w := range warnings[:min(len(warnings), maxJournalWarnings)] {
		fmt.Fprintln(g.stderr, "warning:", w)
	}
	if n := len(warnings) - maxJournalWarnings; n > 0 {
		fmt.Fprintf(g.stderr, "warning: and %d more lines of the journal like these\n", n)
	}
}
