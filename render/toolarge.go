package render

import (
	"fmt"
	"math"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// Advice for overMaxSize: what to do about a file, or about a message
// whose parts together are too large.
const (
	fileTooLarge    = "make the file smaller or send a link to it instead"
	messageTooLarge = "make its attachments (or inline images) smaller or send links to them instead"
)

// overMaxSize says that a message would be larger than max
// (max_message_size) and what to do about it (fix: fileTooLarge,
// messageTooLarge), for a row's ErrTooLarge problem: a file that large
// goes better as a link, and the limit is raised only for servers that
// take more.
func overMaxSize(max int64, fix string) string {
	return fmt.Sprintf("over max_message_size (%s): %s; raise max_message_size only if the receiving servers take larger messages (most refuse more than 20 to 25 MB)", sizeWords(max), fix)
}

// sizeUnits are the units sizeWords writes, largest first.
var sizeUnits = []struct {
	name string
	size int64
}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}}

// sizeWords writes a size for a person: "900 bytes", "2 KB", "30.0 MB";
// a whole number of KB, MB or GB as such, as max_message_size writes it.
func sizeWords(n int64) string { return sizeRounded(n, math.Round) }

// overWords writes n, a size over max, as sizeWords does, but rounded up
// to the tenth where the nearest tenth reads as no more than max: not
// "25.0 MB, over max_message_size (25 MB)" for 25 MB and a few KB.
func overWords(n, max int64) string {
	for _, u := range sizeUnits {
		if n >= u.size {
			if n%u.size != 0 && int64(math.Round(float64(n)*10/float64(u.size)))*u.size <= max*10 {
				return sizeRounded(n, math.Ceil)
			}
			break
		}
	}
	return sizeWords(n)
}

// sizeRounded writes n as sizeWords does, to the tenth of its unit that
// round gives.
func sizeRounded(n int64, round func(float64) float64) string {
	for _, u := range sizeUnits {
		switch {
		case n >= u.size && n%u.size == 0:
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		case n >= u.size:
			return fmt.Sprintf("%.1f %s", round(float64(n)*10/float64(u.size))/10, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// largestFile is the largest file a message is made with, for its
// ErrTooLarge problem: its path as the campaign or the cell writes it,
// what it is ("attachment", "inline image"), the path template a row's
// cell filled (nil for a file the campaign names) and its size. A
// message over max_message_size by an image of the row's own was told
// with no column (rev-user18).
type largestFile struct {
	path, what string
	t          *templates.Template
	size       int64
}

// note makes f the file at p, made by t (nil: the campaign's own), when
// it is larger than f's.
func (f *largestFile) note(p, what string, t *templates.Template, size int64) {
	if size > f.size {
		*f = largestFile{path: p, what: what, t: t, size: size}
	}
}

// column is the column whose cell in row named f ("" for a file the
// campaign names), worked out only for a message too large: most
// messages are not.
func (f *largestFile) column(row campaign.Row) string {
	if f.t == nil {
		return ""
	}
	return f.t.Column(row, f.path)
}

// words says f after "the message is 2.1 MB": " with the inline image
// "badges/0006.png" (1.5 MB as a file; base64 makes it a third
// larger)"; "" when the message has no file.
func (f *largestFile) words() string {
	if f.size == 0 {
		return ""
	}
	return fmt.Sprintf(" with the %s %s (%s as a file; base64 makes it a third larger)", f.what, quotePath(f.path), sizeWords(f.size))
}
