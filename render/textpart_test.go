package render

import (
	"bytes"
	"fmt"
	"net/mail"
	"path/filepath"
	"testing"
)

// textPartCases are bodies and the transfer encoding each part must get:
// base64 where quoted-printable would be longer (CJK, Cyrillic: every byte
// =XX), quoted-printable for English and mostly-ASCII text with a few
// accents, where it is shorter and stays readable.
var textPartCases = []struct {
	label      string
	text, html string // "" for none
	cte        []string
}{
	{"chinese-text-only", "张三同学，您好：\n\n您本学期《高等数学》的期末成绩为 92 分。\n\n如有疑问，请直接回复本邮件。\n\n教务处\n", "",
		[]string{"base64"}},
	{"chinese-no-final-break", "张三同学，您好：\n\n您本学期的期末成绩为 92 分。", "",
		[]string{"base64"}},
	{"japanese-alternative", "山田様\n\nいつもご利用いただきありがとうございます。十一月のご請求書をお送りします。\n",
		"<p>山田様</p>\n<p>いつもご利用いただきありがとうございます。十一月のご請求書をお送りします。</p>\n",
		[]string{"base64", "base64"}},
	{"russian", "Здравствуйте, Иван!\r\n\r\nВаш заказ №1042 отправлен сегодня и прибудет в пятницу.\r\n", "",
		[]string{"base64"}},
	{"english-long-line", "Hi Ann,\n\nThis month we shipped the new dashboard, the export to spreadsheets and a faster search; here’s what changed for you.\n", "",
		[]string{"quoted-printable"}},
	{"accents", "Grüße aus Köln, Élodie!\n\nYour order from Besançon has shipped and should arrive on Thursday.\n",
		"<p>Grüße aus Köln, Élodie!</p>\n<p>Your order from Besançon has shipped and should arrive on Thursday.</p>\n",
		[]string{"quoted-printable", "quoted-printable"}},
}

// TestTextPartEncoding renders each case, checks each text part's
// Content-Transfer-Encoding and reads the parts back, byte for byte (line
// ends made CRLF), with Go's mime/multipart and with Python's email
// package under its default and a strict policy.
func TestTextPartEncoding(t *testing.T) {
	dir := t.TempDir()
	type sent struct {
		label string
		want  [][]byte // each text part as sent, in order
		cte   []string
	}
	files := map[string]sent{}
	for i, tc := range textPartCases {
		fields, bodies := map[string]string{}, map[string]string{"body.txt": tc.text}
		want := [][]byte{[]byte(crlf(tc.text))}
		if tc.html != "" {
			fields["html"], bodies["body.html"] = "body.html", tc.html
			want = append(want, []byte(crlf(tc.html)))
		}
		e := setup(t, yamlWith(fields), bodies, []string{"email"})
		m, err := e.r.Render(row(2+i, "email", "ann@example.com"))
		if err != nil {
			t.Fatalf("%s: %v", tc.label, err)
		}
		checkLines(t, m.Data, false)
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatalf("%s: %v", tc.label, err)
		}
		leaves, _ := walk(t, msg.Header, msg.Body)
		if len(leaves) != len(want) {
			t.Fatalf("%s: %d parts, want %d", tc.label, len(leaves), len(want))
		}
		for j, l := range leaves {
			if l.cte != tc.cte[j] || !bytes.Equal(l.body, want[j]) {
				t.Errorf("%s: Go: part %d (%s) in %s decodes to %q, want %s and %q", tc.label, j, l.ctype, l.cte, l.body, tc.cte[j], want[j])
			}
		}
		files[writeEML(t, dir, fmt.Sprintf("%02d-%s", i, tc.label), m.Data)] = sent{tc.label, want, tc.cte}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	for path, res := range runPyEmail(t, paths) {
		s := files[path]
		for _, pol := range []string{"default", "strict"} {
			r := res[pol]
			label := s.label + " Python " + pol + " (" + filepath.Base(path) + ")"
			if r.Error != "" || len(r.Defects) > 0 {
				t.Errorf("%s: error %q, defects %q", label, r.Error, r.Defects)
				continue
			}
			if len(r.Parts) != len(s.want) {
				t.Errorf("%s: %d parts, want %d", label, len(r.Parts), len(s.want))
				continue
			}
			for j, p := range r.Parts {
				if str(p.CTE) != fmt.Sprintf("%q", s.cte[j]) || !bytes.Equal(p.Payload, s.want[j]) {
					t.Errorf("%s: part %d (%s) in %s decodes to %q, want %s and %q", label, j, p.ContentType, str(p.CTE), p.Payload, s.cte[j], s.want[j])
				}
			}
		}
	}
}
