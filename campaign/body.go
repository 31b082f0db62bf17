package campaign

import "fmt"

// checkBodies refuses body settings that cannot go together, at the line
// of the setting to remove: markdown makes the HTML part, so html is not
// set with it (text is: it then replaces the text part made from the
// Markdown), and layout only wraps a markdown body.
func (c *Campaign) checkBodies(file string, data []byte) error {
	switch {
	case c.Markdown != "" && c.HTML != "":
		line, col := position(data, "html")
		return &FileError{File: file, Line: line, Column: col,
			Err: fmt.Errorf("html: not with markdown, which makes the HTML part; keep one of them (text may stay: it replaces the text part made from the Markdown)")}
	case c.Layout != "" && c.Markdown == "":
		line, col := position(data, "layout")
		return &FileError{File: file, Line: line, Column: col,
			Err: fmt.Errorf("layout: only for a markdown body (an html body is its own layout); set markdown or remove layout")}
	}
	return nil
}
