package dkim

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// DefaultDKIMHeaders returns the header fields every signature names when
// the campaign's dkim entry names none: those RFC 6376 5.4.1 recommends
// that tidings writes, and the RFC 8058 one-click headers, which
// receivers only honour when signed. A message carries each at most once
// (RFC 5322 3.6, RFC 2369, RFC 2919, RFC 8058), so each is oversigned (RFC
// 6376 5.4.2, 8.15): h= names it one more time than the message carries
// it, once when the message lacks it, so that no instance can be added,
// above or below, and still verify. The default signs the campaign's
// headers: and every other field of the message too, oversigned alike
// (see oversigned). Each call returns a new slice.
func DefaultDKIMHeaders() []string {
	return []string{
		"From", "Sender", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
		"MIME-Version", "Content-Type", "List-Id",
		"List-Unsubscribe", "List-Unsubscribe-Post",
	}
}

// traceFields are the fields that servers on the way add to a message
// (RFC 5321 4.4 trace fields, RFC 8601 Authentication-Results, RFC 8617
// ARC, other DKIM signatures): the default never signs them, nor names
// them in h=, even when a campaign's headers: writes one, since the next
// server adding its own would break an oversigned signature. The campaign
// file refuses Received, Return-Path and DKIM-Signature in headers:.
var traceFields = map[string]bool{
	"received": true, "return-path": true, "dkim-signature": true,
	"authentication-results": true, "received-spf": true,
	"arc-seal": true, "arc-message-signature": true, "arc-authentication-results": true,
	"delivered-to": true, "x-original-to": true,
}

// defaultFields is the default h= list of a campaign before oversigning:
// DefaultDKIMHeaders, then the names of the campaign's headers: (named
// even on a row whose value comes out empty, so none can be added there),
// less traceFields.
func defaultFields(c *campaign.Campaign) []string {
	out := DefaultDKIMHeaders()
	for _, h := range c.Headers {
		dup := slices.ContainsFunc(out, func(n string) bool { return strings.EqualFold(n, h.Name) })
		if !dup && !traceFields[strings.ToLower(h.Name)] {
			out = append(out, h.Name)
		}
	}
	return out
}

// oversigned is the default h= list of a message whose header fields are
// named by present (one entry per field, as fieldNames gives them): every
// name of always (no two equal without case), then every other field of
// present but traceFields in the order it first appears (what else
// tidings writes: a top-level Content-Transfer-Encoding, a test send's
// X-Tidings-Test-For), each one more time than present has it. go-msgauth
// signs the instances of a name bottom up and an empty one for each
// naming beyond them, as verifiers read h= (RFC 6376 5.4.2).
func oversigned(always, present []string) []string {
	count := make(map[string]int, len(present))
	for _, name := range present {
		count[strings.ToLower(name)]++
	}
	names := slices.Clone(always)
	named := make(map[string]bool, len(always))
	for _, name := range always {
		named[strings.ToLower(name)] = true
	}
	for _, name := range present {
		if lower := strings.ToLower(name); !named[lower] && !traceFields[lower] {
			named[lower] = true
			names = append(names, name)
		}
	}
	out := make([]string, 0, 2*len(names))
	for _, name := range names {
		for range count[strings.ToLower(name)] + 1 {
			out = append(out, name)
		}
	}
	return out
}

// maxLine is the longest line RFC 5322 2.1.1 allows, CRLF not counted.
// go-msgauth writes the h= tag on a line of its own and never folds it.
const maxLine = 998

// checkHLine refuses a header list whose h= tag, the names joined by
// colons, would make a line longer than maxLine: a server on the way may
// break it, and the signature with it.
func checkHLine(names []string, entry, fix string) error {
	if n := len(" h=;") + len(strings.Join(names, ":")); n > maxLine {
		return fmt.Errorf("dkim: %s: the signature's h= tag would be a line of %d characters, over the %d RFC 5322 2.1.1 allows; %s", entry, n, maxLine, fix)
	}
	return nil
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
