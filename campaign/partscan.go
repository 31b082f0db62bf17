package campaign

import (
	"archive/zip"
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// maxWholePart is the most a part that excelize decodes whole, in memory,
// when it opens a workbook may unpack to: the package's content types,
// the relationship parts, the workbook part, its styles, theme and
// calculation chain. Excel's largest style sheet (64,000 cell formats)
// is a few MiB, a workbook part of Excel's thousands of sheets and names
// as little; 64 MiB refuses nothing a spreadsheet writes. (A declared
// size bounds the actual one: archive/zip, excelize's reader too, stops
// at a member's declared size.)
const maxWholePart = 64 << 20

// wholeParts are those parts (see maxWholePart) at the fixed paths
// excelize reads them from, lower case; besides them, every *.rels part
// and the workbook part _rels/.rels names.
var wholeParts = []string{"[content_types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/theme/theme1.xml", "xl/calcchain.xml"}

// partName is the archive member's name as excelize compares it: '\\'
// read as '/', in lower case.
func partName(f *zip.File) string {
	return strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
}

// isSheetPart says whether excelize takes the member f for a worksheet,
// which it unpacks to a temporary file over its UnzipXMLSizeLimit (its
// ReadZipReader); so it does the shared strings (isStringsPart).
func isSheetPart(f *zip.File) bool {
	return strings.HasPrefix(partName(f), "xl/worksheets/sheet") && !f.FileInfo().IsDir()
}

// isStringsPart says whether f is the shared strings excelize reads.
func isStringsPart(f *zip.File) bool { return partName(f) == "xl/sharedstrings.xml" }

// checkWholeParts refuses a part excelize would decode whole that
// declares more than maxWholePart, naming it; only the archive's
// directory and _rels/.rels (once bounded) are read.
func checkWholeParts(zr *zip.Reader) error {
	for _, f := range zr.File {
		if name := partName(f); strings.HasSuffix(name, ".rels") || slices.Contains(wholeParts, name) {
			if err := wholePartSize(f); err != nil {
				return err
			}
		}
	}
	book := relTarget(zr, "_rels/.rels", "", isOfficeDocument)
	if f := member(zr, book); book != "" && f != nil {
		return wholePartSize(f)
	}
	return nil
}

// wholePartSize refuses f when it declares more than maxWholePart.
func wholePartSize(f *zip.File) error {
	if f.UncompressedSize64 <= maxWholePart {
		return nil
	}
	return fmt.Errorf("%w: the part %s unpacks to %d MiB, more than the %s a workbook's part of its kind ever needs; the file is damaged or not a real workbook", ErrTooLong, f.Name, f.UncompressedSize64>>20, byteLimit(maxWholePart))
}

// isOfficeDocument says whether r names the package's main part.
func isOfficeDocument(r relationship) bool { return strings.HasSuffix(r.Type, "/officeDocument") }

// scanParts reads every worksheet and the shared strings of the workbook
// at file through scanRuns, streamed, in the memory of its read buffer,
// before excelize opens it: excelize unpacks those parts to temporary
// files first (over its UnzipXMLSizeLimit), so a text run too long
// (*textRunError) is refused here as a *FileError, before a byte of it
// is written to disk. The worksheets' scans are returned by member name,
// for prescan; a part that cannot be read is left to excelize and
// prescan to fail on.
func scanParts(ctx context.Context, file string) (map[string]*runScan, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, nil // excelize says why
	}
	defer zr.Close()
	scans := map[string]*runScan{}
	for _, f := range zr.File {
		if !isSheetPart(f) && !isStringsPart(f) {
			continue
		}
		rs, err := scanPart(ctx, f)
		if te, ok := errors.AsType[*textRunError](err); ok {
			return nil, &FileError{File: file, Err: fmt.Errorf("%s: %w", runPlace(&zr.Reader, f, te), te)}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if _, dup := scans[f.Name]; err == nil && isSheetPart(f) && !dup {
			scans[f.Name] = rs // the first, as member finds it
		}
	}
	return scans, nil
}

// runPlace says where in the part f the run of te is: the shared string,
// or the sheet (by the name the workbook gives it, else the part) and row.
func runPlace(zr *zip.Reader, f *zip.File, te *textRunError) string {
	if isStringsPart(f) {
		return fmt.Sprintf("the shared strings (%s), string %d", f.Name, te.String)
	}
	if name := sheetOf(zr, f); name != "" {
		return fmt.Sprintf("sheet %q, %s", name, te.where())
	}
	return fmt.Sprintf("the worksheet part %s (no sheet of the workbook), %s", f.Name, te.where())
}

// sheetOf is the name of the sheet whose part is f, found as
// worksheetPart finds a sheet's part; "" when no sheet names it.
func sheetOf(zr *zip.Reader, f *zip.File) string {
	book := cmp.Or(relTarget(zr, "_rels/.rels", "", isOfficeDocument), "xl/workbook.xml")
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"` // r:id, in any namespace
		} `xml:"sheets>sheet"`
	}
	bf := member(zr, book)
	if bf == nil {
		return ""
	}
	rc, err := bf.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	if xml.NewDecoder(rc).Decode(&wb) != nil {
		return ""
	}
	dir, base := path.Split(book)
	for _, s := range wb.Sheets {
		target := relTarget(zr, dir+"_rels/"+base+".rels", dir, func(r relationship) bool { return r.ID == s.ID })
		if target != "" && member(zr, target) == f {
			return s.Name
		}
	}
	return ""
}

// prescan takes, for readMerges, the merged ranges of the chosen
// worksheet from the scan scanParts made of it, or scans it now (a part
// excelize does not take for a worksheet, or one that could not be
// read); a part that cannot be read leaves a warning, and excelize to
// fail on it.
func (s *xlsxSheet) prescan(ctx context.Context) error {
	zr, err := zip.OpenReader(s.file)
	if err != nil {
		s.mergesUnread(err)
		return nil
	}
	defer zr.Close()
	part := worksheetPart(&zr.Reader, s.wb, s.sheet)
	if part == nil {
		return nil
	}
	if rs, ok := s.scans[part.Name]; ok {
		s.mergeRefs = rs.merges
		return nil
	}
	rs, err := scanPart(ctx, part)
	s.mergeRefs = rs.merges
	if te, ok := errors.AsType[*textRunError](err); ok {
		return &FileError{File: s.file, Err: fmt.Errorf("sheet %q, %s: %w", s.sheet, te.where(), te)}
	}
	if err != nil && ctx.Err() != nil {
		return err
	}
	if err != nil {
		s.mergesUnread(err)
	}
	return nil
}

// mergesUnread warns that the merged cells could not be looked for.
func (s *xlsxSheet) mergesUnread(err error) {
	s.warnings = append(s.warnings, fmt.Sprintf("%s: sheet %q: could not look for merged cells (%v); a merged cell gives its value to its first row only", filepath.Base(s.file), s.sheet, err))
}

// scanPart runs scanRuns over the archive member part.
func scanPart(ctx context.Context, part *zip.File) (*runScan, error) {
	rc, err := part.Open()
	if err != nil {
		return &runScan{}, err
	}
	defer rc.Close()
	return scanRuns(ctx, rc)
}
