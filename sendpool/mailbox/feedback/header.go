package feedback

import (
	"mime"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode"
)

// wordDecoder decodes RFC 2047 encoded-words in any charset htmlindex
// knows. It holds no state, so it is safe for concurrent use.
var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// decodeText returns a header field's value with encoded-words decoded
// (a value whose charset is unknown is kept as written: RFC 2047 6.2),
// as valid UTF-8 on one line.
func decodeText(v string) string {
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		v = d
	}
	return oneLine(v)
}

// oneLine makes s valid UTF-8 and collapses every run of white space and
// control characters to one space.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// addressList returns the normalized addresses of an address-list field
// (RFC 5322 3.4). A value net/mail cannot parse gives the addresses that can
// be picked out of it.
func addressList(v string) []string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	list, err := p.ParseList(v)
	if err != nil {
		return findAddresses(v)
	}
	var out stringSet
	for _, a := range list {
		out.add(normalizeAddress(a.Address))
	}
	return out.list
}

// firstAddress returns the first address of an address-list field, or "".
func firstAddress(v string) string {
	if l := addressList(v); len(l) > 0 {
		return l[0]
	}
	return ""
}

// msgIDs returns the message identifiers in a Message-ID, In-Reply-To or
// References field without angle brackets (RFC 5322 3.6.4). A value with no
// bracketed id gives its words that contain '@'.
func msgIDs(v string) []string {
	var out stringSet
	rest := v
	for {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(rest[i+1 : i+j]); id != "" && !strings.ContainsAny(id, " \t<") {
			out.add(id)
		}
		rest = rest[i+j+1:]
	}
	if len(out.list) == 0 {
		for _, w := range strings.Fields(v) {
			if strings.Contains(w, "@") {
				out.add(strings.Trim(w, "<>"))
			}
		}
	}
	return out.list
}

// msgID returns the first message identifier of a field, or "".
func msgID(v string) string {
	if ids := msgIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// parseDate reads an RFC 5322 date-time (net/mail is lenient about the
// obsolete forms); an unreadable date is the zero time.
func parseDate(v string) time.Time {
	t, err := mail.ParseDate(strings.TrimSpace(v))
	if err != nil {
		return time.Time{}
	}
	return t
}

// original reads what identifies the original message from its header
// section.
func original(h textproto.MIMEHeader) Original {
	return Original{
		MessageID: msgID(h.Get("Message-Id")),
		From:      firstAddress(h.Get("From")),
		To:        addressList(strings.Join(h.Values("To"), ", ")),
		Subject:   decodeText(h.Get("Subject")),
	}
}

// maxList caps every list in a Report (recipients, addresses, ids), so
// that a hostile message cannot make the work grow beyond linear.
const maxList = 1000

// stringSet collects distinct non-empty strings in order, at most maxList.
type stringSet struct {
	list []string
	seen map[string]bool
}

func (s *stringSet) add(v string) {
	if v == "" || len(s.list) >= maxList || s.has(v) {
		return
	}
	s.list = append(s.list, v)
	if s.seen != nil {
		s.seen[v] = true
	} else if len(s.list) > 8 { // a map only for larger sets
		s.seen = make(map[string]bool, 2*len(s.list))
		for _, x := range s.list {
			s.seen[x] = true
		}
	}
}

func (s *stringSet) has(v string) bool {
	if s.seen != nil {
		return s.seen[v]
	}
	for _, x := range s.list {
		if x == v {
			return true
		}
	}
	return false
}
