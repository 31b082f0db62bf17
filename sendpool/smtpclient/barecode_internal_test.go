package smtpclient

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestCodeReader: a line that is a bare reply code gets the space after
// it, whatever the reads split; any other line, and a line cut short at
// the end, comes out as it came.
func TestCodeReader(t *testing.T) {
	for in, want := range map[string]string{
		"250\r\n":                            "250 \r\n",
		"250\n":                              "250 \n",
		"250-first\r\n250\r\n354\r\n":        "250-first\r\n250 \r\n354 \r\n",
		"250 ok\r\n":                         "250 ok\r\n",
		"2500\r\n25\r\n":                     "2500\r\n25\r\n",
		"220 mx ready\r\n250-a\r\n250 b\r\n": "220 mx ready\r\n250-a\r\n250 b\r\n",
		"250":                                "250",
		"25a\r\n421\r":                       "25a\r\n421\r",
		"body\r\n250\r\nmore 250\r\n":        "body\r\n250 \r\nmore 250\r\n",
	} {
		for _, wrap := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.HalfReader, iotest.DataErrReader} {
			got, err := io.ReadAll(newCodeReader(wrap(bytes.NewReader([]byte(in)))))
			if err != nil || string(got) != want {
				t.Errorf("%q: %q, %v; want %q", in, got, err, want)
			}
		}
	}
}

// TestCodeReaderAfterTimeout: a read error that is no end (a deadline's
// timeout) is handed on once, and the reader reads on after it, the start
// of a bare code held over.
func TestCodeReaderAfterTimeout(t *testing.T) {
	timeout := errors.New("i/o timeout")
	r := newCodeReader(io.MultiReader(bytes.NewReader([]byte("25")), iotest.ErrReader(timeout)))
	if n, err := r.Read(make([]byte, 10)); n != 0 || err != timeout {
		t.Fatalf("Read = %d, %v; want the timeout", n, err)
	}
	r.r = bytes.NewReader([]byte("0\r\n"))
	if got, err := io.ReadAll(r); err != nil || string(got) != "250 \r\n" {
		t.Errorf("after the timeout: %q, %v", got, err)
	}
}
