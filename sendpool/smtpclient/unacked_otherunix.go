//go:build unix && !linux && !darwin

package smtpclient

import "errors"

// socketUnacked cannot ask the socket here: an error (see the linux
// version).
func socketUnacked(int) (int, error) { return 0, errors.ErrUnsupported }

// socketUnsent cannot ask the socket here: an error (see the linux
// version).
func socketUnsent(int) (int, error) { return 0, errors.ErrUnsupported }
