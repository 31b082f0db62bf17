package campaign

import (
	"slices"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestGuessEncodings: a value that is not UTF-8 gets the code page it
// was written in among the guesses, first when no other reads as
// plausible text; a Japanese, Arabic or old-Mac value is no longer told to
// be windows-1252 (or gb18030), which would read it as mojibake.
func TestGuessEncodings(t *testing.T) {
	for _, tc := range []struct {
		enc   encoding.Encoding
		text  string
		want  string
		alone bool
	}{
		{japanese.ShiftJIS, "山田 太郎", "shift_jis", true},
		{japanese.ShiftJIS, "やまだ たろう", "shift_jis", true},
		{charmap.Windows1256, "علي حسن", "windows-1256", false},
		{charmap.Windows1256, "محمد", "windows-1256", false},
		{charmap.Macintosh, "Zoë Ça Va", "macintosh", false}, // DOS's 850 reads it as "Zoæ éa Va"
		{charmap.CodePage850, "Jürgen Möller", "ibm850", false},
		{charmap.CodePage850, "Straße Größe", "ibm850", false},
		{charmap.Windows1252, "Müller Jürgen", "windows-1252", true},
		{charmap.Windows1252, "Rua São João, Nº 5", "windows-1252", false},
		{charmap.Windows1251, "Иван Петров", "windows-1251", false},
		{simplifiedchinese.GBK, "王伟「测试」", "gb18030", false},
		{korean.EUCKR, "김민준", "euc-kr", false},
		{simplifiedchinese.GB18030, "张伟𠮷", "gb18030", true},
		{charmap.Windows1250, "Małgorzata Wiśniewska, Gdańsk", "windows-1250", false},
		{charmap.Windows1250, "Příliš žluťoučký kůň", "windows-1250", false},
	} {
		raw, err := tc.enc.NewEncoder().String(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		got := guessEncodings(raw)
		names := make([]string, len(got))
		for i, g := range got {
			names[i] = g.name
		}
		i := slices.Index(names, tc.want)
		switch {
		case i < 0:
			t.Errorf("%q in %s: guesses %v", tc.text, tc.want, names)
		case got[i].reading != tc.text:
			t.Errorf("%q in %s reads as %q", tc.text, tc.want, got[i].reading)
		case tc.alone && len(got) != 1:
			t.Errorf("%q in %s: guesses %v, want it alone", tc.text, tc.want, names)
		}
	}
}

// TestGuessNoLettersInsideASCIIWords: Polish text whose words but one are
// all letters beyond ASCII is not told to be windows-1251, which reads
// "Łukasz Żółć" as "Јukasz Їуіж", a Cyrillic letter inside a Latin word.
func TestGuessNoLettersInsideASCIIWords(t *testing.T) {
	raw, err := charmap.Windows1250.NewEncoder().String("Łukasz Żółć")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range guessEncodings(raw) {
		if g.name == "windows-1251" {
			t.Errorf("guessed %s, reading %q", g.name, g.reading)
		}
	}
}

// TestGuessWesternCodePage: of the Western European code pages, the one
// a value was written in is the first guess: the others read its é, ö,
// ü and ß as ƒ, º or a capital inside a word ("CafÄ CrÅme" is the Mac's
// "Café Crème" read as DOS's 850, "JÅrgen" DOS's "Jürgen" as the Mac's);
// a Portuguese Nº is a word's end.
func TestGuessWesternCodePage(t *testing.T) {
	for _, tc := range []struct {
		enc  encoding.Encoding
		want string
	}{
		{charmap.Macintosh, "macintosh"}, {charmap.CodePage850, "ibm850"}, {charmap.Windows1252, "windows-1252"},
	} {
		for _, text := range []string{"Café Crème", "Größe Straße", "Björk Öberg", "Jürgen Müller"} {
			raw, err := tc.enc.NewEncoder().String(text)
			if err != nil {
				t.Fatal(err)
			}
			if got := guessEncodings(raw); len(got) == 0 || got[0].name != tc.want || got[0].reading != text {
				t.Errorf("%q in %s: guesses %+v, want %s first", text, tc.want, got, tc.want)
			}
		}
	}
}
