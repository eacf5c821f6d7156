package participation

import "github.com/osallisuus/osallisuus/internal/vfs"

// OpenFileFS is OpenFile over a file system of the test's choosing.
func OpenFileFS(fsys vfs.FS, path string, opts *FileOptions) (*FileJournal, error) {
	return openFile(fsys, path, opts)
}

// OpenDirKeyStoreFS is OpenDirKeyStore over a file system of the test's
// choosing.
func OpenDirKeyStoreFS(fsys vfs.FS, dir string) (*DirKeyStore, error) {
	return openDirKeyStore(fsys, dir)
}

// Queued says how many commands wait for the write path.
func Queued(s *Store) int {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	return len(s.queue)
}
