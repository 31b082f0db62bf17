package feedback

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"unicode/utf8"
)

// Seed corpora live in testdata/fuzz/FuzzParse/ and the .eml corpus;
// `go test` runs them. Fuzz longer with, for example:
//
//	go test ./sendpool/mailbox/feedback -run '^$' -fuzz FuzzParse -fuzztime 60s

// FuzzParse: any input gives either a Report or a typed error, never a
// panic; a Report is consistent: valid UTF-8 throughout (it marshals to
// JSON), a known Kind, a bounce or complaint naming a recipient or the
// original message, lists within their caps, at most one entry per
// recipient address.
func FuzzParse(f *testing.F) {
	for _, path := range corpus(f) {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Parse(bytes.NewReader(data), Options{MaxSize: 1 << 20})
		if err != nil {
			var ue *UnreadableError
			var tl *TooLargeError
			if !errors.As(err, &ue) && !errors.As(err, &tl) || rep != nil {
				t.Fatalf("untyped error %v (report %v)", err, rep)
			}
			return
		}
		checkReport(t, rep)
	})
}

func checkReport(t *testing.T, rep *Report) {
	t.Helper()
	out, err := json.Marshal(rep)
	if err != nil || !utf8.Valid(out) {
		t.Fatalf("report does not marshal: %v", err)
	}
	if rep.Kind < KindOther || rep.Kind > KindAutoReply {
		t.Fatalf("kind %d", rep.Kind)
	}
	if (rep.Kind == KindBounce || rep.Kind == KindComplaint) && len(rep.Recipients) == 0 && rep.Original.MessageID == "" {
		t.Fatalf("%v names no recipient and no original", rep.Kind)
	}
	if len(rep.Recipients) > maxList || len(rep.To) > maxList || len(rep.References) > maxList {
		t.Fatalf("a list passes its cap")
	}
	seen := map[string]bool{}
	for _, r := range rep.Recipients {
		if r.Address == "" || r.Severity < SeverityNone || r.Severity > SeverityHard || len(r.Diagnostic) > 4096 && rep.Format != FormatDSN {
			t.Fatalf("bad recipient %+v", r)
		}
		if rep.Kind == KindBounce && seen[r.Address] {
			t.Fatalf("recipient %q twice", r.Address)
		}
		seen[r.Address] = true
	}
	if rep.Kind == KindBounce {
		hasFailure := false
		for _, r := range rep.Recipients {
			hasFailure = hasFailure || r.Severity != SeverityNone
		}
		if rep.Format == FormatDSN && !hasFailure {
			t.Fatalf("a DSN bounce without a failed or delayed recipient")
		}
	}
}
