package campaign

import "strings"

// JoinAnd is parts joined as a list in words: "a", "a and b", "a, b and
// c"; "" for none.
func JoinAnd(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
