package render

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// ErrAddress is wrapped by the RowError of a rendered address that does not
// parse (RFC 5322 3.4) or whose domain is not a valid IDNA name.
var ErrAddress = errors.New("invalid address")

// Length limits of an addr-spec (RFC 5321 4.5.3.1): servers refuse longer
// ones, and a longer local part could not be written within a header line.
const (
	maxLocalPart = 64
	maxDomain    = 253 // 255 octets on the wire, less the length octets
)

// mailbox is one parsed address.
type mailbox struct {
	name   string // display name, decoded UTF-8; "" for none
	local  string // local part as written (UTF-8 allowed, RFC 6531)
	domain string // domain in ASCII (IDNA A-labels), lower case
	addr   string // addr-spec: local (quoted unless a dot-atom) "@" domain
	utf8   bool   // the local part is not ASCII: needs SMTPUTF8
}

func newMailbox(name, local, domain string) mailbox {
	q := local
	if !isDotAtom(local) {
		q = quoteString(local)
	}
	return mailbox{name: name, local: local, domain: domain, addr: q + "@" + domain, utf8: !isASCII(local)}
}

// spec is the addr-spec.
func (m mailbox) spec() string { return m.addr }

// display is the address as a person reads it: Name <spec>, unencoded.
func (m mailbox) display() string {
	if m.name == "" {
		return m.spec()
	}
	return templates.Phrase(m.name) + " <" + m.spec() + ">"
}

// tokens are the header tokens of the mailbox, for folding.
func (m mailbox) tokens(dst []string) []string {
	if m.name == "" {
		return append(dst, m.spec())
	}
	dst = append(dst, phraseTokens(m.name)...)
	return append(dst, "<"+m.spec()+">")
}

// isDotAtom reports whether s is an RFC 5322 dot-atom-text, with UTF-8
// allowed as RFC 6532 3.2 does.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && c < 0x80 && !isAtext(c) {
			return false
		}
	}
	return true
}

// toASCII converts a domain to its IDNA A-label form with the Lookup profile
// (UTS 46 mapping, so "BÜCHER.example" becomes "xn--bcher-kva.example").
// The Lookup profile takes more than a domain can be: an A-label that
// decodes to nothing ("xn--.com" becomes ".com") and punctuation it maps
// into a label ("x.com»" becomes "x.xn--com-3ga"), so the labels are
// checked again as they decode (checkLabels).
func toASCII(domain string) (string, error) {
	if isPlainDomain(domain) {
		return domain, nil
	}
	ascii, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		return ascii, err
	}
	u, err := idna.Lookup.ToUnicode(ascii)
	if err != nil {
		return ascii, err
	}
	return ascii, checkLabels(u, domain)
}

// checkLabels refuses a domain (in U-labels; written, as the row wrote
// it, for the words) with an empty label, a
// character that is no letter, mark, digit or hyphen (IDNA 2008 allows
// no symbol or punctuation; the middle dots it allows in context are let
// through), or letters of look-alike scripts mixed in a label
// (mixedScriptWords), in the words domainError gives idna's own
// refusals.
func checkLabels(domain, written string) error {
	labels := strings.Split(domain, ".")
	asWritten := strings.FieldsFunc(written, func(r rune) bool { return strings.ContainsRune(".。．｡", r) })
	for i, label := range labels {
		if label == "" {
			return &addrWordsError{words: emptyLabelWords, err: errBadLabel}
		}
		for _, r := range label {
			if r == '-' || unicode.In(r, unicode.L, unicode.M, unicode.N) || strings.ContainsRune("\u00b7\u0375\u05f3\u05f4\u30fb", r) {
				continue
			}
			return &addrWordsError{words: badRuneWords(r), err: errBadLabel}
		}
		if words := mixedScriptWords(label); words != "" {
			if len(asWritten) == len(labels) && asWritten[i] != label {
				// As the sheet has it, to find it by: IDNA mapped it
				// (µ, U+00B5, to Greek μ; upper case to lower).
				words = strings.Replace(words, strconv.Quote(label), fmt.Sprintf("%q (read as %q)", asWritten[i], label), 1)
			}
			return &addrWordsError{words: words, err: errMixedScript}
		}
	}
	return nil
}

// isPlainDomain is the fast path for the common case: a lower-case
// letters-digits-hyphens name with no label that idna would need to check
// or change.
func isPlainDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	label := 0
	for i := 0; i < len(d); i++ {
		c := d[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			label++
		case c == '-':
			if label == 0 || i+1 == len(d) || d[i+1] == '.' {
				return false
			}
			label++
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
		default:
			return false
		}
		if label > 63 {
			return false
		}
	}
	// "--" could be an A-label ("xn--…") or break the hyphen rules:
	// leave those to idna.
	return label > 0 && !strings.Contains(d, "--")
}

// addressError is the problem found in one rendered address list: the
// offending piece and why.
type addressError struct {
	token string
	err   error
	// unclosed: the list leaves a quote, comment or bracket open
	// (errUnclosed).
	unclosed bool
}

func toMailbox(a *mail.Address) (mailbox, *addressError) {
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || at == len(a.Address)-1 {
		return mailbox{}, &addressError{token: a.Address, err: errors.New("no local part or domain")}
	}
	if hasBad(a.Name) {
		// An encoded-word in the name decoded to a line break.
		return mailbox{}, &addressError{token: a.Address, err: nameControlError{a.Name}}
	}
	if hasBad(a.Address) {
		return mailbox{}, &addressError{token: a.Address, err: campaign.ErrControlChar}
	}
	if i := strings.IndexFunc(a.Address, isInvisible); i >= 0 {
		r, _ := utf8.DecodeRuneInString(a.Address[i:])
		return mailbox{}, &addressError{token: a.Address, err: fmt.Errorf("it holds an invisible character, %U, at character %d (text pasted from a web page or a document often carries one): retype the address", r, charAt(a.Address, i))}
	}
	if err := localPartWords(a.Address[:at]); err != nil {
		return mailbox{}, &addressError{token: a.Address, err: err}
	}
	if w := templates.WrappedWords(a.Address); w != "" {
		// 'ann@x.com': net/mail reads x.com' as the domain, which idna
		// may even take (‘ann@x.com’).
		return mailbox{}, &addressError{token: a.Address, err: &addrWordsError{words: w, err: errors.New("mail: wrapped address")}}
	}
	local, domain := a.Address[:at], a.Address[at+1:]
	if strings.HasPrefix(domain, "[") {
		return mailbox{}, &addressError{token: a.Address, err: errors.New(templates.LiteralWords(domain))}
	}
	if len(local) > maxLocalPart {
		return mailbox{}, &addressError{token: a.Address, err: fmt.Errorf("the local part (before @) is %d octets long; RFC 5321 4.5.3.1.1 allows %d", len(local), maxLocalPart)}
	}
	ascii, err := toASCII(domain)
	if err != nil {
		return mailbox{}, &addressError{token: a.Address, err: domainError(domain, err)}
	}
	if len(ascii) > maxDomain {
		return mailbox{}, &addressError{token: a.Address, err: fmt.Errorf("domain %q is %d octets long; RFC 5321 4.5.3.1.2 allows %d", domain, len(ascii), maxDomain)}
	}
	return newMailbox(a.Name, local, ascii), nil
}

// localPartWords refuses a local part holding a full-width form of an
// ASCII character (ｔａｒｏ, typed with a Japanese, Chinese or Korean
// input method left in full-width mode) or a space other than ASCII's
// (U+3000, the ideographic space; a no-break space): net/mail takes both
// for the UTF-8 of an internationalized address (RFC 6531), a mailbox no
// one has, where the domain's full-width letters are mapped to ASCII by
// IDNA. It returns nil when local has neither. The character is named
// by its position as an editor counts (山田ｔａｒｏ: 3), not its byte's.
func localPartWords(local string) error {
	for i, r := range local {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return fmt.Errorf("the local part (before @) holds a full-width %c, %U, at character %d (an input method in full-width mode types them): retype it in half-width (ASCII) characters", r, r, charAt(local, i))
		case r >= utf8.RuneSelf && unicode.IsSpace(r):
			return fmt.Errorf("the local part (before @) holds a space, %U, at character %d: an address holds no space", r, charAt(local, i))
		}
	}
	return nil
}

// charAt is the 1-based position of the character at byte i of s, as a
// text editor counts (and the CSV quote errors do).
func charAt(s string, i int) int { return utf8.RuneCountInString(s[:i]) + 1 }

// isInvisible reports a format character (Unicode category Cf: zero-width
// space and joiners, the byte order mark, a soft hyphen, direction marks):
// invisible in a sheet, it would make the address another one.
func isInvisible(r rune) bool { return unicode.Is(unicode.Cf, r) }

// addrPart is the addr-spec inside <…> of an address token, or the token.
func addrPart(token string) string { return templates.AddrPart(token) }
