// Package markdown turns the Markdown body of a campaign into the HTML and
// the plain text of a message, and owns the built-in layout the HTML goes
// into. It never sees a recipient row: package templates has already
// executed the Markdown template, with every value escaped
// (templates.EscapeMarkdown).
//
// Markdown is CommonMark 0.31 (https://spec.commonmark.org/) read with
// github.com/yuin/goldmark, plus GitHub Flavored Markdown tables and
// autolinks (bare http://, https:// and www. URLs and email addresses
// become links). Raw HTML in the Markdown is not copied out (goldmark
// writes "<!-- raw HTML omitted -->" instead): the HTML around the body is
// the layout's business.
//
// # Links
//
// A link goes out only to http:, https:, mailto: and tel: URLs, or to a
// "#fragment"; an image only from http:, https: or cid: (RFC 2392, an
// inline image of the message). Any other destination (javascript:,
// data:, vbscript:, file:, a relative path, none) is not a link: its text
// stays, as text, and Convert returns a *LinkError naming the first such
// link (render makes it a problem of the row). This holds for links the
// template writes and for URLs that come from the sheet
// ([Pay]({{.url}})); spaces around a destination are dropped first. A
// link the template wrote that did not parse as one (a value with a space
// inside its URL) is a *LinkError too (Broken). An autolink that is not
// made shows its URL and is no error.
//
// # HTML
//
// Convert writes the body as an HTML fragment. With Options.Styled every
// element carries the inline style of the built-in layout (Layout), which
// mail clients that drop <style> (Gmail in some of its apps, Outlook.com)
// still honour; Outlook for Windows gets a fixed 600-pixel column through
// conditional comments. The layout is table-based, at most 600 pixels
// wide, and has dark-mode colours for the clients that ask for them
// (prefers-color-scheme).
//
// # Text
//
// The text part is written from the same Markdown, for people and
// clients that read text/plain:
//
//   - a paragraph is one line (soft line breaks become spaces, or nothing
//     between two East Asian wide characters); a hard line break is a
//     line break; blocks are separated by a blank line;
//   - a level 1 heading is underlined with '=', level 2 with '-', deeper
//     ones are a line of their own;
//   - list items start with "- " or with their number ("1. ", "2) "),
//     their further lines indented to match; nested lists indent further;
//   - a block quote's lines start with "> ";
//   - code blocks are indented four spaces, code spans and emphasis are
//     their text;
//   - a link is "text (url)", or just the url when the text is the url (a
//     mailto: link shows the address); an image is "alt (url)", and an
//     inline (cid:) image just its alt text;
//   - a table is aligned in columns (widths counted in display columns,
//     East Asian wide characters as two) with a rule under the header;
//   - a thematic break is a line of dashes; raw HTML is left out.
//
// Lines are not wrapped: package render encodes long lines as
// quoted-printable (RFC 2045), and readers wrap them to their window.
package markdown
