package campaign

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The sheet benchmarks report, besides time and allocations:
//   - rows/s: rows read per second;
//   - B/row: bytes allocated per row read;
//   - peak-RSS-MB: the process's peak resident memory while reading (Linux
//     only: the peak is reset through /proc/self/clear_refs after the file
//     is generated, so generating does not count).
//
// Run them with
//
//	go test -run '^$' -bench Sheet -benchtime 3x ./campaign/
//
// and compare BenchmarkXLSXSheet's peak-RSS-MB with BenchmarkXLSXBareRows's.

// BenchmarkCSVSheet1M reads a generated 1,000,000-row CSV: memory must stay
// flat however long the sheet is.
func BenchmarkCSVSheet1M(b *testing.B) {
	const n = 1_000_000
	path := filepath.Join(b.TempDir(), "people.csv")
	writeBigCSV(b, path, n)
	rec := Recipients{Path: path, Key: "email"}
	measureSheet(b, n, func() int { return readSheet(b, rec) })
}

// BenchmarkXLSXSheet reads a generated 200,000-row workbook shaped like
// Excel's output: every cell a distinct shared string.
func BenchmarkXLSXSheet(b *testing.B) {
	const n = 200_000
	path := filepath.Join(b.TempDir(), "people.xlsx")
	writeBigXLSX(b, path, n)
	rec := Recipients{Path: path, Key: "email"}
	measureSheet(b, n, func() int { return readSheet(b, rec) })
}

// BenchmarkXLSXSheetFormulas is BenchmarkXLSXSheet with a calculated
// formula in every row, as Excel saves one: the cost of reading the
// worksheet a second time to tell formulas without a value
// (campaign.Uncalculated).
func BenchmarkXLSXSheetFormulas(b *testing.B) {
	const n = 200_000
	path := filepath.Join(b.TempDir(), "people.xlsx")
	writeBigXLSXWith(b, path, n, true)
	rec := Recipients{Path: path, Key: "email"}
	measureSheet(b, n, func() int { return readSheet(b, rec) })
}

// BenchmarkXLSXSheetDates is BenchmarkXLSXSheet with a fifth column of
// dates (numbers in a yyyy-mm-dd format), one of them typed as text in
// the "text" case: the cost of looking for dates typed as text
// (textDates), which reads the worksheet a second time only for a
// workbook that holds a text that looks like a date.
func BenchmarkXLSXSheetDates(b *testing.B) {
	const n = 200_000
	for _, typed := range []bool{false, true} {
		b.Run(map[bool]string{false: "numbers", true: "text"}[typed], func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "people.xlsx")
			writeBigXLSXCol(b, path, n, "due", func(i int) xc {
				if typed && i == n/2 {
					return xs("1/15/2027")
				}
				return xn(strconv.Itoa(46000+i%1000), stISODate)
			})
			rec := Recipients{Path: path, Key: "email"}
			measureSheet(b, n, func() int { return readSheet(b, rec) })
		})
	}
}

// BenchmarkXLSXBareRows is excelize's own streaming loop over the same
// workbook, with default options: the yardstick for BenchmarkXLSXSheet.
func BenchmarkXLSXBareRows(b *testing.B) {
	const n = 200_000
	path := filepath.Join(b.TempDir(), "people.xlsx")
	writeBigXLSX(b, path, n)
	measureSheet(b, n, func() int {
		f, err := excelize.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows(f.GetSheetList()[0])
		if err != nil {
			b.Fatal(err)
		}
		count := 0
		for rows.Next() {
			if _, err := rows.Columns(); err != nil {
				b.Fatal(err)
			}
			count++
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		return count - 1 // the header
	})
}

// measureSheet runs read (which returns the rows it read) in a b.Loop and
// reports rows/s, B/row and peak-RSS-MB.
func measureSheet(b *testing.B, want int, read func() int) {
	runtime.GC()
	debug.FreeOSMemory()
	rssOK := resetPeakRSS()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		if got := read(); got != want {
			b.Fatalf("read %d rows, want %d", got, want)
		}
		rows += want
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(rows), "B/row")
	if peak, ok := peakRSS(); ok && rssOK {
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
	}
}

// readSheet reads every row of the sheet rec names and returns the count.
func readSheet(b *testing.B, rec Recipients) int {
	ctx := context.Background()
	s, err := OpenSheet(ctx, rec)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for {
		_, err := s.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	return n
}

// resetPeakRSS resets the kernel's peak resident set size of this process
// (Linux); it reports whether that worked.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS returns VmHWM, the peak resident set size, in bytes (Linux).
func peakRSS() (int64, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range bytes.Lines(status) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// writeBigCSV writes an n-row recipient CSV like a CRM export.
func writeBigCSV(b *testing.B, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	w.WriteString("email,name,city,customer_id,note\r\n")
	for i := range n {
		fmt.Fprintf(w, "user%07d@example.com,Name %d 张,Köln,%08d,\"a note, with a comma\"\r\n", i, i, i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// writeBigXLSX writes an n-row workbook as Excel does: shared strings, each
// cell's text distinct.
func writeBigXLSX(b *testing.B, path string, n int) {
	writeBigXLSXWith(b, path, n, false)
}

// writeBigXLSXWith is writeBigXLSX, with a calculated formula in a fifth
// column of every row when formulas is set.
func writeBigXLSXWith(b *testing.B, path string, n int, formulas bool) {
	var fifth func(int) xc
	if formulas {
		fifth = func(i int) xc { return xf(fmt.Sprintf("LEN(A%d)*2", i+2), "40", stGeneral) }
	}
	writeBigXLSXCol(b, path, n, "total", fifth)
}

// writeBigXLSXCol is writeBigXLSX with a fifth column, named name, whose
// row i cell is fifth(i); none when fifth is nil.
func writeBigXLSXCol(b *testing.B, path string, n int, name string, fifth func(int) xc) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	x := newXLSXWriter(f)
	err = x.sheet("Subscribers", nil, func(emit func(xr)) {
		header := strs("email", "name", "city", "customer_id")
		if fifth != nil {
			header = append(header, xs(name))
		}
		emit(xr{n: 1, cells: header})
		for i := range n {
			cells := strs(
				fmt.Sprintf("user%07d@example.com", i),
				fmt.Sprintf("Name %d 张", i),
				fmt.Sprintf("City %d", i),
				fmt.Sprintf("%08d", i),
			)
			if fifth != nil {
				cells = append(cells, fifth(i))
			}
			emit(xr{n: i + 2, cells: cells})
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := x.close(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCSVSheetGBK1M reads a generated 1,000,000-row class list in
// GBK (recipients.encoding: gbk), every row with Chinese text in two
// columns: the cost per row of reading a code page and checking its
// cells (utf8AsDoubleByte among them).
func BenchmarkCSVSheetGBK1M(b *testing.B) {
	const n = 1_000_000
	path := filepath.Join(b.TempDir(), "class.csv")
	writeGBKCSV(b, path, n)
	rec := Recipients{Path: path, Key: "email", Encoding: "gbk"}
	measureSheet(b, n, func() int { return readSheet(b, rec) })
}

// writeGBKCSV writes an n-row class list in GBK, as WPS exports it.
func writeGBKCSV(b *testing.B, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(simplifiedchinese.GBK.NewEncoder().Writer(f), 1<<16)
	w.WriteString("email,姓名,班级,备注\r\n")
	names := []string{"王小明", "郑伟", "欧阳思远", "李华", "张静怡", "陈晨"}
	for i := range n {
		fmt.Fprintf(w, "p%07d@163.com,%s,高一（%d）班,家长会请准时参加\r\n", i, names[i%len(names)], i%20+1)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
