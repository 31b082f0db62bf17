package render

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// Notes is what Render tells of row besides its message, worked out
// without rendering it: a Message with Row, Key, Recipients, Warnings,
// SharedUnsubscribe, Blank, Padded, NoFile and NoImage filled as Render fills them (both by
// notesOf), the warnings in the same order, and nothing else (no Data).
// It runs the To, Cc, Bcc and subject templates and looks at the row's
// values, not at the bodies, for a row whose message was made before
// from the same inputs (a reused spool's: plan.Preflight). A row with a
// problem returns it, as a *campaign.RowError or campaign.RowErrors,
// with no notes (Render tells none of such a row either); Notes does not
// look for every problem Render would. It is safe for concurrent use.
func (r *Renderer) Notes(row campaign.Row) (*Message, error) {
	st := r.pool.Get().(*state)
	defer r.pool.Put(st)
	m := &Message{Row: row.Number, Key: strings.TrimSpace(row.Values[r.keyCol])}
	var probs rowProblems
	probs.add(r.controlsError(row))
	var lists [3][]mailbox
	for i, f := range []*addrField{&r.to, &r.cc, &r.bcc} {
		list, err := r.addresses(f, row, &st.field)
		probs.add(err)
		lists[i] = list
	}
	subject, err := r.rowSubject(row, &st.field, m)
	probs.add(err)
	if err := probs.err(); err != nil {
		return m, err
	}
	lists, reps := dropRepeats(lists)
	m.Recipients = recipients(lists[:]...)
	r.notesOf(row, lists[0], m.Recipients, reps, subject).tell(m)
	return m, nil
}

// rowNotes are a row's notes: what Message.Warnings, SharedUnsubscribe,
// Blank, Padded, NoFile and NoImage hold.
type rowNotes struct {
	warnings []string
	shared   int
	blank    []string
	padded   []templates.PaddedCell
	noFile   []string
	noImage  []string
}

// notesOf makes the notes of row, for Render and Notes alike, so that
// one cannot tell what the other does not: from the row's values and
// what its To, Cc, Bcc and subject templates made of it (to, the To
// list; recipients, the envelope's, To, Cc then Bcc; reps, the mailboxes
// left out of those for being there already; subject), the row's
// own, not a test message's. The warnings come in this order: invisible
// characters in the cells a header shows and in the key, mailboxes a row
// gives twice, domains with
// no dot, the subject, a tab the subject shows as a space. A note that needs more (a body, an attachment)
// cannot be told of a reused spool's rows, which Notes reads without
// rendering them; TestNotesAsRender holds every note to this function.
func (r *Renderer) notesOf(row campaign.Row, to []mailbox, recipients []string, reps []repeat, subject string) rowNotes {
	warnings := r.controlWarnings(row)
	warnings = append(warnings, r.repeatWarnings(row, reps)...)
	warnings = append(warnings, dotlessWarnings(recipients)...)
	warnings = append(warnings, subjectWarnings(subject)...)
	if w := r.tabWarning(row); w != "" {
		warnings = append(warnings, w)
	}
	return rowNotes{warnings: warnings, shared: r.sharedUnsubscribe(to), blank: r.set.PrintedBlank(row), padded: r.set.PrintedPadded(row), noFile: r.set.EmptyPaths(row), noImage: r.set.EmptyImages(row)}
}

// tell sets m's notes to n: the one place in this package that does, but
// for Message.Unsent, which drops them.
func (n rowNotes) tell(m *Message) {
	m.Warnings, m.SharedUnsubscribe, m.Blank, m.Padded, m.NoFile, m.NoImage = n.warnings, n.shared, n.blank, n.padded, n.noFile, n.noImage
}

// subjectWarnings are the warnings of a subject that is too long to show
// (over SubjectWarnLength characters) or empty.
func subjectWarnings(subject string) []string {
	if n := utf8.RuneCountInString(subject); n > SubjectWarnLength {
		return []string{fmt.Sprintf("subject is %d characters long (over %d); clients cut it short", n, SubjectWarnLength)}
	}
	if subject == "" {
		return []string{"subject is empty"}
	}
	return nil
}

// tabWarning tells of the first column the subject reads whose value
// holds a tab within its text, which the subject shows as a space
// (rowSubject); "" when none does. A tab at a value's start or end is
// white space at its ends, told of once for the column where a reader
// sees it (Message.Padded), not again for each row.
func (r *Renderer) tabWarning(row campaign.Row) string {
	col := r.subject.ColumnWhere(row, func(v string) bool { return strings.ContainsRune(strings.TrimSpace(v), '\t') })
	if col == "" {
		return ""
	}
	return fmt.Sprintf("column %q holds a tab, which the subject shows as a space", col)
}
