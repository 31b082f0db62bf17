package campaign

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeSuppress(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "suppressed.txt")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSuppressMatch(t *testing.T) {
	list := "\ufeff# unsubscribed by hand\n" +
		"Bob@Example.ORG\n" +
		"  carol@example.net   # asked on the phone\r\n" +
		"\n" +
		"   \n" +
		"@Example.com\n" +
		"@bücher.de # IDN domain\n" +
		"dora@xn--caf-dma.fr\n" +
		"#eve@example.org\n"
	s, err := LoadSuppression(writeSuppress(t, list))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Len(); got != 5 {
		t.Errorf("Len = %d, want 5", got)
	}
	tests := []struct {
		addr string
		rule string
		ok   bool
	}{
		{"bob@example.org", "bob@example.org", true},
		{"BOB@EXAMPLE.ORG", "bob@example.org", true},
		{"  bob@example.org ", "bob@example.org", true},
		{"bobby@example.org", "", false},
		{"carol@example.net", "carol@example.net", true},
		{"eve@example.org", "", false}, // commented out
		{"ann@example.com", "@example.com", true},
		{"ann@EXAMPLE.com", "@example.com", true},
		{"ann@a.example.com", "@example.com", true},
		{"ann@b.a.example.com", "@example.com", true},
		{"ann@notexample.com", "", false},
		{"ann@example.com.evil.net", "", false},
		{"ann@example.co", "", false},
		{"ann@bücher.de", "@bücher.de", true},
		{"ann@xn--bcher-kva.de", "@bücher.de", true},
		{"ann@shop.BÜCHER.de", "@bücher.de", true},
		{"dora@café.fr", "dora@xn--caf-dma.fr", true},
		{"example.com", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		rule, ok := s.Match(tt.addr)
		if rule != tt.rule || ok != tt.ok {
			t.Errorf("Match(%q) = %q, %v; want %q, %v", tt.addr, rule, ok, tt.rule, tt.ok)
		}
	}
}

func TestSuppressEmptyList(t *testing.T) {
	s, err := LoadSuppression(writeSuppress(t, "# nobody yet\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if rule, ok := s.Match("ann@example.com"); ok {
		t.Errorf("empty list matched by %q", rule)
	}
}

func TestSuppressBadLines(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		lines []int
	}{
		{"word", "ann@example.org\nnot-an-address\n", []int{2}},
		{"bare domain", "example.com\n", []int{1}},
		{"at only", "# c\n@\n", []int{2}},
		{"empty domain", "ann@\n", []int{1}},
		{"single label", "ann@localhost\n", []int{1}},
		{"two entries on a line", "ann@example.org bob@example.org\n", []int{1}},
		{"display name", "Ann <ann@example.org>\n", []int{1}},
		{"two ats", "a@b@example.org\n", []int{1}},
		{"mailto", "ok@example.org\nmailto:gus@example.org\nMailto:Ann@example.org\n", []int{2, 3}},
		{"bad domain", "@exa mple.com\n@-x-.com\n", []int{1, 2}},
		{"several", "ok@example.org\nx\n\n# y\nz # w\n", []int{2, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeSuppress(t, tt.text)
			s, err := LoadSuppression(p)
			if err == nil {
				t.Fatalf("LoadSuppression = %v entries, want an error", s.Len())
			}
			var lines []int
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var fe *FileError
				if !errors.As(e, &fe) {
					t.Fatalf("error %v is not a *FileError", e)
				}
				if fe.File != p {
					t.Errorf("File = %q, want %q", fe.File, p)
				}
				lines = append(lines, fe.Line)
			}
			if len(lines) != len(tt.lines) {
				t.Fatalf("lines %v, want %v (%v)", lines, tt.lines, err)
			}
			for i := range lines {
				if lines[i] != tt.lines[i] {
					t.Fatalf("lines %v, want %v (%v)", lines, tt.lines, err)
				}
			}
		})
	}
}

// TestSuppressUTF16: a list Notepad saved as "Unicode" (UTF-16, with its
// byte order mark or without) is one error saying so, not a line each
// quoting NUL bytes.
func TestSuppressUTF16(t *testing.T) {
	text := "# blocked\r\nann@example.org\r\n"
	le := []byte{0xFF, 0xFE}
	be := []byte{0xFE, 0xFF}
	bare := []byte{}
	for _, r := range text {
		le = append(le, byte(r), 0)
		be = append(be, 0, byte(r))
		bare = append(bare, byte(r), 0)
	}
	for name, data := range map[string][]byte{"utf-16le": le, "utf-16be": be, "no mark": bare} {
		p := filepath.Join(t.TempDir(), "suppress.txt")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadSuppression(p)
		var fe *FileError
		if !errors.As(err, &fe) || fe.File != p || !errors.Is(err, ErrBadEncoding) || !strings.Contains(err.Error(), `saved as UTF-16 (Notepad's "Unicode"); save it as UTF-8`) {
			t.Errorf("%s: LoadSuppression: %v", name, err)
		}
	}
}

func TestSuppressMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "absent.txt")
	_, err := LoadSuppression(p)
	var fe *FileError
	if !errors.As(err, &fe) || fe.File != p || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadSuppression(missing) = %v; want a *FileError wrapping fs.ErrNotExist", err)
	}
	// A campaign set up before any bounce came back names a list that is
	// not there yet: the error says what to do.
	if !strings.Contains(err.Error(), "create it empty while no address is suppressed yet") {
		t.Errorf("LoadSuppression(missing) = %v; want it to say to create the file empty", err)
	}
	// One named with Windows' backslash (suppress: lists\blocked.txt) is
	// to be written with /, not created under a name with a \ in it.
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "lists"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lists", "blocked.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadSuppression(filepath.Join(dir, `lists\blocked.txt`))
	want := `a \ separates no folders here: write / between folders: ` + filepath.ToSlash(filepath.Join(dir, "lists", "blocked.txt")) + ", which is there"
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "create it empty") {
		t.Errorf("LoadSuppression(backslash) = %v\nwant %s", err, want)
	}
}

// TestCheckSuppressionEntryReadsBack: an entry CheckSuppressionEntry
// takes is written as a line of its own and read back as that entry.
// "#" is atext (a#b@example.org is an address) but starts the list's
// comments, and a byte-order mark starting the file is dropped: such
// entries are refused, or one report (anyone can send an unsubscribe
// request) would make the list unreadable, or list another address.
func TestCheckSuppressionEntryReadsBack(t *testing.T) {
	for _, entry := range []string{"a#b@example.org", "#@example.org", "\ufeffvictim@example.org", "ann@example.org", "@example.org"} {
		err := CheckSuppressionEntry(entry)
		refused := strings.ContainsAny(entry, "#\ufeff")
		if refused != (err != nil) {
			t.Errorf("%q: %v, want refused %v", entry, err, refused)
		}
		if err != nil {
			continue
		}
		s, err := LoadSuppression(writeSuppress(t, entry+"  # bounced\n"))
		if err != nil {
			t.Errorf("%q written makes a list that does not load: %v", entry, err)
		} else if _, ok := s.Match(entry); !ok {
			t.Errorf("%q written reads back as another entry", entry)
		}
	}
}

// TestSuppressionWhy: the comment on an entry's line, which tidings
// bounces writes with the kind, campaign and date, is what Why gives the
// rule Match returned (the first line's for an entry listed twice), so a
// skipped row can say why it is skipped; "" for an entry without one.
func TestSuppressionWhy(t *testing.T) {
	s, err := LoadSuppression(writeSuppress(t, "user2@shop.example  # bounced 5.1.1, tidings bounces, campaign december-2026, 2026-12-07\n"+
		"User2@shop.example # again\n@Blocked.example #  a whole domain \nplain@shop.example\n# a note of its own\n"))
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]string{
		"USER2@shop.example":   "bounced 5.1.1, tidings bounces, campaign december-2026, 2026-12-07",
		"x@mx.blocked.example": "a whole domain",
		"plain@shop.example":   "",
	} {
		rule, ok := s.Match(addr)
		if got := s.Why(rule); !ok || got != want {
			t.Errorf("Why(%q) for %s = %q, want %q", rule, addr, got, want)
		}
	}
	if got := (*Suppression)(nil).Why("a@b.example"); got != "" {
		t.Errorf("nil list: Why = %q", got)
	}
}
