package markdown

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed layout.html
var layoutSource string

// layoutData is what layout.html sees.
type layoutData struct {
	Body    template.HTML
	Subject string
}

// layout is the built-in layout. Outlook for Windows (Word's HTML engine)
// knows no max-width, so the card sits in a 600-pixel table only it sees,
// between conditional comments; html/template drops comments written in a
// template, so functions put them in.
var layout = template.Must(template.New("layout.html").Funcs(template.FuncMap{
	"outlookOpen": func() template.HTML {
		return `<!--[if mso]><table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->`
	},
	"outlookClose": func() template.HTML { return `<!--[if mso]></td></tr></table><![endif]-->` },
}).Parse(layoutSource))

// Layout writes the built-in layout to w with body, the HTML of a Styled
// Converter, in its card and subject as the page's title (escaped). It is
// safe for concurrent use.
func Layout(w io.Writer, body []byte, subject string) error {
	if err := layout.Execute(w, layoutData{Body: template.HTML(body), Subject: subject}); err != nil {
		return fmt.Errorf("markdown: layout: %w", err)
	}
	return nil
}
