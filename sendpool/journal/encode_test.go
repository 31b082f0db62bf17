package journal

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// FuzzLineEncoding holds the hand-written encoders of attempt and result
// lines to encoding/json's bytes for the same records.
func FuzzLineEncoding(f *testing.F) {
	f.Add(2, "Ann@Example.org", "Ann <ann@example.org>", "<id@x>", "250 2.0.0 Ok: queued as <A1> & done", int64(1700000000123456789), 3, 250, "2.0.0", uint8(0), "bob@x.org")
	f.Add(0, "", "", "", "", int64(0), 0, 0, "", uint8(2), "")
	f.Add(7, "\x00\x1f\"\\\b\f\n\r\t", "é\u2028\u2029\xff\xc3", "\u007f<>&", "日本語 \xed\xa0\x80", int64(-62135596800000000), -1, 550, "5.1.1", uint8(3), "\u2028")
	f.Fuzz(func(t *testing.T, row int, key, to, id, detail string, nanos int64, try, code int, ec string, st uint8, owed string) {
		a, r := fuzzRecords(row, key, to, id, detail, nanos, try, code, ec, st, owed)
		want, wantErr := json.Marshal(attemptLine{Type: "attempt", Attempt: a})
		got, gotErr := appendAttemptLine(nil, &a)
		compareLine(t, "attempt", want, wantErr, got, gotErr)
		want, wantErr = json.Marshal(resultLine{Type: "result", Status: recordStatus(r.Status), Result: r})
		got, gotErr = appendResultLine(nil, &r)
		compareLine(t, "result", want, wantErr, got, gotErr)
	})
}

// fuzzRecords makes an attempt and a result of the fuzzer's values (an
// unknown status among the others, which the encoders refuse).
func fuzzRecords(row int, key, to, id, detail string, nanos int64, try, code int, ec string, st uint8, owed string) (Attempt, Result) {
	at := time.Unix(nanos/7, nanos%1e9).In(time.FixedZone("", code*60))
	a := Attempt{Row: row, Key: key, NormKey: NormalizeKey(key), To: to, MessageID: id, Hash: detail, Try: try, Time: at}
	switch {
	case owed == "":
	case try%4 == 0:
		a.Envelope = []string{owed}
	default:
		a.Envelope = []string{key, owed, to}[:2+try%2]
	}
	switch try % 3 {
	case 1:
		a.Values = Values{Sum: uint32(code), Each: []uint16{uint16(nanos), uint16(nanos >> 16), uint16(nanos >> 32)}}
	case 2:
		a.Values = Values{Each: []uint16{1}} // no sum: left out, as nothing is
	}
	statuses := []sendpool.Status{sendpool.StatusSent, sendpool.StatusDeferred, sendpool.StatusFailed, sendpool.StatusUnknown,
		sendpool.StatusNotAttempted, sendpool.StatusDuplicate, sendpool.StatusInvalid, sendpool.StatusSuppressed, sendpool.StatusBounced, sendpool.Status(99)}
	r := Result{Row: row, Key: key, NormKey: NormalizeKey(key), To: to, Status: statuses[int(st)%len(statuses)],
		Attempts: try, Code: code, EnhancedCode: ec, Detail: detail, MessageID: id, Server: to,
		DurationMS: nanos / 7, WaitMS: int64(code) - 250, Hash: key}
	if st&1 == 0 {
		r.Started = at
	}
	if st&2 == 0 {
		r.Finished = at.Add(time.Duration(code))
	}
	if owed != "" {
		r.Owed = []string{owed, key}
	}
	if st&4 == 0 {
		r.Refused = []string{to, owed} // with Owed or without
	}
	if st&8 == 0 {
		r.ValuesSum = uint32(nanos) // 0 too: left out
	}
	if st&16 == 0 { // a Cc, a Bcc, both or neither ("" too: left out)
		a.Cc, r.Cc = owed, owed
	}
	if st&32 == 0 {
		a.Bcc, r.Bcc = detail, detail
	}
	r.Again = st&64 != 0
	return a, r
}

func compareLine(t *testing.T, kind string, want []byte, wantErr error, got []byte, gotErr error) {
	t.Helper()
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("%s: encoding/json error %v, hand-written %v", kind, wantErr, gotErr)
	}
	if wantErr == nil && !bytes.Equal(got, want) {
		t.Fatalf("%s:\nhand-written %s\nencoding/json %s", kind, got, want)
	}
}

// FuzzLineDecoding holds the hand-written decoders of attempt and result
// lines to encoding/json: a line they accept decodes to what encoding/json
// makes of it, whatever the bytes (first the Writer's lines for random
// records, then the fuzzer's mutations of them), and they accept every line
// the Writer writes.
func FuzzLineDecoding(f *testing.F) {
	f.Add(2, "Ann@Example.org", "Ann <ann@example.org>", "<id@x>", "250 2.0.0 Ok: queued as A1", int64(1700000000123456789), 3, 250, "2.0.0", uint8(0), "bob@x.org", []byte(nil))
	f.Add(0, "", "", "", "", int64(0), 0, 0, "", uint8(2), "", []byte(`{"type":"attempt","row":01,"key":"a","norm_key":"a","time":"2026-01-02T03:04:05Z"}`))
	f.Add(7, "\x00\"\\", "é\u2028\xff", "<>&", "日本語", int64(-62135596800000000), -1, 550, "5.1.1", uint8(3), "\u2028",
		[]byte(`{"type":"result","status":"sent","row":-0,"key":"é","norm_key":"","attempts":1,"duration_ms":9223372036854775808,"owed":[]}`))
	f.Add(1, "k", "", "", "", int64(0), 1, 250, "", uint8(0), "", []byte(`{"type":"attempt","row":2,"key":"a\/\u00e9\ud83d\ude00","norm_key":"\ud800","time":"2026-01-02T03:04:05+01:00"}`))
	for _, raw := range []string{ // left to encoding/json: raw invalid UTF-8, a raw control character, invalid UTF-8 after an escape
		`{"type":"attempt","row":2,"key":"a` + "\xff" + `b","norm_key":"a","time":"2026-01-02T03:04:05Z"}`,
		`{"type":"attempt","row":2,"key":"a` + "\x01" + `b","norm_key":"a","time":"2026-01-02T03:04:05Z"}`,
		`{"type":"result","status":"sent","row":2,"key":"a","norm_key":"a","attempts":1,"detail":"\u00e9` + "\xc3" + `","duration_ms":5}`,
		`{"type":"attempt","row":2,"key":"a","norm_key":"a","value_sums":"AQAAAP__","time":"2026-01-02T03:04:05Z"}`,  // sum 1, one facet 0xffff
		`{"type":"attempt","row":2,"key":"a","value_sums":"AQAAAP____8","time":"2026-01-02T03:04:05Z"}`,              // no norm_key
		`{"type":"attempt","row":2,"key":"a","norm_key":"a","value_sums":"AQAAAP__=","time":"2026-01-02T03:04:05Z"}`, // padded: refused
		`{"type":"attempt","row":2,"key":"a","norm_key":"a","value_sums":"AQA","time":"2026-01-02T03:04:05Z"}`,       // 2 bytes: refused
		`{"type":"attempt","row":2,"key":"a","norm_key":"a","value_sums":"","time":"2026-01-02T03:04:05Z"}`,          // empty: refused
		`{"type":"attempt","row":2,"key":"a","norm_key":"a","value_sums":"AQAAAP+/","time":"2026-01-02T03:04:05Z"}`,  // standard alphabet: refused
		`{"type":"result","status":"sent","row":2,"key":"a","attempts":1,"duration_ms":5}`,                           // no norm_key
		`{"type":"attempt","row":2,"key":"a","envelope":[],"time":"2026-01-02T03:04:05Z"}`,                           // empty envelope
		`{"type":"attempt","row":2,"key":"a","envelope":null,"time":"2026-01-02T03:04:05Z"}`,                         // null
		`{"type":"attempt","row":2,"key":"a","envelope":["a@x"],"time":"2026-01-02T03:04:05Z"}`,                      // one
		`{"type":"attempt","row":2,"key":"a","envelope":["a@x","b@x","c\u00e9@x"],"time":"2026-01-02T03:04:05Z"}`,    // three
	} {
		f.Add(1, "k", "", "", "", int64(0), 1, 250, "", uint8(0), "", []byte(raw))
	}
	f.Fuzz(func(t *testing.T, row int, key, to, id, detail string, nanos int64, try, code int, ec string, st uint8, owed string, raw []byte) {
		a, r := fuzzRecords(row, key, to, id, detail, nanos, try, code, ec, st, owed)
		if line, err := appendAttemptLine(nil, &a); err == nil {
			if !sameAttempt(t, line) {
				t.Fatalf("%s: the Writer's line was not decoded by hand", line)
			}
		}
		if line, err := appendResultLine(nil, &r); err == nil {
			if !sameResult(t, line) {
				t.Fatalf("%s: the Writer's line was not decoded by hand", line)
			}
		}
		sameAttempt(t, raw)
		sameResult(t, raw)
	})
}

// sameAttempt checks that when parseAttempt accepts b, encoding/json
// decodes b to the same line; it reports whether parseAttempt accepted.
func sameAttempt(t *testing.T, b []byte) bool {
	t.Helper()
	var got, want attemptLine
	if !parseAttempt(b, &got) {
		return false
	}
	if err := json.Unmarshal(b, &want); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\nby hand       %+v\nencoding/json %+v (%v)", b, got, want, err)
	}
	return true
}

// sameResult is sameAttempt for result lines.
func sameResult(t *testing.T, b []byte) bool {
	t.Helper()
	got, want := resultLine{Status: recordStatus(NoStatus)}, resultLine{Status: recordStatus(NoStatus)}
	if !parseResult(b, &got) {
		return false
	}
	if err := json.Unmarshal(b, &want); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\nby hand       %+v\nencoding/json %+v (%v)", b, got, want, err)
	}
	return true
}
