package bench

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Columns are the recipient sheet's columns (eight fields, as a CRM export
// for a newsletter has).
var Columns = []string{"id", "email", "name", "city", "plan", "joined", "points", "company"}

// cities and plans vary the rows a little (and put non-ASCII text in them).
var (
	cities = []string{"Köln", "北京", "São Paulo", "Lyon", "Osaka", "Kraków", "Austin", "Zürich"}
	plans  = []string{"Basic", "Pro", "Team", "Enterprise"}
)

// Field is row i's value of column c: deterministic, distinct per row.
func Field(i, c int) string {
	switch Columns[c] {
	case "id":
		return fmt.Sprintf("C%08d", i)
	case "email":
		return fmt.Sprintf("user%07d@example.com", i)
	case "name":
		return fmt.Sprintf("Reader %d 张", i)
	case "city":
		return cities[i%len(cities)] + " " + strconv.Itoa(i%97)
	case "plan":
		return plans[i%len(plans)] + " " + strconv.Itoa(i%13)
	case "joined":
		return fmt.Sprintf("20%02d-%02d-%02d", 10+i%15, 1+i%12, 1+i%28)
	case "points":
		return strconv.Itoa(i * 7 % 100000)
	default: // company
		return fmt.Sprintf("Company %d GmbH", i%5000+i)
	}
}

// WriteCSV writes an n-row recipient sheet (header first, CRLF lines).
func WriteCSV(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	w.WriteString(strings.Join(Columns, ",") + "\r\n")
	for i := range n {
		for c := range Columns {
			if c > 0 {
				w.WriteByte(',')
			}
			w.WriteString(Field(i, c))
		}
		w.WriteString("\r\n")
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteXLSX writes an n-row workbook shaped like Excel's own output: every
// cell is a shared string and every cell's text is distinct, so the shared
// string table has a string per cell (what makes big workbooks heavy to
// read). The OOXML parts are written by hand, streaming, so that writing a
// big workbook does not itself need the memory being measured.
func WriteXLSX(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(bufio.NewWriterSize(f, 1<<16))
	part := func(name, body string) error {
		w, err := zw.Create(name)
		if err == nil {
			_, err = io.WriteString(w, body)
		}
		return err
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	cells := (n + 1) * len(Columns)
	err = part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`)
	if err == nil {
		err = part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="`+rel+`/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	}
	if err == nil {
		err = part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook `+ns+` xmlns:r="`+rel+`"><sheets><sheet name="Subscribers" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	}
	if err == nil {
		err = part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="`+rel+`/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="`+rel+`/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="`+rel+`/styles" Target="styles.xml"/></Relationships>`)
	}
	if err == nil {
		err = part("xl/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet `+ns+`><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf xfId="0"/></cellXfs></styleSheet>`)
	}
	if err == nil {
		err = writeSheetXML(zw, n, ns)
	}
	if err == nil {
		err = writeSharedStrings(zw, n, cells, ns)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeSheetXML(zw *zip.Writer, n int, ns string) error {
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<worksheet %s><dimension ref="A1:%c%d"/><sheetData>`, ns, 'A'+len(Columns)-1, n+1)
	idx := 0
	for r := 1; r <= n+1; r++ {
		fmt.Fprintf(bw, `<row r="%d">`, r)
		for c := range Columns {
			fmt.Fprintf(bw, `<c r="%c%d" t="s"><v>%d</v></c>`, 'A'+c, r, idx)
			idx++
		}
		bw.WriteString(`</row>`)
	}
	bw.WriteString(`</sheetData></worksheet>`)
	return bw.Flush()
}

func writeSharedStrings(zw *zip.Writer, n, cells int, ns string) error {
	w, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<sst %s count="%d" uniqueCount="%d">`, ns, cells, cells)
	si := func(s string) {
		bw.WriteString("<si><t>")
		xml.EscapeText(bw, []byte(s))
		bw.WriteString("</t></si>")
	}
	for _, c := range Columns {
		si(c)
	}
	for i := range n {
		for c := range Columns {
			si(Field(i, c))
		}
	}
	bw.WriteString(`</sst>`)
	return bw.Flush()
}

// CampaignOptions say what WriteCampaign writes.
type CampaignOptions struct {
	// Sheet is the recipients file name inside the folder (written by the
	// caller; a .csv or .xlsx).
	Sheet string
	// SMTPPort is the sink's (or proxy's) port on 127.0.0.1; 0 means 25.
	SMTPPort int
	// Transport is smtp.transport ("" for the default).
	Transport string
	// Concurrency is send.concurrency (0: the default).
	Concurrency int
	// StateDir is state_dir ("" for the default beside the campaign).
	StateDir string
	// Attachment, when set, is a file (inside the folder) attached to
	// every message.
	Attachment string
	// Rate is send.rate ("" for none).
	Rate string
}

// WriteCampaign writes a newsletter campaign into dir: campaign.yaml, a
// 5 KB HTML body and a 1 KB text body using the sheet's eight fields, and
// returns the campaign file's path. Sending goes to 127.0.0.1 in plaintext
// without login, at no rate limit, a connection carrying up to 100,000
// messages (the benchmarks measure the exchange, not reconnects).
func WriteCampaign(dir string, o CampaignOptions) (string, error) {
	port := o.SMTPPort
	if port == 0 {
		port = 25
	}
	var y strings.Builder
	fmt.Fprintf(&y, `name: bench-digest
from: "Bench News <news@bench.example>"
reply_to: "help@bench.example"
to: '{{address .name .email}}'
subject: "{{.name}}, your {{.plan}} digest"
text: body.txt
html: body.html
%sheaders:
  X-Campaign: bench
unsubscribe:
  url: "https://bench.example/unsub?u={{.id | urlquery}}"
  mailto: "unsubscribe@bench.example"
  one_click: true
list_id: "Bench News <news.bench.example>"
recipients:
  path: %s
  key: email
smtp:
  host: 127.0.0.1
  port: %d
  security: none
  timeout: 30s
`, attachments(o.Attachment), o.Sheet, port)
	if o.Transport != "" {
		fmt.Fprintf(&y, "  transport: %s\n", o.Transport)
	}
	y.WriteString("send:\n  per_connection: 100000\n  retries: 0\n")
	if o.Rate != "" {
		fmt.Fprintf(&y, "  rate: %s\n", o.Rate)
	}
	if o.Concurrency > 0 {
		fmt.Fprintf(&y, "  concurrency: %d\n", o.Concurrency)
	}
	if o.StateDir != "" {
		fmt.Fprintf(&y, "state_dir: %s\n", o.StateDir)
	}
	path := filepath.Join(dir, "campaign.yaml")
	for name, body := range map[string]string{"campaign.yaml": y.String(), "body.html": htmlBody(), "body.txt": textBody()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return "", err
		}
	}
	return path, nil
}

// attachments is the campaign file's attachments line for file ("" for
// none).
func attachments(file string) string {
	if file == "" {
		return ""
	}
	return fmt.Sprintf("attachments: [%q]\n", file)
}

// htmlBody is a newsletter of about 5 KB.
func htmlBody() string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Bench digest</title></head>
<body style="margin:0;padding:0;background:#f4f4f7;font-family:Helvetica,Arial,sans-serif;color:#222">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:8px">
<tr><td style="padding:24px 32px">
<h1 style="font-size:22px;margin:0 0 16px">Hello {{.name}},</h1>
<p style="line-height:1.5">Here is what happened this month for {{.company}} in {{.city}}.</p>
<ul style="line-height:1.5">
<li>Your plan: <strong>{{.plan}}</strong> (member since {{.joined}})</li>
<li>Your points: <strong>{{.points}}</strong></li>
<li>Your customer number: {{.id}}</li>
</ul>
`)
	for i := range 11 {
		fmt.Fprintf(&b, `<h2 style="font-size:17px;margin:20px 0 8px">Story %d of the month</h2>
<p style="line-height:1.5;margin:0 0 12px">The team shipped the features readers asked for most, and the
numbers show it: faster pages, fewer steps, clearer prices. Read the whole story on
<a href="https://bench.example/stories/%d?c={{.id | urlquery}}" style="color:#2255aa">our site</a>.</p>
`, i+1, i+1)
	}
	b.WriteString(`<p style="line-height:1.5">Thank you for reading, {{.name}}.</p>
</td></tr>
<tr><td style="padding:16px 32px;font-size:12px;color:#888">Bench News · https://bench.example · sent to {{.email}}</td></tr>
</table></td></tr></table>
</body>
</html>
`)
	return b.String()
}

// textBody is the plain-text part, about 1 KB.
func textBody() string {
	return `Hello {{.name}},

Here is what happened this month for {{.company}} in {{.city}}.

* Your plan: {{.plan}} (member since {{.joined}})
* Your points: {{.points}}
* Your customer number: {{.id}}

The team shipped the features readers asked for most, and the numbers
show it: faster pages, fewer steps, clearer prices. Nine stories this
month, from the new dashboard to the price calculator, are waiting on
our site: https://bench.example/stories

Events near {{.city}} are listed at https://bench.example/events, and
the help desk answers at help@bench.example on working days.

Your {{.plan}} plan renews on its own; to change it, or to move the
points you collected to a colleague at {{.company}}, open the account
page at https://bench.example/account and choose "Plan and points".

Thank you for reading.
-- 
Bench News · https://bench.example
You get this because {{.email}} subscribed; unsubscribe at any time.
`
}
