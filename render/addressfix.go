package render

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// genericFix is addressFix when the address cannot be told in t's terms;
// the hints of an address say it (templates.AddressExample, errUnclosed,
// a name a comma split) until hintInColumns tells it in t's terms.
const genericFix = templates.AddressExample

// addressFix is the call of the address function that writes, in t's own
// terms, the one address of t whose display name column name splits: its
// display name as t makes it, of one column (.Last) or several with the
// text between them ((print .First " " .Last)), and its addr-spec, one
// column (.E_Mail) or the template's own text ("boss@example.org"). It
// executes t once with a marker in every column (columnMarker) to see
// what each part of the address is made of, and is the generic
// {{address .name .email}} when that does not tell: the execution fails,
// name is in more than one address's display name, the addr-spec is made
// of several columns or of a column and text, or the display name holds
// more than columns and spaces between them, or t is more than text and
// columns (a branch or a function: the marked run may take another way
// than the row, {{if eq .lang "de"}}…, {{or .Work .Home}}). Only for a
// row refused (errNameSplits).
func (r *Renderer) addressFix(t *templates.Template, name string) string {
	if !t.FieldsOnly() {
		return genericFix
	}
	cols := t.Columns()
	row := campaign.Row{Values: make(map[string]string, len(cols))}
	for i, c := range cols {
		row.Values[c] = columnMarker(i)
	}
	v, err := r.value(t, row, new(bytes.Buffer))
	if err != nil {
		return genericFix
	}
	var found []string
	for _, part := range shapeList(v).parts {
		if inDisplayName(part, row.Values[name]) {
			found = append(found, part)
		}
	}
	if len(found) != 1 {
		return genericFix
	}
	return fixOf(found[0], cols)
}

// fixOf is the call of the address function that writes part, one
// address of a template's output with its columns marked (columnMarker
// of cols): "display <spec>", or "display spec" (no < >, the name before
// the address), the display name of columns and spaces, the addr-spec one
// column or text; genericFix for any other.
func fixOf(part string, cols []string) string {
	display, spec, ok := splitAngle(part)
	if !ok {
		display, spec, ok = splitLastWord(part)
	}
	if !ok {
		return genericFix
	}
	nameArg, ok := nameArgument(display, cols)
	if !ok {
		return genericFix
	}
	specArg, ok := specArgument(spec, cols)
	if !ok {
		return genericFix
	}
	return "{{address " + nameArg + " " + specArg + "}}"
}

// splitLastWord splits part, an address with no angle-addr, at its last
// space outside quotes and comments: the name before and the address,
// trimmed. ok is false for a part with an angle bracket or no such space.
func splitLastWord(part string) (display, spec string, ok bool) {
	part = strings.TrimSpace(part)
	cut, angled := -1, false
	campaign.WalkTop(part, func(i int, c byte, angle int) {
		switch {
		case c == '<' || c == '>' || angle > 0:
			angled = true
		case c == ' ' || c == '\t':
			cut = i
		}
	})
	if angled || cut < 0 {
		return "", "", false
	}
	return strings.TrimSpace(part[:cut]), part[cut+1:], true
}

// columnMarker is the value addressFix gives column i of a template:
// private-use characters, which no function changes, around i.
func columnMarker(i int) string { return "\ue000" + strconv.Itoa(i) + "\ue001" }

// splitAngle splits part, an address "display <spec>", at its top-level
// angle brackets: the display name and addr-spec, trimmed. ok is false when
// part has no angle-addr, or text after it.
func splitAngle(part string) (display, spec string, ok bool) {
	lt, gt := -1, -1
	campaign.WalkTop(part, func(i int, c byte, angle int) {
		switch {
		case c == '<' && angle == 0 && lt < 0:
			lt = i
		case c == '>' && angle == 1 && lt >= 0 && gt < 0:
			gt = i
		}
	})
	if lt < 0 || gt < 0 || strings.TrimSpace(part[gt+1:]) != "" {
		return "", "", false
	}
	return strings.TrimSpace(part[:lt]), strings.TrimSpace(part[lt+1 : gt]), true
}

// markedPieces splits s into the columns (by their markers, columnMarker
// of cols) and the text between them, in order: a column as its field
// (.E_Mail), text quoted ("Dr. "). ok is false for a marker of no column.
func markedPieces(s string, cols []string) (pieces []string, columns int, ok bool) {
	for s != "" {
		before, after, found := strings.Cut(s, "\ue000")
		if before != "" {
			pieces = append(pieces, strconv.Quote(before))
		}
		if !found {
			break
		}
		num, rest, closed := strings.Cut(after, "\ue001")
		i, err := strconv.Atoi(num)
		if !closed || err != nil || i < 0 || i >= len(cols) {
			return nil, 0, false
		}
		pieces = append(pieces, "."+templates.Identifier(cols[i]))
		columns++
		s = rest
	}
	return pieces, columns, true
}

// nameArgument is the address function's name argument that makes
// display, a display name of columns (markers) and spaces between them:
// the column (.Last), or print of them and the spaces ((print .First " "
// .Last)). ok is false for a display name with other text.
func nameArgument(display string, cols []string) (string, bool) {
	pieces, n, ok := markedPieces(display, cols)
	if !ok || n == 0 {
		return "", false
	}
	for _, p := range pieces {
		if p[0] == '"' && strings.TrimSpace(p[1:len(p)-1]) != "" {
			return "", false
		}
	}
	if len(pieces) == 1 {
		return pieces[0], true
	}
	return "(print " + strings.Join(pieces, " ") + ")", true
}

// specArgument is the address function's address argument that makes
// spec, an addr-spec: the one column it is (.E_Mail), or the template's
// text ("boss@example.org"). ok is false for anything else.
func specArgument(spec string, cols []string) (string, bool) {
	pieces, n, ok := markedPieces(spec, cols)
	if !ok || len(pieces) != 1 || n == 0 && !strings.Contains(spec, "@") {
		return "", false
	}
	return pieces[0], true
}
