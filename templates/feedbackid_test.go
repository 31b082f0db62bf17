package templates

import (
	"strings"
	"testing"
)

// TestFeedbackIDWarned: a Feedback-ID Gmail's Postmaster Tools would
// count under no campaign (no sender ID, one not 5 to 15 characters
// long), or in part (more than four fields), or apart for every message
// (a value per recipient: {{.email}}, the key column), was refused, or
// passed without a word (rev-eng49); each is a warning at the header's
// line saying why. One Gmail reads as written, a segment's column in it
// among them, is not.
func TestFeedbackIDWarned(t *testing.T) {
	cols := []string{"email", "id", "kind"}
	for _, tc := range []struct{ value, want string }{
		{"dec2026:newsletter:acmenews", ""},
		{"dec 2026 newsletter", `the sender ID "dec 2026 newsletter" has 19 characters`},
		{"dec2026:newsletter:", `"dec2026:newsletter:" ends without a sender ID`},
		{"a:b:c:d:acmenews", `"a:b:c:d:acmenews" has 5 fields, and Postmaster Tools counts the last four only (b:c:d:acmenews)`},
		{"dec2026:{{.kind}}:acmenews", ""},
		{"dec2026:{{.kind}}:acme", `the sender ID "acme" has 4 characters`},
		{"{{.email}}:acmenews", `it reads column "email", each recipient's own, so every message has an identifier of its own, which Postmaster Tools never shows (it shows one only when many messages and spam reports share it); write identifiers of the campaign or of a segment of it (dec2026:newsletter:acmenews)`},
		{"dec2026:{{.id}}:acmenews", `it reads column "id", each recipient's own`},
	} {
		yaml := "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\ntext: body.txt\nrecipients:\n  path: people.csv\n  key: id\n" +
			"headers:\n  Feedback-ID: '" + tc.value + "'\ndkim: {domain: acme.example, selector: s1, key_file: dkim.key}\n"
		s, err := Compile(load(t, yaml, map[string]string{"body.txt": "Hi\n"}), cols)
		if err != nil {
			t.Fatalf("%s: %v", tc.value, err)
		}
		got := strings.Join(s.Warnings(), "\n")
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%s: warned:\n%s", tc.value, got)
		case tc.want != "" && (!strings.Contains(got, ":9: templates: headers.Feedback-ID: ") || !strings.Contains(got, tc.want)):
			t.Errorf("%s: warnings:\n%s\nwant %q at line 9", tc.value, got, tc.want)
		}
	}
	// Unsigned, or signed without it, Gmail counts none (rev-eng49).
	for _, tc := range []struct{ dkim, want string }{
		{"", "the campaign has no dkim: section; add one"},
		{"dkim: {domain: acme.example, selector: s1, key_file: dkim.key, headers: [From, To, Subject]}\n", "dkim.headers does not name it; add Feedback-ID to it"},
		{"dkim: {domain: acme.example, selector: s1, key_file: dkim.key, headers: [From, feedback-id]}\n", ""},
	} {
		yaml := "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\ntext: body.txt\nrecipients:\n  path: people.csv\n" +
			"headers:\n  Feedback-ID: 'dec2026:acmenews'\n" + tc.dkim
		s, err := Compile(load(t, yaml, map[string]string{"body.txt": "Hi\n"}), cols)
		if err != nil {
			t.Fatalf("%s: %v", tc.dkim, err)
		}
		got := strings.Join(s.Warnings(), "\n")
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%q: warned:\n%s", tc.dkim, got)
		case tc.want != "" && (!strings.Contains(got, ":8: templates: headers.Feedback-ID: Gmail counts a Feedback-ID only ") || !strings.Contains(got, tc.want)):
			t.Errorf("%q: warnings:\n%s\nwant %q at line 8", tc.dkim, got, tc.want)
		}
	}
	// The examples the warnings give are what they ask for.
	if w := feedbackIDWords("dec2026:newsletter:acmenews", true); w != "" {
		t.Errorf("the example warned of: %s", w)
	}
}
