package report

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/gocarina/gocsv"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/statefile"
)

// Write writes report.csv and report.json for rows (which it sorts by
// row number) into dir, each atomically: a reader sees the old file or the
// new one, never a part. It creates dir when it does not exist yet (a
// report before any send).
func Write(dir string, rows []Row) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("report: report folder: %w", err)
	}
	sorted := append([]Row(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Row < sorted[j].Row })
	fw, err := newFilesWriter(dir, true, nil, nil)
	if err != nil {
		return err
	}
	for _, r := range sorted {
		if err := fw.add(r); err != nil {
			fw.abort()
			return err
		}
	}
	_, err = fw.finish()
	return err
}

// filesWriter writes report.csv and report.json a row at a time, rows in
// row order, into temporary files that replace the old ones when finished:
// memory stays flat whatever the number of rows. report.json's rows are
// written aside first, since its summary and ending come before them.
type filesWriter struct {
	dir    string
	indent bool
	// ending makes report.json's "ending" of the rows' summary; nil
	// writes none.
	ending func(Summary) Ending
	// end is the ending report.json was given; nil: none.
	end *Ending
	// wrap is what the files are written through (ReporterOptions.File);
	// nil: the files themselves.
	wrap    func(*os.File) io.Writer
	csvFile *os.File
	csvBuf  *bufio.Writer
	csv     *csv.Writer
	rowFile *os.File // report.json's rows, joined by ",\n"
	rowBuf  *bufio.Writer
	sum     Summary
	record  []string
	err     error
	// left is set when place left the new report.csv beside an earlier
	// report.json (leftError).
	left bool
	// renamed, when set (tests), runs between report.csv's rename and
	// report.json's, where another command may put its own pair in place.
	renamed func()
}

func newFilesWriter(dir string, indent bool, ending func(Summary) Ending, wrap func(*os.File) io.Writer) (*filesWriter, error) {
	fw := &filesWriter{dir: dir, indent: indent, ending: ending, wrap: wrap, record: make([]string, len(Columns))}
	var err error
	if fw.csvFile, err = os.CreateTemp(dir, "."+CSVFile+".*.tmp"); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if now, ok := writtenAt(fw.csvFile.Name()); ok {
		removeStale(dir, stateTemps(), now)
	}
	if fw.rowFile, err = os.CreateTemp(dir, "."+JSONFile+".rows.*.tmp"); err != nil {
		fw.abort()
		return nil, fmt.Errorf("report: %w", err)
	}
	// Read back through its descriptor only: its name goes at once where
	// the system lets an open file go without one (Unix), so a killed
	// writer leaves nothing of it (abort removes it elsewhere).
	_ = os.Remove(fw.rowFile.Name())
	fw.csvBuf = bufio.NewWriterSize(fw.through(fw.csvFile), 256<<10)
	fw.csv = csv.NewWriter(fw.csvBuf)
	fw.rowBuf = bufio.NewWriterSize(fw.through(fw.rowFile), 256<<10)
	fw.csv.Write(Columns)
	return fw, nil
}

// through is what fw writes f through (wrap): f itself when none.
func (fw *filesWriter) through(f *os.File) io.Writer {
	if fw.wrap == nil {
		return f
	}
	return fw.wrap(f)
}

// add writes r, the next row in row order.
func (fw *filesWriter) add(r Row) error {
	fw.sum.add(r)
	if fw.sum.Total > 1 {
		fw.rowBuf.WriteString(",\n")
	}
	var js []byte
	var err error
	if fw.indent {
		js, err = json.MarshalIndent(r, "    ", "  ")
		fw.rowBuf.WriteString("    ")
	} else {
		js, err = json.Marshal(r)
	}
	if err != nil {
		return fmt.Errorf("report: report.json: %w", err)
	}
	fw.rowBuf.Write(js)
	return fw.csv.Write(r.csvRecord(fw.record))
}

// finish completes both files and puts them in place of the old ones
// (place). It returns the summary of the rows written.
func (fw *filesWriter) finish() (Summary, error) {
	fw.csv.Flush()
	err := cmp.Or(fw.csv.Error(), fw.csvBuf.Flush(), fw.rowBuf.Flush())
	var jsonFile *os.File
	if err == nil {
		jsonFile, err = fw.writeJSON()
	}
	if err == nil {
		err = fw.place(jsonFile)
	}
	fw.abort() // removes what temporary files are left
	if err != nil && fw.left {
		return fw.sum, &leftError{writingErr(fw.dir, err)}
	}
	if err != nil {
		return fw.sum, writingErr(fw.dir, err)
	}
	return fw.sum, nil
}

// place puts the written temporary files, report.csv's (fw.csvFile) and
// report.json's (jsonFile), in place of the old ones, both or neither.
// It syncs and closes both before it renames either, since a disk that
// took the writes may still fail there (it allocates late, or is full
// at the sync): then the files before stay as they were, both, and
// agree. It renames report.csv first and report.json last, syncing the
// folder after each rename, so report.json, which tells whether the run
// is over (its ending), is never newer than the report.csv beside it,
// after a power loss too. When report.json cannot take its place after
// report.csv did, it removes the new report.csv and any earlier
// report.json (unplace), so that none is left that disagrees with the
// other, where it may, and each only while it is still that file: a
// pair another command put in place meanwhile stays. A process killed between the two renames leaves
// the new report.csv beside the earlier report.json, which still reads
// as before (the run going, or an earlier run's ending).
func (fw *filesWriter) place(jsonFile *os.File) error {
	csvPath, jsonPath := filepath.Join(fw.dir, CSVFile), filepath.Join(fw.dir, JSONFile)
	err := cmp.Or(fw.syncClose(fw.csvFile), fw.syncClose(jsonFile))
	// What this write puts in place (its temporary file, which no other
	// command names) and what report.json was then, for unplace to
	// remove those only: a stat that fails leaves nil, and nothing is
	// removed for it.
	var placed, earlier fs.FileInfo
	if err == nil {
		placed, _ = os.Stat(fw.csvFile.Name())
		err = os.Rename(fw.csvFile.Name(), csvPath)
	}
	if err != nil {
		os.Remove(jsonFile.Name())
		return err // abort removes report.csv's
	}
	fw.csvFile = nil
	earlier, _ = os.Stat(jsonPath)
	if fw.renamed != nil {
		fw.renamed()
	}
	err = statefile.SyncDir(fw.dir)
	if err == nil {
		err = os.Rename(jsonFile.Name(), jsonPath)
	}
	if err != nil {
		os.Remove(jsonFile.Name())
		fw.left = !fw.unplace(placed, earlier)
		return err
	}
	return statefile.SyncDir(fw.dir)
}

// leftError is a write's failure (err) that left the new report.csv
// beside an earlier report.json (unplace did not remove them): its words
// say so, for the two disagree. FlushOrRemove, which removes both,
// drops it.
type leftError struct{ err error }

func (e *leftError) Error() string {
	return e.err.Error() + "; the new " + CSVFile + " is left beside the " + JSONFile + " of an earlier write, which does not tell its rows, until both are written again (another command held the report lock, so they were not removed)"
}

func (e *leftError) Unwrap() error { return e.err }

// unplace removes report.csv, which place put in place before its
// report.json failed to follow, and the earlier report.json, so that the
// new report.csv does not stand beside an older report.json; but only
// while it holds the report lock exclusively (journal.TryHoldReport,
// not waiting). Whoever holds the lock (a tidings report beside, shared;
// a send or bounces ending, exclusive; this write's caller itself) may
// have put in place files that are not this write's to remove, true
// ones, since a send's writes while it runs take no lock. Without the
// lock the two are left as a process killed between the renames leaves
// them; a send's last write, its caller holding the lock, removes both
// itself (FlushOrRemove). Each is removed only while it is still the file
// it was at report.csv's rename (placed, this write's report.csv, and
// earlier, the report.json then): a tidings report that wrote and
// released its whole pair since put true files there, which stay. It
// reports whether it removed them, or found them replaced so.
func (fw *filesWriter) unplace(placed, earlier fs.FileInfo) bool {
	l, err := journal.TryHoldReport(fw.dir, true)
	if err != nil || l == nil {
		return false
	}
	defer l.Release()
	removeIfSame(filepath.Join(fw.dir, CSVFile), placed)
	removeIfSame(filepath.Join(fw.dir, JSONFile), earlier)
	return true
}

// removeIfSame removes path when it is the regular file was (os.SameFile),
// never a symbolic link; nothing when was is nil.
func removeIfSame(path string, was fs.FileInfo) {
	st, err := os.Lstat(path)
	if was == nil || err != nil || !st.Mode().IsRegular() || !os.SameFile(st, was) {
		return
	}
	os.Remove(path)
}

// syncClose syncs f, through what f is written through when that syncs
// (ReporterOptions.File), and closes it.
func (fw *filesWriter) syncClose(f *os.File) error {
	s, ok := fw.through(f).(interface{ Sync() error })
	if !ok {
		s = f
	}
	err := s.Sync()
	return cmp.Or(err, f.Close())
}

// writingErr is err, a failure to write the report's files in dir, as
// the user reads it: naming report.csv and report.json, not the
// temporary file it may carry (untemp), and which file another program
// held open (a *HeldOpenError: Excel showing report.csv on Windows).
func writingErr(dir string, err error) error {
	return fmt.Errorf("report: writing %s and %s in %s: %w", CSVFile, JSONFile, dir, heldOpen(untemp(err)))
}

// untemp is err, a failure to write the report's files, without the name
// of the temporary file it may carry (ofTemp), which the user never sees
// and which is gone by now; the cause (ENOSPC) stays in the chain.
func untemp(err error) error {
	if cause, ok := ofTemp(err); ok {
		return cause
	}
	return err
}

// isTemp reports whether err is a failure to write one of the report's
// temporary files (ofTemp).
func isTemp(err error) bool {
	_, ok := ofTemp(err)
	return ok
}

// ofTemp reports whether err is a failure to write one of the report's
// temporary files (an *fs.PathError of a write, sync or close of one:
// ".report.csv.123.tmp"), and returns its cause.
func ofTemp(err error) (cause error, ok bool) {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return nil, false
	}
	for _, pattern := range stateTemps() {
		if ok, _ := filepath.Match(pattern, filepath.Base(pe.Path)); ok {
			return pe.Err, true
		}
	}
	return nil, false
}

// writeJSON writes report.json into a temporary file, which it returns
// (the caller places it): the summary, the ending, then the rows written
// aside. When it cannot, it removes the file.
func (fw *filesWriter) writeJSON() (*os.File, error) {
	f, err := os.CreateTemp(fw.dir, "."+JSONFile+".*.tmp")
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(fw.through(f), 256<<10)
	head, err := fw.jsonHead()
	if err == nil {
		w.Write(head)
		if _, err = fw.rowFile.Seek(0, io.SeekStart); err == nil {
			_, err = io.Copy(w, fw.rowFile)
		}
	}
	if err == nil {
		if fw.indent && fw.sum.Total > 0 {
			w.WriteString("\n  ]\n}\n")
		} else if fw.indent {
			w.WriteString("]\n}\n")
		} else {
			w.WriteString("]}\n")
		}
		err = w.Flush()
	}
	if err == nil {
		return f, nil
	}
	f.Close()
	os.Remove(f.Name())
	return nil, err
}

// jsonHead is report.json up to its rows: the summary and the ending
// (fw.ending's; none when nil), then the rows' opening bracket.
func (fw *filesWriter) jsonHead() ([]byte, error) {
	marshal := json.Marshal
	open, key, sep := `{"summary":`, `":`, `,"`
	if fw.indent {
		marshal = func(v any) ([]byte, error) { return json.MarshalIndent(v, "  ", "  ") }
		open, key, sep = "{\n  \"summary\": ", `": `, ",\n  \""
	}
	sum, err := marshal(fw.sum)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(open)
	b.Write(sum)
	if fw.ending != nil {
		e := fw.ending(fw.sum)
		fw.end = &e
		end, err := marshal(e)
		if err != nil {
			return nil, err
		}
		b.WriteString(sep + "ending" + key)
		b.Write(end)
	}
	b.WriteString(sep + "rows" + key + "[")
	if fw.indent && fw.sum.Total > 0 {
		b.WriteString("\n")
	}
	return b.Bytes(), nil
}

// abort removes the temporary files.
func (fw *filesWriter) abort() {
	for _, f := range []*os.File{fw.csvFile, fw.rowFile} {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
	fw.csvFile, fw.rowFile = nil, nil
}

// csvRecord fills rec with r's report.csv cells (free text defused by
// CSVSafe) and returns it.
func (r *Row) csvRecord(rec []string) []string {
	code, _ := r.Code.MarshalCSV()
	rec[0], rec[1], rec[2], rec[3] = strconv.Itoa(r.Row), CSVSafe(r.Key), CSVSafe(r.To), r.Status.String()
	rec[4], rec[5], rec[6], rec[7] = strconv.Itoa(r.Attempts), code, r.EnhancedCode.String(), CSVSafe(r.Detail)
	rec[8], rec[9], rec[10], rec[11] = r.MessageID, r.Server, r.StartedAt, r.FinishedAt
	rec[12], rec[13], rec[14] = strconv.FormatInt(r.DurationMS, 10), CSVSafe(r.Cc), CSVSafe(r.Bcc)
	return rec
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

// ReadCSV reads a report.csv back: the tests of the packages that write
// one read it with this (tidings report rebuilds from the journal instead).
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
