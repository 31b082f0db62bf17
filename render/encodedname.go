package render

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// encodedNameWarning is the warning of s's cell in row, one that goes
// into an address field, whose RFC 2047 encoded-words (=?…?=) decode to a
// display name with an invisible format character controlsIn warns of (a
// zero-width space, a direction mark): the cell's own look (controlsIn)
// sees only the encoded text, and mail readers show the name decoded. It
// renders s's template and parses the addresses as Render does, so a name
// the template quotes (the address function), which no reader decodes,
// is not judged decoded. "" when the cell holds no encoded-word or the
// names no such character; a character refused in a name (an override) is
// encodedControls' refusal, not a warning here.
func (r *Renderer) encodedNameWarning(s seenColumn, row campaign.Row) string {
	if !strings.Contains(row.Values[s.col], "=?") {
		return ""
	}
	var buf bytes.Buffer
	v, err := r.value(s.t, row, &buf)
	if err != nil {
		return ""
	}
	list, aerr := parseList(v)
	if aerr != nil {
		return ""
	}
	for _, m := range list {
		if refuse, warn := controlsIn(m.name, true); refuse == "" && warn != "" && !strings.Contains(v, m.name) {
			return fmt.Sprintf("an encoded-word (=?…?=) that decodes to the name %s, with %s", clip(m.name), warn)
		}
	}
	return ""
}

// nameControlError is the problem of a display name that holds a
// character no header may (hasBad): one an encoded-word in it decoded to,
// as the cell's own check refuses one written plainly. It names the name
// and what it decodes to, a line break above all, which would start a
// header field of its own; it is campaign.ErrControlChar to errors.Is.
type nameControlError struct{ name string }

func (e nameControlError) Error() string {
	i := firstBad(e.name)
	what := "a line break, which would start a header field of its own"
	if !strings.ContainsAny(e.name, "\r\n\u2028\u2029") {
		r, _ := utf8.DecodeRuneInString(e.name[i:])
		what = fmt.Sprintf("a control character, %U", r)
	}
	return fmt.Sprintf("its display name %s decodes to %s (an encoded-word, =?…?=, in it): take it out of the cell", clipAt(e.name, i), what)
}

func (e nameControlError) Is(target error) bool { return target == campaign.ErrControlChar }
