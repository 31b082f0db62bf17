package bounces

import (
	"strings"
	"testing"
	"unicode"
)

// TestVouch: an unsubscribe request is vouched for only by the topmost
// Authentication-Results field of the server named, saying dmarc=pass for
// the From's domain or an aligned dkim=pass or spf=pass, and no other
// dmarc value; not by a field of another server, one below the server's
// own, nor by a comment or a quoted string (a sender's quoted local part).
func TestVouch(t *testing.T) {
	const from = "eve@example.org"
	for _, tc := range []struct {
		name, fields, authserv string
		ok                     bool
		why                    string
	}{
		{"dmarc pass", "Authentication-Results: mx.test; dmarc=pass (p=reject) header.from=example.org\n", "mx.test", true, ""},
		{"authserv-id in another case, version", "Authentication-Results: MX.Test 1; dmarc=pass header.from=Example.ORG\n", "mx.test", true, ""},
		{"dkim aligned", "Authentication-Results: mx.test; dkim=pass (2048-bit key; unprotected) header.d=mail.example.org header.s=s1\n", "mx.test", true, ""},
		{"dkim by header.i", "Authentication-Results: mx.test;\n dkim=pass header.i=@example.org header.s=20230601 header.b=abc\n", "mx.test", true, ""},
		{"spf aligned", "Authentication-Results: mx.test; spf=pass (mx.test: domain of bounce@bounce.example.org designates 192.0.2.1 as permitted sender) smtp.mailfrom=bounce@bounce.example.org\n", "mx.test", true, ""},
		{"no authserv-id set", "Authentication-Results: mx.test; dmarc=pass header.from=example.org\n", "", false, "mailbox.authserv_id is not set"},
		{"none", "", "mx.test", false, "no Authentication-Results by mx.test"},
		{"another server's", "Authentication-Results: evil.example; dmarc=pass header.from=example.org\n", "mx.test", false, "no Authentication-Results by mx.test"},
		{"forged below the server's own", "Authentication-Results: mx.test; dmarc=fail header.from=example.org\nReceived: from evil.example by mx.test\nAuthentication-Results: mx.test; dmarc=pass header.from=example.org\n", "mx.test", false, "mx.test found dmarc=fail for example.org"},
		{"dkim of another domain", "Authentication-Results: mx.test; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=evil.example\n", "mx.test", false, "mx.test found no pass aligned with example.org (dkim=pass for evil.example, spf=pass for evil.example)"},
		{"dmarc none (no policy) leaves it to an aligned dkim", "Authentication-Results: mx.test; dkim=pass header.d=example.org; dmarc=none header.from=example.org\n", "mx.test", true, ""},
		{"dmarc none alone vouches for nothing", "Authentication-Results: mx.test; spf=softfail smtp.mailfrom=evil.example; dmarc=none header.from=example.org\n", "mx.test", false, "no pass aligned with example.org"},
		{"dmarc fail beats an aligned dkim", "Authentication-Results: mx.test; dkim=pass header.d=mail.example.org; dmarc=fail header.from=example.org\n", "mx.test", false, "mx.test found dmarc=fail for example.org"},
		{"a comment is no result", "Authentication-Results: mx.test; spf=softfail (domain of x@evil.example; dmarc=pass header.from=example.org) smtp.mailfrom=evil.example\n", "mx.test", false, "no pass aligned with example.org (spf=softfail for evil.example)"},
		{"a quoted local part is no property", `Authentication-Results: mx.test; spf=pass smtp.mailfrom="x smtp.mailfrom=eve@example.org y"@evil.example` + "\n", "mx.test", false, "no pass aligned with example.org (spf=pass for evil.example)"},
		{"a quoted local part is no result", `Authentication-Results: mx.test; spf=pass smtp.mailfrom="a;dkim=pass header.d=example.org;x=y"@evil.example` + "\n", "mx.test", false, "no pass aligned with example.org (spf=pass for evil.example)"},
		{"a quoted local part of the From's domain", `Authentication-Results: mx.test; spf=pass smtp.mailfrom="bounce \"x\""@example.org` + "\n", "mx.test", true, ""},
		{"another public suffix", "Authentication-Results: mx.test; dkim=pass header.d=example.co.uk\n", "mx.test", false, "no pass aligned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.fields + "From: Eve <" + from + ">\nTo: unsubscribe@news.example\nSubject: unsubscribe\n\nplease\n"
			v := vouch([]byte(raw), from, tc.authserv)
			if v.ok != tc.ok || !strings.Contains(v.why, tc.why) {
				t.Errorf("vouch = %v %q, want %v %q", v.ok, v.why, tc.ok, tc.why)
			}
		})
	}
	if v := vouch([]byte("Authentication-Results: mx.test; dmarc=pass header.from=example.org\nFrom: eve@example.org\n\n"), from, ""); v.top != "mx.test" {
		t.Errorf("top = %q, want the topmost field's authserv-id", v.top)
	}
	// The sender writes what a forged field holds: no escape sequence
	// reaches the terminal through the words.
	esc := "Authentication-Results: mx\x1b[2J.test; dmarc=pass header.from=example.org\x1b]0;pwned\x07\nFrom: eve@example.org\n\n"
	for _, authserv := range []string{"", "mx\x1b[2j.test"} {
		if v := vouch([]byte(esc), from, authserv); strings.ContainsFunc(v.why+v.top, unicode.IsControl) {
			t.Errorf("authserv %q: why %q, top %q hold a control character", authserv, v.why, v.top)
		}
	}
}

// TestAligned: relaxed alignment compares organizational domains.
func TestAligned(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"example.org", "example.org", true}, {"mail.example.org", "Example.org.", true},
		{"a.example.co.uk", "b.example.co.uk", true}, {"example.co.uk", "other.co.uk", false},
		{"evil.example", "example.org", false}, {"", "example.org", false},
	} {
		if got := aligned(tc.a, tc.b); got != tc.want {
			t.Errorf("aligned(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
