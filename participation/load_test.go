//go:build !js

package participation_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// TestLoad runs 8 writers and 8 readers against a file journal with fsync
// on every commit. Each write is one command of four events (a
// contribution received, acknowledged, considered and decided at once),
// so a reader that ever saw a contribution not decided would have seen
// half a command. Afterwards every acknowledged command is in the state
// and in the journal, the chain verifies, and a replay equals the state.
// OSALLISUUS_LOAD_SECONDS sets the duration (default 30).
func TestLoad(t *testing.T) {
	seconds := 30
	if v := os.Getenv("OSALLISUUS_LOAD_SECONDS"); v != "" {
		d, err := time.ParseDuration(v + "s")
		require.NoError(t, err)
		seconds = int(d.Seconds())
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := p.OpenFile(path, &p.FileOptions{Sync: p.SyncEveryCommit})
	require.NoError(t, err)
	s, err := p.Open(ctx, &p.Config{Journal: j})
	require.NoError(t, err)

	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var acked sync.Map
	var commands, reads, halves atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				var id p.ID
				err := s.Exec(ctx, manager, p.ActionDecide, func(tx *p.Tx) error {
					c, err := p.SubmitContribution(tx, input("Kuormitus"))
					if err != nil {
						return err
					}
					id = c.ID
					_, err = p.AdvanceContribution(tx, c.ID, p.StateDecided, p.Adopted, "")
					return err
				})
				if err != nil {
					t.Errorf("write: %v", err)
					return
				}
				acked.Store(id, true)
				commands.Add(1)
			}
		}()
	}
	for r := 0; r < 8; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				v := s.View()
				it, err := v.Get(p.TableContributions, "id")
				if err != nil {
					t.Errorf("read: %v", err)
					return
				}
				for obj := it.Next(); obj != nil; obj = it.Next() {
					if obj.(*p.Contribution).State != p.StateDecided {
						halves.Add(1)
					}
				}
				reads.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, halves.Load(), "readers saw half-applied commands")
	v := s.View()
	n := 0
	acked.Range(func(k, _ any) bool {
		n++
		_, err := p.GetContribution(v, k.(p.ID))
		assert.NoError(t, err, "an acknowledged command is missing from the state")
		return true
	})
	head, err := s.Verify(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(4*n), head.Seq, "every acknowledged command is in the journal, four events each")
	var want bytes.Buffer
	require.NoError(t, s.Export(&want))
	require.NoError(t, s.Close())
	j2, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	s2, err := p.Open(ctx, &p.Config{Journal: j2})
	require.NoError(t, err)
	defer s2.Close()
	var got bytes.Buffer
	require.NoError(t, s2.Export(&got))
	assert.Equal(t, want.String(), got.String(), "the reopened journal rebuilds the same state")
	t.Logf("%d s: %d commands (%d events) by 8 writers with fsync on every commit, %d full scans by 8 readers, none half-applied, none lost",
		seconds, commands.Load(), head.Seq, reads.Load())
}
