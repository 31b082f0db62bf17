package render

import (
	"errors"
	"strings"
	"testing"
)

// TestAddressHintInColumns: the hints that suggest the address function
// (a name without < >, a quote left open) write the call in the
// template's own columns for a template of text and columns, several name
// columns printed whole; a template with a function gets the generic
// example, as the hint for a name that splits the address does.
func TestAddressHintInColumns(t *testing.T) {
	cols := []string{"email", "E-Mail", "Full Name", "First", "Last"}
	for _, tc := range []struct{ to, name, first, want string }{
		{`"{{.Full_Name}} {{.E_Mail}}"`, "Carla Weber", "", "(Carla Weber <carla@example.de>), or write {{address .Full_Name .E_Mail}}; if not, remove the space"},
		{`"{{.First}} {{.Last}} {{.E_Mail}}, boss@example.org"`, "", "Carla", `or write {{address (print .First " " .Last) .E_Mail}}; if not`},
		{`"{{.Full_Name}} <{{.E_Mail}}>"`, `Carla "CW Weber`, "", "a name holding one is written with {{address .Full_Name .E_Mail}}"},
		{`"{{.Full_Name | trim}} {{.E_Mail}}"`, "Carla Weber", "", "or write {{address .name .email}}; if not"},
	} {
		e := setup(t, yamlWith(map[string]string{"to": tc.to}), bodyFile, cols)
		_, err := e.r.Render(row(3, "email", "k@example.com", "E-Mail", "carla@example.de", "Full Name", tc.name, "First", tc.first, "Last", "Weber"))
		if re := rowErr(t, err); !errors.Is(err, ErrAddress) || re.Row != 3 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("to: %s: %v\nwant it to say %s", tc.to, err, tc.want)
		}
	}
}
