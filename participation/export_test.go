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

// InFlight says how many commands ran on the write side and wait, in
// groups handed to the journal, for an append to take them.
func InFlight(s *Store) int {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	n := 0
	for _, b := range s.pipe[s.inAppend:] {
		n += len(b.reqs)
	}
	return n
}

// WriteLocked says whether someone holds the store's write lock.
func WriteLocked(s *Store) bool {
	if s.mu.TryLock() {
		s.mu.Unlock()
		return false
	}
	return true
}

// HoldWritePath takes the write path, so that commands queue until the
// returned function lets it go; Waiting says how many are queued. A test
// queues commands one by one behind it to have them run as one group, in
// order.
func HoldWritePath(s *Store) (release func()) {
	s.mu.Lock()
	return s.mu.Unlock
}

// Waiting says how many commands are queued for the write path.
func Waiting(s *Store) int {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	return len(s.queue)
}
