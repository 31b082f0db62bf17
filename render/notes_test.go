package render

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestNotesAsRender: Notes gives of a row what Render does besides the
// message (Row, Key, Recipients, Warnings in order, SharedUnsubscribe,
// Blank, NoFile): a key with a zero-width space, a dotless Cc, a long, an empty
// or a disguised subject, a To of two with one-click unsubscribe, a blank
// name the body prints, a blank attachment path; and no Data. And no code of the package sets
// those notes but rowNotes.tell, which both call with what notesOf made
// (Unsent drops them): a warning added to Render alone fails here.
func TestNotesAsRender(t *testing.T) {
	for _, at := range notesSetOutside(t, "tell", "Unsent") {
		t.Errorf("%s sets a note of a Message outside notesOf's rowNotes.tell: Notes (a reused spool's rows) would not tell it", at)
	}
	yaml := `name: n
from: "Acme <news@acme.example>"
to: "{{.email}}"
cc: "{{.cc}}"
subject: "{{.subj}}"
text: body.txt
attachments: ["{{.file}}"]
recipients: {path: people.csv, key: id}
unsubscribe: {url: "https://acme.example/u?id={{.id}}", one_click: true}
`
	e := setup(t, yaml, map[string]string{"body.txt": "Dear {{.name}},\nnews.\n", "t.pdf": "%PDF"}, []string{"id", "email", "cc", "subj", "name", "file"})
	rows := [][]string{
		{"1", "anna@example.de", "buch@firma", "Hi", "Anna", "t.pdf"},
		{"2", "bo@example.de", "", strings.Repeat("long ", 50), "Bo", "t.pdf"},
		{"3", "cy@example.de, dee@example.de", "", "", "Cy", "t.pdf"},
		{"4\u200b", "ed@example.de", "", "H\u200bi", "", "t.pdf"},
		{"5", "fe@example.de", "", "Hi\tthere", "Fe", "t.pdf"},
		{"6", "gu@example.de", "", "Hi", "Gu", " "},
	}
	for _, v := range rows {
		r := row(2, "id", v[0], "email", v[1], "cc", v[2], "subj", v[3], "name", v[4], "file", v[5])
		want, err := e.r.Render(r)
		if err != nil {
			t.Fatalf("row %q: %v", v, err)
		}
		got, err := e.r.Notes(r)
		if err != nil || got.Data != nil || got.Row != want.Row || got.Key != want.Key ||
			!slices.Equal(got.Recipients, want.Recipients) || !slices.Equal(got.Warnings, want.Warnings) ||
			got.SharedUnsubscribe != want.SharedUnsubscribe || !slices.Equal(got.Blank, want.Blank) || !slices.Equal(got.NoFile, want.NoFile) || !slices.Equal(got.NoImage, want.NoImage) {
			t.Errorf("row %q: Notes %+v, %v\nwant as Render %+v", v, got, err, want)
		}
		if len(want.Warnings)+want.SharedUnsubscribe+len(want.Blank)+len(want.NoFile) == 0 {
			t.Errorf("row %q: Render gives no note to compare", v)
		}
	}
}

// notesSetOutside lists where the package's code (not its tests) sets a
// Message's Warnings, SharedUnsubscribe, Blank, NoFile or NoImage, or takes its address,
// outside the functions named allowed: "file:line in func".
func notesSetOutside(t *testing.T, allowed ...string) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	notes := []string{"Warnings", "SharedUnsubscribe", "Blank", "NoFile", "NoImage"}
	isNote := func(e ast.Expr) bool {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		return ok && slices.Contains(notes, sel.Sel.Name)
	}
	fset := token.NewFileSet()
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || slices.Contains(allowed, fn.Name.Name) {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				var set bool
				switch n := n.(type) {
				case *ast.AssignStmt:
					set = slices.ContainsFunc(n.Lhs, isNote)
				case *ast.IncDecStmt:
					set = isNote(n.X)
				case *ast.UnaryExpr:
					set = n.Op == token.AND && isNote(n.X)
				case *ast.KeyValueExpr:
					k, ok := n.Key.(*ast.Ident)
					set = ok && slices.Contains(notes, k.Name)
				}
				if set {
					out = append(out, fset.Position(n.Pos()).String()+" in "+fn.Name.Name)
				}
				return true
			})
		}
	}
	return out
}
