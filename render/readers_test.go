package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// hardNames is the corpus of sheet values that readers have got wrong:
// long CJK, right-to-left scripts, emoji sequences, combining marks,
// mixed scripts, RFC 5322 specials and very long names. Each is used as a
// display name in From and To, as the Subject and, when it fits in a file
// name, as an attachment's file name.
var hardNames = []struct{ label, value string }{
	{"chinese", "二〇二六年十一月份会员电子发票及明细清单请妥善保存并转交财务部门张三李四王五赵六"},
	{"chinese-200-bytes", strings.Repeat("中华人民共和国国家统计局发布", 5) + "年度报告"},
	{"chinese-ext-b", "𠀀𠮷野家𩸽定食𪚲𠀋𡈽𡌛𡑮𡢽𠮟𡚴𡸴𣇄𣗄𣜿𣝣𣳾𤟱𥒎𥔎𥝱𥧄𥶡𦫿𦹀𧃴𧚄𨉷"},
	{"japanese-kana", "株式会社エクサンプル・ジャパン営業部　山田太郎様へのご請求書（二〇二六年十一月分）ｶﾀｶﾅ"},
	{"korean", "주식회사 예시코리아 영업부 김철수 님께 보내는 십일월 청구서 및 상세 내역"},
	{"arabic", "شركة المثال للتجارة الإلكترونية - فاتورة شهر نوفمبر ٢٠٢٦ للعميل محمد عبد الله"},
	{"arabic-mixed-rlm", "تقرير Q4 2026 \u200f(نهائي) للسيد أحمد، قسم المبيعات؛ نسخة 3"},
	{"hebrew", "חשבונית מס קבלה עבור חודש נובמבר - ישראל ישראלי בע\"מ"},
	{"emoji-zwj-flags", "🎉 Party 🎂 👍🏽 👨\u200d👩\u200d👧\u200d👦 🇨🇳🇯🇵🇰🇷🇸🇦🇧🇷 🏳️\u200d🌈 🏴\u200d☠️ 🧑🏾\u200d🚀"},
	{"emoji-only", strings.Repeat("👩\u200d💻👨\u200d👩\u200d👧\u200d👦🧑🏾\u200d🚀🇺🇳", 6)},
	{"combining-nfd", strings.Repeat("e\u0301", 30) + " Ame\u0301lie Nguye\u0302\u0303n"},
	{"vietnamese-nfc", "Nguyễn Thị Minh Khai – Tiếng Việt có dấu: Trường Đại học Bách khoa Hà Nội"},
	{"vietnamese-nfd", "Nguye\u0302\u0303n Thi\u0323 Minh Khai – Tie\u0302\u0301ng Vie\u0323\u0302t co\u0301 da\u0302\u0301u"},
	{"devanagari", "नमस्ते दुनिया – हिन्दी में लिखा गया एक बहुत लंबा नाम श्रीमती प्रियंका"},
	{"thai", "บริษัท ตัวอย่าง จำกัด ใบแจ้งหนี้ประจำเดือนพฤศจิกายน ๒๕๖๙"},
	{"mixed-scripts", "Zhang 张伟 Ђорђе Σωκράτης עברית 한국어 हिन्दी ไทย Ærøskøbing"},
	{"ascii-specials", `O'Brien, "Bob" (Sales); Team <x> \ back [1] @home: 100% =?utf-8?q?x?=`},
	{"cjk-specials", `张三, "经理"; (北京) <总部> \ 100% =?utf-8?b?x?=`},
	{"ascii-long-file", "Quarterly report for the board of directors, with appendices A to F (final version); " +
		"reviewed by legal and finance on the third of November, 2026 - do not forward outside the company " +
		"without approval"},
	{"chinese-very-long", strings.Repeat("这是一个非常长的中文名字用于测试折叠", 8)},
}

// readerWant is what every reader must decode from one message.
type readerWant struct {
	label   string
	subject string
	addrs   map[string][]*mail.Address
	files   []string // file names of attachments and inline images, in order
}

// maxFileName is the longest file name (in bytes) most file systems take.
const maxFileName = 255

// TestReadersDecodeAlike renders a message for every hard name and reads
// it, and every golden .eml, back with Go's readers (net/mail,
// mime.WordDecoder, mime.ParseMediaType) and with Python's email package:
// each must decode exactly the sheet's values, with no defect. It also
// checks what lets every reader agree: each encoded-word and each RFC
// 2231 segment decodes to whole UTF-8 characters on its own (readers
// such as Python's decode segments one by one).
func TestReadersDecodeAlike(t *testing.T) {
	dir := t.TempDir()
	wants := map[string]readerWant{}
	for i, w := range renderCorpus(t) {
		wants[writeEML(t, dir, fmt.Sprintf("%02d-%s", i, w.label), w.data)] = w.want
	}
	for _, w := range goldenWants(t) {
		data, err := os.ReadFile(filepath.Join("testdata", "golden", w.label+".eml"))
		if err != nil {
			t.Fatal(err)
		}
		wants[writeEML(t, dir, "golden-"+w.label, data)] = w
	}
	for path, w := range wants {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		checkGoReader(t, w, data)
	}
	checkPythonReader(t, wants)
}

type rendered struct {
	label string
	data  []byte
	want  readerWant
}

// renderCorpus renders one message per hard name.
func renderCorpus(t *testing.T) []rendered {
	t.Helper()
	y := yamlWith(map[string]string{
		"from":        `'{{address .name "from@acme.example"}}'`,
		"to":          `'{{address .name .email}}, {{address .name "second@example.com"}}'`,
		"subject":     `'{{.name}}'`,
		"attachments": `["{{.file}}"]`,
	})
	files := map[string]string{"body.txt": "Hi\n"}
	for _, n := range hardNames {
		if f := n.value + ".txt"; len(f) <= maxFileName {
			files[f] = "content of " + n.label + "\n"
		}
	}
	e := setup(t, y, files, []string{"email", "name", "file"})
	var out []rendered
	for i, n := range hardNames {
		w := readerWant{label: n.label, subject: n.value, addrs: map[string][]*mail.Address{
			"From": {{Name: n.value, Address: "from@acme.example"}},
			"To":   {{Name: n.value, Address: "ann@example.com"}, {Name: n.value, Address: "second@example.com"}},
		}}
		file := ""
		if f := n.value + ".txt"; len(f) <= maxFileName {
			file = f
			w.files = []string{f}
		}
		m, err := e.r.Render(row(2+i, "email", "ann@example.com", "name", n.value, "file", file))
		if err != nil {
			t.Fatalf("%s: %v", n.label, err)
		}
		checkLines(t, m.Data, false)
		for _, line := range bytes.Split(m.Data, []byte("\r\n")) {
			if len(line) > maxLine { // part headers too
				t.Errorf("%s: line of %d characters: %q", n.label, len(line), line)
			}
		}
		out = append(out, rendered{n.label, m.Data, w})
	}
	return out
}

// goldenWants is what the golden messages' sheets and templates hold.
func goldenWants(t *testing.T) []readerWant {
	t.Helper()
	var out []readerWant
	for _, tc := range goldenCases {
		e := setup(t, tc.yaml, tc.files, tc.columns)
		f, err := e.set.Execute(tc.row)
		if err != nil {
			t.Fatal(err)
		}
		w := readerWant{label: tc.name, subject: strings.TrimSpace(f.Subject), addrs: map[string][]*mail.Address{}}
		for _, x := range []struct{ header, value string }{
			{"From", f.From}, {"Sender", f.Sender}, {"Reply-To", f.ReplyTo}, {"To", f.To}, {"Cc", f.Cc},
		} {
			if list := listAddresses(t, x.value); list != nil {
				w.addrs[x.header] = list
			}
		}
		w.files = append(w.files, tc.images...)
		for _, p := range f.Attachments {
			if p != "" {
				w.files = append(w.files, filepath.Base(p))
			}
		}
		f.Release()
		out = append(out, w)
	}
	return out
}

// listAddresses parses a rendered list as render reads it (names exactly
// as written, ';' separating like ','), for the addresses a reader must
// decode.
func listAddresses(t *testing.T, v string) []*mail.Address {
	t.Helper()
	if strings.TrimSpace(v) == "" {
		return nil
	}
	list, aerr := parseList(v)
	if aerr != nil {
		t.Fatalf("test input %q: %v", v, aerr)
	}
	out := make([]*mail.Address, len(list))
	for i, m := range list {
		out[i] = &mail.Address{Name: m.name, Address: m.addr}
	}
	return out
}

func writeEML(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name+".eml")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkGoReader reads data with net/mail, mime.WordDecoder and
// mime.ParseMediaType and compares with w.
func checkGoReader(t *testing.T, w readerWant, data []byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: net/mail: %v", w.label, err)
	}
	if got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || got != w.subject {
		t.Errorf("%s: Go Subject = %q (%v), want %q", w.label, got, err, w.subject)
	}
	for header, want := range w.addrs {
		got, err := msg.Header.AddressList(header)
		if err != nil {
			t.Errorf("%s: Go %s: %v", w.label, header, err)
		}
		sameAddresses(t, w.label+" Go "+header, got, want)
	}
	var files []string
	leaves, _ := walk(t, msg.Header, msg.Body)
	for _, l := range leaves {
		if l.filename == "" {
			continue
		}
		files = append(files, l.filename)
		if l.name != l.filename {
			t.Errorf("%s: Go Content-Type name %q, filename %q", w.label, l.name, l.filename)
		}
	}
	if fmt.Sprint(files) != fmt.Sprint(w.files) {
		t.Errorf("%s: Go file names %q, want %q", w.label, files, w.files)
	}
	msg, _ = mail.ReadMessage(bytes.NewReader(data))
	for _, v := range headerValues(t, textproto.MIMEHeader(msg.Header), msg.Body) {
		checkWholeCharacters(t, w.label, v)
	}
}

// headerValues returns every header field value of the message and of its
// parts, unfolded.
func headerValues(t *testing.T, h textproto.MIMEHeader, body io.Reader) []string {
	t.Helper()
	var out []string
	for _, vs := range h {
		out = append(out, vs...)
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return out
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, headerValues(t, p.Header, p)...)
	}
}

var (
	encodedWordRE = regexp.MustCompile(`=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=`)
	// extendedRE finds RFC 2231 extended values, whole (name*=) or
	// segments (name*0*=), after the ';' that starts a parameter.
	extendedRE = regexp.MustCompile(`;\s*([A-Za-z0-9._-]+)\*(?:([0-9]+)\*)?=([^;\s"]*)`)
)

// checkWholeCharacters asserts that each encoded-word and each RFC 2231
// extended value or segment in the header value v decodes, on its own, to
// valid UTF-8: no character is cut between two of them.
func checkWholeCharacters(t *testing.T, label, v string) {
	t.Helper()
	for _, ew := range encodedWordRE.FindAllString(v, -1) {
		dec, err := new(mime.WordDecoder).Decode(ew)
		if err != nil || !utf8.ValidString(dec) {
			t.Errorf("%s: encoded-word %s decodes alone to %q (%v): a character is split", label, ew, dec, err)
		}
	}
	for _, m := range extendedRE.FindAllStringSubmatch(v, -1) {
		val := m[3]
		if m[2] == "" || m[2] == "0" { // charset'language'value
			if i := strings.LastIndexByte(val, '\''); i >= 0 {
				val = val[i+1:]
			}
		}
		dec, err := url.PathUnescape(val)
		if err != nil || !utf8.ValidString(dec) {
			t.Errorf("%s: RFC 2231 %s*%s* = %s decodes alone to %q (%v): a character is split between segments", label, m[1], m[2], m[3], dec, err)
		}
	}
}

// pyResult is what testdata/pyemail_check.py reports for one policy.
type pyResult struct {
	Error     string                 `json:"error"`
	Defects   []string               `json:"defects"`
	Subject   *string                `json:"subject"`
	Addresses map[string][][2]string `json:"addresses"`
	Parts     []struct {
		Filename            *string `json:"filename"`
		DispositionFilename *string `json:"disposition_filename"`
		TypeName            *string `json:"type_name"`
		ContentType         string  `json:"content_type"`
		CTE                 *string `json:"cte"`
		Payload             []byte  `json:"payload"`
	} `json:"parts"`
}

// findPython returns python3, or skips the test loudly (fails under
// CI=true) when it is missing.
func findPython(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("python3"); err == nil {
		return p
	}
	const msg = "python3 not found on PATH: the check of messages with Python's email package cannot run"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPING " + msg)
	return ""
}

// checkPythonReader runs testdata/pyemail_check.py on every file of wants
// and compares what Python's email package decodes, under policy.default
// and a strict policy, with what the sheet held.
func checkPythonReader(t *testing.T, wants map[string]readerWant) {
	t.Helper()
	res := runPyEmail(t, slices.Collect(maps.Keys(wants)))
	for path, w := range wants {
		for _, pol := range []string{"default", "strict"} {
			r, ok := res[path][pol]
			if !ok {
				t.Errorf("%s: no Python %s result", w.label, pol)
				continue
			}
			checkPyResult(t, w.label+" Python "+pol, w, r)
		}
	}
}

// runPyEmail runs testdata/pyemail_check.py on the files at paths and
// returns its results: by path, then by policy ("default", "strict").
func runPyEmail(t *testing.T, paths []string) map[string]map[string]pyResult {
	t.Helper()
	py := findPython(t)
	args := append([]string{filepath.Join("testdata", "pyemail_check.py")}, paths...)
	cmd := exec.CommandContext(t.Context(), py, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pyemail_check.py: %v\n%s", err, stderr.Bytes())
	}
	var res map[string]map[string]pyResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("pyemail_check.py output: %v\n%s", err, out)
	}
	return res
}

func checkPyResult(t *testing.T, label string, w readerWant, r pyResult) {
	t.Helper()
	if r.Error != "" {
		t.Errorf("%s: parser raised %s", label, r.Error)
		return
	}
	for _, d := range r.Defects {
		if !knownPyDefect(d) {
			t.Errorf("%s: defect %s", label, d)
		}
	}
	if r.Subject == nil || *r.Subject != w.subject {
		t.Errorf("%s: Subject = %s, want %q", label, str(r.Subject), w.subject)
	}
	for header, want := range w.addrs {
		got := r.Addresses[header]
		if len(got) != len(want) {
			t.Errorf("%s: %s = %q, want %v", label, header, got, want)
			continue
		}
		for i, a := range want {
			switch {
			case got[i][1] != a.Address || !samePyName(got[i][0], a.Name):
				t.Errorf("%s: %s[%d] = %q <%s>, want %q <%s>", label, header, i, got[i][0], got[i][1], a.Name, a.Address)
			case got[i][0] != a.Name:
				t.Logf("%s: %s[%d]: Python added spaces between encoded-words (gh-128110): %q", label, header, i, got[i][0])
			}
		}
	}
	var files []string
	for _, p := range r.Parts {
		if p.Filename == nil {
			continue
		}
		files = append(files, *p.Filename)
		if str(p.DispositionFilename) != str(p.Filename) || str(p.TypeName) != str(p.Filename) {
			t.Errorf("%s: Content-Disposition filename %s and Content-Type name %s, want %q", label, str(p.DispositionFilename), str(p.TypeName), *p.Filename)
		}
	}
	if fmt.Sprint(files) != fmt.Sprint(w.files) {
		t.Errorf("%s: file names %q, want %q", label, files, w.files)
	}
}

func str(p *string) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *p)
}

// knownPyDefect reports whether Python's defect d is one tidings causes
// on purpose. tidings writes Content-Type's name parameter as RFC 2047
// encoded-words inside a quoted string, as Thunderbird and Outlook do, for
// older clients that do not read RFC 2231 (Content-Disposition's filename,
// which readers prefer, is RFC 2231). RFC 2047 5 does not allow an
// encoded-word there, and Python notes it, but decodes the name exactly
// (checked above).
func knownPyDefect(d string) bool {
	return strings.Contains(d, " Content-Type: InvalidHeaderDefect: encoded word inside quoted string") ||
		strings.Contains(d, " Content-Type: InvalidHeaderDefect: missing trailing whitespace after encoded-word")
}

// samePyName compares a display name as Python's email package decodes
// it with the sheet's. Python's header parser (policy.default, and so the
// strict clone) adds a space between adjacent encoded-words of a display
// name (CPython gh-128110, "email.parser can insert extraneous spaces when
// parsing rfc2047 headers with policy.default"), so a name tidings had to
// write as several encoded-words may come back with spaces added, and only
// that. Go's net/mail is checked to join them exactly.
func samePyName(got, want string) bool {
	if got == want {
		return true
	}
	if len(phraseTokens(want)) < 2 || !strings.HasPrefix(phraseTokens(want)[0], wordPrefix) {
		return false
	}
	// got must be want with spaces inserted.
	i := 0
	for _, r := range got {
		if i < len(want) {
			wr, size := utf8.DecodeRuneInString(want[i:])
			if r == wr {
				i += size
				continue
			}
		}
		if r != ' ' {
			return false
		}
	}
	return i == len(want)
}

// TestEncodedWordsWholeGraphemes renders every hard name and checks that
// adjacent encoded-words (Subject, From, To, Content-Type's name) meet
// only between grapheme clusters: a reader that shows each word on its
// own, or adds a space between them (Python, gh-128110), must not cut an
// emoji ZWJ sequence, a flag or a letter from its combining marks.
func TestEncodedWordsWholeGraphemes(t *testing.T) {
	for _, r := range renderCorpus(t) {
		head, _, _ := bytes.Cut(r.data, []byte("\r\n\r\n"))
		for _, p := range bytes.Split(r.data, []byte("\r\n--")) {
			h, _, _ := bytes.Cut(p, []byte("\r\n\r\n"))
			head = append(append(head, "\r\n"...), h...)
		}
		unfolded := strings.ReplaceAll(string(head), "\r\n ", " ")
		for _, line := range strings.Split(unfolded, "\r\n") {
			checkWordGraphemes(t, r.label, line)
		}
	}
}

// TestEncodedWordsLongGrapheme: a cluster longer than an encoded-word holds
// (a letter under 40 combining marks) is cut between its characters, and
// decodes whole.
func TestEncodedWordsLongGrapheme(t *testing.T) {
	v := "Zalgo e" + strings.Repeat("\u0301", 40) + " end"
	for _, w := range encodeWords(v, false, maxWord, maxWord) {
		if len(w) > maxWord {
			t.Errorf("word of %d characters: %s", len(w), w)
		}
		checkWholeCharacters(t, "long cluster", w)
	}
	got, err := new(mime.WordDecoder).DecodeHeader(strings.Join(encodeWords(v, false, maxWord, maxWord), " "))
	if err != nil || got != v {
		t.Errorf("decodes to %q, %v; want %q", got, err, v)
	}
}

// wordRunRE finds runs of encoded-words separated by white space.
var wordRunRE = regexp.MustCompile(`=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=(?:\s+=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)+`)

// checkWordGraphemes checks each run of adjacent encoded-words in line:
// every boundary between two words is a grapheme cluster boundary of the
// text they decode to together.
func checkWordGraphemes(t *testing.T, label, line string) {
	t.Helper()
	for _, run := range wordRunRE.FindAllString(line, -1) {
		var whole string
		var cuts []int
		for _, ew := range encodedWordRE.FindAllString(run, -1) {
			dec, err := new(mime.WordDecoder).Decode(ew)
			if err != nil {
				t.Fatalf("%s: %s: %v", label, ew, err)
			}
			whole += dec
			cuts = append(cuts, len(whole))
		}
		bounds := map[int]bool{}
		g := uniseg.NewGraphemes(whole)
		for g.Next() {
			_, end := g.Positions()
			bounds[end] = true
		}
		for _, c := range cuts {
			if !bounds[c] {
				t.Errorf("%s: encoded-words cut a grapheme cluster: %q | %q", label, whole[max(0, c-12):c], whole[c:min(len(whole), c+12)])
			}
		}
	}
}
