package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// runCLI runs tidings with args the way main does, in-process, and returns
// what it printed and the exit code main would use.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	err := execute(context.Background(), g, args)
	if err != nil {
		errOut.WriteString("tidings: " + err.Error() + "\n")
	}
	return out.String(), errOut.String(), exitCode(err)
}

// writeFiles writes name → content into dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestInitThenCheckAndPreview(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "camp")
	out, errOut, code := runCLI(t, "init", dir)
	if code != 0 {
		t.Fatalf("init: code %d\n%s%s", code, out, errOut)
	}
	camp := filepath.Join(dir, "campaign.yaml")
	if _, err := os.Stat(camp); err != nil {
		t.Fatalf("init did not write campaign.yaml: %v", err)
	}
	if _, _, code := runCLI(t, "init", dir); code != exitUnusable {
		t.Errorf("second init over existing files: code %d, want %d", code, exitUnusable)
	}

	// The campaign names a suppression list, empty, which tidings
	// bounces adds to: without one, bounces stopped at once (exit 2,
	// "no suppress: file"), also with --dry-run.
	if list, err := campaign.LoadSuppression(filepath.Join(dir, "suppress.txt")); err != nil || list.Len() != 0 || !strings.Contains(readFile(t, camp), "\nsuppress: suppress.txt") {
		t.Errorf("init's suppression list: %v, %v", list, err)
	}
	withBox := filepath.Join(dir, "box.yaml")
	writeFiles(t, dir, map[string]string{"box.yaml": readFile(t, camp) + "mailbox: {protocol: pop3, host: 127.0.0.1, port: 1, security: none, username: u, password_env: TIDINGS_INIT_BOX_PW}\n"})
	if _, errOut, _ := runCLI(t, "bounces", "--dry-run", withBox); strings.Contains(errOut, "no suppress: file") {
		t.Errorf("bounces on init's campaign:\n%s", errOut)
	}

	out, errOut, code = runCLI(t, "check", camp)
	if code != 0 {
		t.Fatalf("check: code %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "2 recipients, 2 ready, 0 with problems") {
		t.Errorf("check summary:\n%s", out)
	}

	out, errOut, code = runCLI(t, "preview", camp)
	if code != 0 {
		t.Fatalf("preview: code %d\n%s%s", code, out, errOut)
	}
	prev := filepath.Join(dir, ".tidings", "my-first-campaign", "preview")
	for _, name := range []string{"000002-alice@example.com.eml", "000003-bob@example.com.eml", "report.csv"} {
		if _, err := os.Stat(filepath.Join(prev, name)); err != nil {
			t.Errorf("preview did not write %s: %v\n%s", name, err, out)
		}
	}
	report, _ := os.ReadFile(filepath.Join(prev, "report.csv"))
	if !strings.HasPrefix(string(report), "row,key,to,subject,status,problem\n") {
		t.Errorf("report.csv header:\n%s", report)
	}
	if !strings.Contains(string(report), "3,bob@example.com,") || !strings.Contains(string(report), "Bob O'Neil, Jr., your monthly update,ok") && !strings.Contains(string(report), `"Bob O'Neil, Jr., your monthly update",ok`) {
		t.Errorf("report.csv rows:\n%s", report)
	}
}

func TestCheckExitCodes(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"body.txt": "Hello {{.name}}\n",
	}
	cases := []struct {
		name     string
		files    map[string]string
		code     int
		contains []string
	}{
		{
			name: "clean",
			files: map[string]string{
				"c.yaml": "name: t\nfrom: a@example.com\nsubject: hi {{.name}}\ntext: body.txt\nrecipients: {path: r.csv}\n",
				"r.csv":  "email,name\nx@example.com,X\n",
			},
			code: 0, contains: []string{"1 recipient, 1 ready, 0 with problems"},
		},
		{
			name: "bad address names row and column",
			files: map[string]string{
				"c.yaml": "name: t\nfrom: a@example.com\nsubject: hi {{.name}}\ntext: body.txt\nrecipients: {path: r.csv}\n",
				"r.csv":  "email,name\nx@example.com,X\nnot-an-address,Y\n",
			},
			code: exitSomeFailed, contains: []string{"row 3", `column "email"`, "1 with problems"},
		},
		{
			name: "unknown key in campaign file",
			files: map[string]string{
				"c.yaml": "name: t\nfrom: a@example.com\nsubject: hi\ntext: body.txt\nrecipients: {path: r.csv}\nsubjet: typo\n",
				"r.csv":  "email,name\nx@example.com,X\n",
			},
			code: exitUnusable, contains: []string{"c.yaml:6:"},
		},
		{
			name: "template names a missing column",
			files: map[string]string{
				"c.yaml": "name: t\nfrom: a@example.com\nsubject: hi {{.nmae}}\ntext: body.txt\nrecipients: {path: r.csv}\n",
				"r.csv":  "email,name\nx@example.com,X\n",
			},
			code: exitUnusable, contains: []string{"nmae", `"email", "name"`, "c.yaml:3"},
		},
		{
			name: "missing sheet",
			files: map[string]string{
				"c.yaml": "name: t\nfrom: a@example.com\nsubject: hi\ntext: body.txt\nrecipients: {path: nope.csv}\n",
			},
			code: exitUnusable, contains: []string{"nope.csv"},
		},
		{
			name: "printf verb for numbers given a column is a template error at its line",
			files: map[string]string{
				"c.yaml": "name: t\nfrom: a@example.com\nsubject: 'hi {{printf \"%d\" .name}}'\ntext: body.txt\nrecipients: {path: r.csv}\n",
				"r.csv":  "email,name\nx@example.com,X\n",
			},
			code: exitUnusable, contains: []string{"c.yaml:3", `{{printf "%d" .name}}: wrong type of argument: %d formats a number; .name is text: use %s`},
		},
		{
			name: "printf format from a column that does not fit the row is a row problem",
			files: map[string]string{
				"c.yaml": "name: t\nfrom: a@example.com\nsubject: '{{printf .greeting .name}}'\ntext: body.txt\nrecipients: {path: r.csv}\n",
				"r.csv":  "email,name,greeting\nx@example.com,X,Hi %s\ny@example.com,Y,Hi %s %s\n",
			},
			code: exitSomeFailed, contains: []string{"row 3", "printf: wrong number of arguments", "1 ready, 1 with problems"},
		},
		{
			name: "CR LF in a header value is a row problem",
			files: map[string]string{
				"c.yaml": "name: t\nfrom: a@example.com\nsubject: hi {{.name}}\ntext: body.txt\nrecipients: {path: r.csv}\n",
				"r.csv":  "email,name\nx@example.com,\"X\r\nBcc: victim@example.com\"\n",
			},
			code: exitSomeFailed, contains: []string{"row 2", `column "name"`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, base)
			writeFiles(t, dir, tc.files)
			out, errOut, code := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
			if code != tc.code {
				t.Errorf("code %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			for _, s := range tc.contains {
				if !strings.Contains(out+errOut, s) {
					t.Errorf("output lacks %q:\n%s%s", s, out, errOut)
				}
			}
		})
	}
}

func TestExamplesCheckClean(t *testing.T) {
	t.Parallel()
	for _, ex := range []string{"newsletter", "notification", "china-163", "walkthrough"} {
		t.Run(ex, func(t *testing.T) {
			camp := filepath.Join("..", "..", "examples", ex, "campaign.yaml")
			out, errOut, code := runCLI(t, "check", camp)
			if code != 0 {
				t.Fatalf("check %s: code %d\n%s%s", ex, code, out, errOut)
			}
		})
	}
}

// TestCPUProfile: --cpu-profile leaves a complete profile (gzip, as pprof
// writes it) after a command that succeeded and after one that failed.
func TestCPUProfile(t *testing.T) {
	t.Parallel()
	if f := flag.Lookup("test.cpuprofile"); f != nil && f.Value.String() != "" {
		t.Skip("go test -cpuprofile holds the one CPU profile a process may run")
	}
	dir := filepath.Join(t.TempDir(), "camp")
	if _, errOut, code := runCLI(t, "init", dir); code != 0 {
		t.Fatalf("init: code %d\n%s", code, errOut)
	}
	for _, c := range []struct {
		name string
		args []string
		code int
	}{
		{"ok", []string{"check", filepath.Join(dir, "campaign.yaml")}, 0},
		{"failed", []string{"check", filepath.Join(dir, "missing.yaml")}, exitUnusable},
	} {
		prof := filepath.Join(t.TempDir(), c.name+".prof")
		if _, errOut, code := runCLI(t, append([]string{"--cpu-profile", prof}, c.args...)...); code != c.code {
			t.Fatalf("%s: code %d, want %d\n%s", c.name, code, c.code, errOut)
		}
		b, err := os.ReadFile(prof)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err == nil {
			_, err = io.Copy(io.Discard, zr)
		}
		if err != nil {
			t.Errorf("%s: profile is not complete gzip data (%d bytes): %v", c.name, len(b), err)
		}
		if _, errOut, code := runCLI(t, append([]string{"--cpu-profile", prof}, c.args...)...); code != c.code {
			t.Errorf("%s again over its profile: code %d, want %d\n%s", c.name, code, c.code, errOut)
		}
	}
	// The flag takes the next word as its file: a campaign file named
	// twice is not written over.
	camp := filepath.Join(dir, "campaign.yaml")
	before, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, "check", "--cpu-profile", camp, camp)
	if after, _ := os.ReadFile(camp); !bytes.Equal(after, before) || code == 0 || !strings.Contains(errOut, "holds something else than a profile") {
		t.Errorf("--cpu-profile naming the campaign file: code %d, the file changed %v\n%s", code, !bytes.Equal(after, before), errOut)
	}
	// Nor is a gzip file that is no profile (a backup, rev-eng10).
	var tgz bytes.Buffer
	zw := gzip.NewWriter(&tgz)
	zw.Write([]byte("campaign.yaml\x00\x00\x00"))
	zw.Close()
	backup := filepath.Join(dir, "backup.tar.gz")
	if err := os.WriteFile(backup, tgz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runCLI(t, "check", "--cpu-profile", backup, camp)
	if after, _ := os.ReadFile(backup); !bytes.Equal(after, tgz.Bytes()) || code == 0 {
		t.Errorf("--cpu-profile naming a .tar.gz: code %d, the file changed %v\n%s", code, !bytes.Equal(after, tgz.Bytes()), errOut)
	}
}
