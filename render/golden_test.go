package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidings/tidings/campaign"
)

var update = flag.Bool("update", false, "rewrite the golden .eml files in testdata/golden")

// pngBytes is a tiny but real PNG (1×1, transparent).
const pngBytes = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"

type goldenCase struct {
	name    string
	yaml    string
	files   map[string]string
	columns []string
	row     campaign.Row
	shape   string
	images  []string
	// longURL: a URL in angle brackets cannot be folded, so its header
	// line may pass 78 characters (never 998).
	longURL bool
	// addrs are address headers as net/mail should read them back, where
	// that differs from net/mail's reading of the rendered template value
	// (see verifyWith).
	addrs map[string]string
}

var goldenCases = []goldenCase{
	{
		name: "text_ascii",
		yaml: `name: text-ascii
from: "Acme Shop <shop@acme.example>"
to: "{{.name}} <{{.email}}>"
subject: "Your order {{.order}} has shipped"
text: body.txt
recipients: {path: people.csv}
`,
		files:   map[string]string{"body.txt": "Hello {{.name}},\n\nyour order {{.order}} is on its way.\n\n-- \nAcme Shop\n"},
		columns: []string{"email", "name", "order"},
		row:     row(2, "email", "ann@example.com", "name", "Ann Lee", "order", "A-1001"),
		shape:   "text/plain",
	},
	{
		name: "alternative",
		yaml: `name: alternative
from: "Acme News <news@acme.example>"
reply_to: "Help Desk <help@acme.example>"
to: "{{address .name .email}}"
subject: "{{.name}}, your November digest"
text: body.txt
html: body.html
headers:
  X-Campaign: nov-2026
  X-Customer: "{{.id}}"
recipients: {path: people.csv}
`,
		files: map[string]string{
			"body.txt":  "Hi {{.name}},\n\nThis month: a long line of text that certainly runs past the seventy-eight character limit of a line.\n",
			"body.html": "<html><body>\n<p>Hi {{.name}},</p>\n<p>This month: <a href=\"https://acme.example/nov\">read</a></p>\n</body></html>\n",
		},
		columns: []string{"email", "name", "id"},
		row:     row(3, "email", "bob@example.org", "name", "O'Neil, Bob", "id", "c-42"),
		shape:   "multipart/alternative(text/plain,text/html)",
	},
	{
		name: "chinese",
		yaml: `name: chinese
from: "阿克米新闻 <news@acme.example>"
to: "{{address .name .email}}"
cc: "{{address .boss .boss_email}}"
subject: "{{.name}}，您好：这是您的十一月月刊，内容包括产品更新、活动预告以及会员专享优惠"
text: body.txt
html: body.html
headers:
  X-Note: "中文 header {{.city}}"
recipients: {path: people.csv}
`,
		files: map[string]string{
			"body.txt":  "{{.name}}，您好！\n\n欢迎阅读本期月刊。城市：{{.city}}\n",
			"body.html": "<p>{{.name}}，您好！</p>\n<p>城市：{{.city}}</p>\n",
		},
		columns: []string{"email", "name", "boss", "boss_email", "city"},
		row:     row(4, "email", "zhangsan@example.cn", "name", "张三", "boss", "李四 (经理)", "boss_email", "lisi@例子.中国", "city", "北京"),
		shape:   "multipart/alternative(text/plain,text/html)",
	},
	{
		name: "attachments",
		yaml: `name: attachments
from: "Acme Billing <billing@acme.example>"
to: "{{.email}}"
subject: "Invoice {{.invoice}}"
text: body.txt
attachments:
  - "invoices/{{.invoice}}.pdf"
  - "files/发票说明.pdf"
  - "{{.extra}}"
recipients: {path: people.csv}
`,
		files: map[string]string{
			"body.txt":                "Your invoice {{.invoice}} is attached.\n",
			"invoices/INV-7.pdf":      "%PDF-1.4\n% invoice INV-7\n" + string(bytes.Repeat([]byte{0, 1, 2, 250, 251}, 40)) + "\n%%EOF\n",
			"files/发票说明.pdf":          "%PDF-1.4\n% notes\n%%EOF\n",
			"files/unknown.bin-thing": "opaque",
		},
		columns: []string{"email", "invoice", "extra"},
		row:     row(5, "email", "carol@example.com", "invoice", "INV-7", "extra", ""),
		shape:   "multipart/mixed(text/plain,application/pdf,application/pdf)",
	},
	{
		name: "inline_cid",
		yaml: `name: inline-cid
from: "Acme <news@acme.example>"
to: "{{.email}}"
subject: "Look at our logo"
html: html/body.html
recipients: {path: people.csv}
`,
		files: map[string]string{
			"html/body.html": "<p>Hello {{.email}}</p>\n<img src=\"cid:logo.png\" alt=\"Acme\">\n<img src=\"cid:logo.png\">\n",
			"html/logo.png":  pngBytes,
		},
		columns: []string{"email"},
		row:     row(6, "email", "dave@example.com"),
		shape:   "multipart/related(text/html,image/png)",
		images:  []string{"logo.png"},
	},
	{
		name: "list_unsubscribe",
		yaml: `name: list-unsub
from: "Acme News <news@acme.example>"
to: "{{.email}}"
subject: "Weekly news"
text: body.txt
unsubscribe:
  url: "https://acme.example/unsubscribe?id={{.id | urlquery}}&list=weekly-news-letter-for-customers"
  mailto: "mailto:unsubscribe@acme.example?subject=unsubscribe%20{{.id}}"
  one_click: true
list_id: "Acme Weekly News <weekly.news.acme.example>"
recipients: {path: people.csv}
`,
		files:   map[string]string{"body.txt": "News.\n"},
		columns: []string{"email", "id"},
		row:     row(7, "email", "erin@example.com", "id", "u 77/x"),
		shape:   "text/plain",
		longURL: true,
	},
	{
		name: "multi_recipients",
		yaml: `name: multi
from: "Ann Editor <ann@acme.example>, Bob Editor <bob@acme.example>"
sender: "Acme Newsroom <newsroom@acme.example>"
to: "{{.email}}, {{address .partner .partner_email}}"
cc: "{{.cc}}"
bcc: "audit@acme.example, {{.email}}"
subject: "Shared update"
text: body.txt
recipients: {path: people.csv}
`,
		files:   map[string]string{"body.txt": "Hello both.\n"},
		columns: []string{"email", "partner", "partner_email", "cc"},
		row:     row(8, "email", "frank@example.com", "partner", `Grace "G" Hopper, PhD`, "partner_email", "grace@example.net", "cc", "Heidi (home) <heidi@example.com>, ivan@example.com"),
		shape:   "text/plain",
		// The sheet's "Heidi (home)" is the name, not Heidi and a comment.
		addrs: map[string]string{"Cc": `"Heidi (home)" <heidi@example.com>, ivan@example.com`},
	},
	{
		// Names from the sheet that RFC 5322 would read as syntax
		// (quotes, comments, a backslash) come out exactly as the sheet
		// holds them; ';' separates addresses.
		name: "display_names",
		yaml: `name: display-names
from: "Acme (Sales) <sales@acme.example>"
to: "{{.name}} <{{.email}}>"
cc: "{{.cc}}"
subject: "Names as written"
text: body.txt
recipients: {path: people.csv}
`,
		files:   map[string]string{"body.txt": "Hello {{.name}}.\n"},
		columns: []string{"email", "name", "cc"},
		row: row(9, "email", "anne@example.com", "name", `Anne "Nan" Lee`,
			"cc", `Dr. Who (Gallifrey) <who@example.org>; 张"小三"丰 <zs@example.cn>; Jörg "Jo" Müller (München) <jm@example.de>; DOMAIN\jdoe <jd@example.net>`),
		shape: "text/plain",
		addrs: map[string]string{
			"From": `"Acme (Sales)" <sales@acme.example>`,
			"To":   `"Anne \"Nan\" Lee" <anne@example.com>`,
			"Cc":   `"Dr. Who (Gallifrey)" <who@example.org>, "张\"小三\"丰" <zs@example.cn>, "Jörg \"Jo\" Müller (München)" <jm@example.de>, "DOMAIN\\jdoe" <jd@example.net>`,
		},
	},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t, tc.yaml, tc.files, tc.columns)
			m, err := e.r.Render(tc.row)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", tc.name+".eml")
			if *update {
				if err := os.WriteFile(path, m.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(m.Data, want) {
				t.Errorf("message differs from %s (run go test -update after checking):\n%s", path, m.Data)
			}
			// Rendering again gives the same bytes.
			again, err := e.r.Render(tc.row)
			if err != nil || !bytes.Equal(again.Data, m.Data) {
				t.Errorf("second render differs")
			}
			checkLines(t, m.Data, tc.longURL)
			if shape := verifyWith(t, e, tc.row, m, tc.images, tc.addrs); shape != tc.shape {
				t.Errorf("MIME structure %s, want %s", shape, tc.shape)
			}
		})
	}
}
