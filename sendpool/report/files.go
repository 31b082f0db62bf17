package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gocarina/gocsv"
)

// reportFile is report.json's shape.
type reportFile struct {
	Summary Summary `json:"summary"`
	Rows    []Row   `json:"rows"`
}

// Write writes report.csv and report.json for rows (which it sorts by
// row number) into dir, each atomically: a reader sees the old file or the
// new one, never a part. It creates dir when it does not exist yet (a
// report before any send).
func Write(dir string, rows []Row) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("report: report folder: %w", err)
	}
	return writeFiles(dir, rows, true)
}

// writeFiles writes the report files; indent formats report.json for
// reading (the final write), else it is compact (rewrites during a run).
func writeFiles(dir string, rows []Row, indent bool) error {
	sorted := append([]Row(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Row < sorted[j].Row })
	// The two files are built side by side: each takes tens of
	// milliseconds for 20,000 rows, and the last rewrite is part of every
	// run's wall time.
	var (
		csvBuf bytes.Buffer
		csvErr error
		built  = make(chan struct{})
	)
	go func() {
		defer close(built)
		if len(sorted) == 0 {
			// gocsv writes no header for an empty slice.
			csvBuf.WriteString(joinCSVHeader() + "\n")
		} else if err := gocsv.Marshal(csvSafeRows(sorted), &csvBuf); err != nil {
			csvErr = fmt.Errorf("report: report.csv: %w", err)
		}
	}()
	jsonRows := sorted
	if jsonRows == nil {
		jsonRows = []Row{}
	}
	var (
		js  []byte
		err error
	)
	if indent {
		js, err = json.MarshalIndent(reportFile{Summary: Summarize(jsonRows), Rows: jsonRows}, "", "  ")
	} else {
		js, err = json.Marshal(reportFile{Summary: Summarize(jsonRows), Rows: jsonRows})
	}
	<-built
	if err != nil {
		return fmt.Errorf("report: report.json: %w", err)
	}
	if csvErr != nil {
		return csvErr
	}
	js = append(js, '\n')
	if err := WriteAtomic(filepath.Join(dir, CSVFile), csvBuf.Bytes()); err != nil {
		return err
	}
	return WriteAtomic(filepath.Join(dir, JSONFile), js)
}

func joinCSVHeader() string {
	var b bytes.Buffer
	for i, c := range Columns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c)
	}
	return b.String()
}

// WriteAtomic writes data to a temporary file beside path, syncs it and
// renames it over path.
func WriteAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// ReadCSV reads a report.csv back (for tests and `tidings report`).
func ReadCSV(rd io.Reader) ([]Row, error) {
	var rows []Row
	if err := gocsv.Unmarshal(rd, &rows); err != nil {
		if errors.Is(err, gocsv.ErrEmptyCSVFile) {
			return nil, nil
		}
		return nil, fmt.Errorf("report: reading report: %w", err)
	}
	return rows, nil
}

// CSVSafe defuses a cell that a spreadsheet would run as a formula (CSV
// injection): recipient data and server replies are untrusted, and people
// open report.csv in Excel. A value starting with =, +, -, @, tab or CR gets
// a leading apostrophe, which spreadsheets show as text. report.json keeps
// the values as they are.
func CSVSafe(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// csvSafeRows returns rows with their free-text cells defused by CSVSafe.
func csvSafeRows(rows []Row) []Row {
	out := make([]Row, len(rows))
	for i, r := range rows {
		r.Key, r.To, r.Detail = CSVSafe(r.Key), CSVSafe(r.To), CSVSafe(r.Detail)
		out[i] = r
	}
	return out
}
