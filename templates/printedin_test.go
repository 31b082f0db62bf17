package templates

import "testing"

// TestPrintedInThree: a column the subject and both bodies print is named
// as a list reads, "the subject, body.txt and body.html", not "the
// subject and body.txt and body.html" (rev-final).
func TestPrintedInThree(t *testing.T) {
	yaml := "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: 'Hi {{.name}}'\ntext: body.txt\nhtml: body.html\nrecipients:\n  path: people.csv\n"
	s, err := Compile(load(t, yaml, map[string]string{"body.txt": "Hi {{.name}},\n", "body.html": "<p>Hi {{.name}},</p>\n"}), []string{"email", "name"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.PrintedIn("name"), "the subject, body.txt and body.html"; got != want {
		t.Errorf("PrintedIn: %q, want %q", got, want)
	}
}
