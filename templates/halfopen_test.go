package templates

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestHalfOpen: a column written with one opening brace ("{.name}}", a
// beginner's typo) went out in every message as it is, check saying
// nothing (rev-user9, a volunteer's first campaign); it is an error at
// its line with the action to write. JavaScript's spread, CSS and a
// column written right are not.
func TestHalfOpen(t *testing.T) {
	cols := []string{"email", "name", "plan"}
	subject := func(s string) string { return strings.Replace(baseYAML, `"Hello {{.name}}"`, "'"+s+"'", 1) }
	for _, tt := range []struct {
		name, yaml, body, wantFile string
		wantLine                   int
		want                       string
	}{
		{"subject", subject("{.name}}, your monthly update"), "hi\n", "campaign.yaml", 3,
			"templates: subject: {.name}}: a column opened with one {, which Go templates send as it is; write {{.name}}"},
		{"body", baseYAML, "Hello {{.name}},\n\nYour plan: { .plan }}.\n", "body.txt", 3,
			"templates: text: { .plan }}: a column opened with one {, which Go templates send as it is; write {{.plan}}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(load(t, tt.yaml, map[string]string{"body.txt": tt.body}), cols)
			var fe *campaign.FileError
			if !errors.Is(err, ErrHalfOpen) || !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Compile: %v, want %q", err, tt.want)
			}
			if filepath.Base(fe.File) != tt.wantFile || fe.Line != tt.wantLine {
				t.Errorf("at %s:%d, want %s:%d", filepath.Base(fe.File), fe.Line, tt.wantFile, tt.wantLine)
			}
		})
	}
	// Not a column nor near one: text the campaign quotes (LaTeX), which
	// goes out as it is, with a warning; it was refused, the campaign
	// with it (rev-last8, reviewing b90c4a3). A typo of a column is not.
	body := "Put it in \\emph{.bashrc}}, {{.name}}.\n"
	set, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), cols)
	if err != nil {
		t.Fatalf("Compile(%q): %v", body, err)
	}
	if want := "body.txt:1: templates: text: {.bashrc}}: no column \"bashrc\", so it goes out as it is"; !strings.Contains(strings.Join(set.Warnings(), "\n"), want) {
		t.Errorf("Compile(%q): warnings %q, want %q", body, set.Warnings(), want)
	}
	if _, err := Compile(load(t, baseYAML, map[string]string{"body.txt": "Dear {.nmae}},\n"}), cols); !errors.Is(err, ErrHalfOpen) {
		t.Errorf("Compile of {.nmae}}: %v, want ErrHalfOpen", err)
	}
	html := strings.Replace(baseYAML, "text: body.txt", "html: body.html", 1)
	for yaml, body := range map[string]string{
		baseYAML: "Hello {{.name}}, {plan}} and {{`{.name}}`}}\n",
		html:     "<style>.a{color:red}}</style><script>var o = {...{a: 1}};</script><p>{{.name}}</p>\n",
	} {
		if _, err := Compile(load(t, yaml, map[string]string{"body.txt": body, "body.html": body}), cols); err != nil {
			t.Errorf("Compile(%q): %v", body, err)
		}
	}
}
