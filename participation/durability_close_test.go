//go:build !js

package participation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// TestCloseRacingEverything: writers commit while readers follow the
// feed and verify the journal, a syncer forces syncs, and the store is
// closed in the middle. Every command acknowledged before Close returned
// is in the reopened journal, which verifies, under each policy.
func TestCloseRacingEverything(t *testing.T) {
	for name, policy := range map[string]p.SyncPolicy{"SyncEveryCommit": p.SyncEveryCommit, "SyncInterval": p.SyncInterval, "SyncNever": p.SyncNever} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			j, err := p.OpenFile(path, &p.FileOptions{Sync: policy, Interval: 1000 * 1000, MaxGather: 4 << 10})
			require.NoError(t, err)
			s, err := p.Open(ctx, &p.Config{Journal: j, Modules: []p.Module{personModule()}})
			require.NoError(t, err)
			var acked sync.Map
			var n atomic.Int64
			var wg, writers sync.WaitGroup
			stop, reached := make(chan struct{}), make(chan struct{})
			var once sync.Once
			for w := 0; w < 4; w++ {
				wg.Add(1)
				writers.Add(1)
				go func() {
					defer wg.Done()
					defer writers.Done()
					for k := 0; ; k++ {
						select {
						case <-stop:
							return
						default:
						}
						err := s.Exec(ctx, staff, actAnon, func(tx *p.Tx) error {
							return tx.Emit(anonNote{Text: fmt.Sprintf("w%d-%d", w, k)})
						})
						if err != nil {
							return
						}
						acked.Store(fmt.Sprintf("w%d-%d", w, k), true)
						if n.Add(1) == 300 {
							once.Do(func() { close(reached) })
						}
					}
				}()
			}
			for r := 0; r < 2; r++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						_, _ = p.Verify(ctx, j)
						_ = j.Sync()
					}
				}()
			}
			writersDone := make(chan struct{})
			go func() { writers.Wait(); close(writersDone) }()
			select { // close in the middle of the writing
			case <-reached:
			case <-writersDone:
				close(stop)
				wg.Wait()
				t.Fatalf("the writers stopped after %d commands", n.Load())
			}
			closeErr := s.Close()
			close(stop)
			wg.Wait()
			require.NoError(t, closeErr)

			j, err = p.OpenFile(path, nil)
			require.NoError(t, err)
			defer j.Close()
			got := map[string]bool{}
			_, err = p.Verify(ctx, j)
			require.NoError(t, err)
			require.NoError(t, j.Read(ctx, 1, func(e p.Event) error {
				var d struct{ Text string }
				if err := jsonUnmarshal(e.Data, &d); err != nil {
					return err
				}
				got[d.Text] = true
				return nil
			}))
			missing := 0
			acked.Range(func(k, _ any) bool {
				if !got[k.(string)] {
					missing++
				}
				return true
			})
			assert.Zero(t, missing, "acknowledged commands missing after Close and reopen (of %d)", n.Load())
		})
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
