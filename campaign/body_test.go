package campaign

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestMarkdownBody(t *testing.T) {
	path := writeCampaign(t, strings.Replace(minimalCampaign, "text: body.txt", "markdown: mail/body.md\nlayout: mail/layout.html", 1))
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	if c.Markdown != filepath.Join(dir, "mail", "body.md") || c.Layout != filepath.Join(dir, "mail", "layout.html") || c.Text != "" {
		t.Errorf("Markdown %q, Layout %q, Text %q", c.Markdown, c.Layout, c.Text)
	}
	// markdown with text: the text template replaces the text part.
	if _, err := Load(writeCampaign(t, minimalCampaign+"markdown: body.md\n")); err != nil {
		t.Errorf("markdown with text: %v", err)
	}
}

func TestMarkdownBodyErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		line, col  int
		msg        string
	}{
		{"markdown and html", minimalCampaign + "markdown: body.md\nhtml: body.html\n", 8, 7, "html: not with markdown"},
		{"html and markdown", minimalCampaign + "html: body.html\nmarkdown: body.md\n", 7, 7, "html: not with markdown"},
		{"layout without markdown", minimalCampaign + "layout: layout.html\n", 7, 9, "layout: only for a markdown body"},
		{"no body", strings.Replace(minimalCampaign, "text: body.txt\n", "", 1), 0, 0, "text, html or markdown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeCampaign(t, tc.yaml))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a FileError", err)
			}
			if fe.Line != tc.line || fe.Column != tc.col || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v (%d:%d), want %d:%d and %q", err, fe.Line, fe.Column, tc.line, tc.col, tc.msg)
			}
		})
	}
}
