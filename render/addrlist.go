package render

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// errUnclosed is the cause of an address list whose quote, comment or
// angle bracket is never closed, which leaves no way to tell where its
// addresses end.
var errUnclosed = errors.New(`a quote ("), parenthesis or angle bracket is not closed; a name holding one is written with ` + genericFix)

// errSpaceAt is the cause of an address with a space beside its @
// (templates.SpaceBesideAt), which net/mail takes but is a typo.
var errSpaceAt = errors.New("mail: a space beside the @")

// listShape is how a rendered address list divides into addresses.
type listShape struct {
	// parts are the text between separators: ',' and, outside group
	// syntax, ';' (Outlook and Chinese mail clients write a@x.cn; b@x.cn),
	// where neither is inside a quoted-string, comment, domain literal or
	// angle brackets.
	parts []string
	// group: the list uses RFC 5322 group syntax (a ':' and then a ';'
	// outside all of those: "Team: a@x.example, b@x.example;"). Its ';'
	// then ends the group rather than separating addresses.
	group bool
	// open: a quote, comment, domain literal or angle bracket is left
	// open, so the last part runs to the end of the list.
	open bool
}

// shapeList divides list into its parts.
func shapeList(list string) listShape {
	var (
		sh    listShape
		seps  []int
		colon = -1
	)
	sh.open = campaign.WalkTop(list, func(i int, c byte, angle int) {
		if angle > 0 {
			return
		}
		switch c {
		case ',', ';':
			seps = append(seps, i)
			if c == ';' && colon >= 0 {
				sh.group = true
			}
		case ':':
			if colon < 0 {
				colon = i
			}
		}
	})
	start := 0
	for _, i := range seps {
		if sh.group && list[i] == ';' {
			continue
		}
		sh.parts = append(sh.parts, list[start:i])
		start = i + 1
	}
	sh.parts = append(sh.parts, list[start:])
	return sh
}

// parseList parses a rendered address list (RFC 5322 3.4 address-list,
// UTF-8 allowed) in which ';' separates addresses as ',' does. Empty parts
// are skipped, as RFC 5322 4.4 (obs-addr-list) allows, so a trailing ';'
// is fine. Group syntax ("Team: a@x.example, b@x.example;") is read as
// net/mail reads it: its members are the addresses, and the group's name is
// dropped. On failure it names the part that does not parse.
func parseList(v string) ([]mailbox, *addressError) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	sh := shapeList(v)
	switch {
	case sh.group:
		return parseGroupList(v, sh.parts)
	case sh.open:
		return nil, &addressError{token: strings.TrimSpace(sh.parts[len(sh.parts)-1]), err: errUnclosed, unclosed: true}
	}
	out := make([]mailbox, 0, len(sh.parts))
	for i, p := range sh.parts {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		a, err := mail.ParseAddress(keepName(p))
		if err == nil && templates.SpaceBesideAt(addrPart(p)) {
			err = errSpaceAt
		}
		if err != nil {
			err = inWords(p, err)
		}
		if err != nil && !strings.Contains(p, "@") && i+1 < len(sh.parts) && strings.Contains(sh.parts[i+1], "<") {
			// "Team, Inc. <a@x>": the comma ended the address.
			err = fmt.Errorf("%w (a comma or semicolon in a name separates addresses: put the name in double quotes, \"%s, …\" <…>, or write %s)", err, p, genericFix)
		}
		if err != nil {
			return nil, &addressError{token: p, err: err}
		}
		m, aerr := toMailbox(a)
		if aerr == nil {
			aerr = encodedControls(p, a)
		}
		if aerr != nil {
			return nil, aerr
		}
		out = append(out, m)
	}
	return out, nil
}

// keepName makes sure the display name of an address "TEXT <spec>" is
// TEXT as written. A name from the sheet may hold quotes or parentheses
// (Anne "Nan" Lee, Dr. Who (Gallifrey)), which RFC 5322 reads as syntax:
// net/mail would give Anne Nan Lee and Dr. Who. When parsing would not give
// TEXT back, TEXT is written as one quoted-string instead, so the recipient
// sees it exactly. TEXT that is already one quoted-string ("Doe, John", as
// the address function writes it) is syntax and stays, and so does TEXT
// holding '<' or '>' (not a name: net/mail refuses it) or an RFC 2047
// encoded-word without quotes, parentheses or backslashes (decoded as
// mail readers do). part is trimmed.
func keepName(part string) string {
	text, angle, ok := cutAngle(part)
	if !ok || !needsQuote(text) {
		return part
	}
	return quoteString(text) + " " + angle
}

// cutAngle cuts part, trimmed, into the text before its last angle-addr
// and the angle-addr "<…>", which must end part; ok is false otherwise.
func cutAngle(part string) (text, angle string, ok bool) {
	lt, gt := -1, -1
	campaign.WalkTop(part, func(i int, c byte, depth int) {
		switch {
		case c == '<' && depth == 0:
			lt, gt = i, -1
		case c == '>' && depth == 1:
			gt = i
		}
	})
	if lt < 0 || gt != len(part)-1 {
		return "", "", false
	}
	return strings.TrimSpace(part[:lt]), part[lt:], true
}

// needsQuote reports whether display name text, as written before an
// angle-addr, would not come back from RFC 5322 parsing as it is (see
// keepName).
func needsQuote(text string) bool {
	switch {
	case text == "", isPlainName(text), isQuotedString(text), strings.ContainsAny(text, "<>"):
		return false
	}
	a, err := mail.ParseAddress(text + " <x@example.com>")
	switch {
	case err != nil:
		return true
	case a.Name == text:
		return false
	}
	return !strings.Contains(text, "=?") || strings.ContainsAny(text, `"()\`)
}

// isPlainName reports whether s is atoms (atext, or UTF-8 as RFC 6532
// allows) separated by single spaces and holds no "=?": a phrase that
// parses back to itself.
func isPlainName(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") || strings.Contains(s, "=?") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c < 0x80 && !isAtext(c) {
			return false
		}
	}
	return true
}

// isQuotedString reports whether s is exactly one RFC 5322 quoted-string.
func isQuotedString(s string) bool {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return false
	}
	i := 1
	for i < len(s)-1 {
		switch s[i] {
		case '\\':
			i += 2 // quoted-pair; escaping the final quote leaves it open
			continue
		case '"':
			return false
		}
		i++
	}
	return i == len(s)-1
}

// parseGroupList parses a list with group syntax with net/mail; parts are
// its comma-separated pieces, for naming the one at fault. A member with
// a space beside its @ is refused as parseList refuses one (errSpaceAt).
func parseGroupList(v string, parts []string) ([]mailbox, *addressError) {
	list, err := mail.ParseAddressList(v)
	if err != nil {
		bad := badPiece(v, parts)
		return nil, &addressError{token: bad, err: inWords(bad, err)}
	}
	for _, p := range parts {
		if m := groupMember(p); templates.SpaceBesideAt(addrPart(m)) {
			return nil, &addressError{token: m, err: inWords(m, errSpaceAt)}
		}
	}
	out := make([]mailbox, 0, len(list))
	for _, a := range list {
		m, aerr := toMailbox(a)
		if aerr == nil {
			aerr = encodedControls(v, a)
		}
		if aerr != nil {
			return nil, aerr
		}
		out = append(out, m)
	}
	return out, nil
}

// groupMember is the address in part, a piece of a list with group
// syntax, without the group's name before it ("Team:") and the ';' that
// ends the group after it, trimmed.
func groupMember(part string) string {
	start, end := 0, len(part)
	campaign.WalkTop(part, func(i int, c byte, angle int) {
		switch {
		case angle > 0:
		case c == ':' && start == 0:
			start = i + 1
		case c == ';' && end == len(part):
			end = i
		}
	})
	if end < start {
		end = len(part)
	}
	return strings.TrimSpace(part[start:end])
}

// badPiece finds the piece of list (its member: groupMember) that net/mail
// refuses, so the error can quote it and blame the column it came from.
func badPiece(list string, parts []string) string {
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			return p
		}
		if m := groupMember(p); m != "" {
			if _, err := mail.ParseAddress(m); err != nil {
				return m
			}
		}
	}
	return list
}

// isUnclosed reports whether value leaves a quote, comment, domain literal
// or angle bracket open: the column to blame for errUnclosed.
func isUnclosed(value string) bool {
	return campaign.WalkTop(value, func(int, byte, int) {})
}
