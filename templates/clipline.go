package templates

import "strings"

// clipLine is s cut at its first line break or 60 bytes, with … when cut.
func clipLine(s string) string {
	cut := strings.IndexByte(s, '\n')
	if cut < 0 && len(s) <= 60 {
		return s
	}
	if cut < 0 || cut > 60 {
		cut = 60
	}
	for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
