package campaign

import (
	"fmt"
	"strconv"
	"strings"
)

// rowCount is "1 row" or "n rows".
func rowCount(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

// firstRows names the rows of a warning: first, the numbers of the
// first few of total rows, "4, 7, 9", and " and n more" when total is
// more than those.
func firstRows(first []int, total int) string {
	nums := make([]string, len(first))
	for i, n := range first {
		nums[i] = strconv.Itoa(n)
	}
	rows := strings.Join(nums, ", ")
	if more := total - len(first); more > 0 {
		rows += fmt.Sprintf(" and %d more", more)
	}
	return rows
}
