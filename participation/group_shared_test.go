//go:build !(js && wasm)

package participation_test

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// sharedJournal is a held journal that says it is shared (a Locker), so
// that its store commits on the synchronous path; each append yields a
// few times, as a round trip to a database lets other callers run.
type sharedJournal struct{ *heldJournal }

func (j sharedJournal) Append(ctx context.Context, evs []p.Event) error {
	for range 4 {
		runtime.Gosched()
	}
	return j.heldJournal.Append(ctx, evs)
}

func (sharedJournal) LockAppends(context.Context) (func(), error) { return func() {}, nil }

// goroutine returns the calling goroutine's number.
func goroutine() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	f := strings.Fields(string(b))
	return f[1]
}

// TestSharedGroupLeaders: on the synchronous path, where a leader holds
// the write path through its append, the callers a group answers were
// waiting for the write path; each goes back to its caller at once, and
// the caller who leads a group is always one whose command is in it.
// When the answered ones led the commands queued meanwhile, the groups
// stayed small and an answer waited for other callers' appends.
func TestSharedGroupLeaders(t *testing.T) {
	ctx := context.Background()
	j := &heldJournal{MemoryJournal: p.NewMemoryJournal(), entered: make(chan int, 1)}
	s, err := p.Open(ctx, &p.Config{Journal: sharedJournal{j}, Modules: []p.Module{tallyModule()}})
	require.NoError(t, err)
	defer s.Close()
	const writers, each = 8, 60
	type run struct{ writer, runner string }
	var mu sync.Mutex
	var runs []run // in the order they ran
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me := goroutine()
			for range each {
				err := s.Exec(ctx, staff, actTally, func(tx *p.Tx) error {
					mu.Lock()
					runs = append(runs, run{writer: me, runner: goroutine()})
					mu.Unlock()
					return tx.Emit(tallied{N: 1})
				})
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	require.Len(t, runs, writers*each, "every command ran once")
	at := 0
	for k, n := range j.calls { // an append per group
		group := runs[at : at+n]
		at += n
		led := false
		for _, r := range group {
			led = led || r.writer == group[0].runner
			assert.Equal(t, group[0].runner, r.runner, "group %d runs on one goroutine", k)
		}
		assert.True(t, led, "group %d of %d commands was led by a caller with no command in it", k, n)
	}
	assert.Equal(t, len(runs), at, "the appends carried every command")
}
