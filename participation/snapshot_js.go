//go:build js

package participation

import (
	"context"

	"github.com/hashicorp/go-memdb"
)

// In the browser there is no file system for snapshot files, and the
// module's size counts: the snapshot code is left out (see snapshot.go).

// SnapshotConfig makes a store keep snapshots of its state in a
// directory; in the browser, Open refuses it.
type SnapshotConfig struct {
	// Dir is the directory of the snapshot files.
	Dir string
	// Every is how many events apart snapshots are taken.
	Every uint64
	// Keep is how many snapshots are kept.
	Keep int
}

// SnapshotsIn returns the configuration of snapshots kept in dir.
func SnapshotsIn(dir string) *SnapshotConfig { return &SnapshotConfig{Dir: dir} }

// OpenInfo says how [Open] built the state: here always by replaying the
// whole journal.
type OpenInfo struct {
	// Snapshot is the position of the snapshot loaded: always zero here.
	Snapshot Head `json:"snapshot"`
	// Replayed counts the events replayed from the journal.
	Replayed uint64 `json:"replayed"`
	// Notes is empty here.
	Notes []string `json:"notes,omitempty"`
}

// Opened returns how the store was built when it opened.
func (s *Store) Opened() OpenInfo { return s.opened }

// freezes is false in the browser: no shard of aggregates is ever
// shared, and the code that copies one is left out.
const freezes = false

// freezeState freezes nothing in the browser: its exports dump module
// state under the lock, and leave the code of freezing out.
func freezeState(any) (any, bool) { return nil, false }

type snapshotState struct {
	opened OpenInfo
	schema *memdb.DBSchema
}

func openSnapshots(s *Store, _ context.Context, cfg *SnapshotConfig, _ []Module) error {
	if cfg != nil {
		return Invalid("snapshots", "the browser keeps no snapshots: leave it nil")
	}
	return nil
}

func startSnapshots(*Store)          {}
func snapshotsErased(*Store, uint64) {}
func snapshotsLeft(*Store, []member) {}
func snapshotsLeftErr(*Store) error  { return nil }
func waitSnapshotter(*Store)         {}
