package templates

import "strings"

// quotedEnd is the index just past the RFC 5322 quoted-string that starts
// s[i] (a '"'), or -1 when it is never closed; a backslash escapes the
// byte after it (quoted-pair).
func quotedEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// maskQuoted is s with each byte inside a closed quoted-string (not its
// quotes) replaced by 'q', so that a space or an @ in a quoted local part
// ("ann lee"@x.com) is not taken for one between a name and an address or
// between two addresses. Indexes into it are indexes into s.
func maskQuoted(s string) string {
	if !strings.Contains(s, `"`) {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		end := quotedEnd(s, i)
		if end < 0 {
			break
		}
		for j := i + 1; j < end-1; j++ {
			b[j] = 'q'
		}
		i = end - 1
	}
	return string(b)
}

// unquoteLocal is email with its local part unquoted, when that part is
// one quoted-string right before the @ ("ann lee"@x.com gives
// ann lee@x.com, as net/mail's Address holds it); ok is false otherwise.
func unquoteLocal(email string) (string, bool) {
	end := -1
	if strings.HasPrefix(email, `"`) {
		end = quotedEnd(email, 0)
	}
	if end < 0 || !strings.HasPrefix(email[end:], "@") {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < end-1; i++ {
		if email[i] == '\\' {
			i++
		}
		b.WriteByte(email[i])
	}
	return b.String() + email[end:], true
}
