//go:build !js

package participation_test

import (
	"bytes"
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
// appended may leave the new end of the file holding zeros where pages
// were not written yet (the file grew before its data reached the disk,
// the failure model SQLite assumes), next to parts that were — even the
// command's last line. That command was never acknowledged, so opening
// cuts it off like any torn tail instead of refusing to open. A single
// NUL byte, as a flipped bit makes, is still damage.
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
	// bytes never reached the disk.
	zeroed := func(b []byte, from, n int) []byte {
		b = append([]byte(nil), b...)
		clear(b[from : from+n])
		return b
	}
	for name, torn := range map[string][]byte{
		"cut_inside_the_last_event": zeroed(full[:lineEnds[7]+25], lineEnds[5], 64),
		"every_line_written":        zeroed(full, lineEnds[5], 64),
		"hole_in_the_end_line":      zeroed(full, lineEnds[7]+10, 64),
	} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, torn, 0o600))
			j, err := p.OpenFile(path, nil)
			require.NoError(t, err, "an unacknowledged command cut short by a crash must not keep the journal from opening")
			defer j.Close()
			assert.Equal(t, int64(len(torn)-lineEnds[5]), j.Recovered().TornBytes)
			head, err := p.Verify(context.Background(), j)
			require.NoError(t, err)
			assert.Equal(t, uint64(6), head.Seq)
			assert.Equal(t, evs[5].Hash, head.Hash)
		})
	}
	t.Run("a_flipped_bit_is_damage", func(t *testing.T) {
		flipped := append([]byte(nil), full...)
		i := lineEnds[5] + bytes.IndexByte(full[lineEnds[5]:], ':') + 1
		flipped[i] = 0
		require.NoError(t, os.WriteFile(path, flipped, 0o600))
		j, err := p.OpenFile(path, nil)
		if err == nil {
			defer j.Close()
			_, err = p.Verify(context.Background(), j)
		}
		var ce *p.CorruptError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, uint64(7), ce.Seq)
	})
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
