package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// pageSource is where the report page takes its rows from (see
// report.PageInput.Rows).
type pageSource = func(fn func(report.Row) error) error

// writeReportPage writes report.html (and report-data/) into the
// campaign's state folder, of in's rows, settings, time and Running (the
// rest it sets from c and path), linking the rows' messages in the default
// preview folder when there is one, and reports whether it did. A page
// that cannot be written is a warning: report.csv and report.json are the
// record, the page a view of them. The error is ctx's, when it ended the
// writing (an interrupt): the command then ends as interrupted, not as a
// success without its page.
func writeReportPage(ctx context.Context, g *globalOptions, c *campaign.Campaign, path string, in report.PageInput) (bool, error) {
	return tellPage(ctx, g, path, writePage(ctx, c, path, in))
}

// writePage writes the page as writeReportPage does, and tells nothing.
func writePage(ctx context.Context, c *campaign.Campaign, path string, in report.PageInput) error {
	in.Campaign, in.CampaignPath, in.JournalDir = c.Name, displayPath(path), c.StateDir
	if dir := filepath.Join(c.StateDir, "preview"); isDir(dir) {
		in.PreviewDir = dir
	}
	return report.WritePage(ctx, c.StateDir, in)
}

// tellPage warns of err, writePage's, as writeReportPage does, and
// returns what writeReportPage returns.
func tellPage(ctx context.Context, g *globalOptions, path string, err error) (bool, error) {
	if err != nil && ctx.Err() != nil {
		fmt.Fprintf(g.stderr, "the report page was not written (interrupted): run tidings report %s to write it\n", commandArg(path))
		return false, context.Cause(ctx)
	}
	if err != nil {
		fmt.Fprintf(g.stderr, "warning: the report page was not written: %v (once that is fixed, tidings report %s writes it)\n", err, commandArg(path))
	}
	return err == nil, nil
}

// printReportLine names the report's files: the page when it was written
// (page), else the folder of report.csv and report.json; or, when those
// were not written (files false: tellFlush warned), what was.
func printReportLine(g *globalOptions, c *campaign.Campaign, page, files bool) {
	switch {
	case !files && page:
		fmt.Fprintf(g.stdout, "report: %s (report.csv and report.json were not written: see above)\n", pagePath(c))
		return
	case !files:
		fmt.Fprintf(g.stdout, "report: not written (see above); tidings report %s writes it from the journal once that is fixed\n", commandArg(c.File))
		return
	case page:
		fmt.Fprintf(g.stdout, "report: %s (report.csv and report.json beside it)\n", pagePath(c))
		return
	}
	fmt.Fprintf(g.stdout, "report: report.csv and report.json in %s (the page was not written: see above)\n", displayPath(c.StateDir))
}

// pagePath is the report page of the campaign, as the user names it.
func pagePath(c *campaign.Campaign) string {
	return displayPath(filepath.Join(c.StateDir, report.PageFile))
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// writeSendReports writes a send's report.csv and report.json at the end
// of its delivery, and its page of in (as writeReportPage does), reading
// r's lines back for the two at once (r's readers run beside one
// another). The page's first pass over the rows, and its pass over the
// journal, run beside the files' writing; it writes nothing before the
// files are written (its later passes wait for them), so that on a disk
// near full the record takes the room first and the page, a view of it,
// is what is not written, as when the two were written one after the
// other. It warns when the files could not be written (a full disk), and
// returns that error and writeReportPage's results. held says the caller
// holds the report lock (holdReport): only then does it remove the files
// it could not rewrite (report.FlushOrRemove, removeEarlierPage), since
// without it they may be those a tidings report beside is writing, true
// ones.
func writeSendReports(ctx context.Context, g *globalOptions, c *campaign.Campaign, r *report.Reporter, in report.PageInput, held bool) (flushErr error, page bool, pageErr error) {
	flushed := make(chan error, 1)
	flush := r.Flush
	if held {
		flush = r.FlushOrRemove
	}
	go func() { flushed <- flush() }()
	var waited bool
	wait := func() {
		if !waited {
			flushErr, waited = <-flushed, true
		}
	}
	in.Rows = afterFirstPass(in.Rows, wait)
	in.Ending = func() (report.Ending, bool) {
		if wait(); flushErr != nil {
			return report.Ending{}, false // report.json has no ending of this send
		}
		return r.WrittenEnding()
	}
	err := writePage(ctx, c, c.File, in)
	wait()
	flushErr = tellFlush(g, c, flushErr, !held)
	if err != nil && ctx.Err() == nil {
		err = removeEarlierPage(c, err, held)
	}
	page, pageErr = tellPage(ctx, g, c.File, err)
	return flushErr, page, pageErr
}

// removeEarlierPage removes the report.html left in c's state folder
// when a send's page could not be written (err): it showed the campaign
// as it was before (a send running, as a report beside it wrote it, or
// an earlier run), and nobody must read it as this run's. It returns
// err, which says so when it removed one, or when it left one: a
// symbolic link, or any when the send did not hold the report lock
// (held false).
func removeEarlierPage(c *campaign.Campaign, err error, held bool) error {
	if !held {
		if len(presentFiles(c.StateDir, report.PageFile)) == 0 {
			return err
		}
		return fmt.Errorf("%w; %s", err, leftUnlocked([]string{report.PageFile}))
	}
	removed, links := report.RemoveEarlier(c.StateDir, report.PageFile)
	switch {
	case len(removed) > 0:
		return fmt.Errorf("%w; %s", err, removedWords(removed))
	case len(links) > 0:
		return fmt.Errorf("%w; %s", err, leftLinks(links))
	}
	return err
}

// removedWords says that the report files names, written before, were
// removed (report.RemoveEarlier), and why.
func removedWords(names []string) string {
	n := len(names)
	return "the " + strings.Join(names, " and ") + " written before " + verbFor(n, "was", "were") + " removed, so that nothing reads " +
		verbFor(n, "it", "them") + " as this run's report"
}

// leftLinks says that the report files names were left, as symbolic
// links (report.RemoveEarlier), and what that means.
func leftLinks(names []string) string {
	n := len(names)
	return strings.Join(names, " and ") + " " + verbFor(n, "is a symbolic link", "are symbolic links") + ", which send does not remove: what " +
		verbFor(n, "it points to is", "they point to is") + " left as it was, and is not this run's report"
}

// leftUnlocked says that the report files names were left as they are
// by a send that wrote its report without the report lock.
func leftUnlocked(names []string) string {
	n := len(names)
	return "the " + strings.Join(names, " and ") + " there " + verbFor(n, "was", "were") + " left as " + verbFor(n, "it is", "they are") +
		", since this send did not get the report lock and a tidings report may be writing " + verbFor(n, "it", "them") +
		": " + verbFor(n, "it", "they") + " may not be this run's report"
}

// presentFiles are those of the files names in dir that are there (of
// any kind), in names' order.
func presentFiles(dir string, names ...string) []string {
	var out []string
	for _, name := range names {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			out = append(out, name)
		}
	}
	return out
}

// afterFirstPass returns rows calling wait once before its second pass
// (report.WritePage writes nothing but its folder before it: see
// report.PageInput.Rows); nil (no rows) stays nil, and waits for nothing.
func afterFirstPass(rows pageSource, wait func()) pageSource {
	if rows == nil {
		return nil
	}
	passes := 0
	return func(fn func(report.Row) error) error {
		if passes++; passes == 2 {
			wait()
		}
		return rows(fn)
	}
}

// tellFlush warns of err, a send's failure to write report.csv and
// report.json (a full disk), with what to do next (flushNext), and
// returns it with the same words: the run may have stopped for a reason
// of its own, which its error tells, and a script must not take files
// left by an earlier run, or none, for this run's report. It says which
// files were removed, and which were left: symbolic links, or any when
// the send wrote its report without the report lock (unlocked: it gave
// up waiting for it), which removes nothing.
func tellFlush(g *globalOptions, c *campaign.Campaign, err error, unlocked bool) error {
	if err == nil {
		return nil
	}
	removed := ""
	if ue := (*report.UnwrittenError)(nil); errors.As(err, &ue) {
		if len(ue.Removed) > 0 {
			// They said the send was still running, or told an earlier
			// run: a script must not read them as this run's report.
			removed = "; " + removedWords(ue.Removed)
		}
		if len(ue.Links) > 0 {
			removed += "; " + leftLinks(ue.Links)
		}
	}
	if unlocked {
		if left := presentFiles(c.StateDir, report.CSVFile, report.JSONFile); len(left) > 0 {
			removed = "; " + leftUnlocked(left)
		}
	}
	next := flushNext(err, c.File)
	fmt.Fprintf(g.stderr, "warning: report.csv and report.json were not written: %v%s; %s (the journal has every result)\n", err, removed, next)
	return &againError{err: err, again: next + " (the messages that went stay sent)"}
}

// flushNext is what to do next after err, a send's failure to write
// report.csv and report.json, said alike in its warning and, when
// nothing else failed, in the send's closing words: free space on a full
// disk (or fix what else kept them from being written), then the command
// that writes them from the journal; close the file first where another
// program holds it (heldOpenFix). Nothing is sent again for it.
func flushNext(err error, file string) string {
	fix := cmp.Or(heldOpenFix(err), fullDiskFix(err), "once that is fixed,")
	return fix + " run tidings report " + commandArg(file) + " to write them from the journal"
}

// fullDiskFix is what to do first when err is a full disk (ENOSPC): free
// space there, then (the command to run follows); "" for any other err.
// Every command words a full disk with it: send, bounces and report.
func fullDiskFix(err error) string {
	if !errors.Is(err, syscall.ENOSPC) {
		return ""
	}
	return "free space on the disk it is on, then"
}

// heldOpenFix is what to do first when err is a report file another
// program keeps from being replaced (*report.HeldOpenError: report.csv
// shown in Excel on Windows): close it there; "" for any other err.
func heldOpenFix(err error) string {
	var he *report.HeldOpenError
	if !errors.As(err, &he) {
		return ""
	}
	return "close " + he.File + " in Excel (or whichever program has it open), then"
}

// reportLockWait bounds how long a command waits for the campaign's
// report lock before it writes its report without it: a report beside
// that never ends (a template that loops) holds up no send's end longer
// (testSeams.reportLockWait, when set, instead).
const reportLockWait = 5 * time.Minute

// holdReport takes the report lock of c's state folder
// (journal.HoldReport): exclusive for a command that ends a change of the
// journal (send, bounces) and writes the report it leaves, shared for one
// that rebuilds the report from the journal it reads (report), saying on
// stderr when it waits. A lock not had within reportLockWait, or at all,
// is warned of and the report goes without it (nil, which releases
// nothing); an interrupt ends the wait silently, the writing then
// stopping as it does.
func holdReport(ctx context.Context, g *globalOptions, c *campaign.Campaign, exclusive bool) *journal.ReportLock {
	limit := cmp.Or(g.seams.reportLockWait, reportLockWait)
	wait, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	waiting := func() {
		if exclusive {
			fmt.Fprintln(g.stderr, "note: a tidings report beside is writing this campaign's report: waiting for it, so that the report left is this run's")
			return
		}
		fmt.Fprintln(g.stderr, "note: tidings send or bounces is writing this campaign's report: waiting for it, to read the journal it ends")
	}
	l, err := journal.HoldReport(wait, c.StateDir, exclusive, waiting)
	if err != nil && ctx.Err() == nil {
		warnNoReportLock(g, c, exclusive, limit, err)
	}
	return l
}

// warnNoReportLock warns that the report goes without its lock, which
// holdReport could not take (err): it gave up after limit, or the lock
// file could not be had.
func warnNoReportLock(g *globalOptions, c *campaign.Campaign, exclusive bool, limit time.Duration, err error) {
	if !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(g.stderr, "warning: writing this run's report without its lock, so the report left there may be another run's: %v\n", err)
		return
	}
	holder := "a tidings report beside still holds"
	if !exclusive {
		holder = "tidings send or bounces still holds"
	}
	fmt.Fprintf(g.stderr, "warning: gave up after %s waiting for the report lock (%s), which %s: writing this run's report without it, so the report left there may be that one's, not this run's\n",
		minutesWords(limit), filepath.Join(c.StateDir, journal.ReportLockName), holder)
}

// minutesWords writes d for a person: "5 minutes", "1 minute", or as
// sendpool.LimitText does when d is not whole minutes.
func minutesWords(d time.Duration) string {
	if d < time.Minute || d%time.Minute != 0 {
		return sendpool.LimitText(d)
	}
	return fmt.Sprintf("%d %s", d/time.Minute, verbFor(int(d/time.Minute), "minute", "minutes"))
}

// releaseReport releases the report lock holdReport took, warning when it
// cannot.
func releaseReport(g *globalOptions, l *journal.ReportLock) {
	if err := l.Release(); err != nil {
		fmt.Fprintln(g.stderr, "warning:", err)
	}
}
