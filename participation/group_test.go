package participation_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// heldJournal is a memory journal whose appends can be held at the door
// and made to fail, to see what a group of commands looks like while its
// append is in flight.
type heldJournal struct {
	*p.MemoryJournal
	mu      sync.Mutex
	hold    chan struct{}   // appends wait on it while set
	entered chan int        // each held append says how many commands it carries
	fail    error           // the next append fails with it
	calls   []int           // commands per append
	held    []chan struct{} // the holds not yet released
	open    bool            // unhold was called: nothing is held any more
}

func (j *heldJournal) Append(ctx context.Context, evs []p.Event) error {
	ends := 0
	for _, e := range evs {
		if e.End {
			ends++
		}
	}
	j.mu.Lock()
	hold, fail := j.hold, j.fail
	j.fail = nil
	j.calls = append(j.calls, ends)
	j.mu.Unlock()
	if hold != nil {
		j.entered <- ends
		<-hold
	}
	if fail != nil {
		return fail
	}
	return j.MemoryJournal.Append(ctx, evs)
}

func (j *heldJournal) holdNext() chan struct{} {
	j.mu.Lock()
	defer j.mu.Unlock()
	h := make(chan struct{})
	if j.open {
		close(h)
		return h
	}
	j.hold = h
	j.held = append(j.held, h)
	return h
}

// release lets the appends held on h through.
func (j *heldJournal) release(h chan struct{}) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.hold == h {
		j.hold = nil
	}
	if i := slices.Index(j.held, h); i >= 0 {
		j.held = slices.Delete(j.held, i, i+1)
		close(h)
	}
}

// unhold lets every append through from now on, those held too: what a
// test defers before its store's Close, so that a test that fails while
// an append is held reports its failure instead of waiting in Close for
// an append that never returns.
func (j *heldJournal) unhold() {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, h := range j.held {
		close(h)
	}
	j.held, j.hold, j.open = nil, nil, true
}

// queueBehind submits one command whose append j holds (first), then n
// more that queue behind it, and returns once all n have run on the
// write side and wait in the pipe for the journal — not merely queued: a
// command still queued when the first append returns would go to the
// journal after the others. It returns the channel that releases the
// first append, the first command's answer, and the others' answers once
// wg is done.
func queueBehind(t *testing.T, s *p.Store, j *heldJournal, n int, submit func(i int) error) (first chan struct{}, firstDone chan error, wg *sync.WaitGroup, errs []error) {
	t.Helper()
	first = j.holdNext()
	firstDone = make(chan error, 1)
	go func() { firstDone <- submit(0) }()
	require.Equal(t, 1, <-j.entered)
	wg = &sync.WaitGroup{}
	errs = make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = submit(i + 1) }()
	}
	for p.InFlight(s) < n {
		runtime.Gosched()
	}
	return first, firstDone, wg, errs
}

// houseEvents counts the activity of the house of participation, which
// the kernel keeps outside memdb (merged by commit hooks).
func houseEvents(t *testing.T, s *p.Store) int {
	t.Helper()
	h, err := p.HouseProfile(s.View(), p.HouseFilter{})
	require.NoError(t, err)
	n := 0
	for _, f := range h.Floors {
		n += f.Events
	}
	return n
}

// TestGroupCommit: commands that arrive while an append is in flight are
// journalled together in one append, each caller is answered after it,
// and nothing of the group — no row, no aggregate kept outside memdb, no
// feed event — is visible before it.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	j := &heldJournal{MemoryJournal: p.NewMemoryJournal(), entered: make(chan int, 16)}
	s, err := p.Open(ctx, &p.Config{Journal: j, Modules: []p.Module{feedback.Module(nil)}})
	require.NoError(t, err)
	defer s.Close()
	defer j.unhold()
	submit := func(i int) error {
		_, err := s.Submit(ctx, client, input(fmt.Sprintf("ehdotus %d", i)))
		return err
	}

	// The first command's append is held; seven more queue behind it.
	const n = 7
	first, firstDone, wg, errs := queueBehind(t, s, j, n, submit)
	second := j.holdNext()
	j.release(first)
	require.NoError(t, <-firstDone)
	require.Equal(t, n, <-j.entered, "the seven waiting commands go to the journal in one append")

	// The group's append is in flight: none of it is visible.
	assert.Equal(t, 1, houseEvents(t, s), "the house, kept outside memdb, shows only the journalled command")
	rows, err := p.Collect[*p.Contribution](s.View(), p.TableContributions, "id", nil)
	require.NoError(t, err)
	assert.Len(t, rows, 1, "only the journalled contribution is a row")
	sub := s.Subscribe(1)
	e, err := sub.Next(ctx)
	require.NoError(t, err)
	waitCtx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = sub.Next(waitCtx)
	assert.ErrorIs(t, err, context.Canceled, "the feed holds only the first command (event %d)", e.Seq)

	j.release(second)
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, 1+n, houseEvents(t, s), "every command of the group is visible once journalled")
	assert.Equal(t, []int{1, n}, j.calls)
	head, err := s.Verify(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(1+n), head.Seq)
}

// TestGroupCommitFailure: when a group's append fails, every command of
// it fails, none is visible, and the next command continues the journal
// from the last one that was journalled.
func TestGroupCommitFailure(t *testing.T) {
	ctx := context.Background()
	j := &heldJournal{MemoryJournal: p.NewMemoryJournal(), entered: make(chan int, 16)}
	keys := p.NewMemoryKeyStore()
	s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Modules: []p.Module{feedback.Module(nil)}})
	require.NoError(t, err)
	defer s.Close()
	defer j.unhold()
	submit := func(i int) error {
		_, err := s.Submit(ctx, client, input(fmt.Sprintf("ehdotus %d", i)))
		return err
	}
	const n = 5
	first, firstDone, wg, errs := queueBehind(t, s, j, n, submit)
	j.mu.Lock()
	j.fail = p.Unavailable(errors.New("disk gone"), "writing to the journal") // the group's append
	j.mu.Unlock()
	j.release(first)
	require.NoError(t, <-firstDone)
	wg.Wait()
	for _, err := range errs {
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "every command of the failed group fails: %v", err)
	}
	assert.Equal(t, 1, houseEvents(t, s), "nothing of the failed group is visible")
	rows, err := p.Collect[*p.Contribution](s.View(), p.TableContributions, "id", nil)
	require.NoError(t, err)
	assert.Len(t, rows, 1)
	require.NoError(t, submit(9), "the next command goes through")
	head, err := s.Verify(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), head.Seq, "the journal continues from before the failed group")
	assert.Equal(t, 2, houseEvents(t, s))
	buf1, buf2 := &bytesBuffer{}, &bytesBuffer{}
	require.NoError(t, s.Export(buf1))
	s2, err := p.Open(ctx, &p.Config{Journal: j.MemoryJournal, Keys: keys, Modules: []p.Module{feedback.Module(nil)}})
	require.NoError(t, err)
	require.NoError(t, s2.Export(buf2))
	assert.Equal(t, string(buf1.b), string(buf2.b), "the state after the failure is what the journal replays to")
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
