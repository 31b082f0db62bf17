package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/plan"
)

// problemPrinter prints the problems of a sheet's rows: each kind of
// problem (problemKind: its file, column and words, the row and the values
// it quotes left out) in full for the first rowsPerKind rows that have it,
// and the rows after them as one line a kind at Done. A mistake made in
// every row (the wrong column mapped to the address, dates written another
// way) reads as a few examples and the rows it is in, not as a thousand
// lines alike. Rows printed in full count against limit; past it, a row
// of a kind printed is named with the others of its kind, one of a kind
// not printed yet is only counted (0: no limit, and every row printed in
// full, as --max-problems 0 asks). It is not safe for concurrent use
// (render.Each calls back from one goroutine).
type problemPrinter struct {
	w       io.Writer
	limit   int
	printed int // rows printed in full
	hidden  int // rows past limit, neither printed nor grouped
	kinds   map[string]*problemKindRows
	order   []*problemKindRows
}

// problemKindRows are the rows of one kind of problem: how many printed
// in full, and the rows after them.
type problemKindRows struct {
	// where (file and column) and reason are the first row's first
	// problem, row its row, for Done's words.
	where, reason string
	row           int
	// lines is how many problems the kind's rows have each.
	lines   int
	printed int
	more    plan.RowList
}

// rowsPerKind is how many rows of one kind of problem are printed in full.
const rowsPerKind = 3

// maxProblemKinds bounds the kinds a printer tells apart: past it, rows of
// a new kind are printed in full (up to limit), so memory stays flat
// whatever the sheet holds.
const maxProblemKinds = 1000

func newProblemPrinter(w io.Writer, limit int) *problemPrinter {
	return &problemPrinter{w: w, limit: limit, kinds: map[string]*problemKindRows{}}
}

// Print prints a row's problems, or counts the row for Done.
func (p *problemPrinter) Print(err error) {
	row := problemRow(err)
	lines := problemWords(err)
	if p.limit == 0 || row == 0 {
		p.full(err)
		return
	}
	k := p.kind(lines, row)
	switch {
	case k != nil && k.printed > 0 && (k.printed >= rowsPerKind || p.printed >= p.limit):
		k.more.Add(strconv.Itoa(row))
	case p.printed >= p.limit:
		p.hidden++
	default:
		if k != nil {
			k.printed++
		}
		p.full(err)
	}
}

func (p *problemPrinter) full(err error) {
	p.printed++
	printProblem(p.w, err)
}

// kind is the kind of a row's problem lines, nil past maxProblemKinds.
func (p *problemPrinter) kind(lines []string, row int) *problemKindRows {
	kinds := make([]string, len(lines))
	for i, l := range lines {
		kinds[i] = problemKind(l)
	}
	key := strings.Join(kinds, "\n")
	k := p.kinds[key]
	if k == nil && len(p.kinds) < maxProblemKinds {
		k = &problemKindRows{row: row}
		var ok bool
		if k.where, k.reason, ok = splitProblem(lines[0]); !ok {
			k.reason = lines[0]
		}
		k.lines = len(lines)
		p.kinds[key] = k
		p.order = append(p.order, k)
	}
	return k
}

// Unlisted counts n rows with problems the caller has no words of (a
// plan keeps the first rows' problems), for Done's count of rows not
// shown.
func (p *problemPrinter) Unlisted(n int) { p.hidden += n }

// Done prints, for each kind of problem in more rows than printed in
// full, the rows after them, and how many rows went unprinted past limit.
func (p *problemPrinter) Done() {
	for _, k := range p.order {
		if k.more.N == 0 {
			continue
		}
		verb := verbFor(k.more.N, "has", "have")
		if k.lines > 1 {
			// The problems are in several columns: the file alone.
			file, _, _ := strings.Cut(k.where, ", column ")
			if file = strings.TrimSuffix(file, ": "); file != "" {
				file += ": "
			}
			fmt.Fprintf(p.w, "problem: %s%s %s the %d problems of row %d (above): %s\n",
				file, moreRows(k.more.N), verb, k.lines, k.row, k.more.Join(", "))
			continue
		}
		fmt.Fprintf(p.w, "problem: %s%s %s the problem of row %d (%s): %s\n",
			k.where, moreRows(k.more.N), verb, k.row, k.reason, k.more.Join(", "))
	}
	if p.hidden > 0 {
		fmt.Fprintf(p.w, "(%s with problems not shown)\n", moreRows(p.hidden))
	}
}

// problemRow is the sheet's number of the row err is a problem of, 0 when
// it names none.
func problemRow(err error) int {
	if rp, ok := errors.AsType[*plan.RowProblem](err); ok {
		return rp.Row
	}
	if list := campaign.RowProblems(err); len(list) > 0 {
		return list[0].Row
	}
	return 0
}

// problemKind is a problem line (as campaign.RowError writes it: `file:
// row N, column "c": reason`) with what differs from row to row left
// out: the row's number, and in the reason the values it quotes and the
// numbers it names. Two rows with a problem of one kind give one string.
func problemKind(line string) string {
	head, reason, ok := splitProblem(line)
	if !ok {
		return line
	}
	var b strings.Builder
	b.WriteString(head)
	for i := 0; i < len(reason); {
		c := reason[i]
		switch {
		case c == '"':
			if q, err := strconv.QuotedPrefix(reason[i:]); err == nil {
				b.WriteString(`"…"`)
				i += len(q)
				continue
			}
		case c >= '0' && c <= '9':
			for i < len(reason) && reason[i] >= '0' && reason[i] <= '9' {
				i++
			}
			b.WriteByte('#')
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// splitProblem splits a problem line into its file and column, "file,
// column "c": " with the row left out, and its reason.
func splitProblem(line string) (head, reason string, ok bool) {
	file, rest, ok := strings.Cut(line, ": row ")
	if !ok {
		return "", "", false
	}
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n == 0 {
		return "", "", false
	}
	rest = rest[n:]
	if r, ok := strings.CutPrefix(rest, ", column "); ok {
		col, err := strconv.QuotedPrefix(r)
		if err != nil || !strings.HasPrefix(r[len(col):], ": ") {
			return "", "", false
		}
		return file + ", column " + col + ": ", r[len(col)+2:], true
	}
	if r, ok := strings.CutPrefix(rest, ": "); ok {
		return file + ": ", r, true
	}
	return "", "", false
}
