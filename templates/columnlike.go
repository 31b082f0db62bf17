package templates

import (
	"strings"

	"github.com/tidings/tidings/campaign"
)

// columnLike is the column name means: the one it names (its header text
// or Identifier), else the one it names in another case, else the one
// with the same letters and digits (email for E-Mail); "" when none does
// or the columns are unknown.
func (cp *compiler) columnLike(name string) string {
	if cp.columns == nil {
		return ""
	}
	if c := cp.names.resolve(name); c != "" {
		return c
	}
	for _, c := range cp.columns {
		if strings.EqualFold(c, name) || strings.EqualFold(Identifier(c), name) {
			return c
		}
	}
	for _, c := range cp.columns { // E-Mail for email, Email Address for emailaddress
		if k := campaign.Squash(c); k != "" && k == campaign.Squash(name) {
			return c
		}
	}
	return ""
}
