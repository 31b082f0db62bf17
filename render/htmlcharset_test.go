package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestHTMLMetaCharset: a meta tag of the HTML template declaring a
// charset other than UTF-8 (<meta charset>, or http-equiv Content-Type's
// content) is an error of the template at its line, saying to write
// <meta charset="utf-8">; the message would say UTF-8 in its header and
// something else in its HTML. UTF-8 in any spelling, a tag inside a
// template comment, one a value writes, and an empty charset are not.
// A Markdown body's layout is checked the same.
func TestHTMLMetaCharset(t *testing.T) {
	yaml := `name: h
from: "Acme <news@acme.example>"
to: "{{.email}}"
subject: "Invoice"
html: body.html
recipients: {path: people.csv}
`
	cols := []string{"email", "name", "cs"}
	for body, want := range map[string]string{
		"<html><head>\n<meta charset=\"shift_jis\">\n</head><body>{{.name}}</body></html>":                                             `body.html:2: render: <meta charset="shift_jis"> declares the charset shift_jis, but the HTML is sent as UTF-8`,
		"<html><head>\n\n<META HTTP-EQUIV='content-type' CONTENT='text/html; charset=iso-8859-1'></head><body>{{.name}}</body></html>": `body.html:3: render: <meta http-equiv="content-type" content="text/html; charset=iso-8859-1"> declares the charset iso-8859-1`,
		"<meta http-equiv=\"Content-Type\"\n content=\"text/html;\n charset = 'windows-1252'\">{{.name}}":                              `body.html:3:`,
		"<meta charset=latin1><p>{{.name}}</p>":                                                                         `write <meta charset="utf-8"> instead (or remove the tag)`,
		"<meta charset=\"utf-8\"><p>{{.name}}</p>":                                                                      "",
		"<meta charset=\"UTF8\"><p>{{.name}}</p>":                                                                       "",
		"<meta charset=\" Utf-8 \"><p>{{.name}}</p>":                                                                    "",
		"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"><p>{{.name}}</p>":                       "",
		"<meta http-equiv=\"Content-Type\" content=\"text/html\"><meta name=\"charset\" content=\"x\"><p>{{.name}}</p>": "",
		"<meta charset=\"\"><p>{{.name}}</p>":                                                                           "",
		"<meta charset=\"{{.cs}}\"><p>{{.name}}</p>":                                                                    "",
		"{{/* <meta charset=\"shift_jis\"> */}}<meta charset=\"utf-8\"><p>{{.name}}</p>":                                "",
		"<!-- <meta charset=\"shift_jis\"> --><p>{{.name}}</p>":                                                         "",
	} {
		_, err := trySetup(t, yaml, map[string]string{"body.html": body}, cols)
		var fe *campaign.FileError
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", body, err)
		case want != "" && (!errors.As(err, &fe) || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
	md := strings.Replace(yaml, "html: body.html", "markdown: body.md\nlayout: layout.html", 1)
	_, err := trySetup(t, md, map[string]string{
		"body.md":     "Hello {{.name}}\n",
		"layout.html": "<html><head><meta charset=\"gb2312\"></head>\n<body>{{.Body}}</body></html>\n",
	}, cols)
	if err == nil || !strings.Contains(err.Error(), `layout.html:1: render: <meta charset="gb2312"> declares the charset gb2312`) {
		t.Errorf("a layout declaring gb2312: %v", err)
	}
}
