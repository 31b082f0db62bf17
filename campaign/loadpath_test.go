package campaign

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadPathHints: a folder given for its campaign file ("tidings check
// news" after "tidings init news") said "read news: is a directory", and
// a file not there only "no such file or directory" (rev-user9, a
// volunteer's first campaign); the folder names the campaign file in it,
// and a missing file those of its folder or how to write one.
func TestLoadPathHints(t *testing.T) {
	dir := t.TempDir()
	news := filepath.Join(dir, "news")
	empty := filepath.Join(dir, "empty")
	two := filepath.Join(dir, "two")
	for _, d := range []string{news, empty, two} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(news, "campaign.yaml"), filepath.Join(two, "a.yaml"), filepath.Join(two, "b.yml")} {
		if err := os.WriteFile(f, []byte(minimalCampaign), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for path, want := range map[string]string{
		"news": "news: campaign: a folder, not a campaign file: give the one in it: news/campaign.yaml",
		// Of two, "the one" it said (rev-last8, reviewing 925722f).
		"two":                 "two: campaign: a folder, not a campaign file: give one of those in it: two/a.yaml, two/b.yml",
		"empty":               "empty: campaign: a folder, not a campaign file, and it holds none (.yaml)",
		"news/campaign.yml":   "no such file or directory (the campaign files in its folder: news/campaign.yaml)",
		"empty/campaign.yaml": "no such file or directory (tidings init DIR writes a campaign to start from)",
	} {
		_, err := Load(path)
		var fe *FileError
		if !errors.As(err, &fe) || fe.File != path || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s) = %v, want %q", path, err, want)
		}
		if strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml") {
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Load(%s) = %v, want it to wrap fs.ErrNotExist", path, err)
			}
		}
	}
	if _, err := Load("news/campaign.yaml"); err != nil {
		t.Errorf("Load of the campaign file: %v", err)
	}
}
