package render

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrStructuredHeader is wrapped when an extra header whose value is
// structured (message IDs, URLs, addresses, tokens) holds what cannot go
// in it as written: non-ASCII text, which only unstructured values may
// carry as RFC 2047 encoded-words (RFC 2047 5: never in a msg-id, an
// addr-spec or a URL).
var ErrStructuredHeader = errors.New("a structured header holds ASCII only")

// structuredHeaders are the extra headers whose values are structured,
// each with what it holds: they are folded only at spaces and never
// encoded.
var structuredHeaders = map[string]string{
	"in-reply-to":                 "message IDs (RFC 5322 3.6.4)",
	"references":                  "message IDs (RFC 5322 3.6.4)",
	"list-help":                   "URLs in angle brackets (RFC 2369; percent-encode other characters)",
	"list-subscribe":              "URLs in angle brackets (RFC 2369; percent-encode other characters)",
	"list-post":                   "URLs in angle brackets (RFC 2369; percent-encode other characters)",
	"list-owner":                  "URLs in angle brackets (RFC 2369; percent-encode other characters)",
	"list-archive":                "URLs in angle brackets (RFC 2369; percent-encode other characters)",
	"archived-at":                 "a URL in angle brackets (RFC 5064; percent-encode other characters)",
	"disposition-notification-to": "an address (RFC 8098)",
	"auto-submitted":              "a keyword (RFC 3834)",
	"precedence":                  "a keyword",
	"feedback-id":                 "colon-separated identifiers",
}

// structuredWhat is what the extra header name holds when it is
// structured (structuredHeaders), or "".
func structuredWhat(name string) string { return structuredHeaders[strings.ToLower(name)] }

// checkStructured refuses v, the value of the extra header name, when the
// header is structured (what, from structuredWhat, not "") and v holds a
// character outside ASCII.
func checkStructured(name, what, v string) error {
	if what == "" {
		return nil
	}
	for _, r := range v {
		if r >= 0x80 {
			return fmt.Errorf("render: %s: %w: it holds %s, and %q is not ASCII", name, ErrStructuredHeader, what, r)
		}
	}
	return nil
}

// writeHeader writes an extra header: a structured one (what not "")
// folded at its spaces as it is, an unstructured one as writeText does.
// A structured value was checked (checkStructured) before.
func writeHeader(b *bytes.Buffer, name, what, v string) error {
	if what == "" {
		return writeText(b, name, v)
	}
	if v == "" {
		return nil
	}
	return writeFolded(b, name, strings.Fields(v))
}

// notASCII reports whether s holds a character outside ASCII.
func notASCII(s string) bool { return !isASCII(s) }
