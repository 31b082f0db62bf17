package main

import (
	"fmt"
	"strconv"
	"strings"
)

// maxSharedRows is how many rows sharedUnsubscribeWarning names.
const maxSharedRows = 5

// sharedUnsubscribeWarning is the one warning about the rows whose To
// holds several addresses with unsubscribe.one_click (rows, the first of
// them as the sheet numbers them; n, how many in all; k, the number of
// addresses of the first): the one-click link is the message's, so any of
// them who clicks Unsubscribe unsubscribes all. "" when there are none.
func sharedUnsubscribeWarning(sheet string, rows []int, n, k int) string {
	if n == 0 {
		return ""
	}
	const why = "with unsubscribe.one_click: the one-click link is the message's, so whichever of them clicks Unsubscribe unsubscribes them all; " +
		"give each address a row of its own, or drop one_click"
	if n == 1 {
		return fmt.Sprintf("warning: %s: row %d: to holds %d addresses %s", sheet, rows[0], k, why)
	}
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = strconv.Itoa(r)
	}
	which := strings.Join(names, ", ")
	if n > len(rows) {
		which += fmt.Sprintf(" and %d more", n-len(rows))
	}
	return fmt.Sprintf("warning: %s: %d rows (%s): to holds several addresses %s", sheet, n, which, why)
}
