package render

import (
	"errors"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// imageWords are the words an attachment's problem starts with and
// those of a row's inline image instead: a missing badge was told
// "attachment not readable" (rev-user18), though the row attaches
// nothing there.
var imageWords = []struct{ attachment, image string }{
	{ErrAttachment.Error(), "image not readable"},
	{ErrAttachmentPath.Error(), "image path leaves the attachment folder"},
}

// inImageWords is err, a row's inline image's problem as the attacher
// (resolve) or climbing tells an attachment's, in an image's words
// (imageWords); a *campaign.RowError stays one, of the same row and
// column. errors.Is and errors.As see what err wraps.
func inImageWords(err error) error {
	if re, ok := errors.AsType[*campaign.RowError](err); ok {
		c := *re
		c.Err = imageWordsError{re.Err}
		return &c
	}
	return imageWordsError{err}
}

// imageWordsError is inImageWords' error: its text is err's with the first
// of imageWords' attachment words it holds in an image's.
type imageWordsError struct{ err error }

func (e imageWordsError) Error() string {
	s := e.err.Error()
	for _, w := range imageWords {
		if strings.Contains(s, w.attachment) {
			return strings.Replace(s, w.attachment, w.image, 1)
		}
	}
	return s
}

func (e imageWordsError) Unwrap() error { return e.err }
