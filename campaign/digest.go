package campaign

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
)

// MessagesDigest is the hex SHA-256 of what in c, as loaded, shapes its
// messages: c with the settings cleared that say only how, when and
// where they go (smtp: the server, its login, security and timeouts;
// send: rate, concurrency, caps, retries; mailbox: where bounces come
// back and copies go), and where and how the file is written (File, Dir,
// Warnings, the dkim entries' names and positions). Every other field
// counts, unexported ones and any added later included: a field that
// shapes no message yet is not cleared here costs a spool rendered again,
// never a message sent other than it was made. A path inside the
// campaign's folder counts relative to it, so a folder moved whole keeps
// its digest; comments, layout and quoting do not count, nor defaults
// written out. So smtp:, send: and mailbox: must never hold anything a
// message is made of.
func (c *Campaign) MessagesDigest() string {
	m := *c
	m.SMTP, m.Send, m.Mailbox = SMTP{}, Send{}, Mailbox{}
	m.File, m.Dir, m.Warnings = "", "", nil
	m.DKIM = slices.Clone(c.DKIM)
	for i := range m.DKIM {
		m.DKIM[i].Name, m.DKIM[i].Line, m.DKIM[i].Column = "", 0, 0
	}
	h := sha256.New()
	d := digester{w: h, dir: strings.TrimSuffix(c.Dir, string(filepath.Separator)) + string(filepath.Separator)}
	d.value(reflect.ValueOf(m))
	return hex.EncodeToString(h.Sum(nil))
}

// digester writes a value, field by field, to w for MessagesDigest: the
// same value always the same bytes, a different one (but for a path
// moved along with dir, the campaign's folder) other bytes.
type digester struct {
	w   io.Writer
	dir string
}

// value writes v: a pointer as what it points at, a struct as its
// fields by name, a map by its keys in order (mapValue), a string with
// any dir before it taken off, anything else as scalar does.
func (d digester) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			fmt.Fprint(d.w, "nil;")
			return
		}
		fmt.Fprint(d.w, "*")
		d.value(v.Elem())
	case reflect.Struct:
		fmt.Fprintf(d.w, "%s{", v.Type())
		for i := range v.NumField() {
			fmt.Fprintf(d.w, "%s:", v.Type().Field(i).Name)
			d.value(v.Field(i))
		}
		fmt.Fprint(d.w, "}")
	case reflect.Slice, reflect.Array:
		fmt.Fprintf(d.w, "[%d:", v.Len())
		for i := range v.Len() {
			d.value(v.Index(i))
		}
		fmt.Fprint(d.w, "]")
	case reflect.Map:
		d.mapValue(v)
	case reflect.String:
		s := v.String()
		if rest, ok := strings.CutPrefix(s, d.dir); ok {
			s = "./" + filepath.ToSlash(rest)
		}
		fmt.Fprintf(d.w, "%q;", s)
	default:
		d.scalar(v)
	}
}

// mapValue writes the map v, its entries in the order of their keys.
func (d digester) mapValue(v reflect.Value) {
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	fmt.Fprintf(d.w, "map%d{", len(keys))
	for _, k := range keys {
		d.value(k)
		d.value(v.MapIndex(k))
	}
	fmt.Fprint(d.w, "}")
}

// scalar writes v, a bool, a number or a function or channel (only as
// set or not: its address differs from run to run), by its value, not
// by what its String method says.
func (d digester) scalar(v reflect.Value) {
	switch v.Kind() {
	case reflect.Bool:
		fmt.Fprintf(d.w, "%t;", v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprintf(d.w, "%d;", v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fmt.Fprintf(d.w, "%d;", v.Uint())
	case reflect.Float32, reflect.Float64:
		fmt.Fprintf(d.w, "%v;", v.Float())
	case reflect.Complex64, reflect.Complex128:
		fmt.Fprintf(d.w, "%v;", v.Complex())
	default: // a function, channel or unsafe pointer
		fmt.Fprintf(d.w, "%s set %t;", v.Kind(), !v.IsNil())
	}
}
