//go:build unix

package vfs

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes a BSD lock, which belongs to the open file description:
// a second open of the same file, even in the same process, is refused.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return ErrLocked
		default:
			return err
		}
	}
}
