// Package campaign reads a tidings campaign: the YAML campaign file and the
// recipient sheet (CSV or XLSX) it names.
//
// The campaign file is decoded strictly: an unknown key is an error with
// line:column that names the key probably meant (at any level: the top,
// recipients:, smtp:, send:, dkim: and each entry of a dkim: list,
// unsubscribe:, mailbox:), and a password written in the file is refused with where
// it goes instead, its value never repeated. Relative paths in it resolve
// against the campaign file's folder. Template sources are kept as text
// here; package templates compiles them. The top-level locale: (Locale)
// says the language and region the campaign is written in: a workbook's
// dates and numbers are read as that locale's spreadsheets show them
// (xlsx_locale.go, xlsx_comma.go), and it gives recipients.decimal and
// recipients.dates where they are not written.
package campaign

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Header is one extra header of the campaign file, in file order. Value is a
// template.
type Header struct {
	Name  string
	Value string
}

// Headers keeps the campaign's extra headers in the order the file lists them,
// so rendered messages are reproducible.
type Headers []Header

// UnmarshalYAML decodes a YAML mapping into ordered headers.
func (h *Headers) UnmarshalYAML(b []byte) error {
	var ms yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(b, &ms, yaml.UseOrderedMap()); err != nil {
		return err
	}
	for _, it := range ms {
		name := fmt.Sprint(it.Key)
		value := ""
		if it.Value != nil {
			value = fmt.Sprint(it.Value)
		}
		*h = append(*h, Header{Name: name, Value: value})
	}
	return nil
}

// Recipients says where the recipient sheet is and how to read it.
type Recipients struct {
	// Path is the sheet: .csv (also .txt, .tsv: see sheetKindOf) or
	// .xlsx; after Load it is absolute.
	Path string `yaml:"path"`
	// Sheet names the XLSX worksheet; empty means the first visible one.
	Sheet string `yaml:"sheet"`
	// Key is the column that identifies a recipient; default "email".
	Key string `yaml:"key"`
	// KeyDefault says the campaign file writes no key: Key is the
	// default, which a sheet without that column is told.
	KeyDefault bool `yaml:"-"`
	// Encoding names the CSV's character encoding (any name that
	// golang.org/x/text/encoding/htmlindex knows, or a Windows code page
	// name: cp932; see LookupEncoding); empty means detect.
	Encoding string `yaml:"encoding"`
	// Delimiter is the CSV field separator; empty means sniff among
	// comma, semicolon and tab.
	Delimiter string `yaml:"delimiter"`
	// Dates is the order of the sheet's all-number dates (05/04/2024),
	// for the date template function; default month-first.
	Dates DateOrder `yaml:"dates"`
	// DatesUnsaid says neither recipients.dates nor locale: says the
	// order: Dates is the default, month first, which the date function
	// does not take for a date written with dashes that reads as another
	// day first (09-12-2026), and a workbook cell's DateFormat problem
	// calls not set.
	DatesUnsaid bool `yaml:"-"`
	// Decimal is the sheet's decimal mark, "." (1,234.5, the default) or
	// "," (1.234,5), for the number template function, which writes it too;
	// a workbook's number cells are read with it (xlsx_comma.go).
	Decimal DecimalMark `yaml:"decimal"`
	// Duplicates is what a later row with an earlier row's key and other
	// values is: a row problem (strict, the default) or a duplicate
	// (first).
	Duplicates Duplicates `yaml:"duplicates"`
	// OnlyBlank and OnlyFilled choose the rows that are recipients: those
	// whose cells in the OnlyBlank columns are blank (nothing, or white
	// space only) and whose cells in the OnlyFilled columns are not. The
	// other rows are left out as if not in the sheet (selectedSheet).
	// The digest leaves them out when empty: a campaign sent before
	// they were added digests as it did.
	OnlyBlank  []string `yaml:"only_blank" digest:"omitempty"`
	OnlyFilled []string `yaml:"only_filled" digest:"omitempty"`
	// Locale is the campaign's locale (its top-level locale:), which Parse
	// copies here: the sheet is read, and the date and number functions
	// write, as it says.
	Locale Locale `yaml:"-"`
	// Suppress is the campaign's suppression list, which the caller that
	// loads it sets here before the sheet is opened: a status column's
	// rows whose key it names are warned of no more (statusTally).
	Suppress *Suppression `yaml:"-"`
}

// MaxMessageSizeLimit is the largest max_message_size a campaign may set.
const MaxMessageSizeLimit = 512 << 20

// Campaign is a loaded campaign file. Template fields hold template source
// text; path fields are absolute after Load.
type Campaign struct {
	Name string `yaml:"name"`
	// Locale is the language and region the campaign is written in
	// (locale: de-DE); unset, English names and recipients' own marks.
	Locale  Locale `yaml:"locale"`
	From    string `yaml:"from"`
	Sender  string `yaml:"sender"`
	ReplyTo string `yaml:"reply_to"`
	To      string `yaml:"to"`
	Cc      string `yaml:"cc"`
	Bcc     string `yaml:"bcc"`
	Subject string `yaml:"subject"`
	Text    string `yaml:"text"`
	HTML    string `yaml:"html"`

	// Markdown is a Markdown body template: it makes the HTML part and,
	// unless Text is set, the text part (see package templates).
	Markdown string `yaml:"markdown"`
	// Layout is an html/template file the Markdown body's HTML goes into
	// ({{.Body}}); empty means the built-in layout. Only with Markdown.
	Layout string `yaml:"layout"`

	Attachments []string   `yaml:"attachments"`
	Headers     Headers    `yaml:"headers"`
	Recipients  Recipients `yaml:"recipients"`
	StateDir    string     `yaml:"state_dir"`
	// MaxMessageSize caps a rendered message's size at check time, e.g.
	// "25MB". Empty means 25 MB.
	MaxMessageSize ByteSize `yaml:"max_message_size"`
	// Suppress names a suppression list file (one address or @domain a line).
	Suppress string `yaml:"suppress"`
	// AttachmentsDir, when set to an absolute folder, is the root that
	// attachment paths may not leave; default is the campaign's folder.
	AttachmentsDir string `yaml:"attachments_dir"`

	Unsubscribe Unsubscribe `yaml:"unsubscribe"`
	ListID      string      `yaml:"list_id"`
	DKIM        DKIMKeys    `yaml:"dkim"`

	SMTP SMTP `yaml:"smtp"`
	Send Send `yaml:"send"`
	// Mailbox is the mailbox bounces come back to and, over IMAP, where
	// copies of the delivered messages are kept.
	Mailbox Mailbox `yaml:"mailbox"`

	// File is the campaign file's absolute path; Dir its folder.
	File string `yaml:"-"`
	Dir  string `yaml:"-"`
	// Warnings are notes about the campaign file that do not stop it (a
	// smtp.password_env written as "$NAME"), for the command line to show.
	Warnings []string `yaml:"-"`
}

// Unsubscribe configures RFC 2369 List-Unsubscribe and RFC 8058 one-click.
type Unsubscribe struct {
	URL      string `yaml:"url"`
	Mailto   string `yaml:"mailto"`
	OneClick bool   `yaml:"one_click"`
	// Transactional says the campaign's messages are transactional (an
	// invoice, a receipt, a result), which the mailbox providers' bulk
	// rules do not ask to carry unsubscribe headers: none are written, and
	// check says nothing of their absence. It excludes URL and Mailto.
	Transactional bool `yaml:"transactional"`
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)

// maxNameLength bounds the campaign name, which names the state folder and
// is part of every Message-ID.
const maxNameLength = 100

// Load reads and validates the campaign file at path. Errors are
// *FileError values naming the file and, where known, line and column.
func Load(path string) (*Campaign, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &FileError{File: path, Err: err}
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, loadPathError(path, abs, err)
	}
	c, err := Parse(data, abs)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Parse decodes campaign file contents; file is the campaign file's path
// (used to resolve relative paths and to name errors).
func Parse(data []byte, file string) (*Campaign, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, &FileError{File: file, Err: err}
	}
	data, line, err := UTF8Text(data)
	if err != nil {
		return nil, &FileError{File: file, Line: line, Err: err}
	}
	c := &Campaign{}
	// checkText first: what it refuses, the decoder would change
	// silently or name by its Go type.
	if err := checkText(file, data); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data), yaml.Strict())
	if err := dec.Decode(c); err != nil {
		if nc := notCampaign(file, data); nc != nil {
			return nil, nc
		}
		return nil, yamlError(file, data, err)
	}
	if err := typographicQuotes(file, data); err != nil {
		return nil, err
	}
	c.applyLocale(data)
	if err := c.checkDKIM(file, data); err != nil {
		return nil, err
	}
	if err := c.checkBodies(file, data); err != nil {
		return nil, err
	}
	if err := c.checkServers(file, data); err != nil {
		return nil, err
	}
	c.File = abs
	c.Dir = filepath.Dir(abs)
	if err := c.validate(); err != nil {
		fe := &FileError{File: file, Err: err}
		fe.Line, fe.Column = position(data, settingOf(err.Error()))
		return nil, fe
	}
	c.Warnings = append(c.Warnings, c.unsubscribeWarnings(file, data)...)
	c.Warnings = append(c.Warnings, c.senderWarnings()...)
	c.Warnings = append(c.Warnings, c.freeMailWarnings(file, data)...)
	if c.HTML != "" && c.Text == "" {
		c.Warnings = append(c.Warnings, "html: and no text: the messages go out as HTML alone, which spam filters score worse and text-only readers see as markup; add text: body.txt, or write the body as markdown:, which makes both parts")
	}
	return c, nil
}

// checkDKIM places each dkim: entry in data (DKIMKeys.locate) and reads
// its key_env as a variable's name (DKIMKeys.cleanKeyEnv), its notes
// added to c.Warnings.
func (c *Campaign) checkDKIM(file string, data []byte) error {
	if err := c.DKIM.locate(file, data); err != nil {
		return err
	}
	notes, err := c.DKIM.cleanKeyEnv(file, data)
	if err != nil {
		return err
	}
	c.Warnings = append(c.Warnings, notes...)
	return nil
}

// checkServers reads smtp.password_env as a variable's name
// (cleanPasswordEnv) and checks the mailbox: section (Mailbox.check),
// their notes added to c.Warnings; an error is a *FileError at the
// setting.
func (c *Campaign) checkServers(file string, data []byte) error {
	note, err := c.SMTP.cleanPasswordEnv()
	if err != nil {
		line, col := position(data, "smtp.password_env")
		return &FileError{File: file, Line: line, Column: col, Err: err}
	}
	if note != "" {
		c.Warnings = append(c.Warnings, note)
	}
	note, err = c.Mailbox.check(file, data)
	if err != nil {
		return err
	}
	if note != "" {
		c.Warnings = append(c.Warnings, note)
	}
	return nil
}

// settingPathRE is the setting a validation problem starts with
// ("send.daily_cap: must not be negative").
var settingPathRE = regexp.MustCompile(`^([a-z_]+(?:\.[a-z_]+)?): `)

// settingOf is the dotted path of the setting msg, a validation problem
// (its first line), is about; "" when it names none.
func settingOf(msg string) string {
	if m := settingPathRE.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

// notBool is the problem of value where true or false belongs.
func notBool(value string) error {
	switch strings.ToLower(value) {
	case "true", "false":
		return fmt.Errorf("campaign: %q is text in quotes: write true or false without them", value)
	case "yes", "no", "on", "off", "y", "n":
		// YAML 1.1 read them as true and false; the YAML 1.2 tidings
		// reads (goccy/go-yaml) takes them as text.
		return fmt.Errorf("campaign: %q is not true or false: write true or false (yes, no, on and off are text in the YAML tidings reads)", value)
	case "{", "[", "-", ":":
		return errors.New("campaign: a map or a list is not true or false: write true or false")
	}
	return fmt.Errorf("campaign: %q is not true or false: write true or false", value)
}

// yamlError is the FileError of err, the decoder's error for data, at
// the line and column it names where known, with what to do instead where
// tidings knows it (an unknown key, a bool in quotes, one value where a
// list belongs: listHint, a list or a mapping where text belongs:
// textHint, a double-quoted value ending inside {{ }}: quotedTemplate, a
// text value that starts with a bracket: bracketHint, a list in brackets
// with {{ in an item in no quotes: flowTemplate).
func yamlError(file string, data []byte, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		// GetMessage, not Error: Error quotes the file's lines, which may
		// hold a password written where it should not be.
		fe := &FileError{File: file, Err: errors.New(ye.GetMessage())}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
		}
		if kerr := unknownKey(data, ye.GetMessage(), fe.Line, fe.Column); kerr != nil {
			fe.Err = kerr
		}
		if tk := ye.GetToken(); tk != nil && strings.HasSuffix(ye.GetMessage(), " of type bool") {
			fe.Err = notBool(tk.Value) // goccy/go-yaml names the Go type, not the key
		}
		if hint := textHint(data, fe.Line, fe.Column, ye.GetMessage()); hint != "" {
			fe.Err = errors.New(hint)
		}
		if hint := cmp.Or(quotedTemplate(data, fe.Line), unquotedTemplate(data, fe.Line), bracketHint(data, fe.Line, ye.GetMessage()), flowTemplate(data, fe.Line)); hint != "" {
			fe.Err = fmt.Errorf("campaign: %s (%w)", hint, fe.Err)
		}
		if hint := listHint(data, fe.Line, ye.GetMessage()); hint != "" {
			fe.Err = errors.New(hint)
		}
		if strings.Contains(ye.GetMessage(), "unknown escape character") {
			fe.Err = fmt.Errorf("campaign: %s (%w)", escapeHint(data, fe.Line), fe.Err)
		}
		if msg := ye.GetMessage(); (strings.Contains(msg, "\t") || strings.Contains(msg, "tab")) && tabIndented(data, fe.Line) {
			fe.Err = errors.New(`campaign: a tab indents this line: YAML indents with spaces only: replace each tab at the start of the line with spaces, as many as the lines around it use (an editor's "convert tabs to spaces" does it for the whole file)`)
		}
		return fe
	}
	var se *settingError
	if errors.As(err, &se) {
		line, col := position(data, se.path)
		return &FileError{File: file, Line: line, Column: col, Err: se}
	}
	// goccy/go-yaml passes an UnmarshalText error on without a position;
	// find the typed setting whose value fails and point at it.
	if line, col, key, perr := typedSettingError(data); perr != nil {
		return &FileError{File: file, Line: line, Column: col, Err: fmt.Errorf("%s: %w", key, perr)}
	}
	return &FileError{File: file, Err: err}
}

// settingError is an UnmarshalYAML error about the setting at path (a
// dotted path, as position takes it), which the decoder passes on without
// a position.
type settingError struct {
	path string
	err  error
}

func (e *settingError) Error() string { return e.path + ": " + e.err.Error() }
func (e *settingError) Unwrap() error { return e.err }

// typedSettings are the campaign keys decoded by a parser of their own,
// with that parser, so a bad value can be reported at its line and column.
var typedSettings = []struct {
	path  string
	parse func(string) error
}{
	{"smtp.security", func(s string) error { _, err := ParseSecurity(s); return err }},
	{"smtp.protocol", func(s string) error { _, err := ParseProtocol(s); return err }},
	{"smtp.timeout", func(s string) error { var d Duration; return d.UnmarshalText([]byte(s)) }},
	{"send.rate", func(s string) error { _, err := ParseRate(s); return err }},
	{"send.retry_backoff", func(s string) error { var d Duration; return d.UnmarshalText([]byte(s)) }},
	{"send.max_bounce_rate", func(s string) error { _, err := ParsePercent(s); return err }},
	{"mailbox.protocol", func(s string) error { _, err := ParseMailboxProtocol(s); return err }},
	{"mailbox.security", func(s string) error { _, err := ParseSecurity(s); return err }},
	{"mailbox.timeout", func(s string) error { var d Duration; return d.UnmarshalText([]byte(s)) }},
	{"mailbox.sent_copies", func(s string) error { _, err := ParseSentCopies(s); return err }},
	{"mailbox.authserv_id", func(s string) error { _, err := ParseAuthservID(s); return err }},
	{"max_message_size", func(s string) error { var b ByteSize; return b.UnmarshalText([]byte(s)) }},
	{"locale", func(s string) error { _, err := ParseLocale(s); return err }},
	{"recipients.dates", func(s string) error { _, err := ParseDateOrder(s); return err }},
	{"recipients.decimal", func(s string) error { _, err := ParseDecimalMark(s); return err }},
	{"recipients.duplicates", func(s string) error { _, err := ParseDuplicates(s); return err }},
}

// position is the line and column of the value of the setting at the
// dotted path in data ("smtp.password_env", "dkim[1]"), or 0, 0.
func position(data []byte, path string) (line, col int) {
	if n := nodeAt(data, path); n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			return tk.Position.Line, tk.Position.Column
		}
	}
	return 0, 0
}

// nodeAt is the value of the setting at the dotted path in data, or nil.
func nodeAt(data []byte, path string) ast.Node {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil
	}
	p, err := yaml.PathString("$." + path)
	if err != nil {
		return nil
	}
	n, err := p.FilterFile(f)
	if err != nil {
		return nil
	}
	return n
}

func typedSettingError(data []byte) (line, col int, key string, err error) {
	f, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		return 0, 0, "", nil
	}
	check := func(path string, parse func(string) error) bool {
		p, perr := yaml.PathString("$." + path)
		if perr != nil {
			return false
		}
		n, perr := p.FilterFile(f)
		if perr != nil || n == nil {
			return false
		}
		if e := parse(strings.TrimSpace(n.String())); e != nil {
			if tk := n.GetToken(); tk != nil && tk.Position != nil {
				line, col = tk.Position.Line, tk.Position.Column
			}
			key, err = path, e
			return true
		}
		return false
	}
	for _, ts := range typedSettings {
		if check(ts.path, ts.parse) {
			return
		}
	}
	// Per-domain rates: send.domains.<domain>.
	if p, perr := yaml.PathString("$.send.domains"); perr == nil {
		if n, perr := p.FilterFile(f); perr == nil {
			if m, ok := n.(*ast.MappingNode); ok {
				for _, v := range m.Values {
					if e := func() error { _, e := ParseRate(strings.TrimSpace(v.Value.String())); return e }(); e != nil {
						tk := v.Value.GetToken()
						return tk.Position.Line, tk.Position.Column, "send.domains." + v.Key.String(), e
					}
				}
			}
		}
	}
	return 0, 0, "", nil
}

// CheckName checks a campaign name: required, letters, digits and '-',
// at most maxNameLength characters.
func CheckName(name string) error { return checkName(name, Locale{}) }

// checkName is CheckName for a campaign written under locale, whose
// language the name a refusal suggests is written in (nameFix).
func checkName(name string, locale Locale) error {
	switch {
	case name == "":
		return errors.New("name: required: letters, digits and '-' (november-news), which name the state folder and go into every Message-ID")
	case !nameRE.MatchString(name):
		return fmt.Errorf("name: %q may hold only letters, digits and '-'%s", name, nameFix(name, locale))
	case len(name) > maxNameLength:
		// It goes into every Message-ID, which must fit a header line.
		return fmt.Errorf("name: %d characters long; at most %d", len(name), maxNameLength)
	}
	return nil
}

// Rename gives c the name an earlier run of its file had: its state
// folder is the one of that name, unless state_dir sets it.
func (c *Campaign) Rename(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if c.StateDir == filepath.Join(c.Dir, ".tidings", c.Name) {
		c.StateDir = filepath.Join(c.Dir, ".tidings", name)
	}
	c.Name = name
	return nil
}

// validate checks c as loaded, returning every error joined, and fills
// in its defaults and its paths made absolute.
func (c *Campaign) validate() error {
	var errs []error
	if err := checkName(c.Name, c.Locale); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(c.From) == "" {
		errs = append(errs, errors.New(`from: required: the sender, as the From header shows it (from: "My Team <team@example.com>")`))
	}
	if strings.TrimSpace(c.Subject) == "" {
		errs = append(errs, errors.New(`subject: required: the Subject line, a template as the bodies are (subject: "{{.name}}, your monthly update")`))
	}
	if c.Text == "" && c.HTML == "" && c.Markdown == "" {
		errs = append(errs, errors.New("text, html or markdown: at least one body template is required"))
	}
	if c.To == "" {
		c.To = "{{.email}}"
	}
	errs = append(errs, c.Recipients.validate()...)
	if u := c.Unsubscribe; u.Transactional && (u.URL != "" || u.Mailto != "" || u.OneClick) {
		errs = append(errs, errors.New("unsubscribe.transactional: a transactional campaign has no unsubscribe url, mailto or one_click; remove them or transactional"))
	}
	seen := map[string]string{}
	for _, h := range c.Headers {
		if err := checkHeaderName(h.Name); err != nil {
			errs = append(errs, fmt.Errorf("headers: %w", err))
		}
		if was, dup := seen[strings.ToLower(h.Name)]; dup {
			errs = append(errs, fmt.Errorf("headers: %q and %q are one header (names are compared without case); keep one", was, h.Name))
		}
		seen[strings.ToLower(h.Name)] = h.Name
	}
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = 25 << 20
	}
	if c.MaxMessageSize > MaxMessageSizeLimit {
		errs = append(errs, fmt.Errorf("max_message_size: at most %dMB (mail servers take 25 to 150 MB; the spool keeps a message whole)", MaxMessageSizeLimit>>20))
	}
	errs = append(errs, c.windowsPaths()...)
	c.Text = c.Path(c.Text)
	c.HTML = c.Path(c.HTML)
	c.Markdown = c.Path(c.Markdown)
	c.Layout = c.Path(c.Layout)
	c.Recipients.Path = c.Path(c.Recipients.Path)
	c.Suppress = c.Path(c.Suppress)
	for i := range c.DKIM {
		c.DKIM[i].KeyFile = c.Path(c.DKIM[i].KeyFile)
	}
	c.SMTP.CAFile = c.Path(c.SMTP.CAFile)
	c.Mailbox.CAFile = c.Path(c.Mailbox.CAFile)
	if c.AttachmentsDir != "" && !filepath.IsAbs(c.AttachmentsDir) {
		errs = append(errs, attachmentsDirError(c.AttachmentsDir))
	}
	if c.StateDir == "" {
		c.StateDir = filepath.Join(c.Dir, ".tidings", c.Name)
	} else {
		c.StateDir = c.Path(c.StateDir)
	}
	if err := c.SMTP.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Send.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// validate returns the errors of r's settings, in a fixed order,
// and sets Key to its default, "email", when the campaign file
// writes none (KeyDefault then says so).
func (r *Recipients) validate() []error {
	var errs []error
	if r.Path == "" {
		errs = append(errs, errors.New("recipients.path: required: the recipients' sheet, a .csv or .xlsx file beside the campaign file (recipients: {path: recipients.csv})"))
	}
	if r.Key == "" {
		r.Key, r.KeyDefault = "email", true
	}
	if filepath.Ext(r.Path) != "" {
		if _, err := sheetKindOf(r.Path); err != nil {
			errs = append(errs, fmt.Errorf("recipients.path: %w", err))
		}
	}
	if r.Sheet != "" && strings.ToLower(filepath.Ext(r.Path)) != ".xlsx" {
		errs = append(errs, errors.New("recipients.sheet: only applies to .xlsx sheets"))
	}
	if d := r.Delimiter; d != "" {
		if _, err := ParseDelimiter(d); err != nil {
			errs = append(errs, err) // it names the setting
		}
	}
	if e := r.Encoding; e != "" {
		if _, _, err := LookupEncoding(e); err != nil {
			errs = append(errs, err) // it names the setting
		}
	}
	return append(errs, r.validateSelection()...)
}

// Path resolves p against the campaign file's folder; "" stays "".
func (c *Campaign) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// AttachmentRoot is the folder attachment paths must stay inside.
func (c *Campaign) AttachmentRoot() string {
	if c.AttachmentsDir != "" {
		return c.AttachmentsDir
	}
	return c.Dir
}

// forbidden header names: those tidings writes itself.
// reservedHeaders are the headers tidings writes itself, each with what
// sets it.
var reservedHeaders = map[string]string{
	"from":                      "set it with from:",
	"sender":                    "set it with sender:",
	"to":                        "set it with to:",
	"cc":                        "set it with cc:",
	"bcc":                       "set it with bcc: (an envelope recipient only, never a header)",
	"reply-to":                  "set it with reply_to:",
	"subject":                   "set it with subject:",
	"date":                      "tidings dates each message when it is spooled",
	"message-id":                "tidings makes each from the campaign's name: and the row",
	"mime-version":              "tidings writes the MIME structure of the bodies",
	"content-type":              "tidings writes the MIME structure of the bodies",
	"content-transfer-encoding": "tidings writes the MIME structure of the bodies",
	"list-unsubscribe":          "set it with unsubscribe:",
	"list-unsubscribe-post":     "set it with unsubscribe: one_click: true",
	"list-id":                   "set it with list_id:",
	"dkim-signature":            "set the keys with dkim:",
	"return-path":               "the receiving server writes it from the envelope sender, which is sender: or else from: (RFC 5321 4.4)",
	"received":                  "each server on the way adds its own (RFC 5321 4.4)",
	"x-tidings-test-for":        "a test send (send --test) writes it: to whom the message would have gone",
}

func checkHeaderName(name string) error {
	if name == "" {
		return errors.New("empty header name")
	}
	for _, r := range name {
		if r <= 32 || r >= 127 || r == ':' {
			return fmt.Errorf("%q is not a valid header name (RFC 5322 2.2: printable ASCII, no colon)", name)
		}
	}
	if how, ok := reservedHeaders[strings.ToLower(name)]; ok {
		return fmt.Errorf("%q is written by tidings itself: %s", name, how)
	}
	if strings.HasPrefix(strings.ToLower(name), "resent-") {
		return fmt.Errorf("%q is not for a campaign: whoever resends a message adds the Resent- fields (RFC 5322 3.6.6), and a campaign's messages are new ones (from:, to: and cc: set their own)", name)
	}
	return nil
}
