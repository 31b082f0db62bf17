package templates

import _ "embed"

// Help is the text of the "templates" help topic of the command line
// (tidings help templates): the row data, column names and their
// identifiers, and the functions with examples. It is plain UTF-8 text in
// lines of at most 80 columns, ending with a line break.
//
//go:embed help.txt
var Help string
