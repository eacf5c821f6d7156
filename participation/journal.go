package participation

import (
	"context"
	"sync"
)

// Journal is the durable, ordered record of every committed event. The
// store appends to it inside the write path and replays it when it opens.
// A journal checks order, not hashes; the store and [Verify] walk the hash
// chain. Implementations must pass journaltest.Run.
type Journal interface {
	// Append stores the events of one command, which continue the journal
	// without a gap: events[0].Seq is one past the last stored event, or
	// Append fails with ECONFLICT and stores nothing. When Append returns
	// nil the events are as durable as the journal's sync policy promises;
	// when it returns an error none of them is stored.
	Append(ctx context.Context, events []Event) error
	// Read calls fn, in order, for every stored event with Seq >= from,
	// and stops at the first error fn returns, returning it. Damage is
	// reported as a *CorruptError naming the first bad sequence number.
	// Read may run while Append does; it sees a prefix of the journal.
	Read(ctx context.Context, from uint64, fn func(Event) error) error
	// Close releases the journal; pending writes are flushed first.
	Close() error
}

// MemoryJournal keeps events in memory: the default journal, for tests,
// the browser and anything that may forget on exit.
type MemoryJournal struct {
	mu     sync.RWMutex
	events []Event
	closed bool
}

// NewMemoryJournal returns an empty in-memory journal.
func NewMemoryJournal() *MemoryJournal { return &MemoryJournal{} }

// Append implements [Journal].
func (j *MemoryJournal) Append(ctx context.Context, events []Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return Errorf(EINTERNAL, "the journal is closed")
	}
	if err := checkContinues(uint64(len(j.events)), events); err != nil {
		return err
	}
	j.events = append(j.events, events...)
	return nil
}

// Read implements [Journal].
func (j *MemoryJournal) Read(ctx context.Context, from uint64, fn func(Event) error) error {
	j.mu.RLock()
	evs := j.events[:len(j.events):len(j.events)]
	j.mu.RUnlock()
	if from == 0 {
		from = 1
	}
	for i := from - 1; i < uint64(len(evs)); i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(evs[i]); err != nil {
			return err
		}
	}
	return nil
}

// Len returns the number of stored events.
func (j *MemoryJournal) Len() int {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return len(j.events)
}

// Close implements [Journal].
func (j *MemoryJournal) Close() error {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	return nil
}

// checkContinues checks that events continue a journal whose last event is
// last, one by one.
func checkContinues(last uint64, events []Event) error {
	if len(events) == 0 {
		return Errorf(EINVALID, "append needs at least one event")
	}
	for i, e := range events {
		if e.Seq != last+1+uint64(i) {
			return Errorf(ECONFLICT, "event sequence %d does not continue the journal, which ends at %d", e.Seq, last+uint64(i))
		}
	}
	if !events[len(events)-1].End {
		return Errorf(EINVALID, "the last event of an append must end the command")
	}
	return nil
}
