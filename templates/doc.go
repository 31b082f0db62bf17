// Package templates compiles the templates of a tidings campaign once and
// executes them per recipient row.
//
// Header fields (from, sender, reply_to, to, cc, bcc, subject, extra header
// values, unsubscribe.url and unsubscribe.mailto) and attachment paths are
// one-line text/template templates written in the campaign file; the text
// body is a text/template file and the HTML body an html/template file, so
// recipient values are HTML-escaped there. The Markdown body is a
// text/template file whose values are escaped for Markdown (see below).
// Every template runs with missingkey=error. Template data is the row: each column by its header text,
// {{.email}} or {{index . "First Name"}}, all values strings as the sheet
// shows them.
//
// A column is also reachable as a Go identifier (see Identifier): every run
// of characters that cannot be in one becomes '_', and a leading digit gets
// a '_' before it, so "First Name" is {{.First_Name}}, "E-mail" {{.E_mail}}
// and "2024 Total" {{._2024_Total}}; "姓名" is {{.姓名}} as it is. Two
// columns with the same identifier are an error (ErrColumnClash) naming
// both. Identifiers are resolved where Compile sees the columns a template
// names ({{.X}}, {{$.X}}, {{index . "X"}}); through a variable
// ({{$r := .}}{{$r.X}}) write the header text.
//
// Compile walks the parse trees to find the columns each template names and
// refuses, with file:line and the sheet's columns, a template that names a
// column the sheet lacks, with the column it probably means. Syntax errors
// are reported at the template's file and line (for inline templates, the
// campaign file line of the key), and so are calls that would fail on every
// row: a function given too many or too few arguments, an argument of a
// type it cannot take where the type is certain before running ({{upper 3}},
// a column where join takes a list), or a printf whose quoted format does not
// fit its values ({{printf "%d" .name}}: a column is text). printf is
// text/template's with one change: where fmt would write a %!d(string=Ann)
// marker into the output (a format from a column, a value in a variable),
// the row fails instead. So are the habits of Python's mailmerge: a Jinja
// tag or comment in a template's own text ({% if x %}, {# … #}: ErrJinja),
// a body that starts with header lines (TO:, SUBJECT:, ErrBodyHeaders),
// and a column written without its dot ({{email}}) or a call with
// parentheses ({{default("x")}}), each with the form to write.
//
// Help is the text of the "templates" help topic of the command line.
//
// # Functions
//
// Every function is pure: none reads the environment, files, the clock or
// the network. The value a function works on comes last, so functions chain
// in pipelines: {{.name | default "friend" | title}}.
//
//	default DEF VALUE     VALUE, or DEF when VALUE is empty or blank
//	upper S               S in upper case (Unicode)
//	lower S               S in lower case (Unicode)
//	title S               first letter of each word upper, the rest lower,
//	                      with Unicode word rules (golang.org/x/text/cases)
//	trim S                S without leading and trailing white space
//	replace OLD NEW S     S with every OLD replaced by NEW
//	split SEP S           S cut at SEP into a list; items are trimmed and
//	                      empty items dropped
//	join SEP LIST         the items of LIST joined with SEP
//	date LAYOUT VALUE     VALUE read as a date and written with LAYOUT
//	address NAME EMAIL    one RFC 5322 mailbox: NAME <EMAIL>
//
// The text/template built-ins (printf, len, index, slice, eq, and, or, not,
// urlquery, html, js …) are available too; urlquery is the one to use for a
// value inside a URL: https://acme.example/u?id={{.id | urlquery}}.
//
// date reads the forms sheets show: 2006-01-02 (optionally with a time or in
// RFC 3339), 2006/1/2, US 1/2/2006 and 1/2/06 and 01-02-06 (Excel's
// defaults; 2/1/2006, 2/1/06 and 02-01-06 instead when the campaign sets
// recipients.dates: day-first), European 2.1.2006, 2-Jan-06, 2 Jan 2006, 2 January 2006,
// Jan 2, 2006, January 2, 2006 and 2006年1月2日. LAYOUT is a Go time layout
// or one of the names iso (2006-01-02), rfc3339, rfc1123, short
// (2 Jan 2006), long (2 January 2006), us (January 2, 2006), zh
// (2006年1月2日) and ja (2006年1月2日（月）). A layout writes the weekday
// as the reference date's, Monday: Mon and Monday, and in Japanese and
// Chinese 月曜日, 月曜, (月), （月）, 星期一 and 周一; another day in those
// forms, the same on every row, is an error of the template. An empty
// VALUE gives an empty result; anything else that is not a date is an
// error for that row. Under a campaign locale (campaign.Locale: locale:
// de-DE), date writes a layout's January, Jan, Monday and Mon in the
// locale's language, as LibreOffice names them in that locale, and reads
// those names in a value (localdate.go); number groups thousands with
// the locale's separator (1.234,50; 1 234,50).
//
// address quotes NAME as an RFC 5322 quoted-string when it holds anything
// but atom characters (a comma, quote, parenthesis, period…), so it always
// makes exactly one address; EMAIL must be one addr-spec or the row fails.
// Non-ASCII names stay UTF-8 here; package render encodes them (RFC 2047).
// An empty NAME gives just EMAIL.
//
// A row's failing calls of number, date, address and printf are all told
// (Template.Execute), not only the first: {{number 1 .discount}} and
// {{number 2 .amount}}, both bad, are two problems of the row. A
// template whose {{if}}, {{with}} or {{range}} tests such a call's
// result tells its first only, as does one stopped by an error of the
// template itself.
//
// # Markdown
//
// The markdown body (markdown: body.md) is a text/template whose output is
// Markdown; package render/markdown makes the HTML and text parts of it.
// text/template has no escaping of its own, so Compile adds one, as
// html/template does: the pipeline of every action that prints
// ({{.name}}, {{.name | upper}}, {{printf "%s" .a}}, inside if, range,
// with and defined templates alike) gets a last command that writes its
// value with EscapeMarkdown. Functions therefore see the value as the
// sheet holds it ({{date "iso" .joined}} works), and whatever they return
// is escaped once. A '*', '_', '<', '[' or '#' from the sheet shows as
// itself: it cannot start emphasis, a link, raw HTML or a heading, and a
// URL in a value is not made a link. A value can stand anywhere in the
// text, in a table cell, in link text and in a link's destination
// ([Pay]({{.url}}): the escapes are undone there); in a code span, a code
// block or an <autolink> the escapes would show. Actions that only set a
// variable ({{$n := .name}}) print nothing and are not escaped.
//
// raw marks a value as Markdown, to be used as it is, for a column that
// holds formatting on purpose: {{.intro | raw}}. It must end the pipeline
// (a function after it gets a string again, which is escaped). Raw HTML
// is never copied out of Markdown, and render/markdown refuses link
// schemes other than http, https, mailto and tel, so even a raw value
// makes no script or javascript: link.
//
// The layout (layout: layout.html) is an html/template the Markdown's HTML
// goes into: it sees LayoutData, {{.Body}} (required) and {{.Subject}},
// not the row, and runs with Template.ExecuteLayout. Compile runs it once,
// so a field it does not have ({{.Title}}) is an error at its line.
//
// References: RFC 5322 (Internet Message Format), RFC 6532 (UTF-8 headers),
// CommonMark 0.31 (backslash escapes, character references).
package templates
