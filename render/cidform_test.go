package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestCIDForm: a reference written cid: but for its case or with white
// space after it (<img src="cid: {{.qr_file}}">, CID:logo.png, in
// Markdown ![QR](Cid:logo.png) too) inlined no image, and every reader
// saw it broken, without a word; it is an error at its line and column
// saying what to write. cid:{{ .qr_file }} is the row's image, and a
// "cid: " or "(CID: 4711)" in the text, one naming nothing, or one in an
// attribute that holds no link (alt="CID:4711", title, content) is no
// reference.
func TestCIDForm(t *testing.T) {
	for _, tc := range []struct {
		body, want string
		line, col  int
	}{
		{"<p>Hi</p>\n<img alt=\"QR\" src=\"cid: {{.qr_file}}\">\n", `"cid: {{.qr_file}}": the white space after cid: ends the reference there, so this inlines no image and every reader would show it broken; write cid:{{.qr_file}}`, 2, 20},
		{"<img src='cid:\t{{.qr_file}}'>", `write cid:{{.qr_file}}`, 1, 11},
		{"<img src=\"CID:{{.qr_file}}\">", `"CID:{{.qr_file}}": tidings reads cid: in lower case, so this inlines no image and every reader would show it broken; write cid:{{.qr_file}}`, 1, 11},
		{"<p>Ünïcödé</p><img src=Cid:qr/{{.qr_file}}.png>", `write cid:qr/{{.qr_file}}.png`, 1, 24},
		{"<img src=\"cid: logo.png\">", `write cid:logo.png`, 1, 11},
		{"<td style=\"background: url( CID:logo.png )\">", `write cid:logo.png`, 1, 29},
		{"<table BACKGROUND = 'Cid:logo.png'>", `write cid:logo.png`, 1, 22},
		{"<img alt=\"x\" data-src=\"CID:logo.png\">", `write cid:logo.png`, 1, 24},
	} {
		_, err := trySetup(t, yamlWith(map[string]string{"name": "tickets", "text": "", "html": "body.html"}),
			map[string]string{"body.html": tc.body, "logo.png": pngBytes}, []string{"email", "qr_file"})
		var fe *campaign.FileError
		if !errors.As(err, &fe) || fe.Line != tc.line || fe.Column != tc.col || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error at %d:%d saying %q", tc.body, err, tc.line, tc.col, tc.want)
		}
	}

	_, err := trySetup(t, strings.Replace(yamlWith(nil), "text: body.txt", "markdown: body.md", 1),
		map[string]string{"body.md": "Hi\n\n![QR code](Cid:logo.png)\n", "logo.png": pngBytes}, []string{"email"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || fe.Line != 3 || fe.Column != 12 || !strings.Contains(err.Error(), "write cid:logo.png") {
		t.Errorf("Markdown: got %v, want an error at body.md:3:12 saying write cid:logo.png", err)
	}

	e := ticketCampaign(t, "<p>Your cid: {{.qr_file}}, cid: (CID: 4711)</p><img src=\"cid: \"><img src=\"cid:{{ .qr_file }}\">\n"+
		"<p title=\"CID: 4711\">Kunde = CID: 4711</p><img alt=\"CID:4711\" src=\"cid:{{.qr_file}}\"><meta name=\"id\" content=\"cid: x\">\n",
		map[string]string{"qr/0042.png": qrPNG("42")})
	srcs, parts, _ := rowImageParts(t, e, row(2, "email", "ann@example.com", "qr_file", "qr/0042.png"))
	if len(srcs) != 3 || len(parts) != 1 || parts["<"+strings.TrimPrefix(srcs[1], "cid:")+">"].body == nil {
		t.Errorf("src values %q, %d parts; want cid:{{ .qr_file }} and cid:{{.qr_file}} the row's image", srcs, len(parts))
	}
}
