package report

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// fullRow has every field of Row set, so that a field the log's record
// leaves out shows.
func fullRow(row int, detail string) Row {
	return Row{Recipient: Recipient{Row: row, Key: "ann@example.org", To: "Ann Æ <ann@example.org>"},
		Status: sendpool.StatusDeferred, Attempts: 3, Code: 451, EnhancedCode: sendpool.EnhancedCode{4, 7, 1},
		Detail: detail, MessageID: "<m1@x>", Server: "mx.example.org:25", StartedAt: "2026-11-25T21:00:01Z",
		FinishedAt: "2026-11-25T21:00:03Z", DurationMS: 2000, Cc: "Boss <boss@example.org>", Bcc: "archive@example.org", WaitMS: -1, Gone: true, LeftOut: true, Owing: true, NowSuppressed: true}
}

// TestLogRecordRoundTrip: a record decodes to the Row it was made of,
// whatever the fields hold, and every field of Row is in the record.
func TestLogRecordRoundTrip(t *testing.T) {
	t.Parallel()
	want := fullRow(1<<40, "line one\nline two "+strings.Repeat("é", 300))
	v := reflect.ValueOf(want)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("fullRow leaves %s zero: set it, and add it to the log's record", v.Type().Field(i).Name)
		}
	}
	for _, r := range []Row{want, {}, {Recipient: Recipient{Row: -1}}} {
		b := appendLogRecord([]byte("xyz"), &r)
		n, err := logRecordSize(b[3:])
		if err != nil || n != len(b)-3 {
			t.Fatalf("size %d, %v; want %d", n, err, len(b)-3)
		}
		got, err := decodeLogRecord(b[3:])
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("decoded %+v, %v; want %+v", got, err, r)
		}
		if _, err := decodeLogRecord(b[3 : len(b)-1]); err == nil {
			t.Fatal("a record cut short decoded")
		}
	}
}

// TestLogWindow: records are read back at any offset, in any order, the
// small and those larger than the window; an offset past the end or a
// record cut short is an error.
func TestLogWindow(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "log")
	var data []byte
	var offs []int64
	var rows []Row
	for i := range 3000 {
		detail := "ok"
		if i%1000 == 999 {
			detail = strings.Repeat("d", 3*logWindowSize) // larger than the window
		}
		r := fullRow(i+2, detail)
		offs, rows = append(offs, int64(len(data))), append(rows, r)
		data = appendLogRecord(data, &r)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := logWindow{f: f, size: int64(len(data))}
	order := make([]int, 0, 2*len(offs))
	for i := range offs {
		order = append(order, i)
	}
	for i := len(offs) - 1; i >= 0; i -= 7 {
		order = append(order, i) // backwards, in steps
	}
	for _, i := range order {
		got, err := w.record(offs[i])
		if err != nil || !reflect.DeepEqual(got, rows[i]) {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	if _, err := w.record(int64(len(data))); err == nil {
		t.Error("a record past the end read")
	}
	short := logWindow{f: f, size: offs[1] - 1}
	if _, err := short.record(0); err == nil {
		t.Error("a record cut short read")
	}
}
