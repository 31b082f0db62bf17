package templates

import (
	"errors"
	"fmt"
	"reflect"
)

// ErrPrintfRange: a printf width, precision or index beyond what fmt
// takes ({{printf "%100000000d" 1}}; a * given 10000000 as the width or
// -1 as the precision), which prints Go's %!(NOVERB), %!(BADWIDTH) or
// %!(BADPREC) marker into the message.
var ErrPrintfRange = errors.New("a printf width or precision out of range")

// fmtLimit is the largest width, precision or index fmt takes (its
// tooLarge): a number past it is a marker.
const fmtLimit = 1_000_000

// starValue checks the value a * of the conversion text stands for (what
// is "width" or "precision"), known at run time (v.value): fmt takes a
// whole number from -fmtLimit to fmtLimit as a width (a negative one pads
// on the right), and from 0 to fmtLimit as a precision. An error message
// when it does not, "" when it does or the value is not known.
func starValue(text, what string, v printfValue) string {
	if !v.value.IsValid() {
		return ""
	}
	n, ok := intArg(v.value)
	least := -fmtLimit
	if what == "precision" {
		least = 0
	}
	if ok && n >= int64(least) && n <= fmtLimit {
		return ""
	}
	return fmt.Sprintf("the * of %s takes %s as its %s; fmt takes a %s from %d to %d", text, v.name, what, what, least, fmtLimit)
}

// intArg is v as a whole number, as fmt reads a * value: ok is false for
// any other kind, and for a number an int cannot hold.
func intArg(v reflect.Value) (int64, bool) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := v.Int()
		return n, int64(int(n)) == n
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n := v.Uint()
		return int64(n), int64(n) >= 0 && uint64(int(n)) == n
	}
	return 0, false
}
