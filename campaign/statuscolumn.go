package campaign

import (
	"fmt"
	"path/filepath"
	"strings"
)

// A mailing list's export (listmonk's status, blocklisted or enabled;
// Mailchimp's, Brevo's, Sendy's) keeps the people who asked to get no
// more mail as rows with a status, where tidings reads no status column
// and sends to every row. statusTally counts the rows whose status says
// so, for one warning once the sheet is read.
type statusTally struct {
	column string         // the status column's header, "" for none
	rows   map[string]int // rows by status value, lower case
	first  map[string][]int
	order  []string // the values in the order first met
	// suppress is the campaign's suppression list (Recipients.Suppress):
	// a row whose every address it names is not counted, as send skips
	// it (skipListed, allListed).
	suppress *Suppression
}

// maxStatusRows bounds the row numbers a warning names for a value.
const maxStatusRows = 5

// statusColumnNames are the headers, lower case without spaces, '_' and
// '-', that name a subscriber's status.
var statusColumnNames = map[string]bool{"status": true, "subscriptionstatus": true, "subscriberstatus": true, "emailstatus": true}

// stoppedStatuses are the status values, lower case, of someone who is
// to get no more mail.
var stoppedStatuses = map[string]bool{
	"blocklisted": true, "blacklisted": true, "blocked": true, "unsubscribed": true, "cleaned": true,
	"bounced": true, "complained": true, "disabled": true, "optout": true, "opt-out": true, "opt out": true, "opted out": true, "opted-out": true,
}

// newStatusTally is the tally of a sheet with the header columns; one
// with no status column counts nothing.
func newStatusTally(columns []string) *statusTally {
	for _, c := range columns {
		if statusColumnNames[strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(c))] {
			return &statusTally{column: c, rows: map[string]int{}, first: map[string][]int{}}
		}
	}
	return &statusTally{}
}

// allListed reports whether values hold an address (a cell with an '@')
// and list names each of them. Send skips a row by its recipients, which
// a cell that is no address (the key: an id, a name) does not tell, nor
// which address cell the row goes to: the key's suppressed while the
// To's column is not (to: '{{.work}}') is a row send mails. A row any of
// whose addresses is not named is warned of: at worst a row send skips
// (its Cc suppressed) is counted.
func allListed(list *Suppression, values map[string]string) bool {
	some := false
	for _, v := range values {
		if !strings.Contains(v, "@") {
			continue
		}
		if _, ok := list.Match(v); !ok {
			return false
		}
		some = true
	}
	return some
}

// skipListed makes t pass over the rows whose addresses the suppression
// list (r.Suppress) all names: they are not sent, so a sheet
// whose blocklisted rows are in the suppress: file, as the warning and
// the README say to do, is warned of no more.
func (t *statusTally) skipListed(r Recipients) {
	if t != nil {
		t.suppress = r.Suppress
	}
}

// note counts row, whose values are values, when its status is one of
// stoppedStatuses, unless the suppression list names every address of
// the row (allListed).
func (t *statusTally) note(row int, values map[string]string) {
	if t == nil || t.column == "" {
		return
	}
	v := strings.ToLower(strings.TrimSpace(values[t.column]))
	if !stoppedStatuses[v] {
		return
	}
	if t.suppress != nil && allListed(t.suppress, values) {
		return
	}
	if t.rows[v] == 0 {
		t.order = append(t.order, v)
	}
	t.rows[v]++
	if len(t.first[v]) < maxStatusRows {
		t.first[v] = append(t.first[v], row)
	}
}

// warning is the sheet's warning about the rows counted, naming file,
// the column, each value with its rows; "" when there are none.
func (t *statusTally) warning(file string) string {
	if t == nil || len(t.order) == 0 {
		return ""
	}
	var said []string
	for _, v := range t.order {
		said = append(said, fmt.Sprintf("%q in %s (%s)", v, rowCount(t.rows[v]), firstRows(t.first[v], t.rows[v])))
	}
	return fmt.Sprintf("%s: column %q says %s: tidings reads no status column and sends to every row the suppress: file does not name; take those rows out of the sheet or put their addresses in the suppress: file (or export only the subscribers to mail); a column of another meaning (an account's status) is read as no subscriber's under another header, such as account_status",
		filepath.Base(file), t.column, strings.Join(said, ", "))
}
