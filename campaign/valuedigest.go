package campaign

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
)

// digester writes a value, field by field, to w for MessagesDigest: the
// same value always the same bytes, in any process and whatever the
// order a map gives its entries in or the addresses its pointers hold; a
// different one (but for a path moved along with dir, the campaign's
// folder) other bytes. A value that holds itself (a pointer, map or
// slice met again inside itself) is written as a reference to where it
// was first met, so that a cycle ends.
type digester struct {
	w io.Writer
	// dir is the campaign's folder with a separator at its end, root
	// without ("" for the file system's root).
	dir, root string
	// path maps each pointer, map and slice being written, from the root
	// down to the value at hand, to its depth on that path.
	path map[visit]int
}

// visit is a pointer, map or slice on the digester's path: its address,
// type and, for a slice, length (a shorter slice of the same array is
// another value).
type visit struct {
	ptr uintptr
	typ reflect.Type
	len int
}

// newDigester is a digester writing to w, paths inside dir relative to it.
func newDigester(w io.Writer, dir string) digester {
	root := strings.TrimSuffix(dir, string(filepath.Separator))
	return digester{w: w, dir: root + string(filepath.Separator), root: root, path: map[visit]int{}}
}

// value writes v, a pointer, map or slice met again inside itself as
// "cycle" and the depth it was first met at, else as write does.
func (d digester) value(v reflect.Value) {
	if k, ok := visitOf(v); ok {
		if depth, seen := d.path[k]; seen {
			fmt.Fprintf(d.w, "cycle%d;", depth)
			return
		}
		d.path[k] = len(d.path)
		defer delete(d.path, k)
	}
	d.write(v)
}

// write writes v: a pointer as what it points at, a struct as its
// fields by name, a map by its entries in order (mapValue), a string with
// any dir before it taken off (the folder itself as "."), anything else
// as scalar does.
func (d digester) write(v reflect.Value) {
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
			if omitted(v.Type().Field(i), v.Field(i)) {
				continue
			}
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
		} else if s == d.root && s != "" {
			s = "."
		}
		fmt.Fprintf(d.w, "%q;", s)
	default:
		d.scalar(v)
	}
}

// visitOf is v's visit when v is a pointer, map or slice that is not nil.
func visitOf(v reflect.Value) (visit, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Map:
		if !v.IsNil() {
			return visit{ptr: v.Pointer(), typ: v.Type()}, true
		}
	case reflect.Slice:
		if !v.IsNil() {
			return visit{ptr: v.Pointer(), typ: v.Type(), len: v.Len()}, true
		}
	}
	return visit{}, false
}

// mapValue writes the map v, its entries (each key, then its value, as
// value writes them) in the order of those bytes: not in the order of
// what the keys print as, which a pointer key prints as its address and
// two keys may print alike.
func (d digester) mapValue(v reflect.Value) {
	entries := make([][]byte, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		var b bytes.Buffer
		e := d
		e.w = &b
		e.value(it.Key())
		e.value(it.Value())
		entries = append(entries, b.Bytes())
	}
	slices.SortFunc(entries, bytes.Compare)
	fmt.Fprintf(d.w, "map%d{", len(entries))
	for _, e := range entries {
		d.w.Write(e)
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

// omitted reports whether field f, of value v, is left out of the digest:
// one tagged digest:"omitempty" while it is zero or empty. A setting added
// later is so tagged, so that a campaign that does not write it keeps the
// digest an earlier tidings gave it (no "changed since an earlier send",
// no spool rendered again after an upgrade), while one that writes it
// digests it.
func omitted(f reflect.StructField, v reflect.Value) bool {
	if f.Tag.Get("digest") != "omitempty" {
		return false
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}
