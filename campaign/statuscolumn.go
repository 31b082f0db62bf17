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
	// key and suppress are the sheet's key column and the campaign's
	// suppression list (Recipients.Suppress): a row whose key it names
	// is not counted, as send skips it (skipListed).
	key      string
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

// skipListed makes t pass over the rows whose key column (r.Key) the
// suppression list (r.Suppress) names: they are not sent, so a sheet
// whose blocklisted rows are in the suppress: file, as the warning and
// the README say to do, is warned of no more.
func (t *statusTally) skipListed(r Recipients) {
	if t != nil {
		t.key, t.suppress = r.Key, r.Suppress
	}
}

// note counts row, whose values are values, when its status is one of
// stoppedStatuses and the suppression list does not name its key.
func (t *statusTally) note(row int, values map[string]string) {
	if t == nil || t.column == "" {
		return
	}
	v := strings.ToLower(strings.TrimSpace(values[t.column]))
	if !stoppedStatuses[v] {
		return
	}
	if _, listed := t.suppress.Match(values[t.key]); listed {
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
		rows := strings.Trim(fmt.Sprint(t.first[v]), "[]")
		rows = strings.ReplaceAll(rows, " ", ", ")
		if n := t.rows[v]; n > len(t.first[v]) {
			rows += fmt.Sprintf(" and %d more", n-len(t.first[v]))
		}
		said = append(said, fmt.Sprintf("%q in %s (%s)", v, rowCount(t.rows[v]), rows))
	}
	return fmt.Sprintf("%s: column %q says %s: tidings reads no status column and sends to every row the suppress: file does not name; take those rows out of the sheet or put their addresses in the suppress: file (or export only the subscribers to mail); a column of another meaning (an account's status) is read as no subscriber's under another header, such as account_status",
		filepath.Base(file), t.column, strings.Join(said, ", "))
}

// rowCount is "1 row" or "n rows".
func rowCount(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}
