package smtpclient

import "testing"

func TestXtextAndORCPT(t *testing.T) {
	for in, want := range map[string]string{"a@b.c": "a@b.c", "a+b=c@d": "a+2Bb+3Dc@d", "sp ace": "sp+20ace"} {
		if got := xtext(in); got != want {
			t.Errorf("xtext(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"ann@example.org": "rfc822;ann@example.org", "josé@example.org": `utf-8;jos\x{E9}@example.org`, "a+b@x": "rfc822;a+2Bb@x"} {
		if got := orcpt(in); got != want {
			t.Errorf("orcpt(%q) = %q, want %q", in, got, want)
		}
	}
}
