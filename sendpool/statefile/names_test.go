package statefile

import (
	"testing"

	"github.com/tidings/tidings/render"
)

// TestOwnNamesRenderKnows: every name or pattern of the state folder's
// list is one the attachment check refuses in any state folder
// (render.StateWrote keeps a copy, render being unable to import this
// leaf), so a file added here is not attachable by row data there.
func TestOwnNamesRenderKnows(t *testing.T) {
	for _, p := range ownNames() {
		if !render.StateWrote(p) {
			t.Errorf("render.StateWrote(%q) = false: add it to render's list", p)
		}
	}
}
