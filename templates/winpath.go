package templates

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// ErrBackslashPath is wrapped by the FileError of an attachment template
// whose own text separates folders with Windows' backslash
// (invoices\{{.nr}}.pdf): here it separates none, and every row's file
// would be missing.
var ErrBackslashPath = errors.New(`a \ separates no folders here`)

// slashedPath reports whether t, an attachment path template, writes its
// folders with '/'; it notes the error at t's line, with the template
// written so, when its own text (outside actions) holds a backslash
// instead. A value from the sheet may hold one: that row's problem says
// so.
func (cp *compiler) slashedPath(t *Template) bool {
	if filepath.Separator == '\\' || t.text == nil || t.text.Tree == nil {
		return true
	}
	for _, n := range t.text.Tree.Root.Nodes {
		if tn, ok := n.(*parse.TextNode); ok && strings.Contains(string(tn.Text), `\`) {
			cp.errs = append(cp.errs, &campaign.FileError{
				File: t.file, Line: t.line,
				Err: fmt.Errorf("templates: %s: %w: write / between folders: %s", t.name, ErrBackslashPath, slashOutsideActions(t.source)),
			})
			return false
		}
	}
	return true
}

// slashOutsideActions is src with each backslash outside {{ }} actions
// written as '/'.
func slashOutsideActions(src string) string {
	var b strings.Builder
	for src != "" {
		open := strings.Index(src, "{{")
		if open < 0 {
			open = len(src)
		}
		b.WriteString(strings.ReplaceAll(src[:open], `\`, "/"))
		src = src[open:]
		end := strings.Index(src, "}}")
		if end < 0 {
			b.WriteString(src)
			break
		}
		b.WriteString(src[:end+2])
		src = src[end+2:]
	}
	return b.String()
}
