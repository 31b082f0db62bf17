package templates

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// compileHTML compiles a campaign whose HTML body is body, against the
// columns email, name, qr, no.
func compileHTML(t *testing.T, body string) (*Set, error) {
	t.Helper()
	yaml := "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\nhtml: body.html\nrecipients:\n  path: people.csv\n"
	return Compile(load(t, yaml, map[string]string{"body.html": body}), []string{"email", "name", "qr", "no"})
}

// TestRowImageRefs: an HTML body's cid: reference holding an action
// (<img src="cid:{{.qr}}">, one per attendee) is compiled as a path of
// the row's own (Set.Images, each text once, its columns used), the body
// writing a marker of the reference's length there, so that what the
// body's walks read by position stays right (the blank name's line after
// it); a reference over two lines is an error of its line.
func TestRowImageRefs(t *testing.T) {
	body := `<img src="cid:{{.qr}}"><img src='cid:qr/{{printf "%s-x" .no}}.png'>` + "\n<p>Dear {{.name}},</p><img src=\"cid:{{.qr}}\"><img src=\"cid:logo.png\">\n"
	s, err := compileHTML(t, body)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Images) != 2 || s.Images[0].Source() != "{{.qr}}" || s.Images[1].Source() != `qr/{{printf "%s-x" .no}}.png` || s.Images[0].Line() != 1 || s.Images[0].Name() != "inline image cid:{{.qr}}" {
		t.Fatalf("Images %v, want {{.qr}} and qr/{{printf \"%%s-x\" .no}}.png at line 1", s.Images)
	}
	if !slices.Contains(s.UsedColumns(), "qr") || !slices.Contains(s.UsedColumns(), "no") {
		t.Errorf("UsedColumns %q, want qr and no among them", s.UsedColumns())
	}
	var out strings.Builder
	if err := s.HTML.Execute(&out, campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "", "qr": "q.png", "no": "7"}}); err != nil {
		t.Fatal(err)
	}
	want := `<img src="cid:` + RowImageMarker(0, 7) + `"><img src='cid:` + RowImageMarker(1, len(s.Images[1].Source())) + `'>` + "\n<p>Dear ,</p><img src=\"cid:" + RowImageMarker(0, 7) + "\"><img src=\"cid:logo.png\">\n"
	if out.String() != want {
		t.Errorf("body wrote %q, want %q", out.String(), want)
	}
	if i, n, ok := ReadRowImageMarker([]byte(RowImageMarker(1, len(s.Images[1].Source())) + `'>`)); !ok || i != 1 || n != len(s.Images[1].Source()) {
		t.Errorf("ReadRowImageMarker: %d, %d, %v; want 1 and its length", i, n, ok)
	}
	if got := s.BlankSeen("name"); got != "Dear ," {
		t.Errorf("BlankSeen(name) = %q, want \"Dear ,\" (positions after the references kept)", got)
	}
	_, err = compileHTML(t, "<p>Hi</p>\n<img src=\"cid:{{.qr\n}}\">\n")
	var fe *campaign.FileError
	if !errors.As(err, &fe) || fe.Line != 2 || !errors.Is(err, ErrImageRef) {
		t.Errorf("a reference over two lines: got %v, want ErrImageRef at body.html:2", err)
	}
}

// TestRowImageRefShort: a reference too short to hold the mark of its
// image among the body's many different ones (cid:{{.}}, 5 characters,
// after 1,000 others) was told "an inline image's path is written on one
// line", which it was; it is an error at its line and column naming the
// limit and what to write.
func TestRowImageRefShort(t *testing.T) {
	var body strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&body, "<img src=\"cid:qr/{{.no}}-%d.png\">\n", i)
	}
	body.WriteString("<p>x</p><img src=\"cid:{{.}}\">\n")
	s, err := compileHTML(t, body.String())
	var fe *campaign.FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrImageRefShort) || fe.Line != 1001 || fe.Column != 19 {
		t.Fatalf("got %v, want ErrImageRefShort at body.html:1001:19", err)
	}
	for _, want := range []string{"inline image cid:{{.}}: ", "names 1000 different ones before it", "a reference of 5 characters after cid: can be only among the first 1000", "write it with spaces inside its braces, which reads the same: cid:{{ . }}"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "written on one line") {
		t.Errorf("%v says the reference is not on one line", err)
	}

	if s, err = compileHTML(t, strings.Replace(body.String(), "{{.}}", "{{ .qr }}", 1)); err != nil || len(s.Images) != 1001 {
		t.Errorf("written longer: %v, %d images; want 1001", err, len(s.Images))
	}
}

// TestEmptyImages: a blank cell empties the path of the row's image where
// the body shows it to every row, or within {{if}} of another filled
// column: noted; within {{if}} of its own column, or {{else}}, not.
func TestEmptyImages(t *testing.T) {
	blank := campaign.Row{Number: 3, Values: map[string]string{"email": "a@x.example", "name": "Ann", "qr": " ", "no": "7"}}
	for body, want := range map[string][]string{
		`<img src="cid:{{.qr}}">`:                                  {"qr"},
		`{{if .name}}<img src="cid:{{.qr}}">{{end}}`:               {"qr"},
		`{{if .qr}}<img src="cid:{{.qr}}">{{end}}`:                 nil,
		`{{if eq .no "1"}}x{{else}}<img src="cid:{{.qr}}">{{end}}`: nil,
		`{{range split "," .no}}<img src="cid:{{$.qr}}">{{end}}`:   nil,
		`<img src="cid:qr/{{.qr}}.png">`:                           nil,
		`<img src="cid:{{if .qr}}{{.qr}}{{end}}">`:                 nil,
	} {
		s, err := compileHTML(t, body+"\n")
		if err != nil {
			t.Fatal(err)
		}
		if got := s.EmptyImages(blank); !slices.Equal(got, want) || s.EmptyPaths(blank) != nil {
			t.Errorf("%s: EmptyImages %q (EmptyPaths %q), want %q", body, got, s.EmptyPaths(blank), want)
		}
	}
}

// TestRowImageDot: a path is made from the row, whatever dot is where the
// body names the image, so <img src="cid:{{.}}"> within {{with .qr}}
// looked for a file named after the whole row (map[email:…]) in every
// row: an error at its line, one within {{range}} too; with $, or where
// dot is the row ({{if}}, {{with $}}), none.
func TestRowImageDot(t *testing.T) {
	for body, line := range map[string]int{
		"<p>Hi</p>\n{{with .qr}}<img src=\"cid:{{.}}\">{{end}}\n":                                2,
		"<p>Hi</p>\n\n{{range split \",\" .no}}<img src=\"cid:qr/{{.no}}.png\">{{end}}\n":        3,
		"<img src=\"cid:{{.qr}}\">\n{{with .name}}<img src=\"cid:{{.qr}}\">{{end}}\n":            2,
		"{{with .qr}}<img src=\"cid:{{$.qr}}\">{{end}}\n":                                        0,
		"{{if .qr}}<img src=\"cid:{{.qr}}\">{{end}}{{with $}}<img src=\"cid:{{.qr}}\">{{end}}\n": 0,
		"{{range split \",\" .no}}<img src=\"cid:qr/{{$.no}}.png\">{{end}}\n":                    0,
	} {
		_, err := compileHTML(t, body)
		var fe *campaign.FileError
		switch {
		case line == 0 && err != nil:
			t.Errorf("%q: %v, want no error", body, err)
		case line > 0 && (!errors.As(err, &fe) || fe.Line != line || !errors.Is(err, ErrImageDot)):
			t.Errorf("%q: got %v, want ErrImageDot at body.html:%d", body, err, line)
		}
	}
}

// TestRowImageCallData: an image named in a {{define}}d template whose
// call gives it other data than the row ({{template "qr" .qr}} of
// <img src="cid:{{.}}">, every row then refused for a file named after
// the whole row, map[email:…]; {{template "qr" .}} within {{with .name}}
// or {{range}}, the path read from the row without a word) was not
// followed by the walk for dot: an error at the image's line naming the
// call's, also through a second template; called with the row ($, or .
// where dot is the row), or reading $, none.
func TestRowImageCallData(t *testing.T) {
	def := "{{define \"qr\"}}\n<img src=\"cid:{{.}}\">{{end}}\n"
	defQR := "{{define \"qr\"}}\n<img src=\"cid:{{.qr}}\">{{end}}\n"
	for _, tc := range []struct {
		body       string
		line, call int
	}{
		{def + "<p>Hi</p>\n{{template \"qr\" .qr}}\n", 2, 4},
		{defQR + "<p>Hi</p>\n{{with .name}}{{template \"qr\" .}}{{end}}\n", 2, 4},
		{defQR + "{{range split \",\" .no}}\n{{template \"qr\" .}}{{end}}\n", 2, 4},
		{defQR + "{{define \"card\"}}{{template \"qr\" $}}{{end}}\n{{template \"card\" .name}}\n", 2, 4},
		{defQR + "{{template \"qr\" $}}{{with $}}{{template \"qr\" .}}{{end}}{{template \"qr\" .}}\n", 0, 0},
		{defQR + "{{define \"card\"}}{{template \"qr\" $}}{{end}}\n{{template \"card\" $}}\n", 0, 0},
		{"{{define \"qr\"}}<img src=\"cid:{{$.qr}}\">{{end}}{{template \"qr\" .name}}\n", 0, 0},
	} {
		_, err := compileHTML(t, tc.body)
		var fe *campaign.FileError
		switch {
		case tc.line == 0 && err != nil:
			t.Errorf("%q: %v, want no error", tc.body, err)
		case tc.line > 0 && (!errors.As(err, &fe) || fe.Line != tc.line || !errors.Is(err, ErrImageCallData) ||
			!strings.Contains(err.Error(), fmt.Sprintf("(the template called at line %d)", tc.call))):
			t.Errorf("%q: got %v, want ErrImageCallData at body.html:%d naming line %d", tc.body, err, tc.line, tc.call)
		}
	}
}

// TestRowImageCommented: an <img> commented out (<!-- … -->), which
// html/template drops, still had its file looked for in every row, a
// row naming none that is there a problem, though no message shows it:
// it is none; one in an Outlook conditional comment, whose content is
// kept, is an image.
func TestRowImageCommented(t *testing.T) {
	body := "<p>Hi</p>\n<!-- <img src=\"cid:{{.qr}}\"> -->\n<!--[if mso]><img src=\"cid:qr/{{.no}}.png\"><![endif]-->\n<!--[if !mso]><!--><img src=\"cid:{{.name}}.png\"><!--<![endif]-->\n<!-- cid:{{.email}} -->\n"
	s, err := compileHTML(t, body)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, im := range s.Images {
		got = append(got, im.Source())
	}
	if want := []string{"qr/{{.no}}.png", "{{.name}}.png"}; !slices.Equal(got, want) {
		t.Errorf("Images %q, want %q (not the commented ones)", got, want)
	}
}

// TestRowImageRefsLetters: a reference of the row's own whose path
// holds a letter beyond ASCII ("cid:{{.dir}}/voilà.png", whose à is
// the bytes C3 A0) reads to its quote, not to the byte A0, which is no
// space: cut there, the path was "{{.dir}}/voil" and half a letter.
func TestRowImageRefsLetters(t *testing.T) {
	src := `<img src="cid:{{.dir}}/voilà.png"><img src="cid:{{.dir}}/Ņ.png">`
	refs := RowImageRefs(src)
	var got []string
	for _, r := range refs {
		got = append(got, src[r.Start:r.End])
	}
	if want := []string{"{{.dir}}/voilà.png", "{{.dir}}/Ņ.png"}; !slices.Equal(got, want) {
		t.Errorf("RowImageRefs read %q, want %q", got, want)
	}
}
