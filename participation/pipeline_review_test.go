//go:build !(js && wasm)

package participation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// countTallies reads every journal line and counts the tally commands.
func countTallies(t *testing.T, j *p.MemoryJournal) int {
	t.Helper()
	n := 0
	for _, e := range journalLines(t, j) {
		if e.Type == (tallied{}).EventType() {
			n++
		}
	}
	return n
}

// TestPipelineEdges: a group in flight meets a cancelled context, a
// closing store and a failing append; every caller is answered exactly
// once, with what the journal holds.
func TestPipelineEdges(t *testing.T) {
	ctx := context.Background()
	open := func(t *testing.T) (*p.Store, *heldJournal) {
		j := &heldJournal{MemoryJournal: p.NewMemoryJournal(), entered: make(chan int, 16)}
		s, err := p.Open(ctx, &p.Config{Journal: j, Keys: p.NewMemoryKeyStore(), Clock: p.NewManualClock(t0), Rand: &rng{x: 5}, Modules: []p.Module{tallyModule()}})
		require.NoError(t, err)
		return s, j
	}

	t.Run("cancelled_after_running_is_answered_by_its_append", func(t *testing.T) {
		s, j := open(t)
		defer s.Close()
		first := j.holdNext()
		firstDone := make(chan error, 1)
		go func() { firstDone <- addTally(ctx, s) }()
		require.Equal(t, 1, <-j.entered)
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- addTally(cctx, s) }()
		waitFor(t, func() bool { return p.InFlight(s) == 1 })
		cancel() // it ran on the write side; its append is still to come
		j.release(first)
		require.NoError(t, <-firstDone)
		assert.NoError(t, <-done, "a command that ran is answered by its append, not by its context")
		assert.Equal(t, 2, countTallies(t, j.MemoryJournal))
	})

	t.Run("close_waits_for_the_groups_in_flight", func(t *testing.T) {
		s, j := open(t)
		first := j.holdNext()
		firstDone := make(chan error, 1)
		go func() { firstDone <- addTally(ctx, s) }()
		require.Equal(t, 1, <-j.entered)
		done := make(chan error, 2)
		for range 2 {
			go func() { done <- addTally(ctx, s) }()
		}
		waitFor(t, func() bool { return p.InFlight(s) == 2 })
		closed := make(chan error, 1)
		go func() { closed <- s.Close() }()
		j.release(first)
		require.NoError(t, <-firstDone)
		require.NoError(t, <-done)
		require.NoError(t, <-done)
		require.NoError(t, <-closed)
		assert.Equal(t, 3, countTallies(t, j.MemoryJournal), "every acknowledged command is journalled once")
	})

	t.Run("close_after_a_failed_append_answers_every_caller_once", func(t *testing.T) {
		s, j := open(t)
		first := j.holdNext()
		j.mu.Lock()
		j.fail = errors.New("disk gone")
		j.mu.Unlock()
		firstDone := make(chan error, 1)
		go func() { firstDone <- addTally(ctx, s) }()
		require.Equal(t, 1, <-j.entered)
		done := make(chan error, 1)
		go func() { done <- addTally(ctx, s) }()
		waitFor(t, func() bool { return p.InFlight(s) == 1 })
		closed := make(chan error, 1)
		go func() { closed <- s.Close() }()
		j.release(first)
		assert.Error(t, <-firstDone, "its append failed")
		err := <-done
		<-closed
		// The later command ran again after the failure, or found the
		// store closed: either way it is answered, and journalled only
		// if acknowledged.
		want := 0
		if err == nil {
			want = 1
		}
		assert.Equal(t, want, countTallies(t, j.MemoryJournal), "answer %v", err)
	})
}

// TestPipelineExportMatchesHead: commands of several writers go through
// the pipeline while exports and snapshots freeze the module states.
// Every export's module state is the state at its head — the tally it
// dumps is the number of tally commands in the journal up to that head —
// and the race detector watches hooks, commands and freezes meet.
func TestPipelineExportMatchesHead(t *testing.T) {
	ctx := context.Background()
	j := p.NewMemoryJournal()
	modules := func() []p.Module { return []p.Module{tallyModule(), feedback.Module(nil)} }
	keys := p.NewMemoryKeyStore()
	s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Clock: p.NewManualClock(t0), Rand: &rng{x: 9}, Modules: modules()})
	require.NoError(t, err)
	defer s.Close()

	const writers, each, readers = 4, 15, 2
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2+readers*each)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				errs <- addTally(ctx, s)
				_, err := s.Submit(ctx, client, input("Rinnakkain"))
				errs <- err
			}
		}()
	}
	type seen struct {
		head  uint64
		tally int
	}
	exports := make(chan seen, readers*each)
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				var b bytes.Buffer
				if err := s.Export(&b); err != nil {
					errs <- err
					continue
				}
				var out struct {
					Head    p.Head                     `json:"head"`
					Modules map[string]json.RawMessage `json:"modules"`
				}
				if err := json.Unmarshal(b.Bytes(), &out); err != nil {
					errs <- err
					continue
				}
				var n int
				if err := json.Unmarshal(out.Modules["tally"], &n); err != nil {
					errs <- err
					continue
				}
				exports <- seen{out.Head.Seq, n}
				_, err := s.Snapshot(ctx, io.Discard)
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(exports)
	for err := range errs {
		require.NoError(t, err)
	}
	lines := journalLines(t, j)
	for e := range exports {
		want := 0
		for _, l := range lines {
			if l.Seq <= e.head && l.Type == (tallied{}).EventType() {
				want++
			}
		}
		assert.Equal(t, want, e.tally, "the export at head %d dumps the tally of that head", e.head)
	}
	s2, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Clock: p.NewManualClock(t0), Modules: modules()})
	require.NoError(t, err)
	defer s2.Close()
	assert.Equal(t, export(t, s2), export(t, s), "the state readers see is what the journal replays to")
}

// TestPipelineReleaseAfterGroupsInFlight: the end of an hour releases the
// anonymous commands held for it while a named group's append is in
// flight. The release is journalled after that group, both are answered,
// and the journal replays to what readers see (PRIV-1: the anonymous
// command still follows every named command of its hour).
func TestPipelineReleaseAfterGroupsInFlight(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	fj, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	j := &gatedFile{FileJournal: fj, entered: make(chan int, 16)}
	clock := p.NewManualClock(time.Date(2026, 3, 2, 10, 7, 12, 0, time.UTC))
	modules := func() []p.Module { return []p.Module{feedback.Module(&feedback.Config{ThemeThreshold: -1})} }
	keys := p.NewMemoryKeyStore()
	s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Clock: clock, Rand: &rng{x: 7}, Modules: modules()})
	require.NoError(t, err)
	fb := feedback.New(s)

	res, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "palvelu", Text: "Palautetta"})
	require.NoError(t, err)
	require.Equal(t, 1, s.Held())
	c, err := s.Submit(ctx, client, input("ennen"))
	require.NoError(t, err)
	_ = c

	// A named group's append is held at the door when the hour ends.
	gate := j.holdNext()
	named := make(chan error, 1)
	go func() { _, err := s.Submit(ctx, client, input("lennossa")); named <- err }()
	require.Equal(t, 1, <-j.entered)
	clock.Set(clock.Now().Truncate(time.Hour).Add(time.Hour))
	released := make(chan error, 1)
	go func() { released <- s.Release(ctx) }()
	// Release has the write lock while the named group's append is held.
	waitFor(t, func() bool { return p.WriteLocked(s) })
	j.release(gate)
	require.NoError(t, <-named)
	require.NoError(t, <-released)
	require.Equal(t, 0, s.Held())
	assert.Empty(t, j.entered, "the release went to the journal only after the append in flight returned")

	t.Run("PRIV-1_the_release_follows_the_named_group_in_flight", func(t *testing.T) {
		namedAt, itemAt := uint64(0), itemSeq(t, path, res.Item)
		for _, e := range journalLines(t, j) {
			if e.Type == "contribution.submitted" {
				namedAt = e.Seq
			}
		}
		assert.Greater(t, itemAt, namedAt, "the anonymous command follows the named command in flight")
		h, err := s.Verify(ctx)
		require.NoError(t, err)
		seq, _ := s.Head()
		assert.Equal(t, h.Seq, seq, "readers see the whole journal")
	})
	before := export(t, s)
	require.NoError(t, s.Close())
	s2, err := p.Open(ctx, &p.Config{Journal: mustOpenFile(t, path), Keys: keys, Clock: clock, Modules: modules()})
	require.NoError(t, err)
	defer s2.Close()
	assert.Equal(t, before, export(t, s2), "the journal replays to what readers saw")
}

func mustOpenFile(t *testing.T, path string) *p.FileJournal {
	t.Helper()
	j, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	return j
}

// syncFailsOnce is a memory journal whose next Sync fails, as a disk
// that took the write but not the flush.
type syncFailsOnce struct {
	*p.MemoryJournal
	fail bool
}

func (j *syncFailsOnce) Sync() error {
	if j.fail {
		j.fail = false
		return errors.New("sync failed")
	}
	return nil
}

// TestErasureNotDurableHalts: an erasure whose sync fails is answered
// with an error that says the key is kept and the store takes no more
// changes — and so it is: the next command is refused, the key still
// opens, and readers never see the erasure in this store.
func TestErasureNotDurableHalts(t *testing.T) {
	t.Run("PRIV-2_an_erasure_that_cannot_be_made_durable_keeps_the_key_and_halts_the_store", func(t *testing.T) {
		ctx := context.Background()
		j := &syncFailsOnce{MemoryJournal: p.NewMemoryJournal()}
		s, err := p.Open(ctx, &p.Config{Journal: j, Keys: p.NewMemoryKeyStore(), Clock: p.NewManualClock(t0), Rand: &rng{x: 5}, Modules: []p.Module{personModule(), tallyModule()}})
		require.NoError(t, err)
		defer s.Close()
		ids := p.NewIDGen(&rng{x: 77})
		id, err := ids.New(t0)
		require.NoError(t, err)
		require.NoError(t, sealPerson(ctx, s, id, "Maija", nil))
		head, _ := s.Head()
		j.fail = true
		err = s.EraseSubject(ctx, admin, id, "pyyntö")
		require.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)

		err = addTally(ctx, s)
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "the store took a change after an erasure it could not make durable: %v", err)
		after, _ := s.Head()
		assert.Equal(t, head, after, "readers see nothing after the erasure that failed")
		_, err = s.Vault().Open(sealedNameOf(t, s, id))
		assert.NoError(t, err, "the key is kept")
	})
}
