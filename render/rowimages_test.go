package render

import (
	"bytes"
	"errors"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// qrPNG is a real PNG whose bytes differ by n (a text chunk), standing for
// attendee n's own QR code.
func qrPNG(n string) string {
	return pngBytes[:len(pngBytes)-12] + "\x00\x00\x00\x00tEXt" + n + pngBytes[len(pngBytes)-12:]
}

// ticketCampaign is a campaign whose HTML body shows the logo beside it
// and each attendee's own QR code, the path in the column qr_file.
func ticketCampaign(t *testing.T, body string, files map[string]string) *env {
	t.Helper()
	all := map[string]string{"body.html": body, "logo.png": pngBytes}
	for k, v := range files {
		all[k] = v
	}
	return setup(t, yamlWith(map[string]string{"name": "tickets", "text": "", "html": "body.html"}), all, []string{"email", "qr_file"})
}

// rowImageParts renders row and reads back the message: the src values
// of its <img> tags, and its inline parts by Content-ID.
func rowImageParts(t *testing.T, e *env, r campaign.Row) (srcs []string, parts map[string]leaf, m *Message) {
	t.Helper()
	m, err := e.r.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	leaves, _ := walk(t, msg.Header, msg.Body)
	parts = map[string]leaf{}
	for _, l := range leaves {
		if l.ctype == "text/html" {
			for _, s := range regexp.MustCompile(`src="([^"]*)"`).FindAllStringSubmatch(string(l.body), -1) {
				srcs = append(srcs, s[1])
			}
		}
		if l.cid != "" {
			if _, dup := parts[l.cid]; dup {
				t.Errorf("Content-ID %s twice in one message", l.cid)
			}
			parts[l.cid] = l
		}
	}
	return srcs, parts, m
}

// TestRowImage: an inline image of each row's own, <img
// src="cid:{{.qr_file}}"> (a conference's tickets, each with its QR
// code), was refused at its line (rev-user17); each row's message now
// carries its own file inline under the cid its HTML names, beside the
// template's logo, as the golden file shows, byte for byte again.
func TestRowImage(t *testing.T) {
	e := ticketCampaign(t, `<p>Your ticket</p><img src="cid:logo.png"><img src="cid:{{.qr_file}}" alt="QR">`+"\n",
		map[string]string{"qr/0042.png": qrPNG("42"), "qr/Jörg Müller.png": qrPNG("43")})
	for _, tc := range []struct {
		row      campaign.Row
		file     string
		filename string
	}{
		{row(2, "email", "ann@example.com", "qr_file", "qr/0042.png"), "qr/0042.png", "0042.png"},
		{row(3, "email", "jorg@example.com", "qr_file", "qr/Jörg Müller.png"), "qr/Jörg Müller.png", "Jörg Müller.png"},
	} {
		srcs, parts, m := rowImageParts(t, e, tc.row)
		if len(srcs) != 2 || srcs[0] != "cid:logo.png@tickets" {
			t.Fatalf("row %d: src values %q, want the logo's and the QR code's", tc.row.Number, srcs)
		}
		qr, ok := parts["<"+strings.TrimPrefix(srcs[1], "cid:")+">"]
		data, _ := os.ReadFile(filepath.Join(e.dir, tc.file))
		if !ok || !bytes.Equal(qr.body, data) || qr.ctype != "image/png" || qr.disp != "inline" || qr.filename != tc.filename {
			t.Errorf("row %d: %s names %+v (parts %v), want %s's bytes, image/png, inline, filename %q", tc.row.Number, srcs[1], qr, slices.Collect(mapKeys(parts)), tc.file, tc.filename)
		}
		if len(m.Images) != 1 || m.Images[0].Path != filepath.Join(e.dir, tc.file) || m.Images[0].SHA256 == "" {
			t.Errorf("row %d: Message.Images %+v, want %s", tc.row.Number, m.Images, tc.file)
		}
		golden(t, "row_image_"+strconv.Itoa(tc.row.Number), m.Data)
	}
}

func mapKeys(m map[string]leaf) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// golden compares data with testdata/golden/name.eml (-update writes it).
func golden(t *testing.T, name string, data []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".eml")
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("message differs from %s (run go test -update after checking):\n%s", path, data)
	}
	checkLines(t, data, false)
}

// TestRowImageGuard: a row's image is checked as its attachment is: a
// path that leaves the campaign's folder, a file not there, one that is
// no image: the row's problem names the file and the column, and no
// message is made.
func TestRowImageGuard(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "x.png"), []byte(pngBytes), 0o644)
	e := ticketCampaign(t, `<img src="cid:{{.qr_file}}">`+"\n", map[string]string{"qr/0042.png": qrPNG("42"), "qr/ticket.pdf": "%PDF-1.4\n%…\n"})
	os.Symlink(filepath.Join(outside, "x.png"), filepath.Join(e.dir, "qr", "link.png"))
	for value, want := range map[string]string{
		"../x.png":          `"../x.png" climbs a folder with ".." from the sheet`,
		outside + "/x.png":  "is an absolute path",
		"qr/link.png":       "outside " + e.dir,
		"qr/0043.png":       `"qr/0043.png": no such file`,
		"qr/ticket.pdf":     `"qr/ticket.pdf" is 14 bytes, by its bytes not a PNG, JPEG, GIF or WebP image`,
		"campaign.yaml":     "the campaign file",
		".hidden/qr.png":    "hidden",
		"qr/0042.png\nx":    "control character",
		"qr/../qr/0042.png": "climbs a folder",
	} {
		m, err := e.r.Render(row(7, "email", "ann@example.com", "qr_file", value))
		re := rowErr(t, err)
		if re.Row != 7 || re.Column != "qr_file" || !strings.Contains(err.Error(), "inline image cid:{{.qr_file}}") || !strings.Contains(err.Error(), want) || m.Data != nil {
			t.Errorf("%q: got %v (column %q), want row 7, column qr_file, %q, no message", value, err, re.Column, want)
		}
	}
	_, err := e.r.Render(row(7, "email", "ann@example.com", "qr_file", "qr/ticket.pdf"))
	if ae, ok := errors.AsType[*AttachmentError](err); !ok || !errors.Is(err, ErrNotImage) || ae.Path != filepath.Join(e.dir, "qr", "ticket.pdf") {
		t.Errorf("not an image: got %v, want an *AttachmentError of qr/ticket.pdf wrapping ErrNotImage (the spool records the file)", err)
	}
}

// TestRowImageEmpty: a row whose cell is blank has no image: its
// message goes without one, noted (Message.NoFile) where the body shows
// it to every row, and not where it shows it only to rows that have one
// ({{if .qr_file}}); a file changed since gives the row other ValueSums,
// as an attachment changed does.
func TestRowImageEmpty(t *testing.T) {
	for body, note := range map[string]bool{
		`<p>Ticket</p><img src="cid:{{.qr_file}}">`:                          true,
		`<p>Ticket</p>{{if .qr_file}}<img src="cid:{{.qr_file}}">{{end}}`:    false,
		`<p>Ticket</p>{{with .qr_file}}<img src="cid:{{$.qr_file}}">{{end}}`: false,
	} {
		e := ticketCampaign(t, body+"\n", map[string]string{"qr/0042.png": qrPNG("42")})
		srcs, parts, m := rowImageParts(t, e, row(4, "email", "ann@example.com", "qr_file", ""))
		if len(parts) != 0 || len(m.Images) != 0 || (len(srcs) == 1) != note || note && srcs[0] != "cid:" {
			t.Errorf("%s: src %q, parts %v, Images %v: want no image", body, srcs, parts, m.Images)
		}
		if got := slices.Equal(m.NoImage, []string{"qr_file"}); got != note || m.NoFile != nil {
			t.Errorf("%s: NoImage %q, NoFile %q, want noted as an image: %v", body, m.NoImage, m.NoFile, note)
		}
		if n, err := e.r.Notes(row(4, "email", "ann@example.com", "qr_file", "")); err != nil || !slices.Equal(n.NoImage, m.NoImage) {
			t.Errorf("%s: Notes' NoImage %q, %v; want Render's %q", body, n.NoImage, err, m.NoImage)
		}
	}
	e := ticketCampaign(t, `<img src="cid:{{.qr_file}}">`+"\n", map[string]string{"qr/0042.png": qrPNG("42")})
	r := row(2, "email", "ann@example.com", "qr_file", "qr/0042.png")
	before, err := e.r.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(e.dir, "qr", "0042.png"), []byte(qrPNG("99")), 0o644)
	after, err := e.r.Render(r)
	if err != nil || after.ValuesSum == before.ValuesSum || slices.Equal(after.ValueSums, before.ValueSums) {
		t.Errorf("QR code replaced: ValuesSum %x then %x (%v), want them to differ", before.ValuesSum, after.ValuesSum, err)
	}
}

// TestRowImageMarkdown: a Markdown body has no images of each row's own:
// its cid:{{.qr}} is still an error of its line, which says where one
// goes.
func TestRowImageMarkdown(t *testing.T) {
	_, err := trySetup(t, strings.Replace(yamlWith(nil), "text: body.txt", "markdown: body.md", 1),
		map[string]string{"body.md": "Hi\n\n![QR code](cid:{{.qr}})\n"}, []string{"email", "qr"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || fe.Line != 3 || !strings.Contains(err.Error(), `an image of each row's own goes in an html: body, <img src="cid:{{.qr_file}}">`) {
		t.Errorf("got %v, want a FileError at body.md:3 saying where an image of each row's own goes", err)
	}
}

// TestRowImageOnce: one file the body names twice, as {{.qr_file}} and,
// within a {{range}}, {{$.qr_file}} (two path texts), went as two parts,
// the same bytes under two Content-IDs, and was listed twice among the
// row's files: it goes once, both src values naming it.
func TestRowImageOnce(t *testing.T) {
	e := ticketCampaign(t, `<img src="cid:{{.qr_file}}">{{range split "," .email}}<img src="cid:{{$.qr_file}}">{{end}}`+"\n",
		map[string]string{"qr/0042.png": qrPNG("42")})
	srcs, parts, m := rowImageParts(t, e, row(2, "email", "ann@example.com", "qr_file", "qr/0042.png"))
	if len(srcs) != 2 || srcs[0] != srcs[1] || len(parts) != 1 || len(m.Images) != 1 {
		t.Errorf("src values %q, %d parts, Message.Images %d; want one part both name, listed once", srcs, len(parts), len(m.Images))
	}
}

// msgIDRE is RFC 5322's msg-id of dot-atom-text on both sides, without
// the angle brackets.
var msgIDRE = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")

// TestRowImageCID: a row's image's Content-ID is a valid msg-id (RFC 2392,
// RFC 5322 3.6.4) whatever its file is named: a.. png went as
// <a..png~1@tickets>, two dots in a row, which no dot-atom holds; the src
// names the part.
func TestRowImageCID(t *testing.T) {
	names := []string{"a..png", "b...png", "a b.png", "x~y.png", "a@b.png", "été.png", "100%20.png", "Jörg Müller.png"}
	files := map[string]string{}
	for _, n := range names {
		files["qr/"+n] = qrPNG(n)
	}
	e := ticketCampaign(t, `<img src="cid:{{.qr_file}}">`+"\n", files)
	for i, n := range names {
		srcs, parts, _ := rowImageParts(t, e, row(i+2, "email", "ann@example.com", "qr_file", "qr/"+n))
		cid := strings.TrimPrefix(srcs[0], "cid:")
		if p, ok := parts["<"+cid+">"]; !ok || string(p.body) != qrPNG(n) || !msgIDRE.MatchString(cid) {
			t.Errorf("%s: src %s (a part: %v), want a valid msg-id naming the file's part", n, srcs[0], ok)
		}
	}
}

// TestRowImageMarkerCell: a cell the HTML prints that reads like the
// marker of a row's image ("cid:~0~") lost it, "cid:" left, in a campaign
// with no inline image at all, as every HTML body was looked through:
// one naming no image goes as written.
func TestRowImageMarkerCell(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"text": "", "html": "body.html"}), map[string]string{"body.html": "<p>{{.note}}</p>\n"}, []string{"email", "note"})
	m, err := e.r.Render(row(2, "email", "ann@example.com", "note", "see cid:~0~ there"))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	leaves, _ := walk(t, msg.Header, msg.Body)
	if len(leaves) != 1 || !strings.Contains(string(leaves[0].body), "<p>see cid:~0~ there</p>") {
		t.Errorf("the HTML part is %q, want the cell as written", leaves[0].body)
	}
}

// TestRowImageCIDRows: rows whose images have one file name in folders of
// their own (tickets/42/qr.png, tickets/43/qr.png) went with one
// Content-ID, <qr.png~1@tickets>, for other bytes in each message, where
// Content-IDs are to be world-unique (RFC 2045 7): they differ by the
// file's bytes; the same file keeps its own.
func TestRowImageCIDRows(t *testing.T) {
	e := ticketCampaign(t, `<img src="cid:tickets/{{.qr_file}}/qr.png">`+"\n",
		map[string]string{"tickets/42/qr.png": qrPNG("42"), "tickets/43/qr.png": qrPNG("43")})
	var srcs []string
	for i, no := range []string{"42", "43", "42"} {
		s, _, _ := rowImageParts(t, e, row(i+2, "email", "ann@example.com", "qr_file", no))
		srcs = append(srcs, s...)
	}
	if len(srcs) != 3 || srcs[0] == srcs[1] || srcs[0] != srcs[2] || !strings.HasPrefix(srcs[0], "cid:qr.png~1.") {
		t.Errorf("src values %q, want qr.png~1.… of each file's own, the same for the same file", srcs)
	}
}

// TestRowImageMarkerForged: a cell the HTML prints reading like the
// marker of a row's image ("cid:~0~~~") was taken for one: its text
// became the image's Content-ID and the message carried the image the
// body's {{if}} kept from the row; a marker is now what no cell can write
// (a NUL, a row problem in a cell and escaped by html/template
// everywhere), and the cell goes as written.
func TestRowImageMarkerForged(t *testing.T) {
	body := `{{if .vip}}<img src="cid:{{.qr_file}}">{{end}}<p>{{.note}}</p><a title="{{.note}}">x</a>` + "\n"
	e := setup(t, yamlWith(map[string]string{"name": "tickets", "text": "", "html": "body.html"}),
		map[string]string{"body.html": body, "qr/0042.png": qrPNG("42")}, []string{"email", "qr_file", "vip", "note"})
	note := "see cid:~0~~~ there"
	srcs, parts, m := rowImageParts(t, e, row(2, "email", "ann@example.com", "qr_file", "qr/0042.png", "vip", "", "note", note))
	msg, _ := mail.ReadMessage(bytes.NewReader(m.Data))
	leaves, _ := walk(t, msg.Header, msg.Body)
	if len(srcs) != 0 || len(parts) != 0 || len(leaves) != 1 || strings.Count(string(leaves[0].body), note) != 2 {
		t.Errorf("src values %q, %d inline parts, HTML %q; want no image and the cell as written, twice", srcs, len(parts), leaves[0].body)
	}
	srcs, parts, _ = rowImageParts(t, e, row(3, "email", "bob@example.com", "qr_file", "qr/0042.png", "vip", "yes", "note", "x"))
	if len(srcs) != 1 || len(parts) != 1 {
		t.Errorf("a VIP: src values %q, %d inline parts; want the image", srcs, len(parts))
	}
}

// TestRowImageWords: a row's inline image that was missing, a folder, or
// climbed out of the folder was told in an attachment's words
// ("attachment not readable", rev-user18), where the row attaches
// nothing; now in an image's, still ErrAttachment and ErrAttachmentPath
// to errors.Is; a file no image says what to write, and so does a folder
// (it was "not a regular file").
func TestRowImageWords(t *testing.T) {
	e := ticketCampaign(t, `<img src="cid:{{.qr_file}}">`+"\n", map[string]string{"qr/0042.png": qrPNG("42"), "qr/ticket.pdf": "%PDF-1.4\n%…\n"})
	for value, want := range map[string]struct {
		words string
		is    error
	}{
		"qr/0043.png":   {`image not readable: "qr/0043.png": no such file`, ErrAttachment},
		"qr":            {`image not readable: "qr" is a folder: write the path of the file in it (qr/…)`, ErrAttachment},
		"../x.png":      {`image path leaves the attachment folder: "../x.png" climbs`, ErrAttachmentPath},
		"qr/ticket.pdf": {`not a PNG, JPEG, GIF or WebP image: save the image there as one of those, or write the path of such a file in the cell`, ErrNotImage},
	} {
		_, err := e.r.Render(row(7, "email", "ann@example.com", "qr_file", value))
		re := rowErr(t, err)
		if re.Column != "qr_file" || !strings.Contains(err.Error(), want.words) || strings.Contains(err.Error(), "attachment not") || strings.Contains(err.Error(), "attachment path") || !errors.Is(err, want.is) {
			t.Errorf("%q: got %v (column %q), want column qr_file, %q in an image's words, errors.Is %v", value, err, re.Column, want.words, want.is)
		}
	}
}

// TestRowImageTooLarge: a message over max_message_size by the row's own
// inline image (a school's photo badge of 1.5 MB under 2 MB, a third
// larger in base64) was "message too large: the message is 2.1 MB"
// with no column (rev-user18); it names the image, its size and its
// column, where a campaign's own attachment, the largest, names none.
func TestRowImageTooLarge(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"name": "tickets", "text": "", "html": "body.html", "max_message_size": "2KB", "attachments": `["slip.pdf"]`}),
		map[string]string{"body.html": `<img src="cid:{{.qr_file}}">` + "\n", "qr/big.png": qrPNG(strings.Repeat("x", 1400)), "qr/small.png": qrPNG("1"), "slip.pdf": strings.Repeat("%", 1300)},
		[]string{"email", "qr_file"})
	_, err := e.r.Render(row(5, "email", "ann@example.com", "qr_file", "qr/big.png"))
	if re := rowErr(t, err); !errors.Is(err, ErrTooLarge) || re.Column != "qr_file" || !regexp.MustCompile(`the message is [\d.]+ KB with the inline image "qr/big.png" \(1\.\d KB as a file; base64 makes it a third larger\), over max_message_size \(2 KB\)`).MatchString(err.Error()) {
		t.Errorf("got %v (column %q), want the image, its size and column qr_file", err, re.Column)
	}
	_, err = e.r.Render(row(6, "email", "bob@example.com", "qr_file", "qr/small.png"))
	if re := rowErr(t, err); !errors.Is(err, ErrTooLarge) || re.Column != "" || !strings.Contains(err.Error(), `with the attachment "slip.pdf" (1.3 KB as a file`) {
		t.Errorf("got %v (column %q), want the campaign's slip.pdf named, no column", err, re.Column)
	}
}
