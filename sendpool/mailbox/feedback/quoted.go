package feedback

import (
	"net/textproto"
	"strings"
)

// quotedHeader finds a copy of the original message's header section in a
// bounce's text: a run of at least two header fields (RFC 5322 2.2, lines
// may be quoted with "> ") that holds a Message-ID, or a From with a To or
// Subject. It returns the byte offset in text where the run starts and its
// fields, or -1 and nil.
func quotedHeader(text string) (int, textproto.MIMEHeader) {
	var run headerRun
	off := 0
	for _, line := range strings.SplitAfter(text, "\n") {
		start := off
		off += len(line)
		l := unquote(strings.TrimRight(line, "\r\n"))
		switch {
		case l != "" && (l[0] == ' ' || l[0] == '\t') && len(run.fields) > 0:
			run.cont(l)
		case isFieldLine(l):
			if len(run.fields) == 0 {
				run.start = start
			}
			run.add(l)
		default:
			if run.qualifies() {
				return run.start, run.header()
			}
			run = headerRun{}
		}
	}
	if run.qualifies() {
		return run.start, run.header()
	}
	return -1, nil
}

// headerRun is a run of header-like lines being collected.
type headerRun struct {
	start  int
	fields []runField
}

type runField struct {
	name  string
	parts []string // the value's lines
}

func (r *headerRun) add(l string) {
	if len(r.fields) >= maxList {
		r.fields = r.fields[:len(r.fields)-1] // past the cap, the last field is replaced
	}
	name, value, _ := strings.Cut(l, ":")
	r.fields = append(r.fields, runField{name: textproto.CanonicalMIMEHeaderKey(name), parts: []string{value}})
}

func (r *headerRun) cont(l string) {
	f := &r.fields[len(r.fields)-1]
	f.parts = append(f.parts, l)
}

// header returns the run's fields, the values unfolded.
func (r *headerRun) header() textproto.MIMEHeader {
	h := textproto.MIMEHeader{}
	for _, f := range r.fields {
		h[f.name] = append(h[f.name], strings.TrimSpace(strings.Join(f.parts, " ")))
	}
	return h
}

// qualifies reports whether the run looks like a message's header section.
func (r *headerRun) qualifies() bool {
	if len(r.fields) < 2 {
		return false
	}
	has := map[string]bool{}
	for _, f := range r.fields {
		has[f.name] = true
	}
	return has["Message-Id"] || has["From"] && (has["To"] || has["Subject"])
}

// isFieldLine reports whether l starts a header field: a name of printable
// ASCII without colon or space (RFC 5322 ftext), a colon.
func isFieldLine(l string) bool {
	i := strings.IndexByte(l, ':')
	if i <= 0 || i > 76 {
		return false
	}
	for j := 0; j < i; j++ {
		if l[j] <= ' ' || l[j] > '~' {
			return false
		}
	}
	return true
}

// unquote drops a "> " quotation prefix.
func unquote(l string) string {
	if strings.HasPrefix(l, ">") {
		return strings.TrimPrefix(strings.TrimLeft(l, ">"), " ")
	}
	return l
}
