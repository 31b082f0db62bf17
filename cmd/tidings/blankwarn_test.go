package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestBlankCellWarned: a row whose name is empty, which the subject and
// the body print as they are, sends "Hello " and "Hi ,": check and send
// warn of it once for the column, naming the rows; a column printed only
// within {{if}} is not warned of, and the rows still go.
func TestBlankCellWarned(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{
		"body.txt": "Hi {{.name}},\n{{if .note}}{{.note}}{{end}}\n",
		"r.csv":    "email,name,note\nuser000@example.com,Ann,\nuser001@example.com, ,\nuser002@example.com,,x\n",
	})
	const want = `column "name" is empty in 2 rows (3, 4), which the subject and body.txt print as it is`
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || strings.Count(out, want) != 1 || strings.Contains(out, `column "note"`) {
		t.Errorf("check: %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitOK || strings.Count(out+errOut, want) != 1 || len(srv.Messages()) != 3 {
		t.Errorf("send: %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	// Sent, they are no reader's concern any more: check does not name
	// them again.
	if out, errOut, _ := runCLI(t, "check", camp); strings.Contains(out+errOut, `column "name" is empty`) {
		t.Errorf("check after the send:\n%s%s", out, errOut)
	}
}

// TestBlankCellWarnedNamesWhere: the warning names the templates that
// print the column as it is: a German club's body that writes
// {{.Vorname | default "Mitglied"}} is not blamed, the subject that prints
// {{.Vorname}} is (rev-user3: "the subject or the body" sent the
// treasurer to the body, fixed already). check and preview say so alike.
func TestBlankCellWarnedNamesWhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, `subject: "Beitrag 2026, {{.Vorname}} {{.name}}"`),
		"body.txt": "Hallo {{.Vorname | default \"Mitglied\"}},\n",
		"r.csv":    "email,name,Vorname\nuser000@example.com,Ann,Anna\nuser001@example.com,Krüger,\n",
	})
	const want = `column "Vorname" is empty in row 3, which the subject prints as it is`
	c := filepath.Join(dir, "c.yaml")
	for _, args := range [][]string{{"check", c}, {"preview", "-o", filepath.Join(dir, "pv"), c}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitOK || strings.Count(out, want) != 1 {
			t.Errorf("%s: %d, want %s once\n%s%s", args[0], code, want, out, errOut)
		}
	}
}

// TestBlankCellWarnedIdentifier: the warning for a column whose header is
// no template name ("First Name") suggests the {{if}} a template can run,
// by the name the template uses (.First_Name), not {{if .First Name}}.
func TestBlankCellWarnedIdentifier(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"body.txt": "Hi {{.First_Name}},\n",
		"r.csv":    "email,First Name,name\nuser000@example.com,Ann,A\nuser001@example.com,,B\n",
	})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || !strings.Contains(out, `column "First Name" is empty in row 3`) || !strings.Contains(out, "{{if .First_Name}}") {
		t.Errorf("check: %d\n%s%s", code, out, errOut)
	}
}

// TestBlankCellWarnedThroughCalls: check warns of blank cells printed
// through printf ("Ref: %s"), as $.city within a range, and within a
// {{define}}d template called with the row, naming each column's rows; a
// {{.note}} alone on its line, which a blank leaves an empty line, is not
// warned of.
func TestBlankCellWarnedThroughCalls(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 4, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"body.txt": "{{define \"greet\"}}Dear {{.first}},{{end}}{{template \"greet\" .}}\n" +
			"{{range split \";\" .tags}}- {{.}} in {{$.city}}\n{{end}}{{printf \"Ref: %s\" .ref}}\n{{.note}}\n",
		"r.csv": "email,name,first,city,tags,ref,note\n" +
			"user000@example.com,A,Ann,Oslo,x;y,R1,hi\n" +
			"user001@example.com,B,,Oslo,x,R2,\n" +
			"user002@example.com,C,Cy,,x,,\n" +
			"user003@example.com,D,Di,,,R4,\n",
	})
	out, errOut, code := runCLI(t, "check", camp)
	for _, want := range []string{`column "first" is empty in row 3,`, `column "city" is empty in row 4,`, `column "ref" is empty in row 4,`} {
		if code != exitOK || strings.Count(out, want) != 1 {
			t.Errorf("check: %d, want %s once\n%s%s", code, want, out, errOut)
		}
	}
	if strings.Contains(out, `column "note"`) {
		t.Errorf("check warned of the note alone on its line:\n%s", out)
	}
}

// TestBlankCellWarnedJoinedAndNested: check warns of a blank cell a trim
// marker joins to the text of the line before ("Hello\n{{- " " -}}\n
// {{.first}}" prints "Hello Ann"), one printf prints with another column
// on a line of their own ("{{printf "%s %s" .title .last}}": " Lee"), and
// one nested in calls ({{upper (trim .city)}}); a {{.note}} alone on its
// line is still not warned of.
func TestBlankCellWarnedJoinedAndNested(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 4, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"body.txt": "Hello\n{{- \" \" -}}\n{{.first}}\n{{printf \"%s %s\" .title .last}}\nTo {{upper (trim .city)}}.\n{{.note}}\n",
		"r.csv": "email,name,first,title,last,city,note\n" +
			"user000@example.com,A,Ann,Dr,Lee,Oslo,hi\n" +
			"user001@example.com,B,,Dr,Lee,Oslo,\n" +
			"user002@example.com,C,Cy,,Lee,Oslo,\n" +
			"user003@example.com,D,Di,Dr,Lee, ,\n",
	})
	out, errOut, code := runCLI(t, "check", camp)
	for _, want := range []string{`column "first" is empty in row 3,`, `column "title" is empty in row 4,`, `column "city" is empty in row 5,`} {
		if code != exitOK || strings.Count(out, want) != 1 {
			t.Errorf("check: %d, want %s once\n%s%s", code, want, out, errOut)
		}
	}
	if strings.Contains(out, `column "note"`) || strings.Contains(out, `column "last"`) {
		t.Errorf("check warned of a column not blank where printed:\n%s", out)
	}
}

// TestBlankCellWarnedShowsLine: the warning shows what a reader of the
// campaign's own template sees, "Hallo ," of a German body and
// "Здравствуйте, !" of a Russian line, an HTML body's without its tags,
// not an English "Dear ," whatever the template says (fix-text); check
// and preview alike.
func TestBlankCellWarnedShowsLine(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":    campaignYAML(1, `subject: "Neuigkeiten"`, `html: body.html`),
		"body.txt":  "Hallo {{.Vorname}},\n\nЗдравствуйте, {{.Имя}}!\n",
		"body.html": "<p>Hallo <b>{{.Vorname}}</b>,</p>\n<p>Dear {{.Nachname}} &amp; family,</p>\n",
		"r.csv":     "email,name,Vorname,Имя,Nachname\nuser000@example.com,Ann,Anna,Анна,Krüger\nuser001@example.com,Bo,,,\n",
	})
	c := filepath.Join(dir, "c.yaml")
	for _, args := range [][]string{{"check", c}, {"preview", "-o", filepath.Join(dir, "pv"), c}} {
		out, errOut, code := runCLI(t, args...)
		for _, want := range []string{
			`column "Vorname" is empty in row 3, which body.txt and body.html print as it is (a reader sees "Hallo ,")`,
			`column "Имя" is empty in row 3, which body.txt prints as it is (a reader sees "Здравствуйте, !")`,
			`column "Nachname" is empty in row 3, which body.html prints as it is (a reader sees "Dear & family,")`,
		} {
			if code != exitOK || strings.Count(out, want) != 1 {
				t.Errorf("%s: %d, want %s once\n%s%s", args[0], code, want, out, errOut)
			}
		}
	}
}

// TestBlankCellWarnedReusedSpool: send after a test send, going on from
// the messages it spooled, rendered nothing and so gave no blank-cell
// warning (rev-user5: a treasurer saw it at the test send only); it warns
// of the rows it is to send, read from the sheet, as a send that renders
// does: the rows a --limit run sent are not named by the send after it.
func TestBlankCellWarnedReusedSpool(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 4, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"body.txt": "Hi {{.name}},\n{{if .note}}{{.note}}{{end}}\n",
		"r.csv":    "email,name,note\nuser000@example.com,Ann,\nuser001@example.com,,\nuser002@example.com, ,x\nuser003@example.com,Dee,\n",
	})
	const both = `column "name" is empty in 2 rows (3, 4), which the subject and body.txt print as it is`
	const four = `column "name" is empty in row 4, which the subject and body.txt print as it is`
	const reused = "made by an earlier run and used again"
	out, errOut, code := runCLI(t, "send", "--test", "me@example.com", camp)
	if code != exitOK || strings.Count(out+errOut, both) != 1 {
		t.Errorf("send --test: %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", "--limit", "2", camp)
	if code != exitSomeFailed || !strings.Contains(out, reused) || strings.Count(out+errOut, both) != 1 {
		t.Errorf("send --limit 2 after the test send: %d, want %d, the spool used again and the warning once\n%s%s", code, exitSomeFailed, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(out, reused) || strings.Count(out+errOut, four) != 1 || strings.Contains(out+errOut, both) {
		t.Errorf("send after --limit 2: %d, want the spool used again and row 4 alone named\n%s%s", code, out, errOut)
	}
	if n := len(srv.Messages()); n != 3+4 {
		t.Errorf("%d messages, want 3 test messages and 4", n)
	}
}
