package render

import (
	"cmp"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// ErrDirectionControl is wrapped by the problem of a cell that brings a
// header an invisible direction control whose only effect there is to
// show the text in another order than it reads (see controlsIn).
var ErrDirectionControl = errors.New("a direction control that disguises the text")

// controlSet holds the invisible format characters controlsIn tells of
// (campaign.InvisibleChar's, but the soft hyphen), for a quick look.
var controlSet = campaign.InvisibleRunes(campaign.DirectionControl, campaign.ZeroWidth, campaign.Joiner, campaign.DirectionMark)

// controlsIn judges the invisible format characters of v, a cell's value
// that reaches a header a recipient sees; name is set when the cell goes
// into an address field, as a display name. It returns a refusal, else a
// warning, about the first it finds, naming it and its character
// position; "", "" when v has none that matter:
//
//   - an override (U+202D, U+202E), anywhere: it shows the text after it
//     reversed, which no name, subject or file name needs (a forged name,
//     "invoice\u202Efdp.exe"): refused;
//   - an embedding or isolate (U+202A–U+202C, U+2066–U+2069) not closed
//     within the cell (or a closing one with nothing to close): it turns
//     what follows the cell around too; in a display name that is the
//     address shown beside it: refused; elsewhere: a warning. Closed
//     within the cell, it only sets the direction of its own text, as
//     Arabic and Hebrew text mixed with Latin needs: nothing;
//   - a zero-width space, word joiner or byte order mark (U+200B, U+2060,
//     U+FEFF): invisible, the text is not what it shows: a warning;
//   - a zero-width joiner or non-joiner (U+200C, U+200D) between two
//     Latin letters: a warning; elsewhere (Persian, Indic scripts, emoji
//     sequences need them): nothing;
//   - a direction mark (U+200E, U+200F, U+061C) in a cell without
//     right-to-left letters: a warning; beside Hebrew or Arabic: nothing.
func controlsIn(v string, name bool) (refuse, warn string) {
	if !strings.ContainsAny(v, controlSet) {
		return "", ""
	}
	runes := []rune(v)
	rtl := slices.ContainsFunc(runes, isRTL)
	for i, r := range runes {
		switch {
		case r == '\u202D' || r == '\u202E':
			return controlAt(r, i) + ": it shows the text after it reversed, as a forged name or file name does", ""
		case isOpener(r) || isCloser(r):
			if balanced(runes) {
				continue
			}
			if name {
				return controlAt(r, i) + ", not closed in the cell: it turns the address shown beside the name around too", ""
			}
			if warn == "" {
				warn = controlAt(r, i) + ", not closed in the cell: it turns the text after it around too"
			}
		case campaign.IsInvisible(r, campaign.ZeroWidth):
			if warn == "" {
				warn = controlAt(r, i) + ": invisible, the text is not what it shows (a search or a filter for it fails)"
			}
		case campaign.IsInvisible(r, campaign.Joiner) && i > 0 && i+1 < len(runes) && isLatinLetter(runes[i-1]) && isLatinLetter(runes[i+1]):
			if warn == "" {
				warn = controlAt(r, i) + " between Latin letters, which never join: invisible, the text is not what it shows"
			}
		case campaign.IsInvisible(r, campaign.DirectionMark) && !rtl:
			if warn == "" {
				warn = controlAt(r, i) + " in text with no right-to-left letters: invisible, it does nothing there but make the text other than it shows"
			}
		}
	}
	return "", warn
}

// controlAt names r, one of controlSet, at rune index i of a value.
func controlAt(r rune, i int) string {
	inv, _ := campaign.InvisibleChar(r)
	name := inv.Name
	article := "a"
	if strings.ContainsRune("aeiouAEIOU", rune(name[0])) {
		article = "an"
	}
	return fmt.Sprintf("%s %s, %U, at character %d", article, name, r, i+1)
}

// isOpener reports whether r starts an embedding or isolate.
func isOpener(r rune) bool { return r == '\u202A' || r == '\u202B' || r >= '\u2066' && r <= '\u2068' }

// isCloser reports whether r ends one (PDF, PDI).
func isCloser(r rune) bool { return r == '\u202C' || r == '\u2069' }

// balanced reports whether runes close every embedding and isolate they
// open, and close none they did not.
func balanced(runes []rune) bool {
	embeds, isolates := 0, 0
	for _, r := range runes {
		switch r {
		case '\u202A', '\u202B':
			embeds++
		case '\u202C':
			embeds--
		case '\u2066', '\u2067', '\u2068':
			isolates++
		case '\u2069':
			isolates--
		}
		if embeds < 0 || isolates < 0 {
			return false
		}
	}
	return embeds == 0 && isolates == 0
}

// isRTL reports whether r is a letter of a script written right to left.
func isRTL(r rune) bool {
	return unicode.IsLetter(r) && unicode.In(r, unicode.Hebrew, unicode.Arabic, unicode.Syriac, unicode.Thaana, unicode.Nko)
}

// isLatinLetter reports whether r is a Latin letter.
func isLatinLetter(r rune) bool { return unicode.Is(unicode.Latin, r) }

// controlsError refuses a row whose cells bring a header a recipient sees
// (From, Sender, Reply-To, To, Cc, the subject, extra headers, an
// attachment's file name) a direction control that disguises the text
// (see controlsIn), each cell once. What a template itself writes is the
// author's, and not looked at. The cells with one that may disguise it
// are controlWarnings'.
func (r *Renderer) controlsError(row campaign.Row) error {
	var probs rowProblems
	for _, s := range r.seen {
		if refuse, _ := controlsIn(row.Values[s.col], s.name); refuse != "" {
			probs.add(r.rowErr(row, s.col, fmt.Errorf("render: %s: %w: %s (take it out of the cell)", s.t.Name(), ErrDirectionControl, refuse)))
		}
	}
	return probs.err()
}

// controlWarnings are the warnings of the cells controlsError looks at
// whose invisible format characters may disguise the text, without
// refusing it (see controlsIn; in an address field, also as its
// encoded-words decode: encodedNameWarning), each cell once, then of the
// key's (keyControls).
func (r *Renderer) controlWarnings(row campaign.Row) []string {
	var out []string
	for _, s := range r.seen {
		refuse, warn := controlsIn(row.Values[s.col], s.name)
		if refuse == "" && warn == "" && s.name {
			warn = r.encodedNameWarning(s, row)
		}
		if refuse == "" && warn != "" {
			out = append(out, fmt.Sprintf("column %q (in %s) holds %s", s.col, s.t.Name(), warn))
		}
	}
	if w := r.keyControls(row); w != "" {
		out = append(out, w)
	}
	return out
}

// keyControls warns of an invisible format character in the row's key,
// when the key column is in no header (a member number, an invoice id):
// no recipient sees it, but the sender does on the report page, where an
// override shows "k1\u202efdp.exe" as "k1exe.pdf" and a zero-width space
// is not there to see. Keys compare without those
// that join no letters (campaign.NormalizeKey), so it is a warning, not a
// refusal. "" when the key has none that matter (see controlsIn).
func (r *Renderer) keyControls(row campaign.Row) string {
	v := row.Values[r.keyCol]
	refuse, warn := controlsIn(v, false)
	w := cmp.Or(refuse, warn)
	if w == "" || slices.ContainsFunc(r.seen, func(s seenColumn) bool { return s.col == r.keyCol }) {
		return "" // none, or judged as a header's
	}
	bare := strings.Map(func(c rune) rune {
		if strings.ContainsRune(controlSet, c) {
			return -1
		}
		return c
	}, v)
	if campaign.NormalizeKey(bare) != campaign.NormalizeKey(v) {
		return fmt.Sprintf("column %q (the key) holds %s; the report page shows the key as it is", r.keyCol, w)
	}
	return fmt.Sprintf("column %q (the key) holds %s; keys compare without it (tidings show finds the row by %q), but the report page shows the key as it is", r.keyCol, w, bare)
}

// seenColumn is a column whose value a recipient sees in a header: the
// first template that writes it there, and whether that puts it into an
// address field (into a display name: an address itself refuses any
// invisible character, see toMailbox).
type seenColumn struct {
	t    *templates.Template
	col  string
	name bool
}

// shownColumns lists, each once, the columns of the row-dependent
// templates whose values a recipient sees in a header; address fields
// first, as a column is judged by them. New works it out once.
func (r *Renderer) shownColumns() []seenColumn {
	var out []seenColumn
	add := func(t *templates.Template, name bool) {
		for _, c := range t.Columns() {
			if !slices.ContainsFunc(out, func(s seenColumn) bool { return s.col == c }) {
				out = append(out, seenColumn{t, c, name})
			}
		}
	}
	for _, f := range []*addrField{&r.from, &r.sender, &r.replyTo, &r.to, &r.cc} {
		if f.t != nil && !f.fixed {
			add(f.t, true)
		}
	}
	if r.subject != nil {
		add(r.subject, false)
	}
	for _, h := range r.headers {
		if h.line == nil {
			add(h.t, false)
		}
	}
	for _, a := range r.atts {
		if !a.fixed {
			add(a.t, false)
		}
	}
	return out
}

// encodedControls refuses the address a, parsed from raw, whose display
// name an RFC 2047 encoded-word in raw decoded to a direction control
// that controlsIn refuses in a name: the cell's own check (controlsError)
// saw only the encoded text ("=?utf-8?b?QWxp4oCuZWNl?=", "Ali\u202Eece"),
// and mail readers show the name decoded. nil when raw holds no
// encoded-word or the name no such control.
func encodedControls(raw string, a *mail.Address) *addressError {
	if !strings.Contains(raw, "=?") {
		return nil
	}
	if refuse, _ := controlsIn(a.Name, true); refuse != "" {
		return &addressError{token: strings.TrimSpace(raw), err: fmt.Errorf("%w: an encoded-word (=?…?=) in the name decodes to %s (take it out of the cell)", ErrDirectionControl, refuse)}
	}
	return nil
}
