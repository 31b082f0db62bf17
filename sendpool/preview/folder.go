package preview

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/statefile"
)

// MarkerFile is the file a preview leaves in its folder: it lists the
// message files the preview wrote there, which the next preview removes
// (and nothing else). render knows it too: row data attaches nothing in a
// folder that holds one.
const MarkerFile = render.PreviewMarker

// The marker file's first line, and the line after it in a folder claimed
// as the previews' own (Claim), where every message file is a preview's.
// Names of message files follow, one a line.
const (
	markerHead = "tidings preview: the message files below are a preview's\n"
	markerOwn  = "own folder\n"
)

// Claim marks dir, when it exists, as a preview's folder: for a folder
// that holds previews only (a campaign's own preview folder), so that
// NewWriter takes every message file in it for an earlier preview's, even
// one its marker file does not list (a preview cut short before it could).
func Claim(dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err := statefile.WriteFile(filepath.Join(dir, MarkerFile), []byte(markerHead+markerOwn)); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	return nil
}

// marker is what a folder's marker file says.
type marker struct {
	found bool     // there is one
	own   bool     // the folder is the previews' own (Claim)
	files []string // message files (.eml names) a preview wrote
	// legacy: written by a tidings before markers listed files ("tidings
	// preview"): every message file in the folder is a preview's, as that
	// tidings took them, this once.
	legacy bool
}

// readMarker reads dir's marker file.
func readMarker(dir string) (marker, error) {
	b, err := os.ReadFile(filepath.Join(dir, MarkerFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return marker{}, nil
	case err != nil:
		return marker{}, fmt.Errorf("preview: %w", err)
	}
	m := marker{found: true}
	rest, ok := bytes.CutPrefix(b, []byte(markerHead))
	if !ok {
		m.legacy = string(b) == "tidings preview\n"
		return m, nil
	}
	if rest, m.own = bytes.CutPrefix(rest, []byte(markerOwn)); m.own {
		return m, nil
	}
	for line := range strings.Lines(string(rest)) {
		// A name is a message's, as report.EMLName makes it: nothing
		// else is removed, whatever the file says.
		name := strings.TrimSuffix(line, "\n")
		if ok, _ := filepath.Match(emlPattern, name); ok && filepath.Base(name) == name && strings.HasSuffix(line, "\n") {
			m.files = append(m.files, name)
		}
	}
	return m, nil
}

// startMarker writes dir's marker file afresh (own: claimed, as Claim
// says) and returns it open for listing the message files to come.
func startMarker(dir string, own bool) (*os.File, error) {
	f, err := statefile.OpenFile(filepath.Join(dir, MarkerFile), os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, statefile.FileMode)
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	head := markerHead
	if own {
		head += markerOwn
	}
	if _, err := f.WriteString(head); err != nil {
		f.Close()
		return nil, fmt.Errorf("preview: %w", err)
	}
	return f, nil
}

// listFile adds name to the marker file before the file is written, so
// that a preview cut short leaves no file the next one does not know.
func (w *Writer) listFile(name string) error {
	w.markerMu.Lock()
	defer w.markerMu.Unlock()
	if _, err := w.marker.WriteString(name + "\n"); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	return nil
}

// ownMarks are what an earlier preview's index.html and report.csv begin
// with (within their first kilobytes): the page's title, the header.
var ownMarks = map[string]string{
	"index.html": "<title>tidings preview</title>",
	"report.csv": "row,key,to,subject,status,problem\n",
}

// ownFolder returns the message files an earlier preview left in dir,
// with their gallery scripts, and whether dir is claimed as the previews'
// own (Claim); an error when dir is not an earlier preview's: an
// index.html or report.csv that is not a preview's (checkOwn), or message
// files or a gallery folder with neither the marker file nor a preview's
// index.html or report.csv beside them. The files are those the marker
// lists; in a folder claimed, or one a tidings from before marker lists
// left (its marker, or no marker and a preview's index.html or report.csv),
// every file named as a message.
func ownFolder(dir string) (old []string, own bool, err error) {
	for name, mark := range ownMarks {
		if err := checkOwn(filepath.Join(dir, name), mark); err != nil {
			return nil, false, err
		}
	}
	m, err := readMarker(dir)
	if err != nil {
		return nil, false, err
	}
	if m.found && !m.own && !m.legacy {
		for _, name := range m.files {
			old = append(old, filepath.Join(dir, name), filepath.Join(dir, galleryDir, "msg", galleryMessageID(name)+".js"))
		}
		return old, false, nil
	}
	old = messageFiles(dir)
	if m.own || m.legacy {
		return old, m.own, nil
	}
	for _, name := range []string{"index.html", "report.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return old, false, nil // checkOwn vouched for it
		}
	}
	if len(old) > 0 {
		return nil, false, fmt.Errorf("preview: %s holds message files (%s) that no earlier tidings preview left there, and a preview would replace them: choose another folder with --out", dir, filepath.Base(old[0]))
	}
	if _, err := os.Stat(filepath.Join(dir, galleryDir)); err == nil {
		return nil, false, fmt.Errorf("preview: %s holds a %s folder that no earlier tidings preview left there, and a preview would replace its files: choose another folder with --out", dir, galleryDir)
	}
	return nil, false, nil
}

// emlPattern matches the names report.EMLName gives messages; render
// knows it too (render.PreviewWrote: row data attaches none of them).
const emlPattern = render.PreviewMessagePattern

// messageFiles are the files in dir named as a preview names messages
// (report.EMLName) and their gallery scripts.
func messageFiles(dir string) []string {
	var files []string
	for _, pattern := range []string{
		filepath.Join(dir, emlPattern),
		filepath.Join(dir, galleryDir, "msg", "[0-9][0-9][0-9][0-9][0-9][0-9]-*.js"),
	} {
		found, _ := filepath.Glob(pattern) // the patterns are well-formed
		files = append(files, found...)
	}
	return files
}

// checkOwn returns an error unless path is missing or holds mark within
// its first 4 KB.
func checkOwn(path, mark string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("preview: %w", err)
	}
	if !bytes.Contains(head[:n], []byte(mark)) {
		return fmt.Errorf("preview: %s is not an earlier tidings preview's, and a preview would replace it: choose another folder with --out", path)
	}
	return nil
}
