package journal

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// TestKeyFormsOfAnOlderJournal: a journal an older tidings wrote, whose
// norm_key is the key only trimmed and lower-cased (here decomposed, as a
// Mac's sheet had it), is read through NormalizeKey: the key composed, as
// the sheet is saved now, finds the recipient sent.
func TestKeyFormsOfAnOlderJournal(t *testing.T) {
	dir := t.TempDir()
	data := `{"type":"run","v":1,"pid":1,"started":"2026-11-25T21:00:00Z"}
{"type":"attempt","row":2,"key":"Zu\u0308rich-1","norm_key":"zu\u0308rich-1","to":"a@example.com","time":"2026-11-25T21:00:01Z","hash":"0011223344556677"}
{"type":"result","row":2,"key":"Zu\u0308rich-1","norm_key":"zu\u0308rich-1","status":"sent","time":"2026-11-25T21:00:02Z"}
`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	state, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer state.Close()
	e, err := state.Entry("Zürich-1")
	if err != nil || e == nil || e.Row != 2 {
		t.Fatalf("the composed key finds %+v (%v), want row 2", e, err)
	}
}

// TestKeyFormsForAnOlderTidings: a key NFKC changes (full width, a
// decomposed accent) is written with the norm_key an older tidings (before
// NFKC, commit 28edca7 and earlier) looks the sheet's key up by, trimmed
// and lower-cased: written in NFKC, such a tidings (a user who went back)
// took the recipient for one never sent and sent it again. This tidings
// still finds it under either form.
func TestKeyFormsForAnOlderTidings(t *testing.T) {
	dir := t.TempDir()
	keys := []string{"Ａｎｎ-1", "Zu\u0308rich-2", " x²-3", "plain-4"}
	var recs []any
	for i, k := range keys {
		recs = append(recs,
			Attempt{Row: i + 2, Key: k, To: "a@example.com", Hash: "0011223344556677", Time: t0},
			Result{Row: i + 2, Key: k, Status: sendpool.StatusSent, Attempts: 1})
	}
	writeRun(t, dir, Run{Started: t0}, recs...)
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	older := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	found := map[string]int{}
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n"))[1:] {
		var l struct {
			Key     string `json:"key"`
			NormKey string `json:"norm_key"`
		}
		if err := json.Unmarshal(line, &l); err != nil {
			t.Fatal(err)
		}
		found[older(cmp.Or(l.NormKey, l.Key))]++
	}
	state, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer state.Close()
	for i, k := range keys {
		if found[older(k)] != 2 {
			t.Errorf("%q: an older tidings finds %d of its 2 lines (%v)", k, found[older(k)], found)
		}
		for _, form := range []string{k, NormalizeKey(k)} {
			if e, err := state.Entry(form); err != nil || e == nil || e.Row != i+2 || e.Status != sendpool.StatusSent {
				t.Errorf("%q finds %+v (%v), want row %d sent", form, e, err, i+2)
			}
		}
	}
}

// TestKeyFormsOnePassLeft: a line whose norm_key is the key after one
// pass of NormalizeKey as tidings had it (" \u0308abc" for "¨abc": NFKC
// makes a space and a combining diaeresis of the spacing one, and a
// second pass trimmed the space) is found by the sheet's key: the reader
// normalizes a norm_key again, and the sheet's key and the stored one
// are one key now (the sheet's key missed its row sent, and would have
// been sent again). A key written by this tidings is found under the
// key, and under its NormalizeKey.
func TestKeyFormsOnePassLeft(t *testing.T) {
	dir := t.TempDir()
	data := `{"type":"run","v":1,"pid":1,"started":"2026-11-25T21:00:00Z"}
{"type":"attempt","row":2,"key":"¨abc","norm_key":" \u0308abc","to":"a@example.com","time":"2026-11-25T21:00:01Z","hash":"0011223344556677"}
{"type":"result","row":2,"key":"¨abc","norm_key":" \u0308abc","status":"sent","time":"2026-11-25T21:00:02Z"}
`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	writeRun(t, dir, Run{Started: t0},
		Attempt{Row: 3, Key: "¨XYZ", To: "b@example.com", Hash: "0011223344556677", Time: t0},
		Result{Row: 3, Key: "¨XYZ", Status: sendpool.StatusSent, Attempts: 1})
	state, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer state.Close()
	for key, row := range map[string]int{"¨abc": 2, "¨XYZ": 3, NormalizeKey("¨XYZ"): 3, NormalizeKey("¨abc"): 2} {
		if e, err := state.Entry(key); err != nil || e == nil || e.Row != row || e.Status != sendpool.StatusSent {
			t.Errorf("%+q finds %+v (%v), want row %d sent", key, e, err, row)
		}
	}
}
