package templates

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestResultCapped: a variable grown in a loop and never printed, by
// printf, replace, join, print or js, fails the row once a function's
// result is over max_message_size, with the template's file and the
// line of the call, rather than growing until memory runs out (2^15
// bytes here, with a 1KB cap: each loop would double it for ever with
// range 100); what fits is made as before.
func TestResultCapped(t *testing.T) {
	for _, c := range []struct{ name, grow string }{
		{"printf", `{{$x = printf "%s%s" $x $x}}`},
		{"replace", `{{$x = replace "a" "aa" $x}}`},
		{"join", `{{$x = join $x (split "," "a,b,c")}}`},
		{"print", `{{$x = print $x $x}}`},
		{"js", `{{$x = js $x}}`},
	} {
		body := "Hi {{.name}}\n{{$x := `a\\\\`}}{{range 14}}" + c.grow + "{{end}}{{len $x}}\n"
		yaml := baseYAML + "max_message_size: 1KB\n"
		s, err := Compile(load(t, yaml, map[string]string{"body.txt": body}), []string{"email", "name"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@example.com", "name": "Ann"}})
		if !errors.Is(err, ErrOutputTooLarge) || !strings.Contains(err.Error(), "body.txt:2") || !strings.Contains(err.Error(), c.name+": output over max_message_size (1024 bytes)") {
			t.Errorf("%s: %v, want ErrOutputTooLarge at body.txt:2 naming %s", c.name, err, c.name)
		}
	}
	s, err := Compile(load(t, baseYAML+"max_message_size: 1KB\n", map[string]string{"body.txt": `{{printf "%s-%s" .name .name}} {{replace "n" "nn" .name}} {{join "," (split " " "a b")}} {{js .name}}`}), []string{"email", "name"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@example.com", "name": "Ann"}})
	if err != nil || string(f.Text) != "Ann-Ann Annnn a,b Ann" {
		t.Errorf("within the cap: %q, %v", f.Text, err)
	}
}
