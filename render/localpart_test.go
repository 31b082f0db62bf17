package render

import (
	"errors"
	"strings"
	"testing"
)

// TestLocalPartFullWidthAndSpaces: an email typed with an input method
// left in full-width mode (ｔａｒｏ@example.jp) or with an ideographic or
// no-break space inside is a problem of its row, not an internationalized
// address (RFC 6531) sent to a mailbox no one has; a local part in
// Japanese, Chinese or German letters is still one.
func TestLocalPartFullWidthAndSpaces(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{address .name .email}}"`}), bodyFile, []string{"email", "name"})
	for _, tc := range []struct{ email, want string }{
		{"ｔａｒｏ@example.jp", "full-width ｔ, U+FF54, at byte 0"},
		{"taro１２３@example.jp", "full-width １, U+FF11, at byte 4"},
		{"yamada\u3000taro@example.jp", "holds a space, U+3000, at byte 6"},
		{"yamada\u00a0taro@example.jp", "holds a space, U+00A0, at byte 6"},
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
