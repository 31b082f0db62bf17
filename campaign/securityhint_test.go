package campaign

import "testing"

// TestSecurityMailProgramWords: the words mail programs and mailmerge use
// for a connection's security ("SSL/TLS", "Never") are refused with the
// setting's own word for them.
func TestSecurityMailProgramWords(t *testing.T) {
	for value, want := range map[string]string{
		"SSL/TLS": `unknown security "SSL/TLS": write tls (what mail programs call SSL/TLS; port 465)`,
		"Never":   `unknown security "Never": write none (what mailmerge calls Never; a login in clear only to a server on this machine)`,
		"ssl3":    `unknown security "ssl3" (use tls, starttls or none)`,
	} {
		if _, err := ParseSecurity(value); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %s", value, err, want)
		}
	}
}
