package feedback

import "strings"

// field is one "Name: value" line of a report part, its name in lower case
// and its continuation lines unfolded.
type field struct{ name, value string }

// fieldBlock is a group of fields not separated by an empty line.
type fieldBlock []field

// get returns the value of the first field named name (lower case), or "".
func (b fieldBlock) get(name string) string {
	for _, f := range b {
		if f.name == name {
			return f.value
		}
	}
	return ""
}

// all returns the values of every field named name.
func (b fieldBlock) all(name string) []string {
	var out []string
	for _, f := range b {
		if f.name == name {
			out = append(out, f.value)
		}
	}
	return out
}

func (b fieldBlock) has(name string) bool {
	for _, f := range b {
		if f.name == name {
			return true
		}
	}
	return false
}

// parseFieldBlocks reads the body of a message/delivery-status (RFC 3464
// 2.1), message/feedback-report (RFC 5965 3.1) or disposition notification:
// header-like fields in blocks separated by empty lines. It is written here
// rather than with net/textproto because one malformed line makes textproto
// give up on the rest, and reports in the wild have such lines: this
// parser skips them.
func parseFieldBlocks(text string) []fieldBlock {
	var blocks []fieldBlock
	var cur fieldBlock
	var parts []string // the lines of cur's last field
	flush := func() {
		if len(cur) > 0 {
			cur[len(cur)-1].value = oneLine(strings.Join(parts, " "))
		}
		parts = nil
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			if len(cur) > 0 {
				blocks = append(blocks, cur)
				cur = nil
			}
		case line[0] == ' ' || line[0] == '\t':
			if len(cur) > 0 {
				parts = append(parts, line)
			}
		default:
			name, value, ok := strings.Cut(line, ":")
			name = strings.TrimSpace(name)
			if ok && name != "" && !strings.ContainsAny(name, " \t") {
				flush()
				cur = append(cur, field{name: strings.ToLower(name)})
				parts = []string{value}
			}
		}
	}
	flush()
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	return blocks
}

// stripType removes the type prefix of a typed DSN value ("smtp; 550 ...",
// "dns; mx.example.org", RFC 3464 2.1.2).
func stripType(v string) string {
	if typ, rest, ok := strings.Cut(v, ";"); ok && isAddressType(typ) {
		return strings.TrimSpace(rest)
	}
	return strings.TrimSpace(v)
}
