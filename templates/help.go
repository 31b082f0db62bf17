package templates

import _ "embed"

// Help is the text of the "templates" help topic of the command line
// (tidings help templates): what the templates are, the row's values and
// how templates see them, Markdown bodies, column names and their
// identifiers, the functions with examples, address lists, and how to
// write templates in the campaign file. It is plain UTF-8 text in lines of
// at most 80 columns, ending with a line break. Its "template → output"
// examples and campaign file lines are run by the package's tests.
//
//go:embed help.txt
var Help string
