package campaign

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sheetCase is one file of the sheet corpus and what reading it must give.
type sheetCase struct {
	name string
	// file is the sheet's file name; its extension picks the reader.
	file string
	// data is the file's bytes; build writes it instead when set.
	data  []byte
	build func(t testing.TB, path string)
	// rec configures the reading; Path is filled in and Key defaults to
	// "email".
	rec Recipients
	// openErr is the code (see errCode) OpenSheet must fail with; the
	// rest is then not checked.
	openErr string
	// cols are the expected columns.
	cols []string
	// want is the expected outcome of each Next call up to io.EOF: a row
	// as "N: v1 | v2 | ...", in column order, a row error as
	// "N: !code" or "N [column]: !code", a fatal error as "fatal: !code".
	want []string
	// msgs must each appear in the error messages (OpenSheet's or the
	// rows'), which is how a suggestion or a line number is checked.
	msgs []string
	// warns must each appear in the warnings.
	warns []string
}

// errCode names the sentinel an error wraps, for compact expectations.
func errCode(err error) string {
	for _, c := range []struct {
		err  error
		code string
	}{
		{ErrFieldCount, "fieldcount"},
		{csv.ErrBareQuote, "barequote"},
		{csv.ErrQuote, "quote"},
		{ErrHeaderColumn, "header"},
		{ErrBadEncoding, "encoding"},
		{ErrMisread, "misread"},
		{ErrLostLetter, "lost"},
		{ErrNotXLSX, "notxlsx"},
		{ErrNoKeyColumn, "nokey"},
		{ErrNoSelectColumn, "noselect"},
		{ErrExcelError, "excelerror"},
		{ErrUncalculated, "uncalculated"},
		{ErrNULChar, "nul"},
		{ErrTooLong, "toolong"},
	} {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "other"
}

// readTrace reads s to the end and describes every outcome as sheetCase.want
// does; it also checks the Sheet contract: row numbers grow, every row has
// every column, a *RowError's Row matches the Row returned with it.
func readTrace(t testing.TB, s Sheet) (trace []string, msgs []string) {
	t.Helper()
	ctx := context.Background()
	cols := s.Columns()
	last := 0
	for {
		r, err := s.Next(ctx)
		if err == io.EOF {
			if _, again := s.Next(ctx); again != io.EOF {
				t.Errorf("Next after io.EOF = %v, want io.EOF again", again)
			}
			return trace, msgs
		}
		var (
			re *RowError
			fe *FileError
		)
		switch {
		case errors.As(err, &re):
			msgs = append(msgs, err.Error())
			if re.Row != r.Number {
				t.Errorf("RowError.Row %d but Row.Number %d", re.Row, r.Number)
			}
			if re.Row <= last {
				t.Errorf("row error at row %d after row %d", re.Row, last)
			}
			last = re.Row
			col := ""
			if re.Column != "" {
				col = " [" + re.Column + "]"
			}
			trace = append(trace, fmt.Sprintf("%d%s: !%s", re.Row, col, errCode(err)))
		case errors.As(err, &fe):
			msgs = append(msgs, err.Error())
			trace = append(trace, "fatal: !"+errCode(err))
			if _, again := s.Next(ctx); again != err {
				t.Errorf("Next after a fatal error = %v, want the same error", again)
			}
			return trace, msgs
		case err != nil:
			t.Fatalf("Next: unexpected error type %T: %v", err, err)
		default:
			if r.Number <= last {
				t.Errorf("row %d after row %d", r.Number, last)
			}
			last = r.Number
			if len(r.Values) != len(cols) {
				t.Errorf("row %d has %d values for %d columns", r.Number, len(r.Values), len(cols))
			}
			vals := make([]string, len(cols))
			for i, c := range cols {
				v, ok := r.Values[c]
				if !ok {
					t.Errorf("row %d lacks column %q", r.Number, c)
				}
				vals[i] = v
			}
			trace = append(trace, fmt.Sprintf("%d: %s", r.Number, strings.Join(vals, " | ")))
		}
	}
}

func runSheetCases(t *testing.T, cases []sheetCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.file)
			if c.build != nil {
				c.build(t, path)
			} else if err := os.WriteFile(path, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			rec := c.rec
			rec.Path = path
			if rec.Key == "" {
				rec.Key = "email"
			}
			s, err := OpenSheet(context.Background(), rec)
			var msgs []string
			if c.openErr != "" {
				var fe *FileError
				if !errors.As(err, &fe) {
					t.Fatalf("OpenSheet error = %v (%T), want a *FileError", err, err)
				}
				if fe.File != path {
					t.Errorf("FileError.File = %q, want %q", fe.File, path)
				}
				if got := errCode(err); got != c.openErr {
					t.Errorf("OpenSheet error %q: code %s, want %s", err, got, c.openErr)
				}
				checkContains(t, "error messages", []string{err.Error()}, c.msgs)
				return
			}
			if err != nil {
				t.Fatalf("OpenSheet: %v", err)
			}
			defer func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
				if err := s.Close(); err != nil {
					t.Errorf("second Close: %v", err)
				}
			}()
			if c.cols != nil && !slices.Equal(s.Columns(), c.cols) {
				t.Errorf("Columns() = %q, want %q", s.Columns(), c.cols)
			}
			trace, msgs := readTrace(t, s)
			if !slices.Equal(trace, c.want) {
				t.Errorf("rows:\n got  %q\n want %q", trace, c.want)
			}
			checkContains(t, "error messages", msgs, c.msgs)
			checkContains(t, "warnings", s.Warnings(), c.warns)
			if len(c.warns) == 0 && len(s.Warnings()) > 0 {
				t.Errorf("unexpected warnings: %q", s.Warnings())
			}
		})
	}
}

// checkContains checks that each of want is a substring of one of got.
func checkContains(t testing.TB, what string, got, want []string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.Contains(g, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s %q: none contains %q", what, got, w)
		}
	}
}

func TestOpenSheetUnknownType(t *testing.T) {
	path := filepath.Join(t.TempDir(), "people.ods")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := OpenSheet(context.Background(), Recipients{Path: path, Key: "email"})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), ".ods") {
		t.Fatalf("OpenSheet(.ods) = %v, want a FileError naming the type", err)
	}
}

func TestOpenSheetMissingFile(t *testing.T) {
	for _, name := range []string{"gone.csv", "gone.xlsx"} {
		path := filepath.Join(t.TempDir(), name)
		_, err := OpenSheet(context.Background(), Recipients{Path: path, Key: "email"})
		var fe *FileError
		if !errors.As(err, &fe) || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("OpenSheet(%s) = %v, want a FileError wrapping os.ErrNotExist", name, err)
		}
	}
}

func TestSheetCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(path, []byte("email\na@example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := OpenSheet(context.Background(), Recipients{Path: path, Key: "email"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next(cancelled) = %v, want context.Canceled", err)
	}
}
