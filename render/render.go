package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// Errors wrapped by the RowErrors (or, for constant templates, FileErrors)
// of Render and New.
var (
	// ErrSender: the From/Sender rule of RFC 5322 3.6.2 is broken.
	ErrSender = errors.New("sender rule: with one From mailbox, sender must be empty or the same; with several, sender must be exactly one mailbox")
	// ErrNoRecipient: to, cc and bcc all rendered empty.
	ErrNoRecipient = errors.New("no recipient: to, cc and bcc are all empty")
	// ErrEmptyTo: to, made from the row, rendered empty while cc or bcc
	// did not: the message would go to the copies alone.
	ErrEmptyTo = errors.New("to is empty")
	// ErrTooLarge: the message is over the campaign's max_message_size.
	ErrTooLarge = errors.New("message too large")
	// ErrUnsubscribe: a List-Unsubscribe URL or address is not usable.
	ErrUnsubscribe = errors.New("bad unsubscribe target")
	// ErrListID: list_id is not "Name <label.domain>" (RFC 2919).
	ErrListID = errors.New("bad list_id")
)

// SubjectWarnLength is the subject length, in characters, above which
// Render adds a warning to the message.
const SubjectWarnLength = 200

// Options configures a Renderer. The zero value is ready to use.
type Options struct {
	// Now gives the Date header's time; default time.Now. Fix it for
	// reproducible output.
	Now func() time.Time
	// Boundary gives the MIME boundary of the n-th multipart (0 is the
	// outermost) of the message for recipient key. It must return 1 to 70
	// RFC 2046 characters. Default: random. Fix it, with Now, for
	// byte-for-byte reproducible messages.
	Boundary func(key string, n int) string
	// AttachmentCache bounds the bytes of encoded attachments kept for
	// reuse by later rows; 0 means 32 MB, negative turns caching off.
	AttachmentCache int64
	// Sign, when set, is applied to every finished message's Data (DKIM
	// signing): it runs in the goroutine that rendered the message, so
	// Each's workers sign in parallel. It must be safe for concurrent use
	// and must not modify its argument; an error is the row's problem.
	Sign func(data []byte) ([]byte, error)
	// Digest, when set, is applied to every finished (and signed)
	// message's Data and gives Message.Digest; like Sign it runs in the
	// goroutine that rendered the message and must be safe for concurrent
	// use.
	Digest func(data []byte) string
	// VetFrom, when set, checks every finished message's Data for what
	// Sign would refuse in its From (DKIM alignment), so that check and a
	// preflight that does not sign report it as the From column's row
	// problem. It must be safe for concurrent use.
	VetFrom func(data []byte) error
	// Test, when set, makes every message a test message (see TestSend).
	Test *TestSend
	// IDSalt is mixed into every Message-ID (see messageID): tidings keeps
	// a random one in each campaign's state folder, so that a campaign
	// copied to a new folder, or sent again after its state was removed,
	// gives its messages identifiers of their own (a receiver that has a
	// message with the same identifier may drop the new one as a copy).
	// Empty adds nothing: the identifiers of a state folder from before
	// there were salts.
	IDSalt string
	// EarlierID, when set, gives the Message-ID and the To (as
	// Message.To) key's latest message went out with when the same
	// message may go again (its outcome unknown, or a Cc still owed), ""
	// when there is none. A message made again for such a key, to the
	// same To, whose identifier without the row's values (see messageID)
	// is that one keeps it: the message went out from a tidings that made
	// identifiers so, and a resend (--resend-unknown) must be told a
	// copy, a Cc get the To's message. It must be safe for concurrent
	// use; an error is the row's problem.
	EarlierID func(key string) (id, to string, err error)
}

// Renderer turns recipient rows into messages. It is safe for concurrent
// use by any number of goroutines.
type Renderer struct {
	c        *campaign.Campaign
	set      *templates.Set
	now      func() time.Time
	idSalt   string
	earlier  func(string) (string, string, error)
	boundary func(string, int) string
	sign     func([]byte) ([]byte, error)
	digest   func([]byte) string
	vetFrom  func([]byte) error
	sheet    string
	keyCol   string
	maxSize  int64
	// used are the columns the campaign reads: the key column and every
	// column a template names.
	used []string
	// dated are the columns a template passes to date (see
	// templates.Set.DateColumns).
	dated []string
	// facets are what a message's ValueSums fingerprint (see Facets);
	// attachSum is true when the last of them is the row's files.
	facets    []string
	attachSum bool

	from, sender, replyTo, to, cc, bcc addrField
	subject                            *templates.Template
	headers                            []textField
	unsubURL, unsubMailto              *templates.Template
	unsubConst                         []string // List-Unsubscribe tokens when both are constant
	oneClick                           bool
	toListed                           bool   // the to: template visibly writes a list (campaign.Campaign.ToIsList)
	listID                             []byte // the whole List-Id line, or nil
	atts                               []attField
	seen                               []seenColumn // shownColumns
	images                             []*blob
	att                                *attacher
	md                                 *mdBody   // nil without a markdown body
	test                               *testSend // nil unless rendering test messages
	// unlinked are the notes of messages without a link to their
	// unsubscribe target, by Unlinked.Code (fixUnlinked).
	unlinked [8]*Unlinked

	pool sync.Pool // of *state
}

// addrField is an address header: its template and, when the template does
// not depend on the row, the parsed list.
type addrField struct {
	t     *templates.Template
	fixed bool
	list  []mailbox
	// names are the columns the template puts in a display name
	// (nameColumns), whose values checkNames holds to one address.
	names []string
}

// textField is an extra header; line is the encoded header line when the
// value does not depend on the row.
type textField struct {
	name string
	// structured is what the header holds when it is structured
	// (structuredWhat), or "".
	structured string
	t          *templates.Template
	line       []byte
}

// attField is an attachment path template; b is the resolved file when the
// path does not depend on the row (nil when it renders empty), and path
// the path it was named by.
type attField struct {
	t     *templates.Template
	fixed bool
	b     *blob
	path  string // b's path as named, symlinks not resolved
}

// state is the scratch space of one Render call, pooled.
type state struct {
	msg, field, text, html bytes.Buffer
	md, frag               bytes.Buffer // Markdown source and its HTML
	toks                   []string
	extra                  []string
	mw                     mimeWriter
	parts                  parts
	body                   content
	// link is the row's unsubscribe target a body should link to,
	// linked whether the HTML body does (rowHTML, rowMarkdown).
	link   unsubLink
	linked bool
}

// New prepares a Renderer for campaign c with its compiled templates set.
// Everything that does not depend on a row is checked and encoded here:
// constant addresses (and the From/Sender rule when both are constant),
// list_id, constant attachments and the inline images of the HTML body.
// Those problems are *campaign.FileError values: the campaign is unusable.
func New(c *campaign.Campaign, set *templates.Set, opts Options) (*Renderer, error) {
	r := newRenderer(c, set, opts)
	if opts.Test != nil {
		t, err := parseTestSend(opts.Test)
		if err != nil {
			return nil, err
		}
		r.test = t
	}
	fe := &fileErrors{file: c.File}
	r.fixAddresses(set, fe)
	r.fixHeaders(set, fe)
	r.fixListHeaders(c, fe)
	r.fixUnlinked(c.Unsubscribe.URL, c.Unsubscribe.Mailto)
	if err := r.fixAttachments(c, set, opts.AttachmentCache, fe); err != nil {
		return nil, err
	}
	r.seen = r.shownColumns()
	if set.HTML != nil {
		imgs, err := inlineImages(set.HTML, c.Name, true)
		if err != nil {
			fe.errs = append(fe.errs, err)
		}
		r.images = imgs
		if err := literalDeadLink(set.HTML); err != nil {
			fe.errs = append(fe.errs, err)
		}
		if err := literalCharset(set.HTML); err != nil {
			fe.errs = append(fe.errs, err)
		}
	}
	r.fixMarkdown(c, set, fe)
	if err := errors.Join(fe.errs...); err != nil {
		return nil, err
	}
	return r, nil
}

// newRenderer makes the Renderer with opts' defaults filled in and the
// columns the campaign reads: the key column and every column a template
// names.
func newRenderer(c *campaign.Campaign, set *templates.Set, opts Options) *Renderer {
	r := &Renderer{
		c: c, set: set,
		now: opts.Now, idSalt: opts.IDSalt, earlier: opts.EarlierID, boundary: opts.Boundary, sign: opts.Sign, digest: opts.Digest, vetFrom: opts.VetFrom,
		sheet: c.Recipients.Path, keyCol: c.Recipients.Key,
		maxSize: int64(c.MaxMessageSize),
		subject: set.Subject, unsubURL: set.UnsubscribeURL, unsubMailto: set.UnsubscribeMailto,
		oneClick: c.Unsubscribe.OneClick, toListed: c.ToIsList(),
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.boundary == nil {
		r.boundary = randomBoundary
	}
	if r.maxSize <= 0 {
		r.maxSize = 25 << 20
	}
	if r.keyCol == "" {
		r.keyCol = "email"
	}
	r.dated = set.DateColumns()
	r.used = []string{r.keyCol}
	for _, c := range set.UsedColumns() {
		if c != r.keyCol {
			r.used = append(r.used, c)
		}
	}
	r.facets = r.used[1:len(r.used):len(r.used)]
	r.pool.New = func() any { return new(state) }
	return r
}

// fileErrors collects the campaign's problems New finds, each at the line
// of the template it is about (or of the campaign file).
type fileErrors struct {
	file string
	errs []error
}

func (e *fileErrors) add(t *templates.Template, err error) {
	fe := &campaign.FileError{File: e.file, Err: err}
	if t != nil {
		fe.File, fe.Line = t.File(), t.Line()
	}
	e.errs = append(e.errs, fe)
}

// noRow is the row constant templates are evaluated with.
var noRow = campaign.Row{Values: map[string]string{}}

// fixAddresses parses the address headers whose templates are constant,
// and checks From and the From/Sender rule (RFC 5322 3.6.2) when both are.
func (r *Renderer) fixAddresses(set *templates.Set, fe *fileErrors) {
	for _, f := range []struct {
		dst *addrField
		t   *templates.Template
	}{
		{&r.from, set.From}, {&r.sender, set.Sender}, {&r.replyTo, set.ReplyTo},
		{&r.to, set.To}, {&r.cc, set.Cc}, {&r.bcc, set.Bcc},
	} {
		f.dst.t = f.t
		if f.t != nil && !f.t.Const() {
			f.dst.names = r.nameColumns(f.t)
		}
		if f.t == nil || !f.t.Const() {
			continue
		}
		list, err := r.parseAddresses(f.dst, noRow, new(bytes.Buffer))
		if err != nil {
			fe.add(f.t, rowCause(err))
			continue
		}
		f.dst.fixed, f.dst.list = true, list
	}
	switch {
	case r.from.t == nil:
		fe.add(nil, errors.New("render: from: required"))
	case !r.from.fixed || r.sender.t != nil && !r.sender.fixed:
	case len(r.from.list) == 0:
		fe.add(r.from.t, errors.New("render: from: no address"))
	default:
		if _, err := senderRule(r.from.list, r.sender.list); err != nil {
			fe.add(r.sender.t, fmt.Errorf("render: sender: %w", err))
		}
	}
	if r.subject == nil {
		fe.add(nil, errors.New("render: subject: required"))
	}
}

// fixHeaders encodes the extra headers whose values are constant.
func (r *Renderer) fixHeaders(set *templates.Set, fe *fileErrors) {
	for _, h := range set.Headers {
		tf := textField{name: h.Name, structured: structuredWhat(h.Name), t: h.Value}
		if h.Value.Const() {
			var b bytes.Buffer
			v, err := r.value(h.Value, noRow, &b)
			if err == nil {
				b.Reset()
				if err = checkStructured(h.Name, tf.structured, v); err == nil {
					err = writeHeader(&b, h.Name, tf.structured, v)
				}
			}
			if err != nil {
				fe.add(h.Value, rowCause(err))
				continue
			}
			tf.line = bytes.Clone(b.Bytes())
		}
		r.headers = append(r.headers, tf)
	}
}

// fixListHeaders checks and encodes List-Id (RFC 2919) and, when its
// targets are constant, List-Unsubscribe (RFC 2369, RFC 8058); an
// unsubscribe.url that depends on the row is refused here when its
// leading text already keeps it from being https (notHTTPSPrefix).
func (r *Renderer) fixListHeaders(c *campaign.Campaign, fe *fileErrors) {
	if c.ListID != "" {
		line, err := listIDLine(c.ListID)
		if err != nil {
			fe.add(nil, fmt.Errorf("render: list_id: %w", err))
		}
		r.listID = line
	}
	if (r.unsubURL != nil || r.unsubMailto != nil) && (r.unsubURL == nil || r.unsubURL.Const()) && (r.unsubMailto == nil || r.unsubMailto.Const()) {
		toks, err := r.unsubscribe(noRow, new(bytes.Buffer))
		if err != nil {
			t := r.unsubURL
			if t == nil {
				t = r.unsubMailto
			}
			fe.add(t, rowCause(err))
		}
		r.unsubConst = toks
	} else if t := r.unsubURL; t != nil && t.Const() {
		// A fixed URL beside a mailto that depends on the row: wrong
		// once for the campaign, not again on every row.
		if v, err := r.value(t, noRow, new(bytes.Buffer)); err == nil && v != "" {
			if _, err := httpsURL(v); err != nil {
				fe.add(t, fmt.Errorf("render: %s: %w", t.Name(), err))
			}
		}
	} else if t != nil {
		if err := notHTTPSPrefix(t.LeadingText()); err != nil {
			fe.add(t, fmt.Errorf("render: %s: %w", t.Name(), err))
		}
	}
	if r.oneClick && r.unsubURL == nil {
		fe.add(nil, fmt.Errorf("render: unsubscribe.one_click: %w: needs unsubscribe.url (RFC 8058)", ErrUnsubscribe))
	}
}

// fixAttachments sets up the attachment folder and resolves the
// attachments whose paths are constant. An error means the folder itself
// cannot be named.
func (r *Renderer) fixAttachments(c *campaign.Campaign, set *templates.Set, cacheSize int64, fe *fileErrors) error {
	if cacheSize == 0 {
		cacheSize = 32 << 20
	}
	root, err := filepath.Abs(c.AttachmentRoot())
	if err != nil {
		return &campaign.FileError{File: c.File, Err: fmt.Errorf("render: attachments_dir: %w", err)}
	}
	r.att = &attacher{root: root, rootReal: root, absOK: c.AttachmentsDir != "", maxSize: r.maxSize, cache: newBlobCache(cacheSize), names: newDirNames(),
		guard: &guard{c: c, root: root, limit: maxScanEntries}, linked: &linkedOwn{}}
	if len(set.Attachments) > 0 || len(set.Images) > 0 {
		real, err := filepath.EvalSymlinks(root)
		if err != nil {
			fe.add(nil, fmt.Errorf("render: attachment folder: %w", err))
		} else {
			r.att.rootReal = real
		}
	}
	r.att.top = topFolder(c.Dir, r.att.rootReal)
	for _, t := range set.Attachments {
		af := attField{t: t}
		if t.Const() {
			var b bytes.Buffer
			p, err := r.value(t, noRow, &b)
			if err == nil && p != "" {
				af.b, af.path, err = r.att.resolve(p, false)
			}
			if err != nil {
				fe.add(t, fmt.Errorf("render: %s: %w", t.Name(), rowCause(err)))
				continue
			}
			af.fixed = true
		} else if err := r.att.absoluteLead(t.LeadingText()); err != nil {
			fe.add(t, fmt.Errorf("render: %s: %w", t.Name(), err))
			continue
		} else if !r.attachSum {
			r.facets, r.attachSum = append(r.facets, ""), true // the row's files
		}
		r.atts = append(r.atts, af)
	}
	if len(set.Images) > 0 && !r.attachSum {
		r.facets, r.attachSum = append(r.facets, ""), true // the row's files: its inline images
	}
	return nil
}

// rowCause unwraps a RowError met while evaluating a constant template at
// New, where it is the campaign's fault rather than a row's.
func rowCause(err error) error {
	var re *campaign.RowError
	if errors.As(err, &re) {
		return re.Err
	}
	return err
}

var cidRE = regexp.MustCompile(`cid:([A-Za-z0-9][A-Za-z0-9._@-]*)`)

// inlineImages finds the images the HTML template references as
// "cid:NAME" and loads each NAME from the HTML template's folder; rowRefs
// says t is the HTML body, whose references a template action writes
// are images of each row's own (templates.RowImageRefs: rowImages), not
// looked for here. The
// part's Content-ID is NAME when it holds an '@', else NAME@idRight, so it
// is a valid msg-id (RFC 2045 7, RFC 5322 3.6.4); the HTML's references are
// rewritten to match (RFC 2392) as the message is built.
func inlineImages(t *templates.Template, idRight string, rowRefs bool) ([]*blob, error) {
	dir := filepath.Dir(t.File())
	src := t.Source()
	var refs []templates.ImageRef
	if rowRefs {
		refs = templates.RowImageRefs(src)
	}
	var (
		out  []*blob
		seen = map[string]bool{}
		errs []error
		// The matches come in the source's order, as refs do: each
		// line counted, and each ref passed, once.
		line, counted = 1, 0
	)
	for _, m := range cidRE.FindAllStringSubmatchIndex(src, -1) {
		name := strings.TrimRight(src[m[2]:m[3]], ".")
		for len(refs) > 0 && refs[0].End < m[2] {
			refs = refs[1:]
		}
		if seen[name] || len(refs) > 0 && refs[0].Start <= m[2] {
			continue
		}
		seen[name] = true
		line += strings.Count(src[counted:m[0]], "\n")
		counted = m[0]
		if !filepath.IsLocal(name) {
			errs = append(errs, &campaign.FileError{File: t.File(), Line: line, Err: fmt.Errorf("render: inline image %q must be a file beside the HTML template", name)})
			continue
		}
		p := filepath.Join(dir, name)
		data, err := os.ReadFile(p)
		if err != nil {
			if cerr := cidNameError(src[m[2]:m[3]], cidTail(src, m[3])); cerr != nil {
				err = cerr
			} else {
				err = fmt.Errorf("render: inline image cid:%s: %w", name, unwrapPath(err))
			}
			errs = append(errs, &campaign.FileError{File: t.File(), Line: line, Err: err})
			continue
		}
		cid := name
		if !strings.Contains(cid, "@") {
			cid += "@" + idRight
		}
		b := newBlob(name, p, data)
		b.cid = cid
		out = append(out, b)
	}
	errs = append(errs, unreadCIDErrors(t.File(), src, rowRefs)...)
	errs = append(errs, cidFormErrors(t.File(), src)...)
	return out, errors.Join(errs...)
}

// rewriteCIDs returns html with each "cid:NAME" reference to an inline
// image whose Content-ID is NAME@… rewritten to that Content-ID, and
// each marker of an image of the row's own (templates.RowImageMarker) to
// its Content-ID, rows being indexed as templates.Set.Images (nil, or
// none: its path was empty, and the marker goes). html is not modified;
// it is returned as is when nothing needs rewriting.
func rewriteCIDs(html []byte, images, rows []*blob) []byte {
	var out []byte
	last := 0
	for i := 0; ; {
		j := bytes.Index(html[i:], []byte("cid:"))
		if j < 0 {
			break
		}
		start := i + j + len("cid:")
		if k, n, ok := templates.ReadRowImageMarker(html[start:]); ok {
			out = append(out, html[last:start]...)
			if k < len(rows) && rows[k] != nil {
				out = append(out, rows[k].cid...)
			}
			last, i = start+n, start+n
			continue
		}
		end := start
		for end < len(html) && isCIDChar(html[end]) {
			end++
		}
		for end > start && html[end-1] == '.' {
			end--
		}
		name := string(html[start:end])
		for _, im := range images {
			if im.name == name && im.cid != name {
				out = append(out, html[last:start]...)
				out = append(out, im.cid...)
				last = end
				break
			}
		}
		i = max(end, start)
	}
	if out == nil {
		return html
	}
	return append(out, html[last:]...)
}

// isCIDChar reports whether c may be part of an inline image NAME (cidRE).
func isCIDChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '@' || c == '-'
}

// listIDLine builds the List-Id header (RFC 2919): an optional phrase and
// the list-id in angle brackets, which must be a dot-atom with a dot.
func listIDLine(v string) ([]byte, error) {
	if hasBad(v) {
		return nil, campaign.ErrControlChar
	}
	if strings.Contains(v, "{{") {
		return nil, fmt.Errorf("%w: %q: it names the list, one for the whole campaign, and is not a template", ErrListID, v)
	}
	phrase, id := "", strings.TrimSpace(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		j := strings.LastIndexByte(v, '>')
		if j < i {
			return nil, fmt.Errorf("%w: %q: unbalanced <>", ErrListID, v)
		}
		phrase, id = strings.TrimSpace(v[:i]), strings.TrimSpace(v[i+1:j])
	}
	if !isASCII(id) || !isDotAtom(id) || !strings.Contains(id, ".") {
		return nil, fmt.Errorf("%w: %q: the id must look like label.example.com", ErrListID, id)
	}
	var toks []string
	if phrase != "" {
		toks = phraseTokens(phrase)
	}
	toks = append(toks, "<"+id+">")
	var b bytes.Buffer
	if err := writeFolded(&b, "List-Id", toks); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (r *Renderer) rowErr(row campaign.Row, col string, err error) error {
	return &campaign.RowError{File: r.sheet, Row: row.Number, Column: col, Err: err}
}

// excelError refuses a row in which a column the campaign reads holds one
// of Excel's error values (campaign.ExcelError), or a formula never
// calculated (campaign.Uncalculated): the sheet's formula failed there or
// has no value, so whatever the message would say is wrong. Every such
// column is named, each once; columns the campaign does not read are not
// looked at.
func (r *Renderer) excelError(row campaign.Row) error {
	var probs rowProblems
	for _, c := range r.used {
		if u, ok := row.Uncalculated[c]; ok {
			probs.add(r.rowErr(row, c, fmt.Errorf("render: %w", u.Problem())))
		} else if code, ok := campaign.ExcelError(row.Values[c]); ok {
			probs.add(r.rowErr(row, c, fmt.Errorf("render: the cell holds %w %s (a formula that failed in the spreadsheet); fix it there", campaign.ErrExcelError, code)))
		}
	}
	return probs.err()
}

// garbledError refuses a row in which a column the campaign reads holds
// text garbled by a wrong import (campaign.Garbled): every message would
// carry it so ("Dear JÃ¼rgen"). Every such column is named, with the text
// it was (both cut as clip cuts them: a paragraph is no message line).
func (r *Renderer) garbledError(row campaign.Row) error {
	var probs rowProblems
	for _, c := range r.used {
		if was, ok := campaign.Garbled(row.Values[c]); ok {
			probs.add(r.rowErr(row, c, fmt.Errorf("render: %w: %s is %s read in the wrong character set; %s", campaign.ErrGarbled, clip(row.Values[c]), clip(was), r.garbledAdvice())))
		}
	}
	return probs.err()
}

// garbledAdvice is campaign.GarbledAdviceFor the sheet's declared
// encoding.
func (r *Renderer) garbledAdvice() string {
	if r.c == nil {
		return campaign.GarbledAdvice
	}
	return campaign.GarbledAdviceFor(r.c.Recipients.Encoding)
}

// dateFormatError refuses a row in which a column passed to date shows a
// date in the other order than recipients.dates (campaign.DateFormat),
// naming every such column.
func (r *Renderer) dateFormatError(row campaign.Row) error {
	var probs rowProblems
	for _, c := range r.dated {
		if f, ok := row.DateFormats[c]; ok {
			probs.add(r.rowErr(row, c, fmt.Errorf("render: %w", f.Problem())))
		}
	}
	return probs.err()
}

// mergedError refuses a row whose key or To comes from merged cells over
// several rows (campaign.Merged): the rows would share one key, which
// stands for one message, or one address the sheet may mean for the
// first row only. Other columns take the range's value (a manager's Cc
// for a block of rows), which the sheet warns about once.
func (r *Renderer) mergedError(row campaign.Row) error {
	if row.Merged == nil {
		return nil
	}
	var probs rowProblems
	if m, ok := row.Merged[r.keyCol]; ok {
		probs.add(r.rowErr(row, r.keyCol, fmt.Errorf("render: %w", m.Problem("key"))))
	}
	if r.to.t != nil {
		for _, c := range r.to.t.Columns() {
			if m, ok := row.Merged[c]; ok && c != r.keyCol {
				probs.add(r.rowErr(row, c, fmt.Errorf("render: %w", m.Problem("address"))))
			}
		}
	}
	return probs.err()
}

// value executes a one-line template for row and checks the result: any
// control character (CR, LF, tab, NUL, DEL, C1, U+2028/2029) or invalid
// UTF-8 is refused with campaign.ErrControlChar, naming the column whose
// value holds it. Leading and trailing spaces are dropped.
func (r *Renderer) value(t *templates.Template, row campaign.Row, buf *bytes.Buffer) (string, error) {
	return r.checkedValue(t, row, buf, hasBad)
}

// checkedValue is value with bad judging the characters refused (hasBad,
// or subjectBad).
func (r *Renderer) checkedValue(t *templates.Template, row campaign.Row, buf *bytes.Buffer, bad func(string) bool) (string, error) {
	buf.Reset()
	if err := t.Execute(buf, row); err != nil {
		return "", err
	}
	v := buf.String()
	if bad(v) {
		col := t.ColumnWhere(row, bad)
		at := firstBad(v)
		if !bad("\t") { // the refused character is past the tabs bad lets by
			at = firstBad(strings.ReplaceAll(v, "\t", " ")) // an index in v
		}
		return "", r.rowErr(row, col, fmt.Errorf("render: %s: %w: %s (a header is one line: take the line break or the character out of the cell)", t.Name(), campaign.ErrControlChar, clipAt(v, at)))
	}
	return strings.TrimSpace(v), nil
}

// clip quotes v for an error message, shortened to 60 characters.
func clip(v string) string {
	if utf8.RuneCountInString(v) > 60 {
		v = string([]rune(v)[:60]) + "…"
	}
	return fmt.Sprintf("%q", v)
}

// clipAt quotes v as clip does, but around byte i, the character refused
// (-1: none), with up to 30 characters before it and 30 after: one past
// clip's 60 characters (a tab at the end of a long subject) shows too.
func clipAt(v string, i int) string {
	if i < 0 || utf8.RuneCountInString(v) <= 60 {
		return clip(v)
	}
	start, end := i, i
	for n := 0; n < 30 && start > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(v[:start])
		start -= size
	}
	for n := 0; n < 31 && end < len(v); n++ {
		_, size := utf8.DecodeRuneInString(v[end:])
		end += size
	}
	pre, post := "", ""
	if start > 0 {
		pre = "…"
	}
	if end < len(v) {
		post = "…"
	}
	return fmt.Sprintf("%q", pre+v[start:end]+post)
}

// addresses renders and parses an address header for row.
func (r *Renderer) addresses(f *addrField, row campaign.Row, buf *bytes.Buffer) ([]mailbox, error) {
	if f.t == nil {
		return nil, nil
	}
	if f.fixed {
		return f.list, nil
	}
	return r.parseAddresses(f, row, buf)
}

func (r *Renderer) parseAddresses(f *addrField, row campaign.Row, buf *bytes.Buffer) ([]mailbox, error) {
	v, err := r.value(f.t, row, buf)
	if err != nil {
		return nil, addressLinesError(err, f.t.Name(), buf.String())
	}
	return r.addressList(f, row, v)
}

// addressList parses v, what f's template made of row, as an address
// list, naming the column a problem comes from.
func (r *Renderer) addressList(f *addrField, row campaign.Row, v string) ([]mailbox, error) {
	list, aerr := parseList(v)
	if err := r.checkNames(f.t, f.names, row, v, list, aerr != nil); err != nil {
		return nil, err
	}
	if aerr == nil {
		return list, nil
	}
	spec := addrPart(aerr.token)
	col := ""
	if errors.Is(aerr.err, campaign.ErrControlChar) || errors.Is(aerr.err, ErrDirectionControl) {
		// An encoded-word decoded to a control character.
		col = f.t.ColumnWhere(row, func(v string) bool { return strings.Contains(v, "=?") })
	} else if aerr.unclosed {
		col = f.t.ColumnWhere(row, isUnclosed)
	} else if spec == "" {
		col = f.t.ColumnWhere(row, isBlank)
	}
	if col == "" {
		col = f.t.Column(row, spec, aerr.token)
	}
	if spec == "" && strings.Contains(aerr.token, "<") {
		return nil, r.rowErr(row, col, fmt.Errorf("render: %s: %w %s: the address between < and > is empty", f.t.Name(), ErrAddress, clip(aerr.token)))
	}
	cause := r.hintInColumns(aerr.err, f.t, row, aerr.token)
	return nil, r.rowErr(row, col, fmt.Errorf("render: %s: %w %s: %w%s%s", f.t.Name(), ErrAddress, clip(aerr.token), cause, fullWidthHint(v), commaDotHint(v, aerr.token)))
}

// commaDotHint is the hint for an address list v that a comma split in
// a domain ("buch@example,de": the address "buch@example" and the part
// token, "de", which is no address): a dot typed as a comma. "" when
// token is not letters right after an address and a comma.
func commaDotHint(v, token string) string {
	tld := strings.TrimSpace(token)
	if len(tld) < 2 || len(tld) > 6 || strings.Trim(strings.ToLower(tld), "abcdefghijklmnopqrstuvwxyz") != "" {
		return ""
	}
	i := strings.Index(v, ","+tld)
	if i < 0 || !strings.Contains(v[:i], "@") || strings.ContainsAny(v[strings.LastIndex(v[:i], "@"):i], " <>;,") {
		return ""
	}
	start := strings.LastIndexAny(v[:i], " <;,") + 1
	return fmt.Sprintf(" (a comma separates addresses, so %q is read as two; a dot typed as a comma? %s.%s)", v[start:i+1+len(tld)], v[start:i], tld)
}

// fullWidthHint is the hint for an address list v that does not parse and
// holds what a Chinese or Japanese keyboard types in place of ASCII
// between addresses: a full-width ； or ， or the enumeration comma 、; ""
// when it holds none. (A full-width ＠ in the address at fault is told
// with it: templates.AddressWords.)
func fullWidthHint(v string) string {
	if strings.ContainsAny(v, "；，、") {
		return " (addresses are separated by an ASCII , or ;, not a full-width ； or ， or the enumeration comma 、)"
	}
	return spaceSeparatorHint(v)
}

// spaceSeparatorHint is the hint for an address list v in which a
// full-width space (U+3000, as a Chinese input method types it) alone
// parts two addresses ("a@163.com　b@qq.com"), which the parser reads
// as one address with two @ signs (an ASCII space is told by the cause
// itself: two addresses need a , or ; between them); "" when no item
// between commas and semicolons holds two such words with an @ each.
func spaceSeparatorHint(v string) string {
	for _, item := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
		words := strings.Split(strings.TrimSpace(item), "\u3000")
		if len(words) >= 2 && strings.Contains(words[0], "@") && strings.Contains(strings.TrimSpace(words[len(words)-1]), "@") {
			return " (addresses are separated by an ASCII , or ;, not a full-width space)"
		}
	}
	return ""
}

// senderRule applies RFC 5322 3.6.2: Sender is required when From lists
// more than one mailbox and must then be one mailbox; with one From
// mailbox, Sender must be empty or the same mailbox and is not written. It
// reports whether to write Sender.
func senderRule(from, sender []mailbox) (bool, error) {
	switch {
	case len(from) > 1 && len(sender) == 1:
		return true, nil
	case len(from) > 1 && len(sender) == 0:
		return false, fmt.Errorf("%w (from has %d addresses: a message from several needs sender: naming the one that sends it, sender: %q; or keep one address in from:)", ErrSender, len(from), from[0].spec())
	case len(from) > 1:
		return false, fmt.Errorf("%w (from has %d mailboxes, sender %d: sender names exactly one)", ErrSender, len(from), len(sender))
	case len(sender) == 0:
		return false, nil
	case len(sender) == 1 && sameMailbox(from[0], sender[0]):
		return false, nil
	default:
		return false, fmt.Errorf("%w (from has 1 mailbox, sender is another)", ErrSender)
	}
}

// sameMailbox reports whether a and b are one mailbox, compared as a
// message's recipients are (mailboxKey): letter case and Unicode NFC
// aside, not Unicode case folding's ſ and s.
func sameMailbox(a, b mailbox) bool { return mailboxKey(a) == mailboxKey(b) }

// fromColumn names the column of row whose value gives addr, the From
// address whose domain a DKIM key does not align with, or "": not a
// column the From template merely names beside a fixed address ("{{.name}}
// <news@other.example>", where the name is not what to fix).
func (r *Renderer) fromColumn(row campaign.Row, addr string) string {
	if r.from.t == nil {
		return ""
	}
	col := r.from.t.Column(row, addr)
	v, a := strings.ToLower(strings.TrimSpace(row.Values[col])), strings.ToLower(addr)
	if col == "" || v == "" || !strings.Contains(a, v) && !strings.Contains(v, a) {
		return ""
	}
	return col
}

// Render renders the message for one row. It is safe for concurrent use.
//
// Problems with the row are *campaign.RowError values naming the row and,
// where it can be told, the sheet column at fault; Render then also returns
// a partial Message (Row, Key and, when they rendered, To and Subject, with
// nil Data) so reports can list the row. Other errors (a bad
// Options.Boundary) are returned with a nil Message.
func (r *Renderer) Render(row campaign.Row) (*Message, error) {
	st := r.pool.Get().(*state)
	defer r.pool.Put(st)
	m := r.newMessage(row)
	if err := r.render(st, row, m); err != nil {
		var re *campaign.RowError
		if errors.As(err, &re) {
			return m, err
		}
		return nil, err
	}
	if r.vetFrom != nil {
		if err := r.vetFrom(m.Data); err != nil {
			m.Data = nil
			return m, r.rowErr(row, r.fromColumn(row, m.EnvelopeFrom), err)
		}
	}
	if r.sign != nil {
		data, err := r.sign(m.Data)
		if err != nil {
			m.Data = nil
			return m, r.rowErr(row, "", err)
		}
		m.Data = data
	}
	if r.digest != nil {
		m.Digest = r.digest(m.Data)
	}
	return m, nil
}

// longestColumn names the column to blame for the header name that came
// out too long for row: the one with the longest value among those its
// templates read; "" when they read none.
func (r *Renderer) longestColumn(name string, row campaign.Row) string {
	var ts []*templates.Template
	switch strings.ToLower(name) {
	case "subject":
		ts = append(ts, r.subject)
	case "list-unsubscribe":
		ts = append(ts, r.unsubURL, r.unsubMailto)
	case "from":
		ts = append(ts, r.from.t)
	case "sender":
		ts = append(ts, r.sender.t)
	case "reply-to":
		ts = append(ts, r.replyTo.t)
	case "to":
		ts = append(ts, r.to.t)
	case "cc":
		ts = append(ts, r.cc.t)
	}
	for _, h := range r.headers {
		if strings.EqualFold(h.name, name) {
			ts = append(ts, h.t)
		}
	}
	best := ""
	for _, t := range ts {
		if t == nil {
			continue
		}
		for _, c := range t.Columns() {
			if len(row.Values[c]) > len(row.Values[best]) {
				best = c
			}
		}
	}
	return best
}

// newMessage is the Message of row before it is rendered: its row, key
// and what identifies its values.
func (r *Renderer) newMessage(row campaign.Row) *Message {
	sums := r.valueSums(row)
	return &Message{Row: row.Number, Key: strings.TrimSpace(row.Values[r.keyCol]), Variant: r.variantOf(sums), sums: sums}
}

func (r *Renderer) render(st *state, row campaign.Row, m *Message) error {
	p, err := r.evaluate(st, row, m)
	if err != nil {
		return err
	}
	if err := r.build(st, m.Key, p); err != nil {
		var he *headerError
		if errors.As(err, &he) {
			return r.rowErr(row, r.longestColumn(he.name, row), err)
		}
		return err
	}
	b := &st.msg
	if int64(b.Len()) > r.maxSize {
		return r.rowErr(row, m.largest.column(row), fmt.Errorf("render: %w: the message is %s%s, %s", ErrTooLarge, overWords(int64(b.Len()), r.maxSize), m.largest.words(), overMaxSize(r.maxSize, messageTooLarge)))
	}
	m.Data = bytes.Clone(b.Bytes())
	p.notes.tell(m)
	m.Unlinked = p.unlinked // the one note Notes cannot tell: the spool keeps it
	if b.Cap() > 4<<20 {
		*b = bytes.Buffer{} // do not keep a huge buffer in the pool
	}
	return nil
}

// evaluate runs the row's templates and checks every value: addresses, the
// From/Sender rule, control characters, attachments. It fills m's report
// fields and returns what build needs; the bodies stay in st's buffers.
func (r *Renderer) evaluate(st *state, row campaign.Row, m *Message) (*parts, error) {
	// Every stage runs, so that a row's problems are told at once. The
	// sheet's error values come first: a key never calculated reads as
	// empty, which then names its column once. An empty key stops the
	// stages after it: its address, made of the key column most often,
	// would only be told empty again.
	var probs rowProblems
	probs.addTainting(r.excelError(row))
	probs.add(r.dateFormatError(row))
	probs.add(r.garbledError(row))
	probs.add(r.mergedError(row))
	probs.add(r.controlsError(row))
	if m.Key == "" {
		probs.add(r.rowErr(row, r.keyCol, fmt.Errorf("render: %w: every row needs one, which tells its message from the others' (fill it in, or delete the row)", campaign.ErrEmptyKey)))
		return nil, probs.err()
	}
	fb := &st.field
	env, err := r.rowAddresses(row, fb, m)
	probs.add(err)
	subject, err := r.rowSubject(row, fb, m)
	probs.add(err)
	unsub, err := r.unsubscribe(row, fb)
	probs.add(err)
	atts, err := r.rowAttachments(row, fb, m)
	probs.add(err)
	imgs, err := r.rowImages(row, fb, m)
	probs.add(err)
	var testFor string
	var notes rowNotes
	if probs.none() {
		notes = r.notesOf(row, env.to, m.Recipients, env.repeats, subject) // the row's, before a test message's apply
		m.ValuesSum, m.ValueSums, m.sums = facetSum(r.facets, m.sums), fold16(m.sums), nil
		m.MessageID, err = r.idOf(m, env.from[0].domain)
		probs.add(err)
		if r.test != nil {
			testFor = r.test.apply(env, &subject, m, r.c.Name, env.from[0].domain)
			unsub = nil // one click on it would unsubscribe the row's recipient
		}
	}
	st.link = unsubLinkOf(unsub) // none for a test message, whose links no one follows
	body, err := r.rowBodies(st, row, subject)
	probs.add(err)
	body.atts, body.rowImages = atts, imgs
	extra, err := r.rowHeaders(st, row)
	probs.add(err)
	if err := probs.err(); err != nil {
		return nil, err
	}
	p := &st.parts
	*p = parts{
		date: r.now(), from: env.from, replyTo: env.replyTo, to: env.to, cc: env.cc,
		subject: subject, messageID: m.MessageID, unsub: unsub, extra: extra, body: &st.body, testFor: testFor,
		notes: notes, unlinked: r.unlinkedBodies(st, body),
	}
	st.body = body
	if env.writeSender {
		p.sender = env.sender
	}
	return p, nil
}

// envelope is a row's address headers, parsed and checked.
type envelope struct {
	from, sender, replyTo, to, cc, bcc []mailbox
	// writeSender: the message has a Sender header (RFC 5322 3.6.2).
	writeSender bool
	// repeats are the mailboxes left out of to, cc and bcc for being
	// there already (dropRepeats).
	repeats []repeat
}

// noRecipient is row's problem when to, cc and bcc all came out empty:
// the blank column to reads, to fill in; or, when none is blank (a to:
// that writes an address only under a condition, {{if eq .Status
// "subscribed"}}), the columns it read, which made no address.
func (r *Renderer) noRecipient(row campaign.Row) error {
	if col := r.blankAddress(row); col != "" || len(r.to.t.Columns()) == 0 {
		return r.rowErr(row, col, fmt.Errorf("render: %w%s", ErrNoRecipient, fillIn(row.Values[col])))
	}
	cols := make([]string, len(r.to.t.Columns()))
	for i, c := range r.to.t.Columns() {
		cols[i] = strconv.Quote(c)
	}
	return r.rowErr(row, "", fmt.Errorf("render: %w: the to: template made no address of this row's %s (take the row out, or send the rest with --skip-invalid)", ErrNoRecipient, strings.Join(cols, ", ")))
}

// fillIn is what to do about v, the value of the column an empty To came
// from: fill in the address, or, where v holds only separators (";",
// " ; ,"), which make no address, write one in their place.
func fillIn(v string) string {
	if isBlank(v) {
		return " (fill in the address, or take the row out)"
	}
	return fmt.Sprintf(": the cell holds %s, only separators and no address between them (write the address in their place, or take the row out)", clip(strings.TrimSpace(v)))
}

// blankAddress is the first column of row that to: reads which gives no
// address (templates.NoAddress: blank, or only separators) and whose
// value, filled in, to: writes: the address to fill in; "" when there
// is none: a blank name beside an address a condition leaves out
// ({{if eq .Status "subscribed"}}{{address .Name .Email}}{{end}}) is
// no address to fill in.
func (r *Renderer) blankAddress(row campaign.Row) string {
	const probe = "blank@probe.invalid"
	for _, c := range r.to.t.Columns() {
		if !templates.NoAddress(row.Values[c]) {
			continue
		}
		filled := row
		filled.Values = maps.Clone(row.Values)
		filled.Values[c] = probe
		var b bytes.Buffer
		if r.to.t.Execute(&b, filled) == nil && strings.Contains(b.String(), probe) {
			return c
		}
	}
	return ""
}

// rowAddresses runs the address templates of row and checks the From and
// Sender rule and that someone receives the message; it fills in m's
// envelope (MAIL FROM, RCPT TO) and To, Cc and Bcc for reports.
func (r *Renderer) rowAddresses(row campaign.Row, fb *bytes.Buffer, m *Message) (*envelope, error) {
	var env envelope
	var probs rowProblems
	for _, f := range []struct {
		dst   *[]mailbox
		field *addrField
	}{{&env.from, &r.from}, {&env.sender, &r.sender}, {&env.replyTo, &r.replyTo}, {&env.to, &r.to}, {&env.cc, &r.cc}, {&env.bcc, &r.bcc}} {
		list, err := r.addresses(f.field, row, fb)
		probs.add(err)
		*f.dst = list
	}
	if err := probs.err(); err != nil {
		m.To = displayList(env.to) // for the report also when another field has a problem
		return nil, err
	}
	lists, reps := dropRepeats([3][]mailbox{env.to, env.cc, env.bcc})
	env.to, env.cc, env.bcc, env.repeats = lists[0], lists[1], lists[2], reps
	m.To = displayList(env.to)
	if len(env.from) == 0 {
		return nil, r.rowErr(row, r.from.t.Column(row), fmt.Errorf("render: from: %w: empty", ErrAddress))
	}
	writeSender, err := senderRule(env.from, env.sender)
	if err != nil {
		col := ""
		if r.sender.t != nil {
			col = r.sender.t.Column(row)
		}
		if col == "" {
			col = r.from.t.Column(row)
		}
		return nil, r.rowErr(row, col, fmt.Errorf("render: sender: %w", err))
	}
	env.writeSender = writeSender
	if len(env.to)+len(env.cc)+len(env.bcc) == 0 {
		return nil, r.noRecipient(row)
	}
	if len(env.to) == 0 && !r.to.fixed {
		col := r.to.t.ColumnWhere(row, templates.NoAddress)
		return nil, r.rowErr(row, col, fmt.Errorf("render: %w, so the message would go to its %s alone%s", ErrEmptyTo, copyFields(env), fillIn(row.Values[col])))
	}
	sender := env.from[0]
	if writeSender {
		sender = env.sender[0]
	}
	m.EnvelopeFrom = sender.spec()
	m.Recipients = recipients(env.to, env.cc, env.bcc)
	m.Cc, m.Bcc = displayList(env.cc), displayList(env.bcc)
	m.UTF8 = anyUTF8(env.from, env.sender, env.replyTo, env.to, env.cc, env.bcc)
	return &env, nil
}

// isBlank reports whether a cell's value is empty or only white space.
func isBlank(v string) bool { return strings.TrimSpace(v) == "" }

// copyFields names the copy fields env has addresses in: "Cc", "Bcc" or
// "Cc and Bcc".
func copyFields(env envelope) string {
	switch {
	case len(env.cc) > 0 && len(env.bcc) > 0:
		return "Cc and Bcc"
	case len(env.cc) > 0:
		return "Cc"
	}
	return "Bcc"
}

// rowSubject runs the subject template of row (a subject empty or too
// long to show is subjectWarnings'). A tab, which a cell pasted from a
// spreadsheet brings, is a space in the subject (tabWarning tells of
// it): legal in an unstructured header (RFC 5322 WSP), it is shown as
// one by some clients and not by others, and a folded line begins
// with one; any other control character is refused, as value does.
func (r *Renderer) rowSubject(row campaign.Row, fb *bytes.Buffer, m *Message) (string, error) {
	subject, err := r.checkedValue(r.subject, row, fb, subjectBad)
	if err != nil {
		return "", err
	}
	subject = strings.TrimSpace(tabsAsSpaces(subject))
	m.Subject = subject
	return subject, nil
}

// climbing refuses p, the path the template t of an attachment (or an
// inline image) made of row, when it climbs
// a folder (a ".." element) and a value of the row climbs one too, or the
// template writes no ".." itself; the problem names the column the ".."
// came from (one whose value climbs with \ between folders, made / by a
// function), else the column Column blames.
func (r *Renderer) climbing(t *templates.Template, row campaign.Row, p string) error {
	if !climbs(p) {
		return nil
	}
	col := t.ColumnWhere(row, climbs)
	if col == "" && strings.Contains(t.Source(), "..") {
		return nil // the author's ("Q1..Q2.pdf" from the sheet climbs nothing)
	}
	if col == "" {
		// A function made the ".." of a cell: replace turned a Windows
		// path's ..\ into ../.
		col = t.ColumnWhere(row, func(v string) bool { return climbs(strings.ReplaceAll(v, `\`, "/")) })
	}
	if col == "" {
		col = t.Column(row, p)
	}
	return r.rowErr(row, col, fmt.Errorf("render: %s: %w: %q climbs a folder with \"..\" from the sheet: %s", t.Name(), ErrAttachmentPath, p, r.climbAdvice(p)))
}

// climbAdvice says where a path made from row data may lead, the
// attachment folder named, and what to write instead of p, which climbs
// out of it: "../private/x.pdf" was told only to stay "below the folder
// the campaign names" (rev-user17).
func (r *Renderer) climbAdvice(p string) string {
	name := path.Base(strings.ReplaceAll(p, `\`, "/"))
	if r.att.absOK {
		return fmt.Sprintf("a path made from row data stays in attachments_dir, %s: put the file there, or in a folder in it, and write its path from there (%s)", r.att.root, name)
	}
	return fmt.Sprintf("a path made from row data stays in the campaign's folder, %s: put the file there, or in a folder in it, and write its path from there (%s); or set attachments_dir: to an absolute folder that holds it", r.att.root, name)
}

// climbs reports whether path p has a ".." element.
func climbs(p string) bool {
	for rest := filepath.ToSlash(p); rest != ""; {
		var elem string
		elem, rest, _ = strings.Cut(rest, "/")
		if elem == ".." {
			return true
		}
	}
	return false
}

// rowAttachments resolves row's attachments (paths from data stay inside
// the attachment folder, and a path with a ".." is refused when a value
// it was made of holds one, or the template writes none: invoices/{{.no}}.pdf
// never reaches another folder of the campaign's) and checks their size
// against max_message_size.
func (r *Renderer) rowAttachments(row campaign.Row, fb *bytes.Buffer, m *Message) ([]*blob, error) {
	var atts []*blob
	var total int64
	for i := range r.atts {
		af := &r.atts[i]
		b, named, p := af.b, af.path, ""
		if !af.fixed {
			var err error
			if p, err = r.value(af.t, row, fb); err != nil {
				return nil, err
			}
			if p == "" {
				continue
			}
			if err := r.climbing(af.t, row, p); err != nil {
				return nil, err
			}
			if b, named, err = r.att.resolve(p, true); err != nil {
				return nil, r.unreadablePath(af.t, row, p, err)
			}
		}
		if b == nil {
			continue
		}
		// Listed before the size check: the spool notes the files of a
		// row too large, so that one made smaller makes other inputs.
		m.Attachments = append(m.Attachments, Attachment{Name: b.name, Path: named, Size: b.size, ContentType: b.ctype, SHA256: b.sum, ModTime: b.mtime})
		var made *templates.Template // the row's cell named it
		if !af.fixed {
			addFileSum(m, b.sum)
			made = af.t
		} else {
			p = b.name
		}
		m.largest.note(p, "attachment", made, b.size)
		if total += int64(len(b.enc)); total > r.maxSize {
			return nil, r.rowErr(row, af.t.Column(row, b.name), fmt.Errorf("render: %w: attachments alone are %s encoded with %s (%s as a file; base64 makes it a third larger), %s",
				ErrTooLarge, overWords(total, r.maxSize), b.name, sizeWords(b.size), overMaxSize(r.maxSize, fileTooLarge)))
		}
		atts = append(atts, b)
	}
	return atts, nil
}

// rowBodies runs the text and HTML (or Markdown) body templates of row
// into st's buffers; subject is for a Markdown body's layout.
func (r *Renderer) rowBodies(st *state, row campaign.Row, subject string) (content, error) {
	var body content
	var probs rowProblems // the text body's problem does not hide the HTML's
	if t := r.set.Text; t != nil {
		st.text.Reset()
		if err := t.Execute(&st.text, row); err != nil {
			probs.add(err)
		} else if body.text = st.text.Bytes(); body.text == nil { // an empty body is still a body
			body.text = []byte{}
		}
	}
	if t := r.set.HTML; t != nil {
		probs.add(r.rowHTML(st, row, t, &body))
	}
	if r.md != nil {
		probs.add(r.rowMarkdown(st, row, subject, &body))
	}
	return body, probs.err()
}

// rowHTML runs the HTML body template of row into st.html and checks what
// it wrote: no value html/template judged unsafe, no link that opens
// nothing (each such link told).
func (r *Renderer) rowHTML(st *state, row campaign.Row, t *templates.Template, body *content) error {
	st.html.Reset()
	if err := t.Execute(&st.html, row); err != nil {
		return err
	}
	var probs rowProblems
	if bytes.Contains(st.html.Bytes(), []byte(unsafeMark)) {
		probs.add(r.unsafeValue(row, t))
	}
	st.linked = false
	var href func([]byte)
	if st.link.target != "" {
		href = func(v []byte) { st.linked = st.linked || st.link.inHref(v) }
	}
	scanLinks(st.html.Bytes(), href, func(l deadLink) bool {
		if !strings.Contains(l.url, unsafeMark) { // told above
			probs.add(r.deadLinkRow(row, t, l))
		}
		return true
	})
	if err := probs.err(); err != nil {
		return err
	}
	body.html = st.html.Bytes()
	if body.html == nil {
		body.html = []byte{}
	}
	body.images = r.images
	return nil
}

// unsafeMark is what html/template writes instead of a value it will not
// put where it stands: a URL of a scheme it does not allow (javascript:,
// data:, vbscript:) in a link, or a value that would break out of a style
// or an attribute name.
const unsafeMark = "ZgotmplZ"

// urlScheme matches a value that starts with a URL scheme (RFC 3986 3.1)
// and its colon, then what follows it.
var urlScheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)\s*:(.*)`)

// unsafeValue is the row problem of an HTML body that html/template wrote
// unsafeMark into: the message would carry it where a link or a value
// should be. It names the first column of t whose value is a javascript:,
// vbscript:, data: or file: URL; else one that looks like a URL
// (scheme://, or tel:, sms:, callto:) of a scheme html/template does not
// let into a link (it lets http, https and mailto); else one that starts
// with any such scheme ("ref:7"); none when no value does.
func (r *Renderer) unsafeValue(row campaign.Row, t *templates.Template) error {
	col := ""
	for _, bad := range []func(scheme, rest string) bool{
		func(scheme, _ string) bool {
			return scheme == "javascript" || scheme == "vbscript" || scheme == "data" || scheme == "file"
		},
		func(scheme, rest string) bool {
			return !safeScheme(scheme) && (strings.HasPrefix(rest, "//") || scheme == "tel" || scheme == "sms" || scheme == "callto")
		},
		func(scheme, rest string) bool {
			return !safeScheme(scheme) && rest != "" && rest[0] != ' ' && rest[0] != '\t'
		},
	} {
		col = t.ColumnWhere(row, func(v string) bool {
			v = strings.TrimSpace(v)
			m := urlScheme.FindStringSubmatchIndex(v)
			return m != nil && bad(strings.ToLower(v[m[2]:m[3]]), v[m[4]:])
		})
		if col != "" {
			break
		}
	}
	return r.rowErr(row, col, fmt.Errorf("render: %s: html/template wrote %q where a value it judged unsafe was to go (a javascript:, data: or other URL a link may not have, or markup inside an attribute): the message would show that word instead; fix the value", t.File(), unsafeMark))
}

// safeScheme says whether html/template lets a URL of scheme into a link.
func safeScheme(scheme string) bool {
	return scheme == "http" || scheme == "https" || scheme == "mailto"
}

// rowHeaders runs the templates of the extra headers that depend on the
// row ("" for the constant ones, already encoded).
func (r *Renderer) rowHeaders(st *state, row campaign.Row) ([]string, error) {
	extra := st.extra[:0]
	for i := range r.headers {
		h := &r.headers[i]
		v := ""
		if h.line == nil {
			var err error
			if v, err = r.headerValue(h, row, &st.field); err != nil {
				return nil, err
			}
		}
		extra = append(extra, v)
	}
	st.extra = extra
	return extra, nil
}

// headerValue runs the template of the extra header h for row and checks
// its value: an address list as To's is checked (naming the column that
// makes an address fail), any other structured value by checkStructured.
func (r *Renderer) headerValue(h *textField, row campaign.Row, buf *bytes.Buffer) (string, error) {
	v, err := r.value(h.t, row, buf)
	if err != nil {
		return "", err
	}
	if h.structured == whatAddresses {
		if _, err := r.addressList(&addrField{t: h.t}, row, v); err != nil {
			return "", err
		}
	}
	if err := checkStructured(h.name, h.structured, v); err != nil {
		return "", r.rowErr(row, h.t.ColumnWhere(row, notASCII), err)
	}
	return v, nil
}

// parts is everything a message is built from once the row's templates have
// run and their values have been checked.
type parts struct {
	date                          time.Time
	from, sender, replyTo, to, cc []mailbox // sender only when it is written
	subject, messageID            string
	unsub                         []string // List-Unsubscribe tokens
	extra                         []string // values of r.headers without a constant line
	testFor                       string   // X-Tidings-Test-For, for a test message
	notes                         rowNotes // told with the message once it is made
	body                          *content

	unlinked *Unlinked // Message.Unlinked, told with notes
}

// build writes the message for p into st.msg: the header section in a fixed
// order, then the MIME body. It does no template work and no checks beyond
// line lengths (ErrHeaderTooLong).
func (r *Renderer) build(st *state, key string, p *parts) error {
	b := &st.msg
	b.Reset()
	var date [64]byte
	b.WriteString("Date: ")
	b.Write(p.date.AppendFormat(date[:0], time.RFC1123Z))
	b.WriteString("\r\n")
	for _, h := range [...]struct {
		name string
		list []mailbox
	}{{"From", p.from}, {"Sender", p.sender}, {"Reply-To", p.replyTo}, {"To", p.to}, {"Cc", p.cc}} {
		if len(h.list) == 0 {
			continue
		}
		st.toks = addressTokens(st.toks[:0], h.list)
		if err := writeFolded(b, h.name, st.toks); err != nil {
			return err
		}
	}
	if err := writeText(b, "Subject", p.subject); err != nil {
		return err
	}
	b.WriteString("Message-ID: <")
	b.WriteString(p.messageID)
	b.WriteString(">\r\n")
	if err := writeText(b, "X-Tidings-Test-For", p.testFor); err != nil {
		return err
	}
	b.Write(r.listID)
	if len(p.unsub) > 0 {
		if err := writeFolded(b, "List-Unsubscribe", p.unsub); err != nil {
			return err
		}
		if r.oneClick {
			b.WriteString("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
		}
	}
	for i := range r.headers {
		if h := &r.headers[i]; h.line != nil {
			b.Write(h.line)
		} else if err := writeHeader(b, h.name, h.structured, p.extra[i]); err != nil {
			return err
		}
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	st.mw = mimeWriter{b: b, key: key, boundary: r.boundary, toks: st.toks[:0]}
	err := st.mw.message(p.body)
	st.toks = st.mw.toks
	return err
}

// writeText writes an unstructured header (Subject, extra headers); an
// empty value writes nothing except for Subject.
func writeText(b *bytes.Buffer, name, v string) error {
	if v == "" {
		if name == "Subject" {
			b.WriteString("Subject:\r\n")
		}
		return nil
	}
	return writeFolded(b, name, textTokens(v, maxLine-len(name)-2))
}

// addressTokens appends the tokens of an address list, a comma after each
// address but the last.
func addressTokens(dst []string, list []mailbox) []string {
	for i, mb := range list {
		dst = mb.tokens(dst)
		if i < len(list)-1 {
			dst[len(dst)-1] += ","
		}
	}
	return dst
}

func displayList(list []mailbox) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0].display()
	}
	parts := make([]string, len(list))
	for i, mb := range list {
		parts[i] = mb.display()
	}
	return strings.Join(parts, ", ")
}

// recipients lists the envelope recipients: To, Cc, then Bcc, as
// written. Each mailbox is in lists once: every caller passes lists
// dropRepeats kept, which leaves out a mailbox given again.
func recipients(lists ...[]mailbox) []string {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	out := make([]string, 0, n)
	for _, l := range lists {
		for _, mb := range l {
			out = append(out, mb.spec())
		}
	}
	return out
}

func anyUTF8(lists ...[]mailbox) bool {
	for _, l := range lists {
		for _, mb := range l {
			if mb.utf8 {
				return true
			}
		}
	}
	return false
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// messageID is unique and deterministic for (campaign, salt, key,
// revision): the campaign name, a dot and the SHA-256 of name, salt (see
// Options.IDSalt), key and revision (see revision; an empty salt or
// revision adds nothing: a campaign that reads only the key keeps the
// identifiers it had) in base32 (so the address is not readable in it),
// at the From domain (RFC 5322 3.6.4). A message made again from the same
// values in the same state folder (a resend of unknown outcome, unless
// the templates read other columns since) keeps its identifier, so a
// receiver can tell the copies; a corrected one gets its own, and so does
// the same campaign sent from another state folder.
func messageID(name, salt, key, revision, domain string) string {
	if revision != "" {
		key += "\x00" + revision
	}
	hashed := name
	if salt != "" {
		hashed += "\x00" + salt
	}
	h := sha256.Sum256([]byte(hashed + "\x00" + key))
	return name + "." + strings.ToLower(idEncoding.EncodeToString(h[:15])) + "@" + domain
}

// idOf is m's Message-ID at domain: made from its values (revision),
// or without them when the message went out so before, to the same To,
// and goes again (Options.EarlierID): a tidings from before the values
// were in Message-IDs made it, and the resend keeps its identifier.
func (r *Renderer) idOf(m *Message, domain string) (string, error) {
	rev := revision(m)
	id := messageID(r.c.Name, r.idSalt, m.Key, rev, domain)
	if rev == "" || r.earlier == nil {
		return id, nil
	}
	was, to, err := r.earlier(m.Key)
	if err != nil || was == "" || was == id || to != m.To {
		return id, err
	}
	if plain := messageID(r.c.Name, r.idSalt, m.Key, "", domain); plain == was {
		return plain, nil
	}
	return id, nil
}

// unsubscribe renders the List-Unsubscribe targets (RFC 2369): the https
// URL, then the mailto. It returns the header tokens, or nil for none.
func (r *Renderer) unsubscribe(row campaign.Row, buf *bytes.Buffer) ([]string, error) {
	if r.unsubConst != nil {
		return r.unsubConst, nil
	}
	var toks []string
	if t := r.unsubURL; t != nil {
		v, err := r.value(t, row, buf)
		if err != nil {
			return nil, err
		}
		if v == "" && r.oneClick {
			return nil, r.rowErr(row, t.Column(row), fmt.Errorf("render: %s: %w: empty, and one_click needs it", t.Name(), ErrUnsubscribe))
		}
		if c := rawQueryColumn(t, row); c != "" {
			return nil, r.rawQueryError(t, row, c)
		}
		if v != "" {
			u, err := httpsURL(v)
			if err != nil {
				return nil, r.rowErr(row, t.Column(row, v), fmt.Errorf("render: %s: %w", t.Name(), err))
			}
			toks = append(toks, "<"+u+">")
		}
	}
	if t := r.unsubMailto; t != nil {
		v, err := r.value(t, row, buf)
		if err != nil {
			return nil, err
		}
		if v != "" {
			u, err := mailtoURL(v)
			if err != nil {
				return nil, r.rowErr(row, t.Column(row, v), fmt.Errorf("render: %s: %w", t.Name(), err))
			}
			if len(toks) > 0 {
				toks[0] += ","
			}
			toks = append(toks, "<"+u+">")
		}
	}
	return toks, nil
}

// httpsURL checks an unsubscribe URL: https with a host (RFC 8058 requires
// HTTPS for one-click). An internationalized host (münchen.de, 例え.jp) is
// written in IDNA A-labels, as RFC 3986 3.2.2 asks of URI producers: a
// percent-encoded one is looked up as written by resolvers other than a
// browser's, so a one-click POST would reach no server. Other characters
// that may not stand inside <> (RFC 2369) are percent-encoded.
func httpsURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrUnsubscribe, err)
	}
	if !strings.EqualFold(u.Scheme, "https") || u.Host == "" {
		return "", fmt.Errorf("%w: %s: want an https:// URL", ErrUnsubscribe, clip(v))
	}
	v, err = asciiHost(v, u.Hostname())
	if err != nil {
		return "", err
	}
	return escapeURL(v), nil
}

// asciiHost writes the host of the URL v, whose url.Parse'd host name is
// host, in IDNA A-labels; v comes back as it is when its host is ASCII.
func asciiHost(v, host string) (string, error) {
	start := strings.Index(v, "//") + 2
	end := len(v)
	if i := strings.IndexAny(v[start:], "/?#"); i >= 0 {
		end = start + i
	}
	auth := v[start:end]
	at := strings.LastIndexByte(auth, '@') + 1
	written := auth[at:]
	if isASCII(written) && !strings.Contains(written, "%") {
		return v, nil
	}
	ascii, err := toASCII(host)
	if err != nil {
		return "", fmt.Errorf("%w: %s: host %q: %w", ErrUnsubscribe, clip(v), host, err)
	}
	port := ""
	if i := strings.LastIndexByte(written, ':'); i >= 0 && !strings.HasSuffix(written, "]") {
		port = written[i:]
	}
	return v[:start+at] + ascii + port + v[end:], nil
}

// notHTTPSPrefix is the error of an unsubscribe.url template whose text
// before its first action, lead, already keeps every row's URL from being
// https (http://…/u?id={{.id}}): once for the campaign rather than on
// every row. It is nil when lead could still begin an https:// URL.
func notHTTPSPrefix(lead string) error {
	lead = strings.TrimLeft(lead, " \t")
	const want = "https://"
	n := min(len(lead), len(want))
	if lead == "" || strings.EqualFold(lead[:n], want[:n]) {
		return nil
	}
	return fmt.Errorf("%w: every row's URL starts %s: want an https:// URL (RFC 8058)", ErrUnsubscribe, clip(lead))
}

// mailtoURL makes a mailto: URL (RFC 6068) from "mailto:addr?query" or a
// bare address.
func mailtoURL(v string) (string, error) {
	rest := v
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		rest = v[7:]
	}
	addr, query, _ := strings.Cut(rest, "?")
	if unq, err := url.PathUnescape(addr); err == nil {
		addr = unq
	}
	a, err := mail.ParseAddress(addr)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrUnsubscribe, clip(v), err)
	}
	mb, aerr := toMailbox(a)
	if aerr != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrUnsubscribe, clip(v), aerr.err)
	}
	s := "mailto:" + escapeMailto(mb.addr, false)
	if query != "" {
		fields := strings.Split(query, "&")
		for i, f := range fields {
			name, value, _ := strings.Cut(f, "=")
			fields[i] = escapeMailto(name, true) + "=" + escapeMailto(value, true)
		}
		s += "?" + strings.Join(fields, "&")
	}
	return s, nil
}

// escapeMailto percent-encodes s for a mailto URI (RFC 6068 section 2):
// every byte but the unreserved characters and some-delims, so that '#',
// '?', '%', '&', '=' or a quote in an address or a header field value stay
// part of it. With keepPct a valid %XX already in s is kept (a query the
// campaign wrote encoded).
func escapeMailto(s string, keepPct bool) string {
	return percentEncode(s, func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~!$'()*+,;:@", c) >= 0
	}, keepPct)
}

// escapeURL percent-encodes bytes that may not appear in a URL inside a
// header: spaces, controls, non-ASCII, and < > " (RFC 3986, RFC 2369).
func escapeURL(s string) string {
	return percentEncode(s, func(c byte) bool {
		return c > ' ' && c < 0x7f && c != '<' && c != '>' && c != '"'
	}, false)
}

// percentEncode writes every byte of s that keep refuses as %XX; with
// keepPct a valid %XX already in s stays as it is. s comes back as it is
// when nothing needs encoding.
func percentEncode(s string, keep func(byte) bool, keepPct bool) string {
	const hex = "0123456789ABCDEF"
	i := 0
	for i < len(s) && keep(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case keep(c):
			b = append(b, c)
		case c == '%' && keepPct && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, s[i:i+3]...)
			i += 2
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// FixedAttachmentSums maps the attachments the Renderer read at New,
// those named without row data (the same file in every message), by path
// as named, to the hex SHA-256 of the content read: what each of its
// messages carries, whatever the file holds by now. Nil when it has none.
func (r *Renderer) FixedAttachmentSums() map[string]string {
	var out map[string]string
	for _, af := range r.atts {
		if af.fixed && af.b != nil {
			if out == nil {
				out = map[string]string{}
			}
			out[af.path] = af.b.sum
		}
	}
	return out
}

// ImageFiles lists the inline images of the HTML body the Renderer read
// (at New), by path.
func (r *Renderer) ImageFiles() []string {
	out := make([]string, len(r.images))
	for i, b := range r.images {
		out[i] = b.path
	}
	return out
}

// PrintedIn names where the subject and the bodies print column as it is,
// a blank cell leaving a hole (templates.Set.PrintedIn): "the subject",
// "body.txt".
func (r *Renderer) PrintedIn(column string) string { return r.set.PrintedIn(column) }

// BlankSeen is what a reader sees of the line where column is first
// printed as a hole when it is blank (templates.Set.BlankSeen): "Hallo ,".
func (r *Renderer) BlankSeen(column string) string { return r.set.BlankSeen(column) }

// PaddedIn names where the subject and the bodies print column as it is,
// not trimmed (templates.Set.PaddedIn): "the subject and body.txt".
func (r *Renderer) PaddedIn(column string) string { return r.set.PaddedIn(column) }
