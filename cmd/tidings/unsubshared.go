package main

import (
	"fmt"

	"github.com/tidings/tidings/sendpool/plan"
)

// sharedUnsubscribeWarning is the one warning about the rows whose To
// holds several addresses with unsubscribe.one_click (rows, named by their
// numbers in the sheet; k, the number of addresses of the first): the
// one-click link is the message's, so any of them who clicks Unsubscribe
// unsubscribes all. "" when there are none.
func sharedUnsubscribeWarning(sheet string, rows plan.RowList, k int) string {
	if rows.N == 0 {
		return ""
	}
	words := sharedUnsubscribeWords(k)
	if rows.N > 1 {
		words = "to holds several addresses " + sharedUnsubscribeWhy
	}
	return fmt.Sprintf("warning: %s: %s: %s", sheet, rowsNamed(&rows), words)
}

// sharedUnsubscribeWhy is what sharedUnsubscribeWarning says of the
// rows: why it warns, and what to do.
const sharedUnsubscribeWhy = "with unsubscribe.one_click: the one-click link is the message's, so whichever of them clicks Unsubscribe unsubscribes them all; " +
	"give each address a row of its own, or drop one_click"

// sharedUnsubscribeWords is the warning of one row whose To holds k
// addresses, after "warning: SHEET: row N: ": the line of a row alone, and
// what the preview gallery shows with the row (rowWarnings).
func sharedUnsubscribeWords(k int) string {
	return fmt.Sprintf("to holds %d addresses %s", k, sharedUnsubscribeWhy)
}
