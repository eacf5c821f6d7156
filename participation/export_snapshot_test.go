//go:build !js

package participation

import "github.com/osallisuus/osallisuus/internal/vfs"

// SnapshotsOverFS is cfg with its snapshots written through fsys.
func SnapshotsOverFS(cfg *SnapshotConfig, fsys vfs.FS) *SnapshotConfig {
	c := *cfg
	c.fsys = fsys
	return &c
}

// WaitSnapshotter waits until the store's background snapshotter has
// handled every event up to seq.
func WaitSnapshotter(s *Store, seq uint64) { waitSnapshotterAt(s, seq) }

// OnSnapshotEncode makes fn run in every snapshot the store writes, just
// before the modules' states are encoded.
func OnSnapshotEncode(s *Store, fn func()) { s.snapHook = fn }

// WriteLockFree reports whether a command could take the write path at
// this moment.
func WriteLockFree(s *Store) bool {
	if s.mu.TryLock() {
		s.mu.Unlock()
		return true
	}
	return false
}
