package campaign

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// ErrUnknownKey is wrapped by the FileError of a campaign file key that no
// setting has.
var ErrUnknownKey = errors.New("unknown key")

// ErrPasswordInFile is wrapped by the FileError of a password written in
// the campaign file (a password:, pass: or passwd: key). The value is never
// part of the message.
var ErrPasswordInFile = errors.New("a password never goes in the campaign file")

var unknownFieldRE = regexp.MustCompile(`^unknown field "(.*)"$`)

// unknownKey rewords the decoder's "unknown field" error at line:col of
// data into what to do: the key meant, if one is close (Closest) at that
// level of the file or is the name of a setting in another section, or the
// keys that level has; for a password, where the secret goes instead. It
// returns nil when msg is not about an unknown key.
func unknownKey(data []byte, msg string, line, col int) error {
	m := unknownFieldRE.FindStringSubmatch(msg)
	if m == nil {
		return nil
	}
	key := m[1]
	path, found := keyPath(data, line, col)
	if !found {
		return fmt.Errorf("%w %q", ErrUnknownKey, key)
	}
	if isPasswordKey(key) {
		section := "smtp"
		if path == "mailbox" {
			section = path
		}
		return fmt.Errorf("%s: %w; %s", join(path, key), ErrPasswordInFile, passwordAdvice(section))
	}
	where := ""
	if path != "" {
		where = " in " + path
	}
	keys := settingKeys(path)
	if k := Closest(key, keys); k != "" {
		return fmt.Errorf("%w %q%s; did you mean %q?", ErrUnknownKey, key, where, k)
	}
	if other := sectionOf(key); other != "" && other != path {
		return fmt.Errorf("%w %q%s; did you mean %s.%s (%s under %s:)?", ErrUnknownKey, key, where, other, key, key, other)
	}
	if key == "locale" && path != "" {
		return fmt.Errorf("%w %q%s; %s is a setting of the campaign as a whole: write it at the top of the file, not indented", ErrUnknownKey, key, where, key)
	}
	if len(keys) > 0 {
		return fmt.Errorf("%w %q%s (the keys here: %s)", ErrUnknownKey, key, where, strings.Join(keys, ", "))
	}
	return fmt.Errorf("%w %q%s", ErrUnknownKey, key, where)
}

// passwordAdvice says where the password of section ("smtp" or
// "mailbox") goes, naming the variable README and tidings init use.
func passwordAdvice(section string) string {
	name := "TIDINGS_SMTP_PASSWORD"
	if section == "mailbox" {
		name = "TIDINGS_MAILBOX_PASSWORD"
	}
	return fmt.Sprintf("write password_env: %s under %s: and run export %s='…' (the password) in the shell that runs tidings", name, section, name)
}

// isPasswordKey reports whether key is a password written into the file.
func isPasswordKey(key string) bool {
	k := Squash(key)
	return k == "pass" || k == "passwd" || k == "pwd" || k == "secret" ||
		strings.Contains(k, "password") && k != "passwordenv"
}

// keyPath finds the key at line:col of data and returns the dotted path
// of the mapping holding it ("" for the top level, "smtp", …).
func keyPath(data []byte, line, col int) (string, bool) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return "", false
	}
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if p, ok := findKey(d.Body, "", line, col); ok {
			return p, true
		}
	}
	return "", false
}

func findKey(n ast.Node, path string, line, col int) (string, bool) {
	switch v := n.(type) {
	case *ast.TagNode:
		return findKey(v.Value, path, line, col)
	case *ast.AnchorNode:
		return findKey(v.Value, path, line, col)
	case *ast.MappingNode:
		for _, mv := range v.Values {
			if p, ok := findKey(mv, path, line, col); ok {
				return p, true
			}
		}
	case *ast.MappingValueNode:
		if tk := v.Key.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line == line && tk.Position.Column == col {
			return path, true
		}
		return findKey(v.Value, join(path, keyText(v.Key)), line, col)
	case *ast.SequenceNode:
		for i, item := range v.Values {
			if p, ok := findKey(item, fmt.Sprintf("%s[%d]", path, i), line, col); ok {
				return p, true
			}
		}
	}
	return "", false
}

// settingKeys lists the keys the campaign file has at path ("" for the
// top level, "dkim[1]" for an entry of a list), in declaration order; nil
// where keys are free (headers, send.domains) or path is no section.
func settingKeys(path string) []string {
	t := reflect.TypeFor[Campaign]()
	if path != "" {
		for _, seg := range strings.Split(path, ".") {
			seg, _, _ = strings.Cut(seg, "[")
			f, ok := fieldByTag(t, seg)
			if !ok {
				return nil
			}
			t = f.Type
			for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
				t = t.Elem()
			}
			if t.Kind() != reflect.Struct {
				return nil
			}
		}
	}
	var keys []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// sections are the campaign file's sections with settings of their own.
var sections = []string{"recipients", "smtp", "send", "dkim", "unsubscribe", "mailbox"}

// sectionOf names the section that has a setting called key, or "".
func sectionOf(key string) string {
	for _, s := range sections {
		if slices.Contains(settingKeys(s), key) {
			return s
		}
	}
	return ""
}
