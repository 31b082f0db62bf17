package templates

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// ErrLayoutBody is wrapped by the FileError of a layout that never shows
// {{.Body}}.
var ErrLayoutBody = errors.New("the layout never shows {{.Body}}, where the Markdown body goes")

// LayoutData is what a layout template sees: {{.Body}} and {{.Subject}}.
type LayoutData struct {
	// Body is the Markdown body made HTML, for the layout to show as it is.
	Body htmltemplate.HTML
	// Subject is the message's subject (html/template escapes it).
	Subject string
}

// ExecuteLayout writes the layout t (Set.Layout) around data to w. Errors
// name the layout's file and line; w may then have received partial
// output.
func (t *Template) ExecuteLayout(w io.Writer, data LayoutData) error {
	if t.html == nil || !t.layout {
		return fmt.Errorf("templates: %s is not a layout", t.name)
	}
	if err := t.execCapped(w, func(w io.Writer) error { return t.html.Execute(w, data) }); err != nil {
		return &execError{name: t.name, loc: t.errLocation(err.Error()), err: err}
	}
	return nil
}

// layout compiles the layout file at path: an html/template that shows
// {{.Body}} once or more and may show {{.Subject}}, run with LayoutData
// rather than a row. It runs once at compile time, so that a field
// LayoutData lacks or an escaping problem is an error at its line.
func (cp *compiler) layout(key, path string) *Template {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		cp.errs = append(cp.errs, &campaign.FileError{File: path, Err: fmt.Errorf("templates: %s: %w", key, err)})
		return nil
	}
	data, line, err := campaign.UTF8Text(data)
	if err != nil {
		cp.errs = append(cp.errs, &campaign.FileError{File: path, Line: line, Err: fmt.Errorf("templates: %s: %w", key, err)})
		return nil
	}
	src := string(data)
	t := &Template{name: key, file: path, line: 1, sheet: cp.c.Recipients.Path, source: src, layout: true, max: int64(cp.c.MaxMessageSize)}
	fm := templateFuncs(campaign.Recipients{}, t.max)
	src, kept, unkept := keepConditionalComments(src)
	if unkept != nil {
		cp.errs = append(cp.errs, cp.conditionalError(t, unkept))
		return nil
	}
	if kept != nil {
		fm[conditionalFunc] = kept
	}
	ht, err := htmltemplate.New(filepath.Base(path)).Option("missingkey=error").Funcs(fm).Parse(src)
	if err != nil {
		cp.noteParseError(t, err, funcs(campaign.Recipients{}))
		return nil
	}
	w := layoutWalker(ht)
	cp.checkJinja(t, w.text)
	if !showsBody(w) {
		cp.errs = append(cp.errs, &campaign.FileError{File: path, Err: fmt.Errorf("templates: %s: %w", key, ErrLayoutBody)})
		return nil
	}
	if err := ht.Execute(io.Discard, LayoutData{}); err != nil {
		line := layoutErrLine(t, err)
		if m := layoutFieldRE.FindStringSubmatch(err.Error()); m != nil {
			err = fmt.Errorf("{{.%s}}: a layout sees only {{.Body}} and {{.Subject}}, not the row's columns: show them in the markdown: body, which the layout wraps (%w)", m[1], err)
		}
		cp.errs = append(cp.errs, &campaign.FileError{File: path, Line: line, Err: fmt.Errorf("templates: %s: %w", key, err)})
		return nil
	}
	t.html = ht
	return t
}

// layoutFieldRE finds the field a layout names that LayoutData lacks.
var layoutFieldRE = regexp.MustCompile(`can't evaluate field (\S+) in type templates\.LayoutData`)

// layoutWalker walks the layout ht from its root, dot its data.
func layoutWalker(ht *htmltemplate.Template) *walker {
	w := &walker{lookup: func(n string) *parse.Tree {
		if x := ht.Lookup(n); x != nil {
			return x.Tree
		}
		return nil
	}, seen: map[string]bool{}}
	w.walkTree(ht.Tree, true)
	return w
}

// showsBody reports whether the layout w walked names .Body where dot is
// its data.
func showsBody(w *walker) bool {
	for _, r := range w.refs {
		if r.name == "Body" {
			return true
		}
	}
	return false
}

// layoutErrLine is the line of t's file an error of its trial run points
// at, or 0.
func layoutErrLine(t *Template, err error) int {
	var he *htmltemplate.Error
	if errors.As(err, &he) && he.Line > 0 {
		return he.Line
	}
	if m := execLineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return max(t.line, 1) + n - 1
	}
	return 0
}
