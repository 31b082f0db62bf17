package templates

import (
	"fmt"
	"os"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/tidings/tidings/campaign"
)

// sourceLines maps the keys of inline templates ("subject", "headers.X-Tag",
// "attachments[1]", "unsubscribe.url") to the campaign file line where the
// template text starts, so template errors point into the campaign file. A
// campaign file that cannot be read again gives an empty map: errors then
// carry the key without a line.
func sourceLines(file string) map[string]int {
	lines := map[string]int{}
	if file == "" {
		return lines
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return lines
	}
	if data, _, err = campaign.UTF8Text(data); err != nil {
		return lines
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil || len(f.Docs) == 0 {
		return lines
	}
	collect(lines, "", f.Docs[0].Body, 0)
	return lines
}

// collect walks mappings and sequences down to depth 2 (top-level keys and
// one level below) and records where each scalar value starts.
func collect(lines map[string]int, prefix string, n ast.Node, depth int) {
	if n == nil || depth > 2 {
		return
	}
	switch v := n.(type) {
	case *ast.MappingNode:
		for _, mv := range v.Values {
			collect(lines, prefix, mv, depth)
		}
	case *ast.MappingValueNode:
		key := prefix + keyText(v.Key)
		switch val := v.Value.(type) {
		case *ast.MappingNode, *ast.MappingValueNode:
			collect(lines, key+".", val, depth+1)
		case *ast.SequenceNode:
			collect(lines, key, val, depth+1)
		default:
			if l := valueLine(val); l > 0 {
				lines[key] = l
			}
		}
	case *ast.SequenceNode:
		for i, item := range v.Values {
			if l := valueLine(item); l > 0 {
				lines[fmt.Sprintf("%s[%d]", prefix, i)] = l
			}
		}
	}
}

func keyText(k ast.MapKeyNode) string {
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	return k.String()
}

// valueLine is the line of a scalar's first text line: the line after the
// indicator for block scalars (| and >).
func valueLine(n ast.Node) int {
	if n == nil {
		return 0
	}
	if lit, ok := n.(*ast.LiteralNode); ok {
		if tk := lit.GetToken(); tk != nil && tk.Position != nil {
			return tk.Position.Line + 1
		}
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}
