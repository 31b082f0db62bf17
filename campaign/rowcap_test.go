package campaign

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCSVRowTooLong(t *testing.T) {
	long := strings.Repeat("x", maxRowBytes+10)
	near := strings.Repeat("y", maxRowBytes-100)
	runSheetCases(t, []sheetCase{
		{
			name: "a value past the cap",
			file: "long.csv",
			data: []byte("email,note\na@example.com,short\nb@example.com," + long + "\nc@example.com,never read\n"),
			want: []string{"2: a@example.com | short", "fatal: !toolong"},
			msgs: []string{`long.csv: row 3, column "note": too long for a recipient sheet: the row is longer than 1 MiB`},
		},
		{
			name: "row numbers count blank lines and quoted line breaks",
			file: "long.csv",
			data: []byte("email,note\n\n\na@example.com,\"two\nlines\"\n\n" + long + ",x\n"),
			want: []string{"4: a@example.com | two\nlines", "fatal: !toolong"},
			msgs: []string{`row 6, column "email": too long`},
		},
		{
			name: "a quote never closed",
			file: "open.csv",
			data: []byte("email;note\na@example.com;\"open\n" + strings.Repeat("short line;\n", maxRowBytes/12+1)),
			want: []string{"fatal: !toolong"},
			msgs: []string{`row 2, column "note": too long for a recipient sheet: the quoted value opened on line 2 runs past 1 MiB: either a closing quote is missing or the value is longer than a spreadsheet cell can hold (1 MiB here)`},
		},
		{
			name: "a quote never closed after a sep= line: the file's line",
			file: "open.csv",
			data: []byte("sep=;\nemail;note\na@example.com;\"open\n" + strings.Repeat("short line;\n", maxRowBytes/12+1)),
			want: []string{"fatal: !toolong"},
			msgs: []string{`row 2, column "note": too long for a recipient sheet: the quoted value opened on line 3 runs past 1 MiB`},
		},
		{
			name: "a quoted value closed past the cap",
			file: "closed.csv",
			data: []byte("email,note\na@example.com,\"" + strings.Repeat("z", maxRowBytes/5*6) + "\"\n"),
			want: []string{"fatal: !toolong"},
			msgs: []string{`row 2, column "note": too long for a recipient sheet: the quoted value opened on line 2 runs past 1 MiB: either a closing quote is missing or the value is longer than a spreadsheet cell can hold (1 MiB here)`},
		},
		{
			name:    "a header past the cap",
			file:    "head.csv",
			data:    []byte("email,name,\"" + long + "\"\na@example.com,Ann,x\n"),
			openErr: "toolong",
			msgs:    []string{"head.csv: row 1, column C: too long"},
		},
		{
			name: "long but under the cap, quotes, line breaks and blank lines",
			file: "ok.csv",
			data: []byte("email,note\na@example.com," + near + "\n" + strings.Repeat("\n", 2*maxRowBytes) +
				"b@example.com,\"say \"\"hi\"\",\nthen, bye\"\nc@example.com,ab\"c\nd@example.com,\"" + near + "\"\n"),
			want: []string{"2: a@example.com | " + near, "2097155: b@example.com | say \"hi\",\nthen, bye", "2097156: !barequote", "2097157: d@example.com | " + near},
		},
	})
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestCSVRowTooLongStopsReading: a 64 MiB line is refused after about the
// cap, not read whole.
func TestCSVRowTooLongStopsReading(t *testing.T) {
	const size = 64 << 20
	src := &countingReader{r: io.MultiReader(strings.NewReader("email,note\na@example.com,"), io.LimitReader(zeros{}, size), strings.NewReader("\n"))}
	s, err := newCSVSheet(context.Background(), src, Recipients{Path: "big.csv", Key: "email"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Next(context.Background())
	if !errors.Is(err, ErrTooLong) {
		t.Errorf("Next = %v, want ErrTooLong", err)
	}
	if limit := int64(maxRowBytes + 4*readBufferSize); src.n > limit {
		t.Errorf("read %d bytes of the %d-byte row, want at most %d", src.n, size, limit)
	}
}

// zeros reads as an endless run of '0'.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}
