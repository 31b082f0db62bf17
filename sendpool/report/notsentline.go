package report

import (
	"strconv"
	"strings"

	"github.com/tidings/tidings/sendpool"
)

// listReasonWidth and listWhoMax are the most terminal columns a line of
// the summary's list of rows not sent gives the reason and the recipient:
// with the row and the status (the server's codes with it) before it,
// the reason starts within the first 70 columns whatever the address,
// and a long address does not push it off a terminal's line.
const (
	listReasonWidth = 100
	listWhoMax      = 32
)

// listCells are the cells of r's line in the list of rows not sent:
// the row, the recipient (clipped to listWhoMax columns), the status with
// the server's reply codes, and the reason (listReason, clipped to
// listReasonWidth columns at a word).
func listCells(r Row) []string {
	status := r.Status.String()
	if r.Code != 0 {
		status += " " + strconv.Itoa(int(r.Code))
	}
	if ec := r.EnhancedCode.String(); ec != "" {
		status += " " + ec
	}
	return []string{"  row " + strconv.Itoa(r.Row), clipWidth(r.who(), listWhoMax), status, clipWidth(listReason(r), listReasonWidth)}
}

// listReason is r's detail as the list of rows not sent gives it, without
// what the line already says: an invalid row's problems without the
// sheet and row each starts with ("r.csv: row 3, column "file": …"
// reads `column "file": …`), nor the package and template places inside
// nor the key (problemWords); a reply without the row's address it starts with
// ("<bob@example.com>: Recipient address rejected" reads "Recipient
// address rejected"). A detail that does not start so, or that is
// nothing but the address, is as it is; so is the address where the
// line cuts it (listWhoMax): a typo at its end ("…@example,com") is what
// the reader needs to see.
func listReason(r Row) string {
	d, key := r.Detail, r.Key
	if Width(r.who()) > listWhoMax {
		key = "" // the line shows it cut: the reason keeps it whole
	}
	if addr := strings.TrimSpace(key); addr != "" {
		if rest, ok := sendpool.CutAddrPrefix(d, addr); ok && rest != "" {
			return rest
		}
	}
	at := ": row " + strconv.Itoa(r.Row)
	i := strings.Index(d, at)
	if i < 0 || strings.Contains(d[:i], "; ") {
		return d
	}
	place := d[:i+len(at)]
	var out []string
	for p := range strings.SplitSeq(d, "; ") {
		rest, ok := strings.CutPrefix(p, place)
		if !ok || !(strings.HasPrefix(rest, ", ") || strings.HasPrefix(rest, ": ")) {
			out = append(out, p) // a problem's own "; ": kept as it is
			continue
		}
		out = append(out, problemWords(rest[2:], key))
	}
	return strings.Join(out, "; ")
}

// problemWords are a row problem's words after its place: its column,
// then its reason as a person reads it (Reason), without the row's key
// where it quotes it (`address: "x": not an email address` reads
// `address: not an email address` on the line that names x).
func problemWords(p, key string) string {
	col, name := "", ""
	if strings.HasPrefix(p, `column "`) {
		if end := strings.Index(p, `": `); end > 0 {
			col, p = p[:end+3], p[end+3:]
			if n, err := strconv.Unquote(col[len("column ") : end+1]); err == nil {
				name = n
			}
		}
	}
	p = Reason(p, name)
	if key != "" {
		p = strings.Replace(p, ": "+strconv.Quote(key)+": ", ": ", 1)
	}
	return col + p
}
