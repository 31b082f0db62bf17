package render

import (
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unicode"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// ErrAttachmentPath is wrapped when an attachment path made from row data
// would leave the attachment folder: "..", an absolute path (unless the
// campaign names an absolute attachments_dir) or a symlink pointing out;
// also, in words of its own (refusal), when it leads inside the folder to
// a file row data may not attach.
var ErrAttachmentPath = errors.New("attachment path leaves the attachment folder")

// ErrAttachment is wrapped when an attachment cannot be read or is not a
// regular file; os errors (fs.ErrNotExist …) are wrapped too.
var ErrAttachment = errors.New("attachment not readable")

// AttachmentError is a row's attachment that cannot be attached: Path
// (the file looked at, as named) cannot be read, is not a regular file,
// is too large, or leads out of the attachment folder (or to a file of
// the campaign's own). It wraps ErrAttachment, ErrTooLarge or
// ErrAttachmentPath, and says what they say.
type AttachmentError struct {
	Path string
	err  error
}

func (e *AttachmentError) Error() string { return e.err.Error() }
func (e *AttachmentError) Unwrap() error { return e.err }

// blob is a file ready to attach: its base64 form is made once.
type blob struct {
	name  string // file name the recipient sees
	path  string // absolute path it was read from (symlinks resolved)
	ctype string // media type by extension (see contentType)
	utf8  bool   // the data is valid UTF-8
	key   string // the form of the private key the data is (privateKeyForm), or ""
	size  int64  // bytes before encoding
	sum   string // hex SHA-256 of the data
	mtime int64  // modification time (Unix ns) of the file read, before reading
	enc   []byte // base64 in 76-character lines joined by CRLF, no final CRLF
	// cid is an inline image's Content-ID without the angle brackets: an
	// RFC 5322 msg-id, NAME@campaign when the HTML names it without '@'.
	cid string
}

// contentType is the media type for a file name by its extension, with
// application/octet-stream when the extension is unknown. Attachments go
// in base64, so a message/* type (a .eml) becomes application/octet-stream:
// RFC 2046 5.2.1 allows message/rfc822 only in 7bit, 8bit or binary. The
// charset=utf-8 that Go's table gives text types is kept only when the
// file is valid UTF-8 (utf8); otherwise no charset is claimed (RFC 2046
// 4.1.2: a wrong one garbles the text).
func contentType(name string, utf8 bool) string {
	t := mime.TypeByExtension(filepath.Ext(name))
	if t == "" || strings.HasPrefix(t, "message/") {
		return "application/octet-stream"
	}
	if mt, params, err := mime.ParseMediaType(t); err == nil && params["charset"] != "" && !utf8 {
		delete(params, "charset")
		return mime.FormatMediaType(mt, params)
	}
	return t
}

// encodeBase64 encodes data in lines of 76 characters (RFC 2045 6.8)
// separated by CRLF, without a final CRLF.
func encodeBase64(data []byte) []byte {
	lines := (len(data) + b64Line - 1) / b64Line
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(data))+2*lines)
	for len(data) > 0 {
		n := min(b64Line, len(data))
		if len(out) > 0 {
			out = append(out, '\r', '\n')
		}
		out = base64.StdEncoding.AppendEncode(out, data[:n])
		data = data[n:]
	}
	return out
}

// attacher resolves attachment paths inside a root folder and keeps the
// encoded form of recently used files. It is safe for concurrent use.
type attacher struct {
	root     string // absolute, clean
	rootReal string // root with symlinks resolved
	absOK    bool   // the campaign named an absolute attachments_dir
	maxSize  int64  // files larger than this are refused before reading
	cache    *blobCache
	names    *dirNames // files named in another Unicode form
	// top is the highest folder whose state folder or preview marks
	// count (keptFile): the campaign's folder (symlinks
	// resolved) when it holds root, the file system's root otherwise.
	top string
	// guard has the campaign's own files and folders and those of the
	// campaigns beside it, which a path made from row data may not lead
	// to (see private, sameAsOwn); linked the files of their folders
	// with several names (see sameAsOwn).
	guard  *guard
	linked *linkedOwn
}

// resolve finds, checks and encodes the attachment at p. fromData says the
// path was made from row values: it must then stay inside the root, after
// resolving symlinks, and lead to no private key (privateKeyForm). Paths
// written as constants in the campaign file are the campaign author's and
// are not confined. A file that cannot be read or is too large is an
// *AttachmentError.
func (a *attacher) resolve(p string, fromData bool) (*blob, string, error) {
	b, full, err := a.read(p, fromData)
	if err == nil && fromData && b.key != "" {
		err = privateKeyRefusal(p, b.key)
	}
	if err != nil && full != "" {
		return nil, full, &AttachmentError{Path: full, err: err}
	}
	return b, full, err
}

// read is resolve; full is the path it looked at.
func (a *attacher) read(p string, fromData bool) (b *blob, full string, err error) {
	name := filepath.Base(filepath.Clean(filepath.FromSlash(p))) // as the sheet writes it, whatever the disk's form
	full, real, err := a.find(p, fromData)
	if err != nil {
		return nil, full, err
	}
	f, err := a.open(real, fromData)
	if err != nil {
		return nil, full, fmt.Errorf("%w: %w", ErrAttachment, unwrapPath(err))
	}
	defer f.Close()
	// What is checked and read from here on is the file opened, whatever
	// the path leads to by now.
	fi, err := f.Stat()
	if err != nil {
		return nil, full, fmt.Errorf("%w: %w", ErrAttachment, unwrapPath(err))
	}
	if fi.IsDir() {
		// A cell naming the folder, not the file in it (rev-user18:
		// "badges/year7" was "not a regular file").
		return nil, full, fmt.Errorf("%w: %q is a folder: write the path of the file in it (%s/…)", ErrAttachment, p, strings.TrimRight(filepath.ToSlash(p), "/"))
	}
	if !fi.Mode().IsRegular() {
		return nil, full, fmt.Errorf("%w: %q is not a regular file", ErrAttachment, p)
	}
	if fi.Size() > a.maxSize {
		return nil, full, fmt.Errorf("%w: %q is %s, %s", ErrTooLarge, p, overWords(fi.Size(), a.maxSize), overMaxSize(a.maxSize, fileTooLarge))
	}
	if fromData {
		if err := a.sameAsOwn(p, fi); err != nil {
			return nil, full, err
		}
	}
	key := blobKey{path: real, size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if b := a.cache.get(key); b != nil {
		return b.withName(name), full, nil
	}
	data, err := io.ReadAll(io.LimitReader(f, a.maxSize+1))
	if err != nil {
		return nil, full, fmt.Errorf("%w: %w", ErrAttachment, unwrapPath(err))
	}
	if int64(len(data)) > a.maxSize {
		return nil, full, fmt.Errorf("%w: %q grew while it was read, %s", ErrTooLarge, p, overMaxSize(a.maxSize, fileTooLarge))
	}
	b = newBlob(name, real, data)
	b.mtime = key.mtime
	a.cache.put(key, b)
	return b, full, nil
}

// find is the path p names (full: absolute, symlinks not resolved; a
// name on its way written in another Unicode form than the disk's
// replaced by the disk's) and the file it leads to (real), checked as
// resolve says; full is the path looked at also with an error.
func (a *attacher) find(p string, fromData bool) (full, real string, err error) {
	p = filepath.FromSlash(p)
	switch {
	case filepath.IsAbs(p):
		if fromData && !a.absOK {
			return full, "", fmt.Errorf("%w: %s is an absolute path (set an absolute attachments_dir in the campaign to allow them)", ErrAttachmentPath, quotePath(p))
		}
		full = filepath.Clean(p)
	default:
		full = filepath.Join(a.root, p)
	}
	if fromData && !campaign.Inside(a.root, full) {
		return full, "", fmt.Errorf("%w: %s is outside %s", ErrAttachmentPath, quotePath(p), a.root)
	}
	real, err = filepath.EvalSymlinks(full)
	if errors.Is(err, fs.ErrNotExist) {
		found, ferr := a.otherForm(p, full, fromData)
		if ferr != nil {
			return full, "", ferr
		}
		if found != "" {
			full = found
			real, err = filepath.EvalSymlinks(full)
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		// EvalSymlinks names the first missing folder on the way; the
		// file asked for is what the user looks for.
		hints := backslashHint(p) + a.spaceHint(p, fromData) + a.caseHint(full, fromData) + a.codePageHint(full, fromData)
		return full, "", fmt.Errorf("%w: %s: %w%s%s%s", ErrAttachment, quotePath(p), noSuchFile(full), hints, a.folderHint(full, hints), a.extensionHint(full, fromData))
	}
	if err != nil {
		return full, "", fmt.Errorf("%w: %w", ErrAttachment, unwrapPath(err))
	}
	if fromData && !campaign.Inside(a.rootReal, real) {
		return full, "", fmt.Errorf("%w: %s leads to %s, outside %s", ErrAttachmentPath, quotePath(p), real, a.root)
	}
	if fromData {
		if err := a.private(p, real); err != nil {
			return full, "", err
		}
	}
	return full, real, nil
}

// otherForm is find's second look for the missing file full (the path
// p asked for): the one named as full in another Unicode form (see
// dirNames), checked to be inside the root as full was; "" when there
// is none.
func (a *attacher) otherForm(p, full string, fromData bool) (string, error) {
	found, err := a.names.locate(full)
	if err != nil || found == "" {
		return "", err
	}
	if fromData && !campaign.Inside(a.root, found) {
		return "", fmt.Errorf("%w: %s is outside %s", ErrAttachmentPath, quotePath(p), a.root)
	}
	return found, nil
}

// private refuses real, where the path p made from row data leads
// inside the attachment folder, when it is one of the campaign's own files
// or below one of its folders (a DKIM key, the sheet, the state folder),
// or hidden (a name starting with '.' on the way from the folder: .env,
// .git), or a file tidings preview wrote (keptFile: other recipients'
// messages), or one tidings keeps in any campaign's state folder
// (keptFile: another campaign's journal, report or spool): row data
// attaches what the campaign sends its recipients, never what it keeps
// for itself, whatever a cell says.
func (a *attacher) private(p, real string) error {
	for _, o := range a.guard.get().own {
		if real == o.Path || o.Dir && campaign.Inside(o.Path, real) {
			return refused("%q is %s, which row data may not attach", p, ownWhat(o, real))
		}
	}
	rel, err := filepath.Rel(a.rootReal, real)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrAttachmentPath, err)
	}
	for part := range strings.SplitSeq(rel, string(filepath.Separator)) {
		if strings.HasPrefix(part, ".") && part != "." {
			return refused("%q leads to the hidden %q, which row data may not attach (hidden files keep settings and secrets)", p, part)
		}
	}
	switch dir, preview, ok := keptFile(a.top, real); {
	case preview:
		return refused("%q is a file tidings preview wrote in %s (another recipient's message): not attachable", p, dir)
	case ok:
		return refused("%q is a file tidings keeps in the campaign state folder %s (its recipients' addresses, results or messages): not attachable", p, dir)
	}
	return nil
}

// ownWhat names o for a path real at or below it.
func ownWhat(o campaign.OwnFile, real string) string {
	if o.Dir && real != o.Path {
		return "in " + o.What
	}
	return o.What
}

// ownFiles are c's own files and folders, and others (those of the
// campaigns beside it: scanFolders), with symlinks resolved (as written
// when they do not exist yet). A state folder that holds its campaign's
// folder (state_dir: .) is not among them (campaign.OwnFiles leaves it
// out); nor is another campaign's that holds c's folder but not its own
// (its state_dir this campaign's folder or one above, its campaign file
// in an attachments_dir elsewhere), or no row could attach anything from
// c's folder: what tidings writes there is refused by the folder's marks
// (keptFile).
func ownFiles(c *campaign.Campaign, others []campaign.OwnFile) []campaign.OwnFile {
	var own []campaign.OwnFile
	for _, o := range append(c.OwnFiles(), others...) {
		if o.Dir && campaign.Inside(o.Path, c.Dir) {
			continue // another campaign's, OwnFiles has left out c's
		}
		if p, err := filepath.Abs(o.Path); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				p = real
			}
			o.Path = p
		}
		own = append(own, o)
	}
	return own
}

// open opens the checked path real. A path made from row data is opened
// through an os.Root at the attachment folder, which refuses, at the time
// of opening, a path that leaves it: a folder on the way swapped for a
// symlink after the check cannot lead outside.
func (a *attacher) open(real string, fromData bool) (*os.File, error) {
	// Non-blocking: opening a FIFO for reading would otherwise wait for
	// a writer; the regular-file check after opening refuses it.
	const flags = os.O_RDONLY | syscall.O_NONBLOCK
	if !fromData {
		return os.OpenFile(real, flags, 0)
	}
	rel, err := filepath.Rel(a.rootReal, real)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(a.rootReal)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.OpenFile(rel, flags, 0)
}

// newBlob makes the blob of a file's data.
func newBlob(name, path string, data []byte) *blob {
	ok := utf8.Valid(data)
	sum := sha256.Sum256(data)
	return &blob{name: name, path: path, ctype: contentType(name, ok), utf8: ok, key: privateKeyForm(data), size: int64(len(data)),
		sum: hex.EncodeToString(sum[:]), enc: encodeBase64(data)}
}

// withName returns b under another file name (two symlinks to one file).
func (b *blob) withName(name string) *blob {
	if b.name == name {
		return b
	}
	c := *b
	c.name, c.ctype = name, contentType(name, b.utf8)
	return &c
}

// unwrapPath drops the *fs.PathError so the message shows the user's path
// once, keeping the cause (fs.ErrNotExist …) for errors.Is.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

type blobKey struct {
	path  string
	size  int64
	mtime int64
}

// blobCache is a least-recently-used cache of encoded files bounded by their
// encoded size and by maxCachedBlobs files, so a file shared by many rows
// (a brochure) is read and encoded once. A file changed on disk has a new
// key. A nil *blobCache caches nothing. It is safe for concurrent use.
type blobCache struct {
	mu    sync.Mutex
	max   int64
	used  int64
	order *list.List // of *cacheEntry, most recent first
	items map[blobKey]*list.Element
}

// maxCachedBlobs bounds the files a blobCache keeps whatever their size:
// with a small file of each recipient's own (an invoice of a few KB),
// which no other row attaches, the bytes bound alone kept an entry a row,
// hundreds of bytes each beyond the file's (send's peak RSS grew by about
// 900 bytes a recipient). Files many rows share are a handful.
const maxCachedBlobs = 1024

type cacheEntry struct {
	key blobKey
	b   *blob
}

func newBlobCache(max int64) *blobCache {
	if max <= 0 {
		return nil
	}
	return &blobCache{max: max, order: list.New(), items: map[blobKey]*list.Element{}}
}

func (c *blobCache) get(k blobKey) *blob {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheEntry).b
	}
	return nil
}

func (c *blobCache) put(k blobKey, b *blob) {
	if c == nil || int64(len(b.enc)) > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	c.items[k] = c.order.PushFront(&cacheEntry{key: k, b: b})
	c.used += int64(len(b.enc))
	for c.used > c.max || c.order.Len() > maxCachedBlobs {
		e := c.order.Back()
		ce := e.Value.(*cacheEntry)
		c.order.Remove(e)
		delete(c.items, ce.key)
		c.used -= int64(len(ce.b.enc))
	}
}

// backslashHint is the hint for a missing file whose path p holds a
// backslash, Windows' folder separator, where it separates no folders,
// or starts with a drive letter (C:\Users\anna\x.pdf, C:/Users/…);
// "" otherwise.
func backslashHint(p string) string {
	if filepath.Separator == '\\' {
		return ""
	}
	slashed := strings.ReplaceAll(p, `\`, "/")
	if driveLetterRE.MatchString(p) || strings.HasPrefix(slashed, "//") {
		// A Windows path: a file on the computer the sheet was made on.
		base := path.Base(slashed)
		return fmt.Sprintf(" (a Windows path names a file on the computer the sheet was written on: copy %s into the campaign folder and write its path from there, with / between folders, as in %q)", base, base)
	}
	if !strings.Contains(p, `\`) {
		return ""
	}
	if climbs(slashed) {
		// One that climbs: no path to suggest.
		return " (a \\ separates no folders here, and a .. leads nowhere: write the file's path inside the campaign folder, with / between folders)"
	}
	return fmt.Sprintf(" (a \\ separates no folders here: write / between folders, as in %q)", slashed)
}

// driveLetterRE matches a path starting with a Windows drive letter.
var driveLetterRE = regexp.MustCompile(`^[A-Za-z]:[\\/]`)

// quotePath is p in double quotes, as %q writes it but for a backslash,
// which stays one (a Windows path reads as the sheet has it, not
// "C:\\Users"); as %q writes it when p holds a quote or a character
// %q escapes otherwise.
func quotePath(p string) string {
	q := strconv.Quote(p)
	if q == `"`+strings.ReplaceAll(p, `\`, `\\`)+`"` {
		return `"` + p + `"`
	}
	return q
}

// spaceHint is the hint of a missing attachment whose path p has a space
// (any white space: a no-break space too) before or after a '/': names
// seldom do, cells often (fromData: the path came from the sheet; the
// value's own ends are trimmed already). It says where, and whether the
// path without those spaces is there; the path is not trimmed, as a name
// may truly have one. "" when p has none.
func (a *attacher) spaceHint(p string, fromData bool) string {
	p = filepath.ToSlash(p)
	where := spaceWhere(p)
	if where == "" {
		return ""
	}
	hint := " (the path has a space " + where
	if fromData {
		hint += "; the sheet's cell may hold one"
	}
	parts := strings.Split(p, "/")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	trimmed := strings.Join(parts, "/")
	full := filepath.FromSlash(trimmed)
	if !filepath.IsAbs(full) {
		full = filepath.Join(a.root, full)
	}
	if _, err := os.Stat(full); err == nil {
		hint += fmt.Sprintf("; %q, without it, is there", trimmed)
	}
	return hint + ")"
}

// spaceWhere says where the slash path p has its first space next to a
// '/': "after '/'" or "before '/'"; "" when it has none there.
func spaceWhere(p string) string {
	for i, r := range p {
		switch {
		case !unicode.IsSpace(r):
		case strings.HasSuffix(p[:i], "/"):
			return "after '/'"
		case strings.HasPrefix(strings.TrimLeftFunc(p[i:], unicode.IsSpace), "/"):
			return "before '/'"
		}
	}
	return ""
}

// extensionHint is the hint of a missing attachment full (an absolute
// path) whose folder holds it with one extension more (INV-7.pdf for
// INV-7, INV-7.pdf.pdf for INV-7.pdf), as Windows Explorer, which hides
// known extensions, makes names typed or saved: the file's path from the
// attachment folder. fromData as caseHint. "" when there is none such.
func (a *attacher) extensionHint(full string, fromData bool) string {
	found := a.names.withExtension(full)
	if found == "" || !a.mayName(found, fromData) {
		return ""
	}
	return fmt.Sprintf(" (the folder holds %q: Windows Explorer hides known extensions such as %s, so a name is typed without its own or saved with it twice; write the name as it is, or rename the file)", a.fromRoot(found), filepath.Ext(found))
}

// mayName reports whether a hint may name found, a file in the attachment
// folder: when the path came from the sheet (fromData), only one the row
// could attach (inside the folder, not one of the campaign's own files).
func (a *attacher) mayName(found string, fromData bool) bool {
	if !fromData {
		return true
	}
	real, err := filepath.EvalSymlinks(found)
	return err == nil && campaign.Inside(a.rootReal, real) && a.private(found, real) == nil
}

// fromRoot is found, a path in the attachment folder, from that folder
// with / between folders (as a sheet writes it); found itself when it is
// outside.
func (a *attacher) fromRoot(found string) string {
	if rel, err := filepath.Rel(a.root, found); err == nil && campaign.Inside(a.root, found) {
		return filepath.ToSlash(rel)
	}
	return found
}

// caseHint is the hint of a missing attachment full (an absolute path)
// that is there with its name, or a folder's on its way, in another case
// (Invoice-7.PDF for invoice-7.pdf: the sheet was written on Windows,
// where names ignore case, but not here): the path to write, from the
// attachment folder. fromData: the path came from the sheet, and a file
// it may not attach is not named. "" when there is none such.
func (a *attacher) caseHint(full string, fromData bool) string {
	found := a.names.otherCase(full)
	if found == "" || !a.mayName(found, fromData) {
		return ""
	}
	return fmt.Sprintf(" (names differ in case here, unlike on Windows: the file is %q; write its name so, or rename the file)", a.fromRoot(found))
}

// noSuchFile is a missing attachment's error: it names the path looked
// for, and is fs.ErrNotExist to errors.Is.
type noSuchFile string

func (e noSuchFile) Error() string        { return "no such file (looked for " + string(e) + ")" }
func (e noSuchFile) Is(target error) bool { return target == fs.ErrNotExist }
