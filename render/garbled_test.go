package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestGarbledErrorClipped: a garbled cell is named in its row's problem
// with the text it was, both cut short as other cells are: a paragraph
// garbled is not printed whole, twice, for every row.
func TestGarbledErrorClipped(t *testing.T) {
	r := &Renderer{used: []string{"note"}}
	long := strings.Repeat("GrÃ¼ÃŸe aus MÃ¼nchen, ", 200)
	err := r.garbledError(campaign.Row{Number: 2, Values: map[string]string{"note": long}})
	if !errors.Is(err, campaign.ErrGarbled) {
		t.Fatalf("garbledError = %v, want ErrGarbled", err)
	}
	if msg := err.Error(); len(msg) > 1000 || !strings.Contains(msg, `"GrÃ¼ÃŸe aus`) || !strings.Contains(msg, `"Grüße aus München`) {
		t.Errorf("error of %d bytes: %.300s…", len(msg), msg)
	}
}
