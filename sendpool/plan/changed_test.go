package plan

import (
	"slices"
	"testing"
)

// TestChangedFiles: a file whose content changed, one added and one gone
// are named; one renamed with its content kept is not.
func TestChangedFiles(t *testing.T) {
	was := map[string]string{"c.yaml": "a", "body.txt": "b", "logo.png": "c", "old.html": "d"}
	now := map[string]string{"news.yaml": "a", "body.txt": "B", "logo.png": "c", "new.html": "e"}
	got := changedFiles(was, now)
	if want := []string{"body.txt", "new.html", "old.html"}; !slices.Equal(got, want) {
		t.Errorf("changedFiles: %v, want %v", got, want)
	}
}
