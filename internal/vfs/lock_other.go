//go:build !unix

package vfs

import "os"

// lockFile does nothing where the platform has no BSD locks (the browser,
// where no file journal runs); the README says so.
func lockFile(*os.File) error { return nil }
