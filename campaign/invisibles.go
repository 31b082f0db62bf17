package campaign

import (
	"slices"
	"strings"
)

// InvisibleKind is what an invisible format character does to the text
// around it.
type InvisibleKind uint8

const (
	// DirectionControl: an embedding, override or isolate, or the pop
	// that closes one (U+202A–U+202E, U+2066–U+2069): it reorders the
	// text after it.
	DirectionControl InvisibleKind = iota + 1
	// ZeroWidth: the zero-width space, word joiner and byte order mark
	// (U+200B, U+2060, U+FEFF): they show nothing.
	ZeroWidth
	// Joiner: the zero-width joiner and non-joiner (U+200C, U+200D):
	// they change how Persian, Indic and emoji letters join.
	Joiner
	// DirectionMark: the direction marks (U+200E, U+200F, U+061C): they
	// set the direction of the neutral characters beside them.
	DirectionMark
	// SoftHyphen: U+00AD, which shows only where a line breaks.
	SoftHyphen
)

// Invisible is an invisible format character's name, as messages give it,
// and its kind.
type Invisible struct {
	Name string
	Kind InvisibleKind
}

// invisibles are the invisible format characters tidings tells of, the
// one table of them: render judges a header's cells by them, NormalizeKey
// leaves those out that join no letters, the report page shows some as
// their code points, and journal.ShellWord escapes them (with all other
// format characters).
var invisibles = map[rune]Invisible{
	'\u202A': {"left-to-right embedding", DirectionControl}, '\u202B': {"right-to-left embedding", DirectionControl},
	'\u202C': {"pop directional formatting", DirectionControl},
	'\u202D': {"left-to-right override", DirectionControl}, '\u202E': {"right-to-left override", DirectionControl},
	'\u2066': {"left-to-right isolate", DirectionControl}, '\u2067': {"right-to-left isolate", DirectionControl},
	'\u2068': {"first strong isolate", DirectionControl}, '\u2069': {"pop directional isolate", DirectionControl},
	'\u200B': {"zero-width space", ZeroWidth}, '\u2060': {"word joiner", ZeroWidth},
	'\uFEFF': {"zero-width no-break space (byte order mark)", ZeroWidth},
	'\u200C': {"zero-width non-joiner", Joiner}, '\u200D': {"zero-width joiner", Joiner},
	'\u200E': {"left-to-right mark", DirectionMark}, '\u200F': {"right-to-left mark", DirectionMark},
	'\u061C': {"Arabic letter mark", DirectionMark},
	'\u00AD': {"soft hyphen", SoftHyphen},
}

// InvisibleChar is r's entry in the table of invisible format characters;
// ok is false for any other character.
func InvisibleChar(r rune) (inv Invisible, ok bool) {
	if r < '\u00AD' {
		return Invisible{}, false // ASCII and most of Latin-1: a quick no
	}
	inv, ok = invisibles[r]
	return inv, ok
}

// IsInvisible reports whether r is an invisible format character of one
// of kinds.
func IsInvisible(r rune, kinds ...InvisibleKind) bool {
	inv, ok := InvisibleChar(r)
	return ok && slices.Contains(kinds, inv.Kind)
}

// InvisibleRunes are the invisible format characters of kinds, as a
// string for strings.ContainsAny, in code point order.
func InvisibleRunes(kinds ...InvisibleKind) string {
	var rs []rune
	for r, inv := range invisibles {
		if slices.Contains(kinds, inv.Kind) {
			rs = append(rs, r)
		}
	}
	slices.Sort(rs)
	var b strings.Builder
	for _, r := range rs {
		b.WriteRune(r)
	}
	return b.String()
}
