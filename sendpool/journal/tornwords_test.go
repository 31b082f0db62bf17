package journal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTornLineWords: a journal's last line that is not a record was
// blamed on "a run killed, or its disk filled up" also when it ends with
// its newline, which neither leaves (they cut a line short, before its
// newline), and the user was told to free space; a line cut short named
// no power loss, which leaves one too. The words now say what each can
// come from.
func TestTornLineWords(t *testing.T) {
	data, start := buildTornBase(t)
	for _, tc := range []struct {
		name      string
		tail      []byte
		want, not []string
	}{
		{"cut short", data[start : start+10], []string{"the last line is cut off after 10 bytes: the run writing it was stopped (killed, or the machine lost power), or its disk filled up", "If that disk is still full, free space on it"}, nil},
		{"whole line", []byte("{\"type\":\"result\",\"garbled\n"), []string{"the last line (26 bytes) is not a record: damaged as it was written (the machine lost power), or changed since; ignored"}, []string{"disk", "killed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, FileName), append(data[:start:start], tc.tail...), 0o644); err != nil {
				t.Fatal(err)
			}
			s := load(t, dir)
			if len(s.Warnings) != 1 {
				t.Fatalf("warnings %v, want one", s.Warnings)
			}
			w := s.Warnings[0].Error()
			for _, want := range tc.want {
				if !strings.Contains(w, want) {
					t.Errorf("the warning lacks %q:\n%s", want, w)
				}
			}
			for _, not := range tc.not {
				if strings.Contains(w, not) {
					t.Errorf("the warning says %q:\n%s", not, w)
				}
			}
		})
	}
}
