package campaign

import (
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// codePages are the encodings Windows names by code page number (cp932,
// ms936, windows-950: the names Python, Java and Windows' own tools
// write), as the WHATWG label that reads them; charmap encodings for the
// DOS code pages, which the WHATWG index lacks.
var codePages = map[int]string{
	874: "windows-874", 932: "shift_jis", 936: "gbk", 949: "euc-kr", 950: "big5",
	1250: "windows-1250", 1251: "windows-1251", 1252: "windows-1252", 1253: "windows-1253",
	1254: "windows-1254", 1255: "windows-1255", 1256: "windows-1256", 1257: "windows-1257",
	1258: "windows-1258", 866: "ibm866", 1200: "utf-16le", 1201: "utf-16be",
	10000: "macintosh", 20866: "koi8-r", 21866: "koi8-u", 20932: "euc-jp", 51932: "euc-jp",
	50220: "iso-2022-jp", 51949: "euc-kr", 54936: "gb18030", 65001: "utf-8",
	28591: "iso-8859-1", 28592: "iso-8859-2", 28593: "iso-8859-3", 28594: "iso-8859-4",
	28595: "iso-8859-5", 28596: "iso-8859-6", 28597: "iso-8859-7", 28598: "iso-8859-8",
	28599: "iso-8859-9", 28603: "iso-8859-13", 28605: "iso-8859-15",
}

// dosCodePages are the DOS ("OEM") code pages Windows still writes from
// its console, by number, with the name tidings gives them.
var dosCodePages = map[int]struct {
	enc  encoding.Encoding
	name string
}{
	437: {charmap.CodePage437, "ibm437"}, 850: {charmap.CodePage850, "ibm850"},
	852: {charmap.CodePage852, "ibm852"}, 858: {charmap.CodePage858, "ibm858"},
}

// codePagePrefixes are what comes before a code page's number in its
// names: cp1252, ms936, windows-932, windows1252, x-cp1250, ibm850.
var codePagePrefixes = []string{"x-cp", "cp", "ms", "windows-", "windows", "win", "ibm"}

// codePage is the encoding a code page name (see codePagePrefixes) names,
// with its canonical name; ok is false for any other name.
func codePage(name string) (enc encoding.Encoding, canon string, ok bool) {
	name = strings.ToLower(name)
	for _, p := range codePagePrefixes {
		rest, found := strings.CutPrefix(name, p)
		if !found {
			continue
		}
		n, err := strconv.Atoi(strings.TrimLeft(rest, "-_ "))
		if err != nil || n <= 0 {
			return nil, "", false
		}
		if d, ok := dosCodePages[n]; ok {
			return d.enc, d.name, true
		}
		label, ok := codePages[n]
		if !ok {
			return nil, "", false
		}
		enc, canon, err := lookupWHATWG(label)
		return enc, canon, err == nil
	}
	return nil, "", false
}
