package campaign

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/net/idna"
)

// Suppression is a suppression list: addresses and whole domains that are
// never sent to. It is read-only after LoadSuppression and safe for
// concurrent use.
type Suppression struct {
	// File is the list's path.
	File    string
	addrs   map[string]string // normalized address → rule as written (normalized)
	domains map[string]string // ASCII domain → rule
	notes   map[string]string // rule → the comment on its line (Why)
}

// LoadSuppression reads a suppression list: one address or "@domain" per
// line. "#" starts a comment, on a line of its own or after an entry (so an
// address containing "#" cannot be listed); blank lines are ignored;
// comparison is case-insensitive, and internationalized domains match in
// either their Unicode or their A-label form (RFC 5891). "@example.com"
// covers example.com and its subdomains (a.example.com) but not
// notexample.com. A line that is neither an address nor @domain is a
// *FileError with its line number (all such lines are reported, joined); a
// missing file is an error.
func LoadSuppression(path string) (*Suppression, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if hint := backslashHint("", path); hint != "" {
			return nil, &FileError{File: path, Err: fmt.Errorf("campaign: suppression list (suppress:): %w: %s", fs.ErrNotExist, hint)}
		}
		return nil, &FileError{File: path, Err: fmt.Errorf("campaign: suppression list (suppress:): %w: create it empty while no address is suppressed yet (tidings bounces adds to it), or correct the path", fs.ErrNotExist)}
	}
	if err != nil {
		return nil, &FileError{File: path, Err: fmt.Errorf("campaign: suppression list: %w", err)}
	}
	if err := suppressionEncoding(data); err != nil {
		return nil, &FileError{File: path, Err: err}
	}
	s := &Suppression{File: path, addrs: make(map[string]string), domains: make(map[string]string), notes: make(map[string]string)}
	var errs []error
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line, note, _ := strings.Cut(sc.Text(), "#")
		line = strings.ToLower(strings.TrimSpace(line))
		if line == "" {
			continue
		}
		if err := s.add(line); err != nil {
			errs = append(errs, &FileError{File: path, Line: n, Err: err})
		} else if note = strings.TrimSpace(note); note != "" && s.notes[line] == "" {
			s.notes[line] = note
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &FileError{File: path, Err: fmt.Errorf("campaign: suppression list: %w", err)}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// suppressionEncoding refuses a suppression list saved as UTF-16 (with
// Notepad's "Unicode" byte order mark or without): read as UTF-8 its
// every line was "neither an address nor @domain", quoting NUL bytes,
// and tidings bounces appends UTF-8 lines to it, which decoded would
// garble the file.
func suppressionEncoding(data []byte) error {
	if bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) || looksUTF16(data[:min(len(data), sniffSize)]) {
		return fmt.Errorf("campaign: suppression list: %w: the file is saved as UTF-16 (Notepad's \"Unicode\"); save it as UTF-8: tidings bounces adds its lines in UTF-8", ErrBadEncoding)
	}
	return nil
}

// add parses one lower-cased, comment-free, trimmed entry.
func (s *Suppression) add(entry string) error {
	bad := func(why string) error {
		return fmt.Errorf("campaign: suppression list: %q is neither an address nor @domain (%s)", entry, why)
	}
	if strings.ContainsFunc(entry, func(r rune) bool {
		return r <= ' ' || r == 0x7f || strings.ContainsRune("<>,;()[]\\\"", r)
	}) {
		return bad("spaces, control characters, brackets, quotes and separators are not allowed; one entry per line")
	}
	if strings.ContainsAny(entry, "#\ufeff") {
		// Read from the file, "#" starts a comment and never gets here,
		// and a byte-order mark starting the file is dropped: an entry
		// to be written with one would read back as another.
		return bad("a # starts a comment in the list, and a byte-order mark (U+FEFF) is dropped, so an address holding one cannot be listed")
	}
	i := strings.LastIndexByte(entry, '@')
	if i < 0 {
		return bad("no @")
	}
	local, domain := entry[:i], entry[i+1:]
	ascii, err := asciiDomain(domain)
	if err != nil {
		return bad(err.Error())
	}
	if local == "" {
		s.domains[ascii] = "@" + domain
		return nil
	}
	if strings.Contains(local, "@") {
		return bad("more than one @")
	}
	if strings.Contains(local, ":") {
		// No address has one outside quotes (RFC 5322 3.2.3), which the
		// list does not take: "mailto:ann@x" or "to:ann@x" would match
		// nobody.
		return bad("a colon: write the address alone, without mailto: or a label before it")
	}
	s.addrs[local+"@"+ascii] = entry
	return nil
}

// asciiDomain is a lower-case domain in its ASCII (A-label) form, or an
// error when it is not a host name with at least two labels.
func asciiDomain(d string) (string, error) {
	if d == "" {
		return "", errors.New("empty domain")
	}
	a, err := idna.Lookup.ToASCII(d)
	if err != nil {
		return "", fmt.Errorf("domain: %w", err)
	}
	if !strings.Contains(strings.Trim(a, "."), ".") {
		return "", fmt.Errorf("domain %q has a single label", d)
	}
	return strings.ToLower(strings.TrimSuffix(a, ".")), nil
}

// Len is the number of entries (addresses and domains).
func (s *Suppression) Len() int { return len(s.addrs) + len(s.domains) }

// Match reports whether addr (an addr-spec such as "ann@example.org") is
// suppressed, and by which entry: the address itself, or "@domain" for a
// listed domain that is addr's domain or one of its parents. Case and
// surrounding space are ignored. An address that cannot be read (no @) is
// not matched.
func (s *Suppression) Match(addr string) (rule string, ok bool) {
	addr = SuppressionForm(addr)
	i := strings.LastIndexByte(addr, '@')
	if s == nil || i < 0 {
		return "", false
	}
	domain := addr[i+1:]
	if rule, ok := s.addrs[addr]; ok {
		return rule, true
	}
	for d := domain; d != ""; {
		if rule, ok := s.domains[d]; ok {
			return rule, true
		}
		_, parent, found := strings.Cut(d, ".")
		if !found {
			break
		}
		d = parent
	}
	return "", false
}

// Why is the comment on the line of rule, an entry Match returned ("bounced
// 5.1.1, tidings bounces, campaign december-2026, 2026-12-07", as bounces
// writes it), the first such line's when the entry is listed twice; ""
// when it has none.
func (s *Suppression) Why(rule string) string {
	if s == nil {
		return ""
	}
	return s.notes[rule]
}

// SuppressionForm is addr as a suppression list compares it: trimmed and
// lower-cased, its domain without a final dot and in its ASCII (A-label)
// form when it has one, so that two addresses the list takes for one
// ("ann@bücher.example", "ann@xn--bcher-kva.example") have the same form.
func SuppressionForm(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return addr
	}
	local, domain := addr[:i], strings.TrimSuffix(addr[i+1:], ".")
	if a, err := idna.Lookup.ToASCII(domain); err == nil {
		domain = strings.ToLower(a)
	}
	return local + "@" + domain
}

// Names reports whether s names any of addrs (a nil s names none).
func (s *Suppression) Names(addrs []string) bool {
	for _, a := range addrs {
		if _, ok := s.Match(a); ok {
			return true
		}
	}
	return false
}

// CheckSuppressionEntry returns the error LoadSuppression would give for
// entry as a line of the list (nil when the line would be read as one
// address or @domain). Writers of the list check what they append with it.
func CheckSuppressionEntry(entry string) error {
	s := &Suppression{addrs: map[string]string{}, domains: map[string]string{}}
	return s.add(strings.ToLower(strings.TrimSpace(entry)))
}
