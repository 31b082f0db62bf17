package templates

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/tidings/tidings/campaign"
)

// TestBodyFileEncoding: a body saved by Windows' Notepad as UTF-8 with a
// byte order mark loses the mark (else every message starts with U+FEFF),
// and one saved as "Unicode" (UTF-16 with its mark) is decoded; one saved
// as UTF-16 without the mark or in a legacy code page ("ANSI",
// Shift_JIS on a Japanese Windows) is an error naming the file and line,
// not a body sent as mojibake labelled UTF-8.
func TestBodyFileEncoding(t *testing.T) {
	const sjis = "Hi\r\n\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd {{.name}}\r\n" // こんにちは in Shift_JIS
	utf16 := "\xff\xfeH\x00i\x00 \x00{\x00{\x00.\x00n\x00a\x00m\x00e\x00}\x00}\x00"
	for _, tc := range []struct {
		name, body, wantErr string
		wantLine            int
	}{
		{"bom", "\xef\xbb\xbfこんにちは {{.name}}\r\n", "", 0},
		{"utf-16", "\xff\xfe\x53\x30\x93\x30\x6b\x30\x61\x30\x6f\x30 \x00{\x00{\x00.\x00n\x00a\x00m\x00e\x00}\x00}\x00\r\x00\n\x00", "", 0},
		{"utf-16 without a byte order mark", utf16[2:], "UTF-16 without a byte order mark", 0},
		{"shift_jis", sjis, "legacy code page", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := load(t, baseYAML, map[string]string{"body.txt": tc.body})
			s, err := Compile(c, []string{"email", "name"})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				f, err := s.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@example.jp", "name": "山田"}})
				if err != nil {
					t.Fatal(err)
				}
				defer f.Release()
				if got := string(f.Text); got != "こんにちは 山田\r\n" {
					t.Errorf("text = %q, want it without the byte order mark", got)
				}
				return
			}
			var fe *campaign.FileError
			if !errors.As(err, &fe) || !errors.Is(err, campaign.ErrBadEncoding) {
				t.Fatalf("err = %v, want a FileError wrapping ErrBadEncoding", err)
			}
			if !strings.HasSuffix(fe.File, "body.txt") || fe.Line != tc.wantLine || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v (file %s, line %d), want body.txt line %d saying %q", err, fe.File, fe.Line, tc.wantLine, tc.wantErr)
			}
		})
	}
}

// TestUTF16CampaignLines: a template error of a campaign file saved as
// "Unicode" (UTF-16 with its mark) names its line in the file, as one of
// a UTF-8 file does (the lines were read from the raw UTF-16 bytes, which
// YAML cannot parse: the error had no line).
func TestUTF16CampaignLines(t *testing.T) {
	c := load(t, strings.Replace(baseYAML, "Hello {{.name}}", "Hello {{.nmae}}", 1), map[string]string{"body.txt": "Hi\n"})
	var u16 []byte
	for _, r := range utf16.Encode([]rune(strings.Replace(baseYAML, "Hello {{.name}}", "Hello {{.nmae}}", 1))) {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	if err := os.WriteFile(c.File, append([]byte{0xff, 0xfe}, u16...), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Load(c.File)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(c, []string{"email", "name"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || fe.Line != 3 {
		t.Errorf("Compile = %v, want an error at campaign.yaml line 3", err)
	}
}
