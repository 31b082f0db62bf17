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

// TestChangedAttachments: an attachment in both whose content changed is
// named; one in either only is not (the campaign file naming it changed,
// or the earlier generation kept no sums of attachments).
func TestChangedAttachments(t *testing.T) {
	was := map[string]string{"guide.pdf": "a", "terms.pdf": "b", "old.pdf": "c"}
	now := map[string]string{"guide.pdf": "A", "terms.pdf": "b", "new.pdf": "d"}
	if got, want := changedAttachments(was, now), []string{"guide.pdf"}; !slices.Equal(got, want) {
		t.Errorf("changedAttachments: %v, want %v", got, want)
	}
	if got := changedAttachments(nil, now); got != nil {
		t.Errorf("changedAttachments of a generation without sums: %v", got)
	}
}
