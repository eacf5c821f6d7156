//go:build !js

package participation_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/internal/vfs"
	"github.com/osallisuus/osallisuus/internal/vfs/faultfs"
	p "github.com/osallisuus/osallisuus/participation"
)

// gatedFile is a file journal whose appends can be held at the door, to
// fill the pipe behind an append in flight.
type gatedFile struct {
	*p.FileJournal
	mu      sync.Mutex
	hold    chan struct{}
	entered chan int // each held append says how many commands it carries
}

func (j *gatedFile) Append(ctx context.Context, evs []p.Event) error {
	ends := 0
	for _, e := range evs {
		if e.End {
			ends++
		}
	}
	j.mu.Lock()
	hold := j.hold
	j.mu.Unlock()
	if hold != nil {
		j.entered <- ends
		<-hold
	}
	return j.FileJournal.Append(ctx, evs)
}

func (j *gatedFile) holdNext() chan struct{} {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.hold = make(chan struct{})
	return j.hold
}

func (j *gatedFile) release(h chan struct{}) {
	j.mu.Lock()
	if j.hold == h {
		j.hold = nil
	}
	j.mu.Unlock()
	close(h)
}

// TestPipelineAppendFailure: the fsync of an append that carries several
// groups fails while more groups wait in the pipe on top of them. Every
// command of those groups and of the groups after them fails, none was
// visible, the journal on disk holds exactly the acknowledged commands,
// and the state readers saw is what it replays to.
func TestPipelineAppendFailure(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	fsys := &faultfs.FS{Base: vfs.OS, Only: "sync"}
	fj, err := p.OpenFileFS(fsys, path, nil)
	require.NoError(t, err)
	j := &gatedFile{FileJournal: fj, entered: make(chan int, 16)}
	keys := p.NewMemoryKeyStore()
	clock := p.NewManualClock(t0)
	s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Clock: clock, Rand: &rng{x: 11}})
	require.NoError(t, err)
	defer s.Close()

	for _, title := range []string{"durable 1", "durable 2"} {
		_, err := s.Submit(ctx, client, input(title))
		require.NoError(t, err)
	}

	// The first group's append is held; three commands run on top of it.
	first := j.holdNext()
	firstDone := make(chan error, 1)
	go func() { _, err := s.Submit(ctx, client, input("A")); firstDone <- err }()
	require.Equal(t, 1, <-j.entered)
	var wg sync.WaitGroup
	var mu sync.Mutex
	lost := map[string]error{}
	later := func(title string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Submit(ctx, client, input(title))
			mu.Lock()
			lost[title] = err
			mu.Unlock()
		}()
	}
	for i := range 3 {
		later(fmt.Sprintf("B%d", i))
	}
	waitFor(t, func() bool { return p.InFlight(s) == 3 })
	// A command that records nothing but answers from what it read: it
	// reads the three in flight, so its answer waits for them, and it
	// runs again when they fail.
	sawDone := make(chan error, 1)
	go func() {
		sawDone <- s.Exec(ctx, client, p.ActionSubmit, func(tx *p.Tx) error {
			rows, err := p.Collect[*p.Contribution](tx, p.TableContributions, "id", nil)
			if err != nil {
				return err
			}
			if len(rows) != 3 {
				return p.Errorf(p.ECONFLICT, "%d contributions, not 3", len(rows))
			}
			return nil
		})
	}()
	waitFor(t, func() bool { return p.InFlight(s) == 4 })

	// A is journalled; the three go to the journal in one append, held
	// in turn, and two more commands run on top of them.
	second := j.holdNext()
	j.release(first)
	require.NoError(t, <-firstDone)
	require.Equal(t, 3, <-j.entered)
	afterA := export(t, s)
	for i := range 2 {
		later(fmt.Sprintf("C%d", i))
	}
	waitFor(t, func() bool { return p.InFlight(s) == 2 })

	// That append's fsync fails, and every one after it.
	fsys.Arm(1, true, syscall.EIO)
	j.release(second)
	wg.Wait()
	require.Len(t, lost, 5)
	assert.NoError(t, <-sawDone, "the reader is answered from the durable state: A and the two before it")
	for title, err := range lost {
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%s: %v", title, err)
	}
	assert.Equal(t, afterA, export(t, s), "nothing of the failed append or of the groups after it was ever published")
	require.NoError(t, s.Close())

	// On the real file system: exactly the acknowledged commands.
	fj2, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	s2, err := p.Open(ctx, &p.Config{Journal: fj2, Keys: keys, Clock: clock})
	require.NoError(t, err)
	defer s2.Close()
	rows, err := p.Collect[*p.Contribution](s2.View(), p.TableContributions, "id", nil)
	require.NoError(t, err)
	var titles []string
	for _, c := range rows {
		titles = append(titles, c.Title)
	}
	assert.ElementsMatch(t, []string{"durable 1", "durable 2", "A"}, titles, "every acknowledged command and nothing else")
	assert.Equal(t, afterA, export(t, s2), "the state readers saw is what the journal replays to")
}
