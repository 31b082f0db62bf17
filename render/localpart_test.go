package render

import (
	"errors"
	"strings"
	"testing"
)

// TestLocalPartFullWidthAndSpaces: an email typed with an input method
// left in full-width mode (ｔａｒｏ@example.jp) or with an ideographic or
// no-break space inside is a problem of its row, not an internationalized
// address (RFC 6531) sent to a mailbox no one has, naming the character
// by its position as an editor counts (not its byte's: 山田ｔａｒｏ, 3);
// a local part in Japanese, Chinese or German letters is still one.
func TestLocalPartFullWidthAndSpaces(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{address .name .email}}"`}), bodyFile, []string{"email", "name"})
	for _, tc := range []struct{ email, want string }{
		{"ｔａｒｏ@example.jp", "full-width ｔ, U+FF54, at character 1 "},
		{"taro１２３@example.jp", "full-width １, U+FF11, at character 5 "},
		{"山田ｔａｒｏ@example.jp", "full-width ｔ, U+FF54, at character 3 "},
		{"yamada\u3000taro@example.jp", "holds a space, U+3000, at character 7:"},
		{"山田\u3000太郎@example.jp", "holds a space, U+3000, at character 3:"},
		{"jürgen\u00a0müller@example.de", "holds a space, U+00A0, at character 7:"},
		{"jürgen\u200bmüller@example.de", "invisible character, U+200B, at character 7 "},
	} {
		_, err := e.r.Render(row(5, "email", tc.email, "name", "山田"))
		if re := rowErr(t, err); !errors.Is(err, ErrAddress) || re.Column != "email" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v (column %q), want it to say %q", tc.email, err, re.Column, tc.want)
		}
	}
	for _, ok := range []string{"山田@example.jp", "用户@例子.广告", "jürgen@example.de", "taro@ｅｘａｍｐｌｅ．ｊｐ"} {
		if _, err := e.r.Render(row(5, "email", ok, "name", "山田")); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}
