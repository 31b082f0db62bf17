package render

import "fmt"

// refusal is an ErrAttachmentPath in its own words, for a path made from
// row data that stays inside the attachment folder but leads to a file
// row data may not attach (one the campaign keeps for itself, a sibling
// campaign's, a hidden one, a private key, one tidings preview wrote or
// keeps in a state folder): ErrAttachmentPath's own words, "leaves the
// attachment folder", are not true of it. It is every such refusal's
// one type: nothing tells them apart but their words.
type refusal struct{ msg string }

// refused is a refusal saying what format and a make (fmt.Sprintf).
func refused(format string, a ...any) error {
	return &refusal{msg: fmt.Sprintf(format, a...)}
}

func (e *refusal) Error() string { return e.msg }
func (e *refusal) Unwrap() error { return ErrAttachmentPath }
