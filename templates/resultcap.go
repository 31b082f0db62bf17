package templates

import (
	"fmt"
	"strings"
	texttemplate "text/template"
)

// resultCap bounds the strings the template functions that can return
// more than they are given make: max bytes (max_message_size), none when
// max is 0 or less. The output cap (execCapped) sees only what a template
// writes; a value kept in a variable and grown in a loop ({{$x = printf
// "%s%s" $x $x}}, {{$x = replace "a" "aa" $x}}) would fill memory before
// anything is written.
type resultCap struct{ max int64 }

// check returns s, the result of the function fn, or an error wrapping
// ErrOutputTooLarge when it is over the cap: no message could hold it.
func (c resultCap) check(fn, s string) (string, error) {
	if err := c.fits(fn, int64(len(s))); err != nil {
		return "", err
	}
	return s, nil
}

// fits is nil when a result of n bytes of the function fn is within the
// cap, else its error.
func (c resultCap) fits(fn string, n int64) error {
	if c.max <= 0 || n <= c.max {
		return nil
	}
	return fmt.Errorf("%w (%d bytes): %s would return %d bytes, before anything is printed (a variable grown in a loop?)", ErrOutputTooLarge, c.max, fn, n)
}

// capResults replaces, in fm, the functions whose result can be longer
// than what they are given with ones that fail past c: printf, replace,
// join, address, date, and the builtins print, println, html, js and
// urlquery (a FuncMap entry takes the place of a builtin of its name; the
// same functions, checked). Those whose result's length is known before
// it is made (replace, join) fail without making it.
func (c resultCap) capResults(fm map[string]any) {
	if c.max <= 0 {
		return
	}
	printf := fm["printf"].(func(string, ...any) (string, error))
	fm["printf"] = func(format string, values ...any) (string, error) {
		s, err := printf(format, values...)
		if err != nil {
			return "", err
		}
		return c.check("printf", s)
	}
	for name, fn := range map[string]func(...any) string{
		"print": fmt.Sprint, "println": fmt.Sprintln,
		"html": texttemplate.HTMLEscaper, "js": texttemplate.JSEscaper, "urlquery": texttemplate.URLQueryEscaper,
	} {
		fm[name] = func(args ...any) (string, error) { return c.check(name, fn(args...)) }
	}
	fm["replace"] = func(old, new, s string) (string, error) {
		n := int64(strings.Count(s, old))
		if err := c.fits("replace", int64(len(s))+n*(int64(len(new))-int64(len(old)))); err != nil {
			return "", err
		}
		return fnReplace(old, new, s), nil
	}
	fm["join"] = func(sep string, list []string) (string, error) {
		n := int64(len(sep)) * int64(max(len(list)-1, 0))
		for _, s := range list {
			n += int64(len(s))
		}
		if err := c.fits("join", n); err != nil {
			return "", err
		}
		return fnJoin(sep, list), nil
	}
	address := fm["address"].(func(string, string) (string, error))
	fm["address"] = func(name, email string) (string, error) {
		s, err := address(name, email)
		return c.checked("address", s, err)
	}
	date := fm["date"].(func(string, string) (string, error))
	fm["date"] = func(layout, value string) (string, error) {
		s, err := date(layout, value)
		return c.checked("date", s, err)
	}
}

// checked is check for a function that may fail itself: its error first.
func (c resultCap) checked(fn string, s string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return c.check(fn, s)
}
