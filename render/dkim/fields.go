package dkim

import (
	"bytes"
	"strings"
)

// DefaultDKIMHeaders returns the header fields signed when the campaign's
// dkim entry names none: those RFC 6376 5.4.1 recommends that tidings
// writes, and the RFC 8058 one-click headers, which receivers only honour
// when signed. A message carries each at most once (RFC 5322 3.6, RFC
// 2369, RFC 2919, RFC 8058), so each is oversigned (RFC 6376 5.4.2, 8.15):
// h= names it one more time than the message carries it, once when the
// message lacks it, so that no instance can be added, above or below, and
// still verify. Each call returns a new slice.
func DefaultDKIMHeaders() []string {
	return []string{
		"From", "Sender", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
		"MIME-Version", "Content-Type", "List-Id",
		"List-Unsubscribe", "List-Unsubscribe-Post",
	}
}

// oversigned is the h= list of a message whose header fields are named
// by present (one entry per field, as fieldNames gives them): every name
// of always (no two equal without case), each one more time than present
// has it. go-msgauth signs the instances of a name bottom up and an empty
// one for each naming beyond them, as verifiers read h= (RFC 6376 5.4.2).
func oversigned(always, present []string) []string {
	count := make(map[string]int, len(present))
	for _, name := range present {
		count[strings.ToLower(name)]++
	}
	out := make([]string, 0, 2*len(always))
	for _, name := range always {
		for range count[strings.ToLower(name)] + 1 {
			out = append(out, name)
		}
	}
	return out
}

// fieldNames lists the names of the header fields of data (a message,
// CRLF or LF line endings), top down, one entry per field: a line that
// starts with a space or tab continues the field above; the header ends
// at the first empty line.
func fieldNames(data []byte) []string {
	var names []string
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue
		}
		if name, _, ok := bytes.Cut(line, []byte(":")); ok {
			names = append(names, string(bytes.TrimRight(name, " \t")))
		}
	}
	return names
}
