package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// DefaultSample is how many rows a test send takes when none are named.
const DefaultSample = 3

// Test says what a test send (`tidings send --test`) sends: the chosen
// rows, rendered as test messages (render.TestSend) for the test addresses.
type Test struct {
	// To are the test addresses (',' or ';' between them).
	To string
	// Rows are the sheet rows to send (as the sheet numbers them); none
	// means the first Sample rows the plan would send, in sheet order.
	Rows   []int
	Sample int
	// Run tells this test's Message-IDs apart from the real ones and
	// other tests'.
	Run string
}

// ErrNoTestRows says a test send found no row to send: every row was sent
// or decided already, and no rows were named.
var ErrNoTestRows = errors.New("no row is left to send")

// TestMessages renders the test messages of t, in sheet order, reading the
// sheet again (Preflight read it to its end). Named rows that have a
// problem are a *TestRowsError with every one of them (a row's
// *campaign.RowError, or the *RowProblem the preflight spooled); a named
// row the sheet does not have is an error naming it. The messages are
// DKIM-signed as the real ones.
func (pl *Plan) TestMessages(ctx context.Context, in *Inputs, t Test) ([]*render.Message, error) {
	rows, err := pl.testRows(ctx, t)
	if err != nil {
		return nil, err
	}
	opts := render.Options{Test: &render.TestSend{To: t.To, Run: t.Run}}
	if err := in.signWith(&opts); err != nil {
		return nil, err
	}
	r, err := render.New(in.Campaign, in.Set, opts)
	if err != nil {
		return nil, err
	}
	// Every row, so that a named row the campaign leaves out is told as
	// such (renderRows), and the sheet's last row is its last.
	sheet, err := campaign.OpenSheet(ctx, in.Campaign.Recipients.Unselected())
	if err != nil {
		return nil, err
	}
	defer sheet.Close()
	msgs, problems, err := renderRows(ctx, sheet, in.Campaign.Recipients, r, rows)
	if err != nil || len(t.Rows) == 0 && len(problems) == 0 { // a sample is of rows to send
		return msgs, err
	}
	if problems, err = pl.spooledProblems(ctx, rows, problems); err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, &TestRowsError{Problems: problems}
	}
	return msgs, nil
}

// TestRowsError is the problems of the rows chosen for a test send, a
// row's each (*campaign.RowError, or a *RowProblem the preflight
// spooled), in sheet order: nothing is sent while one has any.
type TestRowsError struct {
	Problems []error
}

func (e *TestRowsError) Error() string {
	have := "have"
	if len(e.Problems) == 1 {
		have = "has"
	}
	return fmt.Sprintf("plan: test send: %s chosen for the test %s problems", report.Plural(len(e.Problems), "row"), have)
}

// Unwrap returns the problems.
func (e *TestRowsError) Unwrap() []error { return e.Problems }

// spooledProblems is problems (of rows that did not render) with the
// problems the preflight found in any of rows, as its spool keeps them
// (*RowProblem), in their place: a row that renders alone can still have
// one (an earlier row's key with other values), and the spool's are all
// of a row's.
func (pl *Plan) spooledProblems(ctx context.Context, rows []int, problems []error) ([]error, error) {
	rd, err := pl.Spool.Open()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	err = rd.ScanRows(ctx, func(r spool.Row) error {
		if r.Kind == spool.KindInvalid && slices.Contains(rows, r.Row) {
			problems = slices.DeleteFunc(problems, func(p error) bool { return problemRow(p) == r.Row })
			problems = append(problems, &RowProblem{Row: r.Row, Detail: r.Detail})
		}
		return nil
	})
	slices.SortStableFunc(problems, func(a, b error) int { return problemRow(a) - problemRow(b) })
	return problems, err
}

// problemRow is the sheet row of a row's problem: a *RowProblem's, or a
// *campaign.RowError's.
func problemRow(err error) int {
	if rp, ok := errors.AsType[*RowProblem](err); ok {
		return rp.Row
	}
	row, _ := RowOf(nil, err)
	return row
}

// NotSending names those of rows, rows a test send was asked for, that a
// send would not send, and why: "row 4 (ann@example.com): duplicate of
// row 2", "row 5 (bob@example.com): sent". A test of such a row still
// shows its message; the person asking may think it one that goes. Rows
// with a problem are spooledProblems', not named here.
func (pl *Plan) NotSending(ctx context.Context, rows []int) ([]string, error) {
	var lines []string
	if !slices.ContainsFunc(rows, func(row int) bool { return !pl.send.has(row) }) {
		return nil, nil
	}
	rd, err := pl.Spool.Open()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	defer pl.closeSums()
	err = rd.ScanRows(ctx, func(r spool.Row) error {
		if r.Kind == spool.KindInvalid || pl.send.has(r.Row) || !slices.Contains(rows, r.Row) {
			return nil
		}
		v, err := pl.judge(r, false)
		if err != nil || v.send {
			return err
		}
		lines = append(lines, notSendingLine(v))
		return nil
	})
	return lines, err
}

// NotSendingWhy says why send sends none of the sheet's rows it does not
// send, counted by reason in sheet order of first appearance: "3 sent
// already", "1 with a problem", "2 duplicates", "1 suppressed", "1 failed
// (send --retry-failed sends it)". A test send that samples fewer rows
// than it was asked for names them.
func (pl *Plan) NotSendingWhy(ctx context.Context) ([]string, error) {
	rd, err := pl.Spool.Open()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	defer pl.closeSums()
	var order []sendpool.Status
	counts := map[sendpool.Status]int{}
	err = rd.ScanRows(ctx, func(r spool.Row) error {
		if pl.send.has(r.Row) {
			return nil
		}
		st := sendpool.StatusInvalid
		if r.Kind != spool.KindInvalid {
			v, err := pl.judge(r, false)
			if err != nil || v.send {
				return err
			}
			st = v.line.Status
		}
		if counts[st]++; counts[st] == 1 {
			order = append(order, st)
		}
		return nil
	})
	var why []string
	for _, st := range order {
		why = append(why, whyNotSending(st, counts[st]))
	}
	return why, err
}

// whyNotSending says n rows of status st are not sent: "2 sent already".
func whyNotSending(st sendpool.Status, n int) string {
	switch st {
	case sendpool.StatusSent:
		return fmt.Sprintf("%d sent already", n)
	case sendpool.StatusInvalid:
		return fmt.Sprintf("%d with a problem", n)
	case sendpool.StatusDuplicate:
		return report.Plural(n, "duplicate")
	case sendpool.StatusFailed:
		return fmt.Sprintf("%d failed (send --retry-failed sends %s)", n, itOrThem(n))
	case sendpool.StatusUnknown:
		return fmt.Sprintf("%d unknown (send --resend-unknown sends %s)", n, itOrThem(n))
	}
	return fmt.Sprintf("%d %s", n, st)
}

// itOrThem is "it" for one, "them" for more.
func itOrThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// notSendingLine names a row send would not send, by its verdict.
func notSendingLine(v verdict) string {
	line := v.line
	why := line.Status.String()
	switch line.Status {
	case sendpool.StatusDuplicate, sendpool.StatusSuppressed:
		why = line.Detail
	case sendpool.StatusSent:
		why += " already"
		if len(v.revised) > 0 {
			why += ", as it was then: " + RevisedWords(v.revised) + " changed since, which the test shows (send --resend-changed sends it again)"
		}
	case sendpool.StatusFailed:
		why += " (send --retry-failed sends it)"
	case sendpool.StatusUnknown:
		why += " (send --resend-unknown sends it)"
	}
	return fmt.Sprintf("row %d (%s): %s", line.Row, line.Key, why)
}

// testRows is the sorted rows a test sends.
func (pl *Plan) testRows(ctx context.Context, t Test) ([]int, error) {
	if len(t.Rows) > 0 {
		rows := slices.Clone(t.Rows)
		slices.Sort(rows)
		return slices.Compact(rows), nil
	}
	n := t.Sample
	if n <= 0 {
		n = DefaultSample
	}
	var rows []int
	for i := 1; i <= n && i <= pl.ToSend; i++ {
		rows = append(rows, pl.send.nth(i))
	}
	if len(rows) > 0 {
		return rows, nil
	}
	why, err := pl.NotSendingWhy(ctx)
	if err != nil {
		return nil, err
	}
	of := ""
	if len(why) > 0 {
		of = fmt.Sprintf(" (of the sheet's %s: %s)", report.Plural(pl.Rows, "row"), strings.Join(why, ", "))
	}
	if pl.Revised.N > 0 {
		return nil, fmt.Errorf("plan: test send: %w%s; name the rows to test with --rows, or add --resend-changed to test the %s whose values changed since they went out", ErrNoTestRows, of, report.Plural(pl.Revised.N, "row"))
	}
	return nil, fmt.Errorf("plan: test send: %w%s; name the rows to test with --rows", ErrNoTestRows, of)
}

// renderRows renders the sheet's rows named in rows (sorted) with r: the
// messages, and the problems of the rows that have one (a
// *campaign.RowError each). The sheet passes on every row: one that rec
// leaves out (only_blank, only_filled) is an error saying why.
func renderRows(ctx context.Context, sheet campaign.Sheet, rec campaign.Recipients, r *render.Renderer, rows []int) (msgs []*render.Message, problems []error, err error) {
	last, seen := 1, 0
	for seen < len(rows) {
		row, err := sheet.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		var re *campaign.RowError
		if err != nil && !errors.As(err, &re) {
			return nil, nil, err
		}
		last = row.Number // a row with a problem has its number too
		if !slices.Contains(rows, row.Number) {
			continue
		}
		seen++
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if why := rec.LeftOut(row.Values); why != "" {
			return nil, nil, fmt.Errorf("plan: test send: row %d of %s is no recipient of this campaign: %s", row.Number, rec.Path, why)
		}
		m, err := r.Render(row)
		if errors.As(err, &re) {
			problems = append(problems, err)
			continue
		} else if err != nil {
			return nil, nil, err
		}
		msgs = append(msgs, m)
	}
	for _, row := range rows {
		found := slices.ContainsFunc(msgs, func(m *render.Message) bool { return m.Row == row }) ||
			slices.ContainsFunc(problems, func(p error) bool { return problemRow(p) == row })
		if !found {
			return nil, nil, fmt.Errorf("plan: test send: row %d is not in %s (its last row is %d)", row, rec.Path, last)
		}
	}
	return msgs, problems, nil
}

// DeliverTest delivers test messages over a pool made from cfg (its
// Journal replaced by one that records each final result as a test send in
// w) and returns their final results in the order they came.
func DeliverTest(ctx context.Context, cfg sendpool.Config, msgs []*render.Message, w *journal.Writer) ([]sendpool.Result, error) {
	cfg.Journal = journal.NewTestRecorder(w)
	pool, err := sendpool.New(cfg)
	if err != nil {
		return nil, err
	}
	var results []sendpool.Result
	err = pool.Run(ctx, sendpool.SliceSource(msgs), func(r sendpool.Result) { results = append(results, r) })
	return results, err
}

// TestRun names a test run for its Message-IDs: the time it started.
func TestRun(now time.Time) string { return now.UTC().Format("20060102T150405.000000000") }
