//go:build !js

package participation_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/internal/vfs/faultfs"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/journaltest"
)

// TestTornTailWithUnwrittenSpace: a crash while a command is being
// appended may leave the new end of the file holding zeros where the
// pages were not written yet (the file grew before its data reached the
// disk — the failure model SQLite assumes), followed by parts that were.
// That command was never acknowledged, so opening must cut it off like
// any torn tail, not refuse to open.
func TestTornTailWithUnwrittenSpace(t *testing.T) {
	evs := journaltest.Chain(9, 3)
	path := writeJournal(t, evs)
	full, err := os.ReadFile(path)
	require.NoError(t, err)
	var lineEnds []int
	for i, c := range full {
		if c == '\n' {
			lineEnds = append(lineEnds, i+1)
		}
	}
	// The third command (events 7–9) was being written: its first 64
	// bytes never reached the disk, and the write stopped inside event 9.
	torn := append([]byte(nil), full[:lineEnds[7]+25]...)
	for i := lineEnds[5]; i < lineEnds[5]+64; i++ {
		torn[i] = 0
	}
	require.NoError(t, os.WriteFile(path, torn, 0o600))
	j, err := p.OpenFile(path, nil)
	require.NoError(t, err, "an unacknowledged command cut short by a crash must not keep the journal from opening")
	defer j.Close()
	assert.Equal(t, int64(len(torn)-lineEnds[5]), j.Recovered().TornBytes)
	head, err := p.Verify(context.Background(), j)
	require.NoError(t, err)
	assert.Equal(t, uint64(6), head.Seq)
}

// TestErasureNotMadeDurable: under SyncInterval, when the sync that must
// make an erasure durable fails, EraseSubject keeps the key and fails.
// The erasure's events stay gathered, so a Close that succeeds writes
// them and the next open erases the person after all. The error said
// "nothing was erased"; it must say that the erasure may still happen.
func TestErasureNotMadeDurable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path, keyDir := filepath.Join(dir, "journal.jsonl"), filepath.Join(dir, "keys")
	fsys := faultfs.New(0, false, nil)
	fsys.Only = "write"
	j, err := p.OpenFileFS(fsys, path, &p.FileOptions{Sync: p.SyncInterval, Interval: 1 << 40})
	require.NoError(t, err)
	keys, err := p.OpenDirKeyStore(keyDir)
	require.NoError(t, err)
	s, _ := MustOpen(t, j, keys)
	who := registerPerson(t, s, "Aino Asiakas")
	require.NoError(t, j.Sync())

	fsys.Arm(1, false, syscall.ENOSPC) // the erasure's write fails once
	err = s.EraseSubject(ctx, admin, who, "pyyntö")
	assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)
	assert.NotContains(t, err.Error(), "nothing was erased")
	assert.Contains(t, err.Error(), "carried out when the store next opens")
	assert.False(t, s.Vault().Erased(who), "the key is kept until the erasure is durable")
	require.NoError(t, s.Close(), "closing writes what was gathered once the disk takes it")

	j, err = p.OpenFile(path, nil)
	require.NoError(t, err)
	keys, err = p.OpenDirKeyStore(keyDir)
	require.NoError(t, err)
	s2, _ := MustOpen(t, j, keys)
	assert.True(t, s2.Vault().Erased(who), "the erasure the journal wrote on closing is carried out on opening")
}
