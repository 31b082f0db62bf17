package journal

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// The counterpart of encode.go: attempt and result lines in the form the
// Writer writes them (its fields in its order, strings without escapes,
// numbers as strconv writes them) are decoded here by hand, and any other
// line (one edited by hand, an older tidings', one with an escaped string)
// by encoding/json, as before. FuzzLineDecoding holds the two to the same
// records, and holds the hand-written decoder to accepting only lines
// encoding/json reads alike. Through encoding/json these lines cost about
// 4.5 µs each: three quarters of the report page's time after a send, and
// most of what a resume, `report` or `preview` spends reading a large
// journal.

// decodeAttempt decodes an attempt line into l.
func decodeAttempt(b []byte, l *attemptLine) error {
	*l = attemptLine{}
	if parseAttempt(bytes.TrimRight(b, " \t\r\n"), l) {
		return nil
	}
	*l = attemptLine{}
	return json.Unmarshal(b, l)
}

// decodeResult decodes a result line into l; a line without a status
// leaves l.Status NoStatus.
func decodeResult(b []byte, l *resultLine) error {
	*l = resultLine{Status: recordStatus(NoStatus)}
	if parseResult(bytes.TrimRight(b, " \t\r\n"), l) {
		return nil
	}
	*l = resultLine{Status: recordStatus(NoStatus)}
	return json.Unmarshal(b, l)
}

// parseAttempt reads b when it is an attempt line in the Writer's form.
func parseAttempt(b []byte, l *attemptLine) bool {
	p := lineParser{b: b, ok: true}
	p.lit(`{"type":"attempt","row":`)
	a := &l.Attempt
	l.Type = "attempt"
	a.Row = p.number()
	a.Key = p.field(`,"key":`)
	a.NormKey = p.optField(`,"norm_key":`)
	a.To = p.optField(`,"to":`)
	a.Cc, a.Bcc = p.optField(`,"cc":`), p.optField(`,"bcc":`)
	a.Envelope = p.optList(`,"envelope":[`)
	a.MessageID = p.optField(`,"message_id":`)
	a.Hash = p.optField(`,"hash":`)
	if p.has(`,"value_sums":`) {
		if s := p.str(); !p.ok || a.Values.UnmarshalText([]byte(s)) != nil {
			return false // encoding/json tells why
		}
	}
	if p.has(`,"try":`) {
		a.Try = p.number()
	}
	p.lit(`,"time":`)
	a.Time = p.timestamp()
	p.lit("}")
	return p.end()
}

// parseResult reads b when it is a result line in the Writer's form.
func parseResult(b []byte, l *resultLine) bool {
	p := lineParser{b: b, ok: true}
	p.lit(`{"type":"result","status":`)
	l.Type = "result"
	if st := p.raw(); p.ok && l.Status.UnmarshalText(st) != nil {
		return false
	}
	r := &l.Result
	p.lit(`,"row":`)
	r.Row = p.number()
	r.Key = p.field(`,"key":`)
	r.NormKey = p.optField(`,"norm_key":`)
	r.To = p.optField(`,"to":`)
	r.Cc, r.Bcc = p.optField(`,"cc":`), p.optField(`,"bcc":`)
	p.lit(`,"attempts":`)
	r.Attempts = p.number()
	if p.has(`,"code":`) {
		r.Code = p.number()
	}
	r.EnhancedCode = p.optField(`,"enhanced_code":`)
	r.Detail = p.optField(`,"detail":`)
	r.MessageID = p.optField(`,"message_id":`)
	r.Server = p.optField(`,"server":`)
	if p.has(`,"started_at":`) {
		r.Started = p.timestamp()
	}
	if p.has(`,"finished_at":`) {
		r.Finished = p.timestamp()
	}
	p.lit(`,"duration_ms":`)
	r.DurationMS = int64(p.number())
	if p.has(`,"wait_ms":`) {
		r.WaitMS = int64(p.number())
	}
	r.Hash = p.optField(`,"hash":`)
	r.Owed = p.optList(`,"owed":[`)
	r.Refused = p.optList(`,"refused":[`)
	if p.has(`,"values_sum":`) {
		n := p.number()
		if n < 0 || n > math.MaxUint32 {
			return false // encoding/json tells why
		}
		r.ValuesSum = uint32(n)
	}
	r.Again = p.has(`,"again":true`)
	p.lit("}")
	return p.end()
}

// lineParser reads a line in the Writer's form; ok turns false at the
// first byte that is not what the Writer would have put there, and every
// read after that returns a zero value.
type lineParser struct {
	b  []byte
	ok bool
}

// lit consumes s, which must come next.
func (p *lineParser) lit(s string) {
	if !p.has(s) {
		p.ok = false
	}
}

// has consumes s and reports whether it came next.
func (p *lineParser) has(s string) bool {
	if !p.ok || len(p.b) < len(s) || string(p.b[:len(s)]) != s {
		return false
	}
	p.b = p.b[len(s):]
	return true
}

// field consumes name and a string.
func (p *lineParser) field(name string) string {
	p.lit(name)
	return p.str()
}

// optField consumes name and a string when name comes next.
func (p *lineParser) optField(name string) string {
	if !p.has(name) {
		return ""
	}
	return p.str()
}

// optList consumes name (`,"owed":[`), a list of JSON strings and the
// closing bracket, when the line has name there; nil otherwise.
func (p *lineParser) optList(name string) []string {
	if !p.has(name) {
		return nil
	}
	list := []string{p.str()}
	for p.has(",") {
		list = append(list, p.str())
	}
	p.lit("]")
	return list
}

// str consumes a JSON string. It unescapes what the Writer escapes (\",
// \\, control characters, <, >, &, U+2028 and U+2029) and the other short
// escapes; a \u escape of a surrogate (encoding/json pairs them or writes
// U+FFFD) and invalid UTF-8 (which it replaces) are left to encoding/json.
func (p *lineParser) str() string {
	if !p.ok || len(p.b) == 0 || p.b[0] != '"' {
		p.ok = false
		return ""
	}
	ascii := true
	for i := 1; i < len(p.b); i++ {
		switch c := p.b[i]; {
		case c == '"':
			s := p.b[1:i]
			if !ascii && !utf8.Valid(s) {
				p.ok = false
				return ""
			}
			p.b = p.b[i+1:]
			return string(s)
		case c == '\\':
			return p.unescape(i)
		case c < 0x20:
			p.ok = false
			return ""
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	p.ok = false
	return ""
}

// unescape is str from the first backslash, at i, on.
func (p *lineParser) unescape(i int) string {
	out := append(make([]byte, 0, len(p.b)), p.b[1:i]...)
	for i < len(p.b) {
		c := p.b[i]
		if c == '"' {
			if !utf8.Valid(out) {
				break
			}
			p.b = p.b[i+1:]
			return string(out)
		}
		if c < 0x20 {
			break
		}
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 == len(p.b) {
			break
		}
		r, n := escaped(p.b[i+1:])
		if n == 0 {
			break
		}
		out = utf8.AppendRune(out, r)
		i += 1 + n
	}
	p.ok = false
	return ""
}

// escaped reads the escape after a backslash in b: its rune and length (0
// for one str leaves to encoding/json).
func escaped(b []byte) (rune, int) {
	switch b[0] {
	case '"', '\\', '/':
		return rune(b[0]), 1
	case 'b':
		return '\b', 1
	case 'f':
		return '\f', 1
	case 'n':
		return '\n', 1
	case 'r':
		return '\r', 1
	case 't':
		return '\t', 1
	case 'u':
		if len(b) < 5 {
			return 0, 0
		}
		v, err := strconv.ParseUint(string(b[1:5]), 16, 16)
		if err != nil || utf16.IsSurrogate(rune(v)) {
			return 0, 0
		}
		return rune(v), 5
	}
	return 0, 0
}

// raw consumes a string without escapes and returns its bytes in the line
// (for the status and times, which the Writer never escapes).
func (p *lineParser) raw() []byte {
	if !p.ok || len(p.b) == 0 || p.b[0] != '"' {
		p.ok = false
		return nil
	}
	for i := 1; i < len(p.b); i++ {
		switch c := p.b[i]; {
		case c == '"':
			s := p.b[1:i]
			p.b = p.b[i+1:]
			return s
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			p.ok = false
			return nil
		}
	}
	p.ok = false
	return nil
}

// number consumes an integer as strconv writes it: an optional minus, then 0
// or digits without a leading zero, within int64.
func (p *lineParser) number() int {
	if !p.ok {
		return 0
	}
	n := 0
	if n < len(p.b) && p.b[n] == '-' {
		n++
	}
	digits := n
	for n < len(p.b) && p.b[n] >= '0' && p.b[n] <= '9' {
		n++
	}
	if n == digits || p.b[digits] == '0' && n > digits+1 || string(p.b[:n]) == "-0" {
		p.ok = false
		return 0
	}
	v, err := strconv.ParseInt(string(p.b[:n]), 10, 64)
	if err != nil || int64(int(v)) != v {
		p.ok = false
		return 0
	}
	p.b = p.b[n:]
	return int(v)
}

// timestamp consumes a quoted RFC 3339 time, read as time.Time.UnmarshalJSON
// reads it.
func (p *lineParser) timestamp() time.Time {
	s := p.raw()
	var t time.Time
	if p.ok && t.UnmarshalText(s) != nil {
		p.ok = false
	}
	return t
}

// end reports whether the line was read whole and in form.
func (p *lineParser) end() bool { return p.ok && len(p.b) == 0 }
