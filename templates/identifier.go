package templates

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/tidings/tidings/campaign"
)

// ErrColumnClash is wrapped by the FileError of a sheet in which two
// columns have the same Identifier, so {{.NAME}} could mean either.
var ErrColumnClash = errors.New("two columns have the same template name")

// Identifier is the name a template reaches column by as a field,
// {{.NAME}}: column itself when it is a Go identifier (letters, digits and
// '_', not starting with a digit, as text/template reads a field name),
// else column with every run of other characters replaced by one '_' and a
// '_' put before a leading digit: "First Name" → First_Name, "E-mail" →
// E_mail, "2024 Total" → _2024_Total. "姓名" is already an identifier.
func Identifier(column string) string {
	if isIdentifier(column) {
		return column
	}
	var b strings.Builder
	b.Grow(len(column) + 1)
	run := false
	for i, r := range column {
		if !isIdentRune(r) {
			if !run {
				b.WriteByte('_')
			}
			run = true
			continue
		}
		if i == 0 && unicode.IsDigit(r) {
			b.WriteByte('_')
		}
		b.WriteRune(r)
		run = false
	}
	return b.String()
}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func isIdentifier(s string) bool {
	for i, r := range s {
		if !isIdentRune(r) || i == 0 && unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// columnNames is what the templates of a campaign may call the sheet's
// columns: each header text, and the Identifier of a header that is not one.
type columnNames struct {
	known map[string]bool   // header texts
	alias map[string]string // Identifier → header text, where they differ
	idOf  map[string]string // header text → Identifier
}

// newColumnNames indexes columns. Two columns with the same Identifier are
// an ErrColumnClash (one error per clash) naming both; sheet names the file
// for the error.
func newColumnNames(columns []string, sheet string) (columnNames, []error) {
	n := columnNames{known: map[string]bool{}, alias: map[string]string{}, idOf: map[string]string{}}
	byID := make(map[string]string, len(columns))
	var errs []error
	for _, c := range columns {
		n.known[c] = true
	}
	for _, c := range columns {
		id := Identifier(c)
		n.idOf[c] = id
		if other, dup := byID[id]; dup {
			errs = append(errs, &campaign.FileError{File: sheet, Err: fmt.Errorf("templates: %w: %q and %q are both {{.%s}}; rename one of them in the sheet", ErrColumnClash, other, c, id)})
			continue
		}
		byID[id] = c
		if id != c {
			n.alias[id] = c
		}
	}
	return n, errs
}

// resolve gives the header text a template's name refers to: the name
// itself when it is a column, the column whose Identifier it is, or "".
func (n columnNames) resolve(name string) string {
	if n.known[name] {
		return name
	}
	return n.alias[name]
}

// suggest names the column a template probably meant by the unknown name
// (see campaign.ClosestOrContaining, applied to the columns' Identifiers),
// or "".
func (n columnNames) suggest(name string, columns []string) string {
	ids := make([]string, len(columns))
	for i, c := range columns {
		ids[i] = n.idOf[c]
	}
	id := campaign.ClosestOrContaining(name, ids)
	if id == "" {
		return ""
	}
	return n.resolve(id)
}

// hint words the suggestion for column: how a template writes it.
func (n columnNames) hint(column string) string {
	id := n.idOf[column]
	if id == column {
		return fmt.Sprintf("did you mean {{.%s}}?", id)
	}
	return fmt.Sprintf("did you mean {{.%s}} (the column %s)?", id, strconv.Quote(column))
}

// list quotes columns for messages, each with its Identifier when that
// differs: "email", "First Name" (.First_Name).
func (n columnNames) list(columns []string) string {
	var b strings.Builder
	for i, c := range columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(c))
		if id := n.idOf[c]; id != c {
			b.WriteString(" (." + id + ")")
		}
	}
	return b.String()
}
