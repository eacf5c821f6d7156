package participation

import (
	"sync"
	"sync/atomic"
)

// The commit pipeline. A leader runs a group of commands on the write
// side under s.mu (see [Store.lead]), takes the write side's snapshot at
// the group's end and hands the group to the journal as a batch; then it
// lets go of the write path, so that the next group runs while this one's
// append — one write and one fsync under SyncEveryCommit — is in flight.
// One appender at a time takes every batch waiting, in order, appends
// their events in one call and, once it returns, publishes the batches
// in order: commit hooks, history, the readers' snapshot, erased keys,
// the change feed, and then the answers. Readers see only published
// batches, so nothing is visible before the append that covers it
// returned; a later group sees the earlier ones' effects on the write
// side, and what they staged outside memdb through [Tx.Pending].
//
// If an append fails, nothing of its batches nor of any batch run after
// them is published: their commands that emitted events get the error,
// every other command of theirs runs again, and the write side goes back
// to what readers see before the next group runs. A journal that refuses
// one command's events (EINVALID) has each command of the append run
// again in a group of its own, so only that one fails. A journal that
// another store appended to first (ECONFLICT) is shared: the store runs
// every later group on the synchronous path ([Store.commitGroup]), which
// catches up and retries, as it does from the start over a journal that
// is a [Notifier] or a [Locker].

// pipeState is the store's part for the commit pipeline. pmu guards it,
// and is held while a command runs and while a batch is published, so
// that commit hooks never run beside a command and a command's
// [Tx.Pending] matches the state outside memdb that it reads. Lock order:
// s.mu, then pmu, then qmu.
type pipeState struct {
	gathering
	pmu   sync.Mutex
	pcond sync.Cond // on pmu: broadcast when the pipe shrinks
	// pipe holds the batches handed to the journal and not yet published,
	// in order; the first inAppend are in the appender's hands.
	pipe      []*batch
	inAppend  int
	appending bool // someone runs appendLoop
	// running: a leader runs a group that is not yet handed over; pushes
	// counts the groups handed over.
	running bool
	pushes  uint64
	// reset: an append failed, and the write side goes back to what
	// readers see before the next group runs.
	reset bool
	// synchronous: commit on the synchronous path (a shared journal).
	synchronous atomic.Bool
	// published is the head of what readers see.
	published atomic.Pointer[Head]
}

// batch is a group of commands run on the write side and handed to the
// journal.
type batch struct {
	reqs   []*request // every command of the group, answered together
	ran    []member   // those that emitted events
	all    []Event
	staged []staged // what ran staged, for later commands' Tx.Pending
	snap   world
	seq    uint64
	head   Hash
}

func (s *Store) initPipe(j Journal) {
	s.pcond.L = &s.pmu
	_, notifier := j.(Notifier)
	_, locker := j.(Locker)
	s.synchronous.Store(!pipelining || notifier || locker)
	s.published.Store(&Head{})
}

// setPublished makes w what readers see, at the journal position seq.
func (s *Store) setPublished(w world, seq uint64, head Hash) {
	s.pub.Store(&w)
	s.published.Store(&Head{Seq: seq, Hash: head})
}
