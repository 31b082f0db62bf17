package campaign

import "fmt"

// MisreadHeader is the column of columns whose header is a name the
// campaign writes (want reports which) read in the code page declared
// (recipients.encoding) from a file written in another: a Turkish sheet's
// "Öğrenci" read as windows-1252 is "Öðrenci". It returns that column and
// the advice naming the code page that reads the header as the name, or
// "", "" (nothing declared, a workbook, no code page reading it so).
// Suggesting the column would have the campaign written misread too.
func MisreadHeader(declared string, columns []string, want func(name string) bool) (column, advice string) {
	enc, canon, err := LookupEncoding(declared)
	if declared == "" || err != nil {
		return "", ""
	}
	for _, c := range columns {
		raw, err := enc.NewEncoder().String(c)
		if err != nil || isASCIIText(c) {
			continue
		}
		for _, l := range legacyEncodings {
			if l.name == canon {
				continue
			}
			if was, err := l.enc.NewDecoder().String(raw); err == nil && was != c && want(was) {
				return c, fmt.Sprintf("the sheet's header %q is %q read in %s, which recipients.encoding declares: the file looks like %s, as Excel writes CSV on a %s: set `encoding: %s` under recipients",
					c, was, canon, l.name, l.system, l.name)
			}
		}
	}
	return "", ""
}
