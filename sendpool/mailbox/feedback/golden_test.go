package feedback

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden .json files in testdata")

// corpus returns the .eml files of testdata.
func corpus(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in testdata: %v", err)
	}
	return files
}

// TestGolden parses every message of testdata and compares the Report,
// as JSON, with the .json file beside it.
func TestGolden(t *testing.T) {
	for _, path := range corpus(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".eml")
		t.Run(name, func(t *testing.T) {
			got := parseFile(t, path)
			golden := strings.TrimSuffix(path, ".eml") + ".json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report differs from %s (run go test -update after checking):\n%s", golden, got)
			}
		})
	}
}

func parseFile(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := Parse(f, Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGoldenRoundTrip: the golden files read back into a Report (the text
// forms of Kind, Severity and Status parse back).
func TestGoldenRoundTrip(t *testing.T) {
	for _, path := range corpus(t) {
		data, err := os.ReadFile(strings.TrimSuffix(path, ".eml") + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var rep Report
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}
