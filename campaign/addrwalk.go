package campaign

// WalkTop calls fn for each byte of s that is outside quoted-strings,
// comments and domain literals (RFC 5322 3.2.4, 3.2.2, 3.4.1: a '[' right
// after '@'; elsewhere '[' is an ordinary character), with the
// depth of angle brackets around it: a '<' that opens an angle-addr is
// seen at depth 0 and its '>' at depth 1. A backslash escapes the next byte
// only inside those (quoted-pair); elsewhere it is an ordinary character.
// WalkTop reports whether s leaves any of them, or an angle bracket, open.
func WalkTop(s string, fn func(i int, c byte, angle int)) (open bool) {
	var (
		quoted, literal, escape bool
		comment, angle          int
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escape:
			escape = false
		case quoted || comment > 0 || literal:
			switch {
			case c == '\\':
				escape = true
			case quoted:
				quoted = c != '"'
			case literal:
				literal = c != ']'
			case c == '(':
				comment++
			case c == ')':
				comment--
			}
		case c == '"':
			quoted = true
		case c == '(':
			comment = 1
		case c == '[' && i > 0 && s[i-1] == '@':
			literal = true
		default:
			fn(i, c, angle)
			if c == '<' {
				angle++
			} else if c == '>' && angle > 0 {
				angle--
			}
		}
	}
	return quoted || literal || comment > 0 || angle > 0
}
