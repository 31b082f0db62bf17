package campaign

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMissingFile: a file the campaign names that does not exist is told
// at the setting's line of the campaign file, as written, with the file
// of the folder probably meant; other errors pass as they are.
func TestMissingFile(t *testing.T) {
	path := writeCampaign(t, minimalCampaign)
	dir := filepath.Dir(path)
	if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte("email\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	_, openErr := os.Open(filepath.Join(dir, "peple.csv"))
	err = c.MissingFile("recipients.path", filepath.Join(dir, "peple.csv"), openErr)
	var fe *FileError
	if !errors.As(err, &fe) || fe.File != c.File || fe.Line != 6 || !errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), "recipients.path: no such file: peple.csv (in "+dir+"; did you mean people.csv?)") {
		t.Errorf("MissingFile = %v (%+v)", err, fe)
	}
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "templates", "Body.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, openErr = os.Open(filepath.Join(dir, "templates", "body.txt"))
	if err := c.MissingFile("text", filepath.Join(dir, "templates", "body.txt"), openErr); err == nil || !strings.Contains(err.Error(), "no such file: templates/body.txt (in "+dir+"; did you mean templates/Body.txt?)") {
		t.Errorf("MissingFile in a folder = %v", err)
	}
	other := errors.New("permission denied")
	if got := c.MissingFile("text", filepath.Join(dir, "body.txt"), other); got != other {
		t.Errorf("MissingFile of another error = %v", got)
	}
}

// TestMissingFileBackslash: a file the campaign names with Windows'
// backslashes (recipients: {path: data\people.csv}), or in double
// quotes where YAML made "\n" of one (path: "data\new.csv"), gets the
// path with / to write, and says when that one is there.
func TestMissingFileBackslash(t *testing.T) {
	path := writeCampaign(t, minimalCampaign)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"people.csv", filepath.Join("data", "new.csv")} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("email\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ value, want string }{
		{`data\new.csv`, `no such file: data\new.csv (in ` + dir + `; a \ separates no folders here: write / between folders: data/new.csv, which is there)`},
		{"data\new.csv", `no such file: "data\new.csv" (in ` + dir + `; in double quotes YAML reads a \ and the letter after it as one character (\n a line break, \b a backspace), and a \ separates no folders here anyway: write / between folders: data/new.csv, which is there)`},
		{`data\old.csv`, `a \ separates no folders here: write / between folders: data/old.csv)`},
	} {
		full := filepath.Join(dir, tt.value)
		_, openErr := os.Open(full)
		if err := c.MissingFile("recipients.path", full, openErr); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: MissingFile = %v\nwant %s", tt.value, err, tt.want)
		}
	}
}

// TestMissingFileHiddenExtension: a file the campaign names without its
// extension, or saved with it twice (body.txt.txt), as Windows
// Explorer's hidden extensions make names, is named as the folder holds
// it.
func TestMissingFileHiddenExtension(t *testing.T) {
	path := writeCampaign(t, minimalCampaign)
	dir := filepath.Dir(path)
	for _, name := range []string{"people.csv", "body.txt.txt", "letter.html"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("email\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for key, tt := range map[string]struct{ value, want string }{
		"text": {"body.txt", "no such file: body.txt (in " + dir + "; the folder holds body.txt.txt: Windows Explorer hides known extensions such as .txt, so a name is typed without its own or saved with it twice; write the name as it is, or rename the file)"},
		"html": {"letter", "the folder holds letter.html: Windows Explorer hides known extensions such as .html"},
	} {
		full := filepath.Join(dir, tt.value)
		_, openErr := os.Open(full)
		if err := c.MissingFile(key, full, openErr); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: MissingFile = %v\nwant %s", tt.value, err, tt.want)
		}
	}
}
