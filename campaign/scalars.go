package campaign

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// checkText refuses what the decoder would silently change or drop in a
// campaign file: a second document after "---" (never read), and a plain
// (unquoted) scalar that YAML reads as a number, a boolean or a special
// float where the campaign wants text, when the text the decoder makes of
// that value is not what is written. "0123" is the octal number 83,
// "2024.10" the float 2024.1 (which names another worksheet), "0x1F" is 31,
// ".inf" is +Inf; "12345678" stays as written and is let through. A
// headers: value that is a mapping or a list is refused too (it would be
// printed as Go syntax), and so is a headers: that is not a mapping, and a
// number setting that is not a whole number written as one (wholeNumber).
// The error names line and column and says what to write. It returns nil
// when data does not parse (the decoder reports that).
func checkText(file string, data []byte) error {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if _, directive := d.Body.(*ast.DirectiveNode); directive {
			continue // %YAML 1.2 before the "---"
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return nil
	}
	if len(docs) > 1 {
		return nodeError(file, docs[1].Body, errors.New(`a campaign file holds one YAML document: nothing after "---" would be read`))
	}
	return textScalars(file, docs[0].Body, reflect.TypeFor[Campaign](), "")
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	headersType     = reflect.TypeFor[Headers]()
)

// textScalars walks node as the value of a setting of type t at path.
func textScalars(file string, node ast.Node, t reflect.Type, path string) error {
	for {
		switch n := node.(type) {
		case *ast.TagNode:
			node = n.Value
			continue
		case *ast.AnchorNode:
			node = n.Value
			continue
		}
		break
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == headersType:
		m, ok := node.(*ast.MappingNode)
		if !ok {
			return notHeaders(file, node)
		}
		for _, mv := range m.Values {
			name := "headers." + keyText(mv.Key)
			switch mv.Value.(type) {
			case *ast.MappingNode, *ast.SequenceNode:
				return nodeError(file, mv.Value, fmt.Errorf("%s: a header value is text, not a mapping or a list", name))
			}
			if err := textScalar(file, mv.Value, name); err != nil {
				return err
			}
		}
		return nil
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		return nil // a typed setting: its own parser reports bad values
	}
	switch t.Kind() {
	case reflect.String:
		return textScalar(file, node, path)
	case reflect.Int:
		return wholeNumber(file, node, path)
	case reflect.Struct, reflect.Map:
		m, ok := node.(*ast.MappingNode)
		if !ok {
			return nil
		}
		for _, mv := range m.Values {
			key := keyText(mv.Key)
			var vt reflect.Type
			if t.Kind() == reflect.Map {
				vt = t.Elem()
			} else if f, ok := fieldByTag(t, key); ok {
				vt = f.Type
			} else {
				continue // the decoder reports unknown keys
			}
			if err := textScalars(file, mv.Value, vt, join(path, key)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		return textItems(file, node, t.Elem(), path)
	}
	return nil
}

// textItems walks node as the value of a list setting whose items are of
// type elem. An item that is a mapping is named by its index
// ("dkim[1].selector"); a single mapping where a list of mappings may
// stand (dkim:) is walked as the one item.
func textItems(file string, node ast.Node, elem reflect.Type, path string) error {
	s, ok := node.(*ast.SequenceNode)
	if !ok {
		if elem.Kind() == reflect.Struct {
			return textScalars(file, node, elem, path)
		}
		return nil
	}
	for i, v := range s.Values {
		p := path
		if elem.Kind() == reflect.Struct {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		if err := textScalars(file, v, elem, p); err != nil {
			return err
		}
	}
	return nil
}

// textScalar refuses a number, boolean or special float at node whose text
// would not survive decoding into a string. smtp.password_env and
// mailbox.password_env are left to cleanEnvName, which refuses a number
// without repeating it (it may be the password).
func textScalar(file string, node ast.Node, path string) error {
	if path == "smtp.password_env" || path == "mailbox.password_env" {
		return nil
	}
	switch n := node.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		src := n.GetToken().Value
		got := fmt.Sprint(n.(ast.ScalarNode).GetValue())
		if src != got {
			return nodeError(file, n, fmt.Errorf("%s: write %s in quotes (\"%s\"): unquoted, YAML reads it as %s", path, src, src, got))
		}
	}
	return nil
}

// wholeNumber refuses at node, the value of the number setting at path,
// anything but a whole number written as one: the decoder would make 0
// of 0.5 (daily_cap: 0.5 would be no cap at all), take 2.9 retries for 2,
// and name a Go type for "25x". A missing value (null) is the setting
// left out.
func wholeNumber(file string, node ast.Node, path string) error {
	var problem string
	switch n := node.(type) {
	case *ast.NullNode, *ast.AliasNode:
		return nil // an alias: its anchor's value is checked where it stands
	case *ast.IntegerNode:
		src := strings.TrimPrefix(n.GetToken().Value, "+")
		if got := fmt.Sprint(n.GetValue()); src != got {
			problem = fmt.Sprintf("write %s as %s (YAML reads %s as that number)", src, got, src)
		}
	case *ast.FloatNode:
		if f := n.Value; f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			problem = fmt.Sprintf("write %s as %d", n.GetToken().Value, int64(f))
		} else {
			problem = fmt.Sprintf("%s is not a whole number: write a whole number", n.GetToken().Value)
		}
	case *ast.InfinityNode, *ast.NanNode:
		problem = fmt.Sprintf("%s is not a whole number", n.GetToken().Value)
	case *ast.StringNode:
		problem = notWholeText(n.Value)
	case *ast.MappingNode, *ast.SequenceNode:
		problem = "a mapping or a list is not a whole number: write a whole number"
	default:
		problem = fmt.Sprintf("%s is not a whole number", node.String())
	}
	if problem == "" {
		return nil
	}
	return nodeError(file, node, fmt.Errorf("%s: %s", path, problem))
}

// notWholeText is the problem of text s where a whole number belongs.
func notWholeText(s string) string {
	_, err := strconv.Atoi(s)
	if err == nil {
		return fmt.Sprintf("%q is text in quotes: write the number without them", s)
	}
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Sprintf("%s is too large", s)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return fmt.Sprintf("write %s as %d", s, int64(f))
	}
	if plain := strings.NewReplacer(",", "", "_", "", " ", "", "'", "").Replace(s); plain != s {
		if _, err := strconv.Atoi(plain); err == nil {
			return fmt.Sprintf("%q is not a whole number as written: write %s, without separators", s, plain)
		}
	}
	return fmt.Sprintf("%q is not a whole number", s)
}

// notHeaders refuses a headers: value that is not a mapping of header
// names to values (a list "- X-Campaign: dec" is the usual slip); a
// missing value (null) is no headers.
func notHeaders(file string, node ast.Node) error {
	if _, null := node.(*ast.NullNode); null {
		return nil
	}
	return nodeError(file, node, errors.New("headers: write a mapping of header names to values, one per line (X-Campaign: dec) or headers: {X-Campaign: dec}, not a list or a single value"))
}

func keyText(k ast.MapKeyNode) string {
	if tk := k.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

// fieldByTag finds the field of struct t whose yaml tag names key.
func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// nodeError is a FileError at node's position.
func nodeError(file string, node ast.Node, err error) error {
	fe := &FileError{File: file, Err: err}
	if tk := node.GetToken(); tk != nil && tk.Position != nil {
		fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
	}
	return fe
}
