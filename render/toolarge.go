package render

import "fmt"

// overMaxSize says that an attachment makes a message larger than max
// (max_message_size) and what to do about it, for a row's ErrTooLarge
// problem: a file that large goes better as a link, and the limit is
// raised only for servers that take more.
func overMaxSize(max int64) string {
	return fmt.Sprintf("over max_message_size (%s): make the file smaller or send a link to it instead; raise max_message_size only if the receiving servers take larger messages (most refuse more than 20 to 25 MB)", sizeWords(max))
}

// sizeWords writes a size for a person: "900 bytes", "2 KB", "30.0 MB";
// a whole number of KB, MB or GB as such, as max_message_size writes it.
func sizeWords(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		switch {
		case n >= u.size && n%u.size == 0:
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		case n >= u.size:
			return fmt.Sprintf("%.1f %s", float64(n)/float64(u.size), u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
