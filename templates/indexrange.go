package templates

import "regexp"

// indexRangeRE matches text/template's index builtin failing for an item
// past the end of a list: "index out of range: 3" for one past its length,
// reflect's panic for the item just past the last (index checks against the
// length, not the last item).
var indexRangeRE = regexp.MustCompile(`error calling index: (?:reflect: (?:slice|array|string) index out of range|index out of range: \d+)$`)

// indexPastEndWords tells a user why index failed for a row, as the
// common case has it: a list cut out of one column shorter than one cut out
// of another (two authors' emails, one name).
const indexPastEndWords = "asks for an item past the end of its list (items count from 0): the row's list is shorter than the template expects"

// indexPastEnd reports whether execution error msg is index asking for an
// item past the end of a list.
func indexPastEnd(msg string) bool { return indexRangeRE.MatchString(msg) }

// indexPastEndMessage is the words for such an error of the action
// ({{index (split ";" .names) $i}}), as text/template quotes it in msg.
func indexPastEndMessage(msg string) string {
	if m := actionRE.FindStringSubmatch(msg); m != nil {
		return "index: {{" + m[1] + "}} " + indexPastEndWords
	}
	return "index: " + indexPastEndWords
}

// actionColumn is the one column the failing action of execution error
// msg names ({{index (split ";" $.names) $i}}: names), "" when it names
// none or several.
func (t *Template) actionColumn(msg string) string {
	return t.oneColumnIn(msg, func(string) bool { return true })
}
