package campaign

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
)

// fuzzModes are the reading settings FuzzCSVSheet's mode byte picks from.
var fuzzModes = []Recipients{
	{},
	{Delimiter: ";"},
	{Delimiter: "\t"},
	{Encoding: "gb18030"},
	{Encoding: "utf-16le"},
	{Encoding: "windows-1252"},
}

// FuzzCSVSheet reads arbitrary bytes as a CSV sheet. Properties: it never
// panics; opening fails only with a *FileError; every row has a number
// greater than the one before (row errors included) and a value for every
// column; the sheet ends. Seeds are in testdata/fuzz/FuzzCSVSheet; fuzz
// longer with
//
//	go test -run '^$' -fuzz FuzzCSVSheet -fuzztime 5m ./campaign/
func FuzzCSVSheet(f *testing.F) {
	f.Add([]byte("email,name\na@example.com,Ann\n"), uint8(0))
	f.Add([]byte("email;name\r\n\r\na@example.com;\"x\r\ny\"\r\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		rec := fuzzModes[int(mode)%len(fuzzModes)]
		rec.Path = "fuzz.csv"
		ctx := context.Background()
		s, err := newCSVSheet(ctx, bytes.NewReader(data), rec)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("open: %T %v, want a *FileError", err, err)
			}
			return
		}
		defer s.Close()
		cols := s.Columns()
		if len(cols) == 0 {
			t.Fatal("a sheet without columns opened")
		}
		last := 0
		// Every row consumes at least one byte of input (UTF-16 two).
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatalf("more than %d rows from %d bytes", n, len(data))
			}
			r, err := s.Next(ctx)
			var (
				re *RowError
				fe *FileError
			)
			switch {
			case err == io.EOF:
				return
			case errors.As(err, &re):
				if re.Row <= last {
					t.Fatalf("row error at row %d after row %d", re.Row, last)
				}
				last = re.Row
				continue
			case errors.As(err, &fe):
				return
			case err != nil:
				t.Fatalf("Next: %T %v", err, err)
			}
			if r.Number <= last {
				t.Fatalf("row %d after row %d", r.Number, last)
			}
			last = r.Number
			if len(r.Values) != len(cols) {
				t.Fatalf("row %d: %d values for %d columns", r.Number, len(r.Values), len(cols))
			}
			for _, c := range cols {
				if _, ok := r.Values[c]; !ok {
					t.Fatalf("row %d lacks column %q", r.Number, c)
				}
			}
		}
	})
}
