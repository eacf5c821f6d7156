// Package vfs is the narrow set of file operations that the durable parts
// of osallisuus — the file journal and the directory key store — perform.
// They go through this interface, and only through it, so that a test can
// fail any one of them (see package faultfs) and check what the library
// makes of the failure.
package vfs

import (
	"errors"
	"io"
	"os"
)

// FS opens files and changes directories.
type FS interface {
	// OpenFile opens a file as os.OpenFile does.
	OpenFile(name string, flag int, perm os.FileMode) (File, error)
	// ReadFile reads a whole file.
	ReadFile(name string) ([]byte, error)
	// ReadDir lists a directory.
	ReadDir(name string) ([]os.DirEntry, error)
	// MkdirAll makes a directory and its parents.
	MkdirAll(name string, perm os.FileMode) error
	// Rename renames a file.
	Rename(oldpath, newpath string) error
	// Remove removes a file.
	Remove(name string) error
	// SyncDir forces a directory's entries to stable storage.
	SyncDir(name string) error
}

// File is an open file.
type File interface {
	io.ReaderAt
	io.WriterAt
	io.Writer
	// Stat describes the file.
	Stat() (os.FileInfo, error)
	// Sync forces the file's data to stable storage.
	Sync() error
	// Truncate changes the file's size.
	Truncate(size int64) error
	// Lock takes an exclusive advisory lock on the file without waiting;
	// it fails with ErrLocked when another open file holds one, in this
	// process or another. The lock goes with Close.
	Lock() error
	// Close closes the file.
	Close() error
}

// ErrLocked is returned by [File.Lock] when another open file holds the
// lock.
var ErrLocked = errors.New("the file is locked by another open file")

// OS is the operating system's file system.
var OS FS = osFS{}

type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (osFS) ReadFile(name string) ([]byte, error)         { return os.ReadFile(name) }
func (osFS) ReadDir(name string) ([]os.DirEntry, error)   { return os.ReadDir(name) }
func (osFS) MkdirAll(name string, perm os.FileMode) error { return os.MkdirAll(name, perm) }
func (osFS) Rename(oldpath, newpath string) error         { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error                     { return os.Remove(name) }

func (osFS) SyncDir(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

type osFile struct{ *os.File }

func (f osFile) Lock() error { return lockFile(f.File) }
