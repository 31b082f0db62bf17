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
	"disposition-notification-to": whatAddresses,
	"mail-followup-to":            whatAddresses,
	"mail-reply-to":               whatAddresses,
	"keywords":                    whatPhrases,
	"auto-submitted":              "a keyword (RFC 3834)",
	"precedence":                  "a keyword",
	// Gmail's a:b:c:SenderId; what Postmaster Tools would not count of
	// it is templates' to warn of (checkFeedbackID), never refused: it
	// changes nothing of delivery.
	"feedback-id": "colon-separated identifiers",
}

// What two kinds of structured extra headers hold that are written in a
// form of their own, not as written: an address list, whose display
// names are encoded as To's are (RFC 2047 5(3): in a phrase, never over
// the address), and a list of phrases (Keywords, RFC 5322 3.6.5), each
// encoded on its own.
const (
	whatAddresses = "addresses (RFC 5322 3.4)"
	whatPhrases   = "comma-separated phrases (RFC 5322 3.6.5)"
)

// structuredWhat is what the extra header name holds when it is
// structured (structuredHeaders), or "".
func structuredWhat(name string) string { return structuredHeaders[strings.ToLower(name)] }

// checkStructured refuses v, the value of the extra header name, when the
// header is structured (what, from structuredWhat, not "") and v cannot
// go in it: a list of addresses that does not parse, or has an address
// whose local part is not ASCII (the header is no envelope recipient's,
// to send with SMTPUTF8); any other structured value holding a character
// outside ASCII. Phrases take any text.
func checkStructured(name, what, v string) error {
	switch what {
	case "", whatPhrases:
		return nil
	case whatAddresses:
		return checkAddressHeader(name, v)
	}
	for _, r := range v {
		if r >= 0x80 {
			return fmt.Errorf("render: %s: %w: it holds %s, and %q is not ASCII", name, ErrStructuredHeader, what, r)
		}
	}
	return nil
}

// checkAddressHeader is checkStructured for an address list.
func checkAddressHeader(name, v string) error {
	list, aerr := parseList(v)
	if aerr != nil {
		return fmt.Errorf("render: %s: %w %s: %w", name, ErrAddress, clip(aerr.token), aerr.err)
	}
	for _, mb := range list {
		if mb.utf8 {
			return fmt.Errorf("render: %s: %w: it holds %s, and the local part of %s is not ASCII", name, ErrStructuredHeader, whatAddresses, mb.spec())
		}
	}
	return nil
}

// writeHeader writes an extra header: an address list as To is, a list
// of phrases a phrase each (encoded as a display name is), any other
// structured one (what not "") folded at its spaces as it is, an
// unstructured one as writeText does. A structured value was checked
// (checkStructured) before.
func writeHeader(b *bytes.Buffer, name, what, v string) error {
	if what == "" {
		return writeText(b, name, v)
	}
	if v == "" {
		return nil
	}
	switch what {
	case whatAddresses:
		list, aerr := parseList(v)
		if aerr != nil {
			return fmt.Errorf("render: %s: %w", name, aerr.err)
		}
		return writeFolded(b, name, addressTokens(nil, list))
	case whatPhrases:
		return writeFolded(b, name, phraseListTokens(v))
	}
	return writeFolded(b, name, strings.Fields(v))
}

// phraseListTokens are the tokens of a comma-separated list of phrases,
// each encoded as a display name is (phraseTokens), a comma after each
// but the last; empty items are left out.
func phraseListTokens(v string) []string {
	var toks []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		if len(toks) > 0 {
			toks[len(toks)-1] += ","
		}
		toks = append(toks, phraseTokens(item)...)
	}
	return toks
}

// notASCII reports whether s holds a character outside ASCII.
func notASCII(s string) bool { return !isASCII(s) }
