package spool

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/statefile"
)

// Folder is the spool's folder inside a campaign's state folder.
const Folder = render.StateSpool

// File name extensions of a generation's files.
const (
	extRows     = ".rows"
	extMsgs     = ".msgs"
	extIndex    = ".index"
	extManifest = ".json"
	// extAttachments holds the attachment records (ScanAttachments).
	extAttachments = ".atts"
	extUsed        = ".used"
	extDamaged     = ".damaged"
)

// Inputs says what a generation was made from: a digest of the campaign's
// inputs. The attachment files its messages carry (named by row data, so
// known only once every row is rendered) are not here but in its
// attachment records (Writer.AddAttachment, ScanAttachments): a record a
// row, in a file of their own, so that neither the manifest nor a command
// that only needs it grows with the campaign.
type Inputs struct {
	// Digest is the hex SHA-256 over the campaign file (its settings the
	// messages are made of, not its sending settings), its templates and
	// inline images, the sheet and the DKIM keys.
	Digest string `json:"digest"`
	// Files maps each file Digest covers but the sheet (the campaign file,
	// its templates, inline images and DKIM keys), by its path relative
	// to the campaign's folder, to the hex SHA-256 of its content (the
	// campaign file's: of the campaign as loaded, its sending settings
	// cleared, campaign.Campaign.MessagesDigest), to say which changed
	// between generations; nil in generations of an older tidings.
	Files map[string]string `json:"files,omitempty"`
	// Attachments maps the attachments named without row data (the same
	// file in every message), by path relative to the campaign's folder,
	// to the hex SHA-256 of their content, to say which changed between
	// generations as Files does (not in Digest: the attachment records
	// tell whether a generation may be reused); nil in generations of an
	// older tidings and of campaigns without such an attachment.
	Attachments map[string]string `json:"attachments,omitempty"`
	// SheetWarnings are the sheet's warnings (campaign.Sheet.Warnings)
	// as the preflight that made the generation read it, to its end: a
	// send that reuses the generation reads the sheet no further than its
	// last row to send, or not at all, and tells them from here (a status
	// column's blocklisted rows are counted at the end). Nil in
	// generations of an older tidings, and of a sheet without warnings.
	SheetWarnings []string `json:"sheet_warnings,omitempty"`
}

// manifest is a generation's .json file.
type manifest struct {
	Version    int       `json:"version"`
	Created    time.Time `json:"created"`
	Inputs     Inputs    `json:"inputs"`
	Rows       int       `json:"rows"`
	Messages   int       `json:"messages"`
	RowsBytes  int64     `json:"rows_bytes"`
	MsgsBytes  int64     `json:"msgs_bytes"`
	IndexBytes int64     `json:"index_bytes"`
	// IndexCRC is the CRC-32C of the index file: its records say where
	// every row is, and no frame checksum covers them. 0 in generations
	// of an older tidings (not checked then).
	IndexCRC uint32 `json:"index_crc,omitempty"`
	// Started is when the Writer began (zero in generations of an older
	// tidings): no message of it was rendered, nor dated, before.
	Started time.Time `json:"started,omitzero"`
	// Atts sums up the attachment records; nil in generations of an
	// older tidings, which listed the attachments in Inputs instead (that
	// list is not read: see ErrNoAttachmentRecords).
	Atts *attachmentsSummary `json:"attachment_records,omitempty"`
	// AttsClock is the state folder's file system's clock as the
	// attachment records were begun (Generation.AttachmentClock); nil in
	// generations of an older tidings, and where the platform does not
	// tell a file's device: no file's size and time are trusted then.
	AttsClock *attachmentClock `json:"attachment_clock,omitempty"`
	// Copies says the generation's message records keep each message's
	// Cc and Bcc (render.Message.Cc, Bcc; flagCopies): false in
	// generations of an older tidings, whose records have neither, even
	// of a message that had them (see Generation.KeepsCopies).
	Copies bool `json:"copies,omitempty"`
	// Checksum is ManifestChecksum of the rest: a manifest changed since
	// it was written, and still JSON (a count, a digest or a time edited),
	// is damaged. "" in generations of an older tidings (not checked
	// then).
	Checksum string `json:"checksum,omitempty"`
}

// ManifestChecksum is the checksum a generation's manifest (data, its
// JSON) must carry in its "checksum" member: the hex SHA-256 of the
// manifest's other members in canonical form, compact JSON with every
// object's keys sorted and numbers as written (what encoding/json's
// Marshal makes of it decoded with UseNumber into a map). The member
// itself, when there, is left out. An error when data is not a JSON
// object.
func ManifestChecksum(data []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var members map[string]any
	if err := dec.Decode(&members); err != nil {
		return "", fmt.Errorf("spool: manifest: %w", err)
	}
	delete(members, "checksum")
	canonical, err := json.Marshal(members)
	if err != nil {
		return "", fmt.Errorf("spool: manifest: %w", err)
	}
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:]), nil
}

// Store is the spool of one campaign: its generations in the state
// folder's spool/. It is not safe for concurrent use; a send holds the
// campaign's lock while it writes one.
type Store struct {
	dir    string
	create CreateFunc
	// loaded keeps each manifest read, so that a command reads it once
	// however often it lists the generations (see loadCached).
	loaded map[int]loadedManifest
}

// OpenStore returns the spool in stateDir (its folder is made when the
// first generation is written).
func OpenStore(stateDir string) *Store {
	return &Store{dir: filepath.Join(stateDir, Folder)}
}

// SetCreate replaces how the store creates files (tests inject a full
// disk); nil restores the default.
func (s *Store) SetCreate(create CreateFunc) { s.create = create }

// Dir is the spool's folder.
func (s *Store) Dir() string { return s.dir }

// Generation is one spooled preflight of a campaign.
type Generation struct {
	dir string
	num int
	m   *manifest // nil until complete
	// unreadable is Unreadable's error; m is then an empty manifest.
	unreadable error
	// manifestBytes is the size of the manifest file.
	manifestBytes int64
}

func (g *Generation) path(ext string) string {
	return filepath.Join(g.dir, fmt.Sprintf("g%04d%s", g.num, ext))
}

// Dir is the spool's folder the generation is in.
func (g *Generation) Dir() string { return g.dir }

// Number is the generation's sequence number (1, 2, …).
func (g *Generation) Number() int { return g.num }

// Created is when the generation was completed.
func (g *Generation) Created() time.Time { return g.m.Created }

// Started is when the generation was begun: its messages are dated from
// then on (the Date header and DKIM timestamp are when each was
// rendered). Created for a generation of an older tidings, which did not
// record it.
func (g *Generation) Started() time.Time {
	if g.m.Started.IsZero() {
		return g.m.Created
	}
	return g.m.Started
}

// Unreadable is why a generation messages went out from (Used) cannot be
// read at all, an error wrapping ErrCorrupt that names the file: its
// manifest damaged or gone, or a file of another size than the manifest
// gives. A crash does not leave a used generation so (its manifest is
// written before it is marked used): it was damaged since. Nil for every
// other generation. Open returns this error, and the manifest's facts
// (Created, Inputs, Size, …) of such a generation are zero.
func (g *Generation) Unreadable() error { return g.unreadable }

// Inputs is what the generation was made from.
func (g *Generation) Inputs() Inputs { return g.m.Inputs }

// KeepsCopies reports whether the generation's message records keep
// each message's Cc and Bcc. A generation of an older tidings does not:
// its messages read back with neither, whatever they went out with, so a
// send of a campaign with a Cc or Bcc does not send from it (the journal
// and report would say its messages had none).
func (g *Generation) KeepsCopies() bool { return g.m.Copies }

// Messages counts its messages, Rows its sheet rows.
func (g *Generation) Messages() int { return g.m.Messages }

// Rows counts the sheet rows the generation has a record of.
func (g *Generation) Rows() int { return g.m.Rows }

// Size is the bytes the generation's files take: its records, index,
// attachment records and manifest (the marks are empty).
func (g *Generation) Size() int64 {
	size := g.m.RowsBytes + g.m.MsgsBytes + g.m.IndexBytes + g.manifestBytes
	if g.m.Atts != nil {
		size += g.m.Atts.Bytes
	}
	return size
}

// checkManifest says how the manifest m, read from data, was changed
// since it was written: its checksum differs, or is missing from a
// manifest of a tidings that writes one (it has an attachment clock, which
// the same version began to write). nil for an intact one, and for one of
// an older tidings, which has neither.
func checkManifest(data []byte, m *manifest) error {
	if m.Checksum == "" {
		if m.AttsClock != nil {
			return errors.New("has lost its checksum since it was written")
		}
		return nil
	}
	if sum, err := ManifestChecksum(data); err != nil || sum != m.Checksum {
		return errors.New("was changed since it was written (its checksum differs)")
	}
	return nil
}

// writeManifest writes m as the generation's manifest, durably and
// atomically, which completes it.
func (g *Generation) writeManifest(m *manifest) error {
	m.Checksum = ""
	data, err := json.Marshal(m)
	if err == nil {
		m.Checksum, err = ManifestChecksum(data)
	}
	if err == nil {
		data, err = json.MarshalIndent(m, "", "  ")
	}
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	path := g.path(extManifest)
	if err := statefile.WriteAtomic(path, append(data, '\n')); err != nil {
		return fmt.Errorf("spool: writing %s: %w", path, err)
	}
	g.m, g.manifestBytes = m, int64(len(data)+1)
	return nil
}

func writeSynced(path string, data []byte) error {
	f, err := statefile.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, statefile.FileMode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// remove deletes the generation's files (the manifest first, so a
// half-removed generation is never taken for a complete one).
func (g *Generation) remove() {
	for _, ext := range []string{extManifest, extManifest + ".tmp", extUsed, extDamaged, extIndex, extMsgs, extRows, extAttachments} {
		os.Remove(g.path(ext))
	}
}

// MarkUsed records, durably, that messages of the generation are about to
// be handed to a server: from then on it is part of the record of what went
// out, and Clean keeps it.
func (g *Generation) MarkUsed() error {
	if g.Used() {
		return nil
	}
	if err := writeSynced(g.path(extUsed), nil); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if err := statefile.SyncDir(g.dir); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}

// Used reports whether messages of the generation may have been sent.
func (g *Generation) Used() bool {
	_, err := os.Stat(g.path(extUsed))
	return err == nil
}

// MarkDamaged records that the generation was found damaged (an error
// wrapping ErrCorrupt): no send reuses it (see Damaged). What went out
// from it stays listed, as far as it can be read.
func (g *Generation) MarkDamaged() error {
	if err := writeSynced(g.path(extDamaged), nil); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if err := statefile.SyncDir(g.dir); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}

// Damaged reports whether MarkDamaged was called on the generation.
func (g *Generation) Damaged() bool {
	_, err := os.Stat(g.path(extDamaged))
	return err == nil
}

// numbers lists the generations in the folder (complete or not), newest
// first.
func (s *Store) numbers() ([]int, error) {
	ents, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	seen := map[int]bool{}
	for _, e := range ents {
		name := e.Name()
		if len(name) < 6 || name[0] != 'g' {
			continue
		}
		n, err := strconv.Atoi(name[1:5])
		if err == nil && n > 0 && strings.HasPrefix(name[5:], ".") {
			seen[n] = true
		}
	}
	var out []int
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out, nil
}

// Generations returns the complete generations, newest first. A
// generation cut short (no manifest, or files of other sizes than it
// gives), as a crash or a full disk leaves one, is left out; Clean
// removes it. One that messages went out from (Used) is never left out:
// when it does not read so, it was damaged since, and is returned with
// why (Unreadable).
func (s *Store) Generations() ([]*Generation, error) {
	nums, err := s.numbers()
	if err != nil {
		return nil, err
	}
	var out []*Generation
	for _, n := range nums {
		g := &Generation{dir: s.dir, num: n}
		switch err := s.loadCached(g); {
		case err == nil:
			out = append(out, g)
		case errors.Is(err, ErrCorrupt) && g.Used():
			g.m, g.unreadable = &manifest{}, err
			out = append(out, g)
		}
	}
	return out, nil
}

// loadedManifest is a manifest read, and its file as it was then.
type loadedManifest struct {
	m    *manifest
	file os.FileInfo
}

// loadCached is g.load, the manifest read from the file only when this
// store has not read that file already (the same file, of the same size
// and time: a generation removed and made again under its number is read
// again). The other files' sizes are checked every time.
func (s *Store) loadCached(g *Generation) error {
	fi, err := os.Stat(g.path(extManifest))
	if err != nil {
		return g.load() // missing: ErrCorrupt, or the error of reading it
	}
	if c, ok := s.loaded[g.num]; ok && os.SameFile(c.file, fi) && c.file.Size() == fi.Size() && c.file.ModTime().Equal(fi.ModTime()) {
		g.m, g.manifestBytes = c.m, fi.Size()
		if err := g.checkSizes(c.m); err != nil {
			g.m = nil
			return err
		}
		return nil
	}
	if err := g.load(); err != nil {
		return err
	}
	if s.loaded == nil {
		s.loaded = map[int]loadedManifest{}
	}
	s.loaded[g.num] = loadedManifest{m: g.m, file: fi}
	return nil
}

// load reads and checks the manifest; an error wrapping ErrCorrupt when
// it is missing, does not decode, does not match its checksum (changed
// since it was written; a manifest of an older tidings has none) or does
// not match the files.
func (g *Generation) load() error {
	path := g.path(extManifest)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s is missing", ErrCorrupt, path)
	}
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("%w: manifest %s: %w", ErrCorrupt, path, err)
	}
	if m.Version != formatVersion {
		return fmt.Errorf("spool: generation %d is of format %d, not %d", g.num, m.Version, formatVersion)
	}
	if err := checkManifest(data, &m); err != nil {
		return fmt.Errorf("%w: manifest %s %s", ErrCorrupt, path, err)
	}
	if err := g.checkSizes(&m); err != nil {
		return err
	}
	g.m, g.manifestBytes = &m, int64(len(data))
	return nil
}

// checkSizes checks that g's files of rows and messages have the sizes
// m gives. The attachment records are left out: damage there takes
// nothing of what went out (the generation is then no longer reused:
// ScanAttachments checks their count and digest).
func (g *Generation) checkSizes(m *manifest) error {
	sizes := map[string]int64{extRows: m.RowsBytes, extMsgs: m.MsgsBytes, extIndex: m.IndexBytes}
	for ext, want := range sizes {
		fi, err := os.Stat(g.path(ext))
		if err != nil || fi.Size() != want {
			return fmt.Errorf("%w: %s is not the size its manifest gives", ErrCorrupt, g.path(ext))
		}
	}
	if m.IndexBytes%indexRecordSize != 0 {
		return fmt.Errorf("%w: index size", ErrCorrupt)
	}
	return nil
}

// Create starts a new generation, numbered after every one in the folder.
func (s *Store) Create() (*Writer, error) {
	if err := statefile.Mkdir(s.dir); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	nums, err := s.numbers()
	if err != nil {
		return nil, err
	}
	next := 1
	if len(nums) > 0 {
		next = nums[0] + 1
	}
	if next > 9999 {
		return nil, fmt.Errorf("spool: %s holds generation %d: remove old ones", s.dir, nums[0])
	}
	return newWriter(&Generation{dir: s.dir, num: next}, s.create)
}

// Clean removes the generations cut short and, of the complete ones, those
// keep does not want (keep sees each complete generation, newest first).
// A used generation (MarkUsed) is never removed, whether it reads or not:
// it is the record of what went out, and what a Sent copy still owed is
// made from.
func (s *Store) Clean(keep func(*Generation) bool) error {
	nums, err := s.numbers()
	if err != nil {
		return err
	}
	for _, n := range nums {
		g := &Generation{dir: s.dir, num: n}
		if g.Used() {
			continue
		}
		if s.loadCached(g) != nil || keep != nil && !keep(g) {
			g.remove()
			delete(s.loaded, n)
		}
	}
	return nil
}
