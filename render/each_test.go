package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tidings/tidings/campaign"
)

// sliceSheet is a campaign.Sheet over rows in memory; errs[i] is returned
// instead of rows[i] when set. It counts calls after Each returned.
type sliceSheet struct {
	rows  []campaign.Row
	errs  map[int]error
	i     int
	after atomic.Bool
	late  atomic.Int32
}

func (s *sliceSheet) Columns() []string                    { return []string{"email", "name"} }
func (s *sliceSheet) Warnings() []string                   { return nil }
func (s *sliceSheet) MergedRanges() []campaign.MergedRange { return nil }

func (s *sliceSheet) HeaderRow() int { return 1 }
func (s *sliceSheet) Close() error   { return nil }
func (s *sliceSheet) Next(ctx context.Context) (campaign.Row, error) {
	if s.after.Load() {
		s.late.Add(1)
	}
	if err := ctx.Err(); err != nil {
		return campaign.Row{}, err
	}
	if s.i >= len(s.rows) {
		return campaign.Row{}, io.EOF
	}
	i := s.i
	s.i++
	if err := s.errs[i]; err != nil {
		return campaign.Row{}, err
	}
	return s.rows[i], nil
}

func newSheet(n int) *sliceSheet {
	s := &sliceSheet{errs: map[int]error{}}
	for i := range n {
		email := fmt.Sprintf("user%d@example.com", i)
		if i%50 == 7 {
			email = "broken@@example.com"
		}
		s.rows = append(s.rows, row(i+2, "email", email, "name", fmt.Sprintf("User %d", i)))
	}
	return s
}

func eachEnv(t *testing.T) *env {
	return setup(t, yamlWith(map[string]string{"to": `"{{.name}} <{{.email}}>"`, "subject": `"Hi {{.name}}"`}),
		map[string]string{"body.txt": "Hello {{.name}}\n"}, []string{"email", "name"})
}

func TestEachOrderAndRowErrors(t *testing.T) {
	e := eachEnv(t)
	s := newSheet(500)
	s.errs[100] = &campaign.RowError{File: "people.csv", Row: 102, Err: campaign.ErrFieldCount}
	next, bad := 2, 0
	err := e.r.Each(context.Background(), s, 4, func(m *Message, err error) error {
		if m == nil || m.Row != next {
			t.Fatalf("got row %v, want %d", m, next)
		}
		next++
		if err != nil {
			bad++
			var re *campaign.RowError
			if !errors.As(err, &re) || re.Row != m.Row {
				t.Errorf("row %d: error %v", m.Row, err)
			}
			return nil
		}
		if want := fmt.Sprintf("Subject: Hi User %d\r\n", m.Row-2); !strings.Contains(string(m.Data), want) {
			t.Errorf("row %d has the wrong message", m.Row)
		}
		return nil
	})
	s.after.Store(true)
	if err != nil {
		t.Fatal(err)
	}
	if next != 502 || bad != 11 {
		t.Errorf("saw rows up to %d with %d problems, want 502 and 11", next, bad)
	}
}

func TestEachSheetFailure(t *testing.T) {
	e := eachEnv(t)
	s := newSheet(100)
	boom := errors.New("disk gone")
	s.errs[30] = boom
	seen := 0
	err := e.r.Each(context.Background(), s, 3, func(m *Message, err error) error {
		seen++
		return nil
	})
	s.after.Store(true)
	if !errors.Is(err, boom) || seen != 30 {
		t.Errorf("Each = %v after %d rows, want %v after 30", err, seen, boom)
	}
	if s.late.Load() != 0 {
		t.Error("sheet used after Each returned")
	}
}

func TestEachStopsOnCallbackError(t *testing.T) {
	e := eachEnv(t)
	s := newSheet(1000)
	stop := errors.New("stop")
	seen := 0
	err := e.r.Each(context.Background(), s, 4, func(m *Message, err error) error {
		seen++
		if seen == 20 {
			return stop
		}
		return nil
	})
	s.after.Store(true)
	if !errors.Is(err, stop) || seen != 20 {
		t.Errorf("Each = %v after %d, want stop after 20", err, seen)
	}
	if s.i > 20+max(readAhead, 4)+2 {
		t.Errorf("read %d rows for 20 delivered: buffering is not bounded", s.i)
	}
	if s.late.Load() != 0 {
		t.Error("sheet used after Each returned")
	}
}

func TestEachCancel(t *testing.T) {
	e := eachEnv(t)
	s := newSheet(1000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := 0
	err := e.r.Each(ctx, s, 2, func(m *Message, err error) error {
		seen++
		if seen == 10 {
			cancel()
		}
		return nil
	})
	s.after.Store(true)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Each = %v, want context.Canceled", err)
	}
	if s.late.Load() != 0 {
		t.Error("sheet used after Each returned")
	}
}

// TestEachCSV runs a real CSV file through campaign.OpenSheet and Each.
func TestEachCSV(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{address .name .email}}"`}), bodyFile, []string{"email", "name"})
	csv := "email,name\r\nann@example.com,Ann\r\n\"bob@example.com\",\"Bob, Jr.\"\r\nonly-one-field\r\ncarol@example.com,Carol\r\n"
	p := filepath.Join(e.dir, "people.csv")
	if err := os.WriteFile(p, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sheet, err := campaign.OpenSheet(ctx, e.c.Recipients)
	if err != nil {
		t.Fatal(err)
	}
	defer sheet.Close()
	var got []string
	err = e.r.Each(ctx, sheet, 2, func(m *Message, err error) error {
		switch {
		case err != nil:
			got = append(got, fmt.Sprintf("%d:error", m.Row))
		default:
			got = append(got, fmt.Sprintf("%d:%s", m.Row, m.To))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `2:Ann <ann@example.com> 3:"Bob, Jr." <bob@example.com> 4:error 5:Carol <carol@example.com>`
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

// TestEachWindowBytes: with large messages Each reads only a few rows
// ahead of fn (windowBytes), also when they follow many small ones, with
// newsletters a full window (readAhead). synctest.Wait lets the reader and
// the workers go as far as they can while fn holds the first large
// message.
// TestEachRendersWithinBytes: large rows right after many small ones
// (read ahead while messages were small) are rendered only as the window's
// bytes allow: while fn holds the first large message, the others rendered
// come to windowBytes and a message per worker, not readAhead messages.
func TestEachRendersWithinBytes(t *testing.T) {
	const small, big, size = 500, 100, 2 << 20
	e := setup(t, yamlWith(map[string]string{"to": `"{{.email}}"`, "subject": `"Hi"`}),
		map[string]string{"body.txt": "{{.name}}\n"}, []string{"email", "name"})
	sheet := &sliceSheet{errs: map[int]error{}}
	body := strings.Repeat(strings.Repeat("word ", 15)+"\n", size/81)
	for i := range small + big {
		b := "small"
		if i >= small {
			b = body
		}
		sheet.rows = append(sheet.rows, row(i+2, "email", fmt.Sprintf("user%d@example.com", i), "name", b))
	}
	heap := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	before := heap()
	synctest.Test(t, func(t *testing.T) {
		err := e.r.Each(t.Context(), sheet, 2, func(m *Message, err error) error {
			if err != nil {
				return err
			}
			if m.Row == small+2 {
				synctest.Wait() // the workers rendered what they may
				if held := heap() - before; held > windowBytes+6*size+(8<<20) {
					t.Errorf("while fn held the first large message, %d MB were rendered and held", held>>20)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestEachWindowBytes(t *testing.T) {
	for _, c := range []struct {
		name     string
		small    int // one-line rows before the others
		others   int
		size     int // bytes of the others' body field
		at       int // fn holds the at'th of the others
		min, max int // rows read past it meanwhile
	}{
		{"newsletter", 0, 200, 1 << 10, 0, readAhead, 2*readAhead + 2},
		{"2 MB messages", 0, 40, 2 << 20, 0, 2, 18}, // 32 MB of window
		// The rows read while the small ones went are read whatever
		// their size (and rendered as the window's bytes allow:
		// TestEachRendersWithinBytes); once those are handed on, the
		// rows read are bounded too.
		{"2 MB messages after small ones", 1000, 120, 2 << 20, 90, 2, 18},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := setup(t, yamlWith(map[string]string{"to": `"{{.email}}"`, "subject": `"Hi"`}),
				map[string]string{"body.txt": "{{.name}}\n"}, []string{"email", "name"})
			sheet := &sliceSheet{errs: map[int]error{}}
			line := strings.Repeat("word ", 15) + "\n"
			big := strings.Repeat(line, c.size/len(line))
			for i := range c.small + c.others {
				body := big
				if i < c.small {
					body = "small"
				}
				sheet.rows = append(sheet.rows, row(i+2, "email", fmt.Sprintf("user%d@example.com", i), "name", body))
			}
			synctest.Test(t, func(t *testing.T) {
				err := e.r.Each(t.Context(), sheet, 2, func(m *Message, err error) error {
					if err != nil {
						return err
					}
					if at := c.small + c.at + 2; m.Row == at {
						synctest.Wait()
						if read := sheet.i - (at - 2) - 1; read < c.min || read > c.max {
							t.Errorf("%d rows read past row %d while it was held, want %d to %d", read, at, c.min, c.max)
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}
