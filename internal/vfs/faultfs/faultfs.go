// Package faultfs is a [vfs.FS] for tests that fails one chosen file
// operation, or every operation from it on, in the manner of SQLite's
// I/O-error tests: a test runs a workload once to count its operations,
// then once for every index, and checks what survives each failure.
package faultfs

import (
	"fmt"
	"os"
	"sync"

	"github.com/osallisuus/osallisuus/internal/vfs"
)

// FS counts every operation on it and on the files it opens, and fails
// the operation numbered FailAt (counting from 1) with Err. With
// Persistent set, every later operation fails too. A zero FailAt never
// fails.
//
// A failure looks as it would on a real disk: the first failed write has
// written the first half of its bytes (a short write; later ones write
// nothing), and a failed sync drops
// what was written since the file's last good sync, as a kernel that
// gives up on dirty pages does.
type FS struct {
	Base       vfs.FS
	FailAt     int
	Persistent bool
	Err        error
	// Only, when set, limits counting and failing to operations of that
	// name ("write", "sync", "remove", …); others pass uncounted.
	Only string

	mu     sync.Mutex
	ops    int
	failed []string
}

// New returns an FS over the operating system that fails operation n
// with err.
func New(n int, persistent bool, err error) *FS {
	return &FS{Base: vfs.OS, FailAt: n, Persistent: persistent, Err: err}
}

// Ops returns how many operations have been made.
func (f *FS) Ops() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ops
}

// Failed lists the operations that were made to fail, as "name#index".
func (f *FS) Failed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.failed...)
}

// Arm makes the n-th operation from now fail (and, when persistent,
// every one after it) with err.
func (f *FS) Arm(n int, persistent bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.FailAt, f.Persistent, f.Err = f.ops+n, persistent, err
}

// partial is how much of a failed write's b is written: half by the
// first failure, nothing by a persistent one after it.
func (f *FS) partial(b []byte) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.failed) > 1 {
		return nil
	}
	return b[:len(b)/2]
}

// step counts one operation and says whether it fails.
func (f *FS) step(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Only != "" && name != f.Only {
		return nil
	}
	f.ops++
	if f.FailAt == 0 || f.ops < f.FailAt || (f.ops > f.FailAt && !f.Persistent) {
		return nil
	}
	f.failed = append(f.failed, fmt.Sprintf("%s#%d", name, f.ops))
	return &os.PathError{Op: name, Path: "(injected)", Err: f.Err}
}

// OpenFile implements [vfs.FS].
func (f *FS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	if err := f.step("open"); err != nil {
		return nil, err
	}
	b, err := f.Base.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	st, err := b.Stat()
	if err != nil {
		b.Close()
		return nil, err
	}
	return &file{fs: f, base: b, synced: st.Size()}, nil
}

// ReadFile implements [vfs.FS].
func (f *FS) ReadFile(name string) ([]byte, error) {
	if err := f.step("readfile"); err != nil {
		return nil, err
	}
	return f.Base.ReadFile(name)
}

// ReadDir implements [vfs.FS].
func (f *FS) ReadDir(name string) ([]os.DirEntry, error) {
	if err := f.step("readdir"); err != nil {
		return nil, err
	}
	return f.Base.ReadDir(name)
}

// MkdirAll implements [vfs.FS].
func (f *FS) MkdirAll(name string, perm os.FileMode) error {
	if err := f.step("mkdir"); err != nil {
		return err
	}
	return f.Base.MkdirAll(name, perm)
}

// Rename implements [vfs.FS].
func (f *FS) Rename(oldpath, newpath string) error {
	if err := f.step("rename"); err != nil {
		return err
	}
	return f.Base.Rename(oldpath, newpath)
}

// Remove implements [vfs.FS].
func (f *FS) Remove(name string) error {
	if err := f.step("remove"); err != nil {
		return err
	}
	return f.Base.Remove(name)
}

// SyncDir implements [vfs.FS].
func (f *FS) SyncDir(name string) error {
	if err := f.step("syncdir"); err != nil {
		return err
	}
	return f.Base.SyncDir(name)
}

type file struct {
	fs     *FS
	base   vfs.File
	mu     sync.Mutex
	synced int64 // the size at the last good sync
	size   int64 // the highest offset written since
}

func (f *file) ReadAt(b []byte, off int64) (int, error) {
	if err := f.fs.step("read"); err != nil {
		return 0, err
	}
	return f.base.ReadAt(b, off)
}

func (f *file) WriteAt(b []byte, off int64) (int, error) {
	if err := f.fs.step("write"); err != nil {
		n, _ := f.base.WriteAt(f.fs.partial(b), off)
		f.grow(off + int64(n))
		return n, err
	}
	n, err := f.base.WriteAt(b, off)
	f.grow(off + int64(n))
	return n, err
}

func (f *file) Write(b []byte) (int, error) {
	if err := f.fs.step("write"); err != nil {
		n, _ := f.base.Write(f.fs.partial(b))
		return n, err
	}
	return f.base.Write(b)
}

func (f *file) grow(end int64) {
	f.mu.Lock()
	f.size = max(f.size, end)
	f.mu.Unlock()
}

func (f *file) Stat() (os.FileInfo, error) {
	if err := f.fs.step("stat"); err != nil {
		return nil, err
	}
	return f.base.Stat()
}

func (f *file) Sync() error {
	if err := f.fs.step("sync"); err != nil {
		// The pages written since the last good sync are gone.
		f.mu.Lock()
		synced := f.synced
		f.mu.Unlock()
		if st, serr := f.base.Stat(); serr == nil && st.Size() > synced {
			_ = f.base.Truncate(synced)
		}
		return err
	}
	if err := f.base.Sync(); err != nil {
		return err
	}
	if st, err := f.base.Stat(); err == nil {
		f.mu.Lock()
		f.synced = st.Size()
		f.mu.Unlock()
	}
	return nil
}

func (f *file) Truncate(size int64) error {
	if err := f.fs.step("truncate"); err != nil {
		return err
	}
	return f.base.Truncate(size)
}

func (f *file) Lock() error {
	if err := f.fs.step("lock"); err != nil {
		return err
	}
	return f.base.Lock()
}

func (f *file) Close() error {
	err := f.fs.step("close")
	if cerr := f.base.Close(); err == nil {
		err = cerr
	}
	return err
}
