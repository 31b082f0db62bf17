package campaign

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/xuri/excelize/v2"
)

// deptWorkbook writes, with excelize, a sheet of recipients in department
// blocks whose manager cell is merged over each block (D2:D4, D5:D6), as
// Chinese office sheets have it, and the ranges merges besides.
func deptWorkbook(t *testing.T, merges ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dept.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"id", "email", "name", "manager"},
		{"1", "li.na@example.cn", "李娜", "dept.mgr@example.cn"},
		{"2", "wang.wei@example.cn", "王伟", nil},
		{"3", "zhang.min@example.cn", "张敏", nil},
		{"4", "liu.yang@example.cn", "刘洋", "ops.mgr@example.cn"},
		{"5", "chen.jie@example.cn", "陈杰", nil},
	}
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", "A"+string(rune('1'+i)), &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range append([]string{"D2:D4", "D5:D6"}, merges...) {
		from, to, _ := strings.Cut(m, ":")
		if err := f.MergeCell("Sheet1", from, to); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// readMergedRows reads every row of the workbook at path under key, as
// "row: manager (merged range)" lines.
func readMergedRows(t *testing.T, path, key string) (lines, warnings []string) {
	t.Helper()
	s, err := OpenSheet(context.Background(), Recipients{Path: path, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for {
		row, err := s.Next(context.Background())
		if err != nil {
			break
		}
		line := strings.Join([]string{row.Values["id"], row.Values["email"], row.Values["manager"]}, " ")
		for _, c := range slices.Sorted(func(yield func(string) bool) {
			for c := range row.Merged {
				if !yield(c) {
					return
				}
			}
		}) {
			line += " [" + c + " " + row.Merged[c].Range + " from " + string(rune('0'+row.Merged[c].First)) + "]"
		}
		lines = append(lines, line)
	}
	for _, m := range s.MergedRanges() {
		warnings = append(warnings, m.Column+": "+m.Warning())
	}
	return lines, warnings
}

// TestMergedCells: a cell merged over several data rows gives its value
// to every row it covers, as the sheet shows it, and the sheet lists the
// range with its column once (MergedRanges: the caller warns about those
// in the columns it reads) and warns about none itself; each row it
// filled says so (Row.Merged), for the renderer to refuse a key or an
// address shared that way.
func TestMergedCells(t *testing.T) {
	lines, warns := readMergedRows(t, deptWorkbook(t, "A3:A4"), "email")
	want := []string{
		"1 li.na@example.cn dept.mgr@example.cn",
		"2 wang.wei@example.cn dept.mgr@example.cn [manager D2:D4 from 2]",
		"2 zhang.min@example.cn dept.mgr@example.cn [id A3:A4 from 3] [manager D2:D4 from 2]",
		"4 liu.yang@example.cn ops.mgr@example.cn",
		"5 chen.jie@example.cn ops.mgr@example.cn [manager D5:D6 from 5]",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("rows:\n got  %q\n want %q", lines, want)
	}
	checkContains(t, "merged ranges", warns, []string{
		`manager: dept.xlsx: sheet "Sheet1": cells D2:D4 are merged: rows 2–4 each take its value`,
		`manager: dept.xlsx: sheet "Sheet1": cells D5:D6 are merged: rows 5–6 each take its value`,
		`id: dept.xlsx: sheet "Sheet1": cells A3:A4 are merged: rows 3–4 each take its value`,
	})
	// In the key column, the renderer's problem tells it: not listed.
	if _, warns := readMergedRows(t, deptWorkbook(t, "A3:A4"), "id"); len(warns) != 2 {
		t.Errorf("merged ranges under key id: %q, want the two of column D", warns)
	}
	s, err := OpenSheet(context.Background(), Recipients{Path: deptWorkbook(t, "A3:A4"), Key: "email"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if w := s.Warnings(); len(w) != 0 {
		t.Errorf("the sheet warns %q itself", w)
	}
}

// TestMergeRefs: the merged ranges are found after the cells, also with
// a namespace prefix and when every read returns one byte (a tag cut
// anywhere); a cell's text that names the element is no element.
func TestMergeRefs(t *testing.T) {
	xml := `<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>mergeCells &lt;mergeCells ref="Z9:Z10"&gt;</x:t></x:is></x:c></x:row></x:sheetData>` +
		`<x:mergeCells count="2"><x:mergeCell ref="D2:D4"/><x:mergeCell ref="B5:C6"/></x:mergeCells><x:pageMargins/></x:worksheet>`
	refs, err := mergeRefs(context.Background(), iotest.OneByteReader(strings.NewReader(xml)))
	if err != nil || !slices.Equal(refs, []string{"D2:D4", "B5:C6"}) {
		t.Errorf("mergeRefs = %q, %v", refs, err)
	}
	refs, err = mergeRefs(context.Background(), strings.NewReader(`<worksheet><sheetData/></worksheet>`))
	if err != nil || refs != nil {
		t.Errorf("no merges: %q, %v", refs, err)
	}
}
