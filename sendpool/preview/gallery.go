package preview

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/statefile"
)

// The preview gallery is a static page written beside the .eml files:
//
//	index.html                       the page (strict Content-Security-Policy)
//	gallery/gallery.js, gallery.css  the page's code (after report.UnseenScript) and style, from galleryAssets
//	gallery/rows.js                  counts: tidings.meta({...})
//	gallery/rows-0001.js ...         the list, galleryChunkRows rows each, and the
//	                                 warnings they have, each once: tidings.rows(1, [...], [...])
//	gallery/msg/000002-key.js        one message, parsed: tidings.message("000002-key", {...})
//
// It is opened from disk (file://), where browsers refuse fetch() and XHR of
// local files, so every piece of data is a script the page loads with a
// <script src> element: the list in chunks one after the other, a message
// only when the user opens it. Data reaches the scripts only as JSON from
// encoding/json, which escapes <, >, &, U+2028 and U+2029, so no value can
// end the script or the JavaScript string it is in; the page builds its DOM
// with textContent and never with innerHTML.

// galleryAssets are the page's static files.
//
//go:embed gallery/index.html gallery/gallery.js gallery/gallery.css
var galleryAssets embed.FS

const (
	// galleryDir is the gallery's folder inside the preview folder.
	galleryDir = "gallery"
	// galleryChunkRows is the number of list rows per rows-NNNN.js file:
	// 100,000 recipients make 100 files of about 150 KB.
	galleryChunkRows = 1000
	// galleryRawLimit caps the raw source kept in a message's script; the
	// page links the complete .eml.
	galleryRawLimit = 64 << 10
	// galleryInlineLimit caps the inline (cid:) images embedded as data:
	// URLs in one message's script.
	galleryInlineLimit = 10 << 20
	// galleryMaxDepth bounds the nesting of multipart bodies.
	galleryMaxDepth = 16
)

// galleryRow is one list entry in rows-NNNN.js. Keys are short because a
// campaign of 100,000 recipients repeats them 100,000 times.
type galleryRow struct {
	Row int    `json:"r"`
	Key string `json:"k,omitempty"`
	To  string `json:"t,omitempty"`
	// Who is To as each mailbox's name and address, for the list to show
	// readably (report.Who); nil for a bare address, which To shows as well.
	Who     [][2]string `json:"w,omitempty"`
	Subject string      `json:"s,omitempty"`
	Invalid bool        `json:"x,omitempty"`
	// Skipped is the status of a row send will not send (duplicate,
	// suppressed, failed …): listed with why (Problem), never as a message.
	Skipped string `json:"n,omitempty"`
	// Done is the status of a row an earlier run sent (sent, unknown):
	// listed with its message as it went out (File), from the spool.
	Done string `json:"d,omitempty"`
	// Addrs are every envelope recipient (To, Cc, Bcc), for the search.
	Addrs       string              `json:"e,omitempty"`
	Problem     string              `json:"p,omitempty"`
	File        string              `json:"f,omitempty"`
	Size        int                 `json:"z,omitempty"`
	Attachments []galleryAttachment `json:"a,omitempty"`
	// Warnings are the row's (Row.Warnings), shown as text; the chunk
	// writes each once (chunkWords), the rows naming them by WarnAt.
	Warnings []string `json:"-"`
	// WarnAt are where Warnings are in the chunk's words (chunkWords).
	WarnAt []int `json:"wa,omitempty"`
}

// galleryAttachment names an attached file and its size in bytes.
type galleryAttachment struct {
	Name string `json:"n"`
	Size int64  `json:"z"`
}

// galleryMeta is the content of rows.js.
type galleryMeta struct {
	Total   int `json:"total"`
	OK      int `json:"ok"`
	Invalid int `json:"invalid"`
	Skipped int `json:"skipped"`
	Sent    int `json:"sent"`
	// CameBack counts the rows an earlier run sent that bounced,
	// soft-bounced or drew a complaint since (tidings bounces: Done is
	// then that status, as the report gives it): not in Sent, but in a
	// filter of their own.
	CameBack int `json:"cameBack"`
	// Warned counts the rows with warnings, whatever their status: the
	// Warnings filter's.
	Warned    int `json:"warned"`
	Chunks    int `json:"chunks"`
	ChunkRows int `json:"chunkRows"`
	// Sheet are the warnings about the whole sheet (Writer.SheetWarnings),
	// shown once above the list.
	Sheet []string `json:"sheet,omitempty"`
}

// cameBack reports whether done, a row's Done, is what came back for
// its message since it was sent (bounced, soft-bounce, complained).
func cameBack(done string) bool {
	switch done {
	case sendpool.StatusBounced.String(), sendpool.StatusSoftBounce.String(), sendpool.StatusComplained.String():
		return true
	}
	return false
}

// galleryRowOf turns a report row into a list entry.
func galleryRowOf(r Row) galleryRow {
	g := galleryRow{
		Row: r.Row, Key: r.Key, To: r.To, Who: report.Who(r.To), Subject: r.Subject,
		Problem: r.Problem, File: r.File, Size: r.Size, Addrs: strings.Join(r.Recipients, " "),
		Warnings: r.Warnings,
	}
	switch {
	case r.Status == "ok":
	case r.Status == "invalid":
		g.Invalid = true
	case r.File != "":
		g.Done = r.Status
	default:
		g.Skipped = r.Status
	}
	for _, a := range r.Attachments {
		g.Attachments = append(g.Attachments, galleryAttachment{Name: a.Name, Size: a.Size})
	}
	return g
}

// writeGallery writes index.html, its assets and the list of rows (in
// sheet order) into dir (see galleryWriter).
func writeGallery(dir string, rows iter.Seq[Row]) error {
	g, err := newGalleryWriter(dir)
	if err != nil {
		return err
	}
	for r := range rows {
		if err := g.add(r); err != nil {
			return err
		}
	}
	return g.finish()
}

// galleryWriter writes the gallery's list a chunk at a time, rows given
// in sheet order: it holds one chunk of rows, whatever their number. The
// message scripts are written by writeGalleryMessage as messages arrive;
// index.html is written last and replaced atomically.
type galleryWriter struct {
	dir   string // the gallery's folder
	meta  galleryMeta
	chunk []galleryRow
	keep  map[string]bool // the chunk files written
	buf   bytes.Buffer
	// covered reports a row's warning the sheet's warnings say
	// (Writer.SheetWarnings); nil: none.
	covered func(row int, warning string) bool
}

// sheet gives the warnings about the whole sheet, and which of a row's
// they cover (Writer.SheetWarnings).
func (g *galleryWriter) sheet(words []string, covered func(row int, warning string) bool) {
	g.meta.Sheet, g.covered = words, covered
}

// newGalleryWriter writes the page's assets into dir's gallery folder.
func newGalleryWriter(dir string) (*galleryWriter, error) {
	gdir := filepath.Join(dir, galleryDir)
	if err := statefile.Mkdir(gdir); err != nil {
		return nil, fmt.Errorf("preview: gallery: %w", err)
	}
	for _, name := range []string{"gallery.js", "gallery.css"} {
		b, err := galleryAssets.ReadFile(galleryDir + "/" + name)
		if err != nil {
			return nil, fmt.Errorf("preview: gallery: %w", err)
		}
		if name == "gallery.js" {
			b = append([]byte(report.UnseenScript()), b...)
		}
		if err := statefile.WriteFile(filepath.Join(gdir, name), b); err != nil {
			return nil, fmt.Errorf("preview: gallery: %w", err)
		}
	}
	return &galleryWriter{dir: gdir, meta: galleryMeta{ChunkRows: galleryChunkRows}, keep: map[string]bool{}}, nil
}

// add lists r, the next row.
func (g *galleryWriter) add(r Row) error {
	if g.covered != nil {
		r.Warnings = slices.DeleteFunc(slices.Clone(r.Warnings), func(w string) bool { return g.covered(r.Row, w) })
	}
	row := galleryRowOf(r)
	g.meta.Total++
	if len(row.Warnings) > 0 {
		g.meta.Warned++
	}
	switch {
	case row.Invalid:
		g.meta.Invalid++
	case row.Skipped != "":
		g.meta.Skipped++
	case cameBack(row.Done):
		g.meta.CameBack++
	case row.Done != "":
		g.meta.Sent++
	default:
		g.meta.OK++
	}
	if g.chunk = append(g.chunk, row); len(g.chunk) == galleryChunkRows {
		return g.flush()
	}
	return nil
}

// flush writes the rows held as the next rows-NNNN.js.
func (g *galleryWriter) flush() error {
	if len(g.chunk) == 0 {
		return nil
	}
	g.meta.Chunks++
	name := galleryChunkName(g.meta.Chunks)
	g.keep[name] = true
	g.buf.Reset()
	fmt.Fprintf(&g.buf, "tidings.rows(%d,", g.meta.Chunks)
	words := chunkWords(g.chunk)
	if err := galleryJSON(&g.buf, g.chunk); err != nil {
		return err
	}
	g.buf.WriteByte(',')
	if err := galleryJSON(&g.buf, words); err != nil {
		return err
	}
	g.buf.WriteString(");\n")
	if err := statefile.WriteFile(filepath.Join(g.dir, name), g.buf.Bytes()); err != nil {
		return fmt.Errorf("preview: gallery: %w", err)
	}
	g.chunk = g.chunk[:0]
	return nil
}

// chunkWords are the distinct warnings of rows, each once, in the order
// first met; it sets each row's WarnAt to where its Warnings are in them.
// A constant template gives every row the same warning (a body without
// the unsubscribe link, 360 characters): written with each row, it made
// the list of 100,000 rows 30 MB larger.
func chunkWords(rows []galleryRow) []string {
	words := []string{}
	at := map[string]int{}
	for i := range rows {
		r := &rows[i]
		r.WarnAt = nil
		for _, w := range r.Warnings {
			k, ok := at[w]
			if !ok {
				k = len(words)
				at[w] = k
				words = append(words, w)
			}
			r.WarnAt = append(r.WarnAt, k)
		}
	}
	return words
}

// finish writes the last chunk, rows.js and index.html.
func (g *galleryWriter) finish() error {
	if err := g.flush(); err != nil {
		return err
	}
	// Chunks of an earlier, longer preview into the same folder are never
	// loaded (rows.js names the count) but would be stale data on disk.
	old, _ := filepath.Glob(filepath.Join(g.dir, "rows-*.js"))
	for _, p := range old {
		if !g.keep[filepath.Base(p)] {
			os.Remove(p)
		}
	}
	g.buf.Reset()
	g.buf.WriteString("tidings.meta(")
	if err := galleryJSON(&g.buf, g.meta); err != nil {
		return err
	}
	g.buf.WriteString(");\n")
	if err := statefile.WriteFile(filepath.Join(g.dir, "rows.js"), g.buf.Bytes()); err != nil {
		return fmt.Errorf("preview: gallery: %w", err)
	}
	index, err := galleryAssets.ReadFile(galleryDir + "/index.html")
	if err != nil {
		return fmt.Errorf("preview: gallery: %w", err)
	}
	return report.WriteAtomic(filepath.Join(filepath.Dir(g.dir), "index.html"), index)
}

// galleryChunkName is the file name of the n-th (1-based) list chunk.
func galleryChunkName(n int) string { return fmt.Sprintf("rows-%04d.js", n) }

// galleryMessageID is the id under which the page loads an .eml's parsed
// form: the .eml's name without the extension.
func galleryMessageID(emlName string) string { return strings.TrimSuffix(emlName, ".eml") }

// galleryJSON appends v as JSON that is safe inside a script: encoding/json
// escapes <, >, & as \u003c, \u003e, \u0026 and U+2028/U+2029 always.
func galleryJSON(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("preview: gallery: %w", err)
	}
	// Encode ends with a newline; keep the call on one line.
	buf.Truncate(buf.Len() - 1)
	return nil
}
