package feedback

import "fmt"

// UnreadableError is returned for a message that cannot be read as mail or
// as the report it claims to be: a malformed header section, a truncated
// multipart body, a text in an unknown charset that had to be read, too deep
// a nesting, a report or bounce naming neither a recipient nor the original
// message. The caller can show Reason and move on to the next message.
type UnreadableError struct {
	Reason string
	Err    error // the underlying error, if any
	// Subject is the message's Subject, decoded, when its header section
	// could be read: to tell the user which message it is.
	Subject string
}

func (e *UnreadableError) Error() string {
	if e.Err != nil {
		return "feedback: unreadable message: " + e.Reason + ": " + e.Err.Error()
	}
	return "feedback: unreadable message: " + e.Reason
}

func (e *UnreadableError) Unwrap() error { return e.Err }

// TooLargeError is returned for a message larger than Options.MaxSize. Parse
// stops reading at the limit, so memory stays bounded whatever the size.
type TooLargeError struct {
	Limit int64 // bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("feedback: message larger than %d bytes", e.Limit)
}

func unreadable(reason string, err error) error {
	return &UnreadableError{Reason: reason, Err: err}
}
