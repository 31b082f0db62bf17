package render

import (
	"errors"
	"strings"
	"testing"
)

// TestGroupSpaceBesideAt: a member of a list in group syntax with a
// space beside its @ is refused, naming the column, in the words the same
// address gets outside a group; the group's members without one are sent
// to.
func TestGroupSpaceBesideAt(t *testing.T) {
	for _, to := range []string{
		`"Team: {{.email}}, b@y.example;"`,
		`"Team: b@y.example, {{.email}};"`,
		`"Team: {{.name}} <{{.email}}>;, c@y.example"`,
	} {
		e := setup(t, yamlWith(map[string]string{"to": to}), bodyFile, []string{"email", "name"})
		for _, email := range []string{"ann@ x.com", "ann @x.com"} {
			_, err := e.r.Render(row(4, "email", email, "name", "Ann"))
			if re := rowErr(t, err); !errors.Is(err, ErrAddress) || re.Row != 4 || re.Column != "email" ||
				!strings.HasSuffix(err.Error(), ": a space inside the address, next to the @") {
				t.Errorf("to: %s, email %q: %v, want the space beside the @ in column email", to, email, err)
			}
		}
		m, err := e.r.Render(row(4, "email", "ann@x.com", "name", "Ann"))
		if err != nil {
			t.Errorf("to: %s: %v", to, err)
			continue
		}
		if !strings.Contains(strings.Join(m.Recipients, " "), "ann@x.com") {
			t.Errorf("to: %s: recipients %q", to, m.Recipients)
		}
	}
}
