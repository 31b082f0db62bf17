package journal

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// The two records written for every message, attempt and result, are
// encoded here by hand, into the same bytes encoding/json gives for
// attemptLine and resultLine (FuzzLineEncoding holds the two to each
// other). They are the journal's hot path: through encoding/json's
// reflection they cost about 0.17 s of CPU and 1.9 KB of garbage a message
// pair at 20,000 messages (bench/), and the journal's format, JSON lines
// that people read with jq, stays as it is. goccy/go-json, the usual
// faster drop-in, does not know the omitzero option these records use.
// The rarer records (run, copy, feedback, test) keep encoding/json.

// appendAttemptLine appends a's journal line (no newline) to b.
func appendAttemptLine(b []byte, a *Attempt) ([]byte, error) {
	b = append(b, `{"type":"attempt","row":`...)
	b = strconv.AppendInt(b, int64(a.Row), 10)
	b = appendStringField(b, `,"key":`, a.Key)
	b = appendOptString(b, `,"norm_key":`, a.NormKey)
	b = appendOptString(b, `,"to":`, a.To)
	b = appendOptString(b, `,"cc":`, a.Cc)
	b = appendOptString(b, `,"bcc":`, a.Bcc)
	b = appendOptList(b, `,"envelope":[`, a.Envelope)
	b = appendOptString(b, `,"message_id":`, a.MessageID)
	b = appendOptString(b, `,"hash":`, a.Hash)
	if !a.Values.IsZero() { // base64url: nothing to escape
		b = append(b, `,"value_sums":"`...)
		b = append(a.Values.appendText(b), '"')
	}
	if a.Try != 0 {
		b = append(b, `,"try":`...)
		b = strconv.AppendInt(b, int64(a.Try), 10)
	}
	b = append(b, `,"time":`...)
	b, err := appendTime(b, a.Time)
	return append(b, '}'), err
}

// appendResultLine appends r's journal line (no newline) to b.
func appendResultLine(b []byte, r *Result) ([]byte, error) {
	st, err := recordStatus(r.Status).MarshalText()
	if err != nil {
		return b, err
	}
	b = append(b, `{"type":"result","status":`...)
	b = appendString(b, string(st))
	b = append(b, `,"row":`...)
	b = strconv.AppendInt(b, int64(r.Row), 10)
	b = appendStringField(b, `,"key":`, r.Key)
	b = appendOptString(b, `,"norm_key":`, r.NormKey)
	b = appendOptString(b, `,"to":`, r.To)
	b = appendOptString(b, `,"cc":`, r.Cc)
	b = appendOptString(b, `,"bcc":`, r.Bcc)
	b = append(b, `,"attempts":`...)
	b = strconv.AppendInt(b, int64(r.Attempts), 10)
	if r.Code != 0 {
		b = append(b, `,"code":`...)
		b = strconv.AppendInt(b, int64(r.Code), 10)
	}
	b = appendOptString(b, `,"enhanced_code":`, r.EnhancedCode)
	b = appendOptString(b, `,"detail":`, r.Detail)
	b = appendOptString(b, `,"message_id":`, r.MessageID)
	b = appendOptString(b, `,"server":`, r.Server)
	for _, t := range []struct {
		name string
		at   time.Time
	}{{`,"started_at":`, r.Started}, {`,"finished_at":`, r.Finished}} {
		if !t.at.IsZero() {
			b = append(b, t.name...)
			if b, err = appendTime(b, t.at); err != nil {
				return b, err
			}
		}
	}
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendInt(b, r.DurationMS, 10)
	if r.WaitMS != 0 {
		b = append(b, `,"wait_ms":`...)
		b = strconv.AppendInt(b, r.WaitMS, 10)
	}
	b = appendOptString(b, `,"hash":`, r.Hash)
	b = appendOptList(b, `,"owed":[`, r.Owed)
	b = appendOptList(b, `,"refused":[`, r.Refused)
	if r.ValuesSum != 0 {
		b = append(b, `,"values_sum":`...)
		b = strconv.AppendUint(b, uint64(r.ValuesSum), 10)
	}
	if r.Again {
		b = append(b, `,"again":true`...)
	}
	return append(b, '}'), nil
}

// appendOptList appends name (`,"owed":[`) and the strings of list, then
// the closing bracket, unless list is empty (omitempty).
func appendOptList(b []byte, name string, list []string) []byte {
	if len(list) == 0 {
		return b
	}
	b = append(b, name...)
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendStringField appends name (`,"key":`) and s.
func appendStringField(b []byte, name, s string) []byte {
	return appendString(append(b, name...), s)
}

// appendOptString appends name and s unless s is empty (omitempty).
func appendOptString(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	return appendStringField(b, name, s)
}

// appendTime appends t quoted in RFC 3339 with nanoseconds, refusing what
// time.Time.MarshalJSON refuses (a year outside 0–9999, an offset of a day
// or more): it is MarshalJSON's own encoding, without the allocation.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	b, err := t.AppendText(append(b, '"'))
	if err != nil {
		return b, err
	}
	return append(b, '"'), nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json writes
// it: HTML-safe (<, > and & as \u003c, \u003e, \u0026), U+2028 and
// U+2029 escaped, invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
