package participation

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/go-memdb"
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
	snap   *memdb.MemDB
	seq    uint64
	head   Hash
}

func (s *Store) initPipe(j Journal) {
	s.pcond.L = &s.pmu
	_, notifier := j.(Notifier)
	_, locker := j.(Locker)
	s.synchronous.Store(notifier || locker)
	s.published.Store(&Head{})
}

// setPublished makes db what readers see, at the journal position seq.
func (s *Store) setPublished(db *memdb.MemDB, seq uint64, head Hash) {
	s.pub.Store(db)
	s.published.Store(&Head{Seq: seq, Hash: head})
}

// runGroup runs a group on the write side and hands it to the journal.
// It reports whether the caller is to run the appender. Call with s.mu
// held.
func (s *Store) runGroup(group []*request) (appender bool) {
	b := &batch{reqs: group}
	s.pmu.Lock()
	s.running = true
	s.pmu.Unlock()
	for _, r := range group {
		r.err = nil
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		s.pmu.Lock()
		tx, evs, err := s.runOne(r, s.inflightStaged(b.staged))
		s.pmu.Unlock()
		if err != nil {
			r.err = err
			continue
		}
		if len(evs) == 0 {
			continue
		}
		b.ran = append(b.ran, member{r, tx, evs})
		b.all = append(b.all, evs...)
		b.staged = append(b.staged, tx.staged...)
	}
	b.snap, b.seq, b.head = s.db.Snapshot(), s.seq, s.head
	s.pmu.Lock()
	defer s.pmu.Unlock()
	s.running = false
	s.pushes++
	s.pcond.Broadcast()
	switch {
	case s.reset:
		// An append that this group followed failed while it ran.
		s.requeue(group)
		return false
	case len(s.pipe) == 0 && len(b.all) == 0:
		// Nothing to journal, and it read nothing that is not durable.
		for _, r := range group {
			s.answer(r, r.err)
		}
		return false
	}
	s.pipe = append(s.pipe, b)
	if s.appending {
		return false
	}
	s.appending = true
	return true
}

// inflightStaged is what the groups in flight staged, followed by own.
// Call with pmu held.
func (s *Store) inflightStaged(own []staged) []staged {
	if len(s.pipe) == 0 {
		return own
	}
	var out []staged
	for _, b := range s.pipe {
		out = append(out, b.staged...)
	}
	return append(out, own...)
}

// appendLoop appends and publishes the batches in the pipe until it is
// empty. A caller runs it while its own command is in flight and hands
// what remains to a goroutine of its own once it is not.
func (s *Store) appendLoop(own *request) {
	for {
		s.pmu.Lock()
		if len(s.pipe) == 0 {
			s.appending = false
			s.pmu.Unlock()
			return
		}
		if own != nil {
			s.qmu.Lock()
			gone := own.answered || own.queued
			s.qmu.Unlock()
			if gone {
				s.pmu.Unlock()
				go s.appendLoop(nil)
				return
			}
		}
		if s.running {
			// A group is being run: its commands — often those of the
			// callers the last append answered — share this append if
			// it waits for them, rather than the next one. It waits for
			// that one group only.
			n := s.pushes
			for s.running && s.pushes == n {
				s.pcond.Wait()
			}
		}
		todo := s.pipe[:len(s.pipe):len(s.pipe)]
		s.inAppend = len(todo)
		s.pmu.Unlock()

		all := todo[0].all
		if len(todo) > 1 {
			all = nil
			for _, b := range todo {
				all = append(all, b.all...)
			}
		}
		var err error
		if len(all) > 0 {
			err = s.journal.Append(context.Background(), all)
		}
		if err == nil && s.batchesErase(todo) {
			// A key is destroyed only once its erasure is on stable
			// storage, whatever the sync policy.
			if sj, ok := s.journal.(Syncer); ok {
				if serr := sj.Sync(); serr != nil {
					err = erasureNotDurable(serr)
				}
			}
		}

		s.pmu.Lock()
		s.inAppend = 0
		if err != nil {
			s.failPipe(len(todo), err)
		} else {
			for _, b := range todo {
				s.publishGroup(b.ran, b.all, b.snap, b.seq, b.head)
				for _, r := range b.reqs {
					s.answer(r, r.err)
				}
			}
			clear(s.pipe[:len(todo)])
			s.pipe = s.pipe[len(todo):]
		}
		s.pcond.Broadcast()
		s.pmu.Unlock()
		// The callers just answered come back with their next commands
		// before the next append starts, if they have any.
		runtime.Gosched()
	}
}

func (s *Store) batchesErase(bs []*batch) bool {
	for _, b := range bs {
		if s.erases(b.ran) {
			return true
		}
	}
	return false
}

// failPipe handles the failure of the append of the first n batches:
// nothing of them or of the batches after them is published (see the
// top of this file). Call with pmu held.
func (s *Store) failPipe(n int, err error) {
	var again []*request
	emitting := 0
	for _, b := range s.pipe[:n] {
		emitting += len(b.ran)
	}
	switch code := ErrorCode(err); {
	case code == ECONFLICT:
		// Another store appended to the journal first: it is shared.
		s.synchronous.Store(true)
		for _, b := range s.pipe[:n] {
			again = append(again, b.reqs...)
		}
	case code == EINVALID && emitting > 1:
		// One command's events were refused (a payload over the
		// journal's limit): each runs again alone, so only that one fails.
		for _, b := range s.pipe[:n] {
			for _, m := range b.ran {
				m.r.alone = true
			}
			again = append(again, b.reqs...)
		}
	default:
		var e *Error
		if !errors.As(err, &e) {
			err = Internal(err, "the journal refused the events")
		}
		for _, b := range s.pipe[:n] {
			emitted := make(map[*request]bool, len(b.ran))
			for _, m := range b.ran {
				emitted[m.r] = true
				s.answer(m.r, err)
			}
			for _, r := range b.reqs {
				if !emitted[r] {
					// It read state that is gone: it runs again.
					again = append(again, r)
				}
			}
		}
	}
	for _, b := range s.pipe[n:] {
		again = append(again, b.reqs...)
	}
	clear(s.pipe)
	s.pipe = nil
	s.reset = true
	s.requeue(again)
}

// recoverPipe sets the write side back to what readers see after a
// failed append, once nothing is in flight. Call with s.mu held.
func (s *Store) recoverPipe() {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	if s.reset && len(s.pipe) == 0 {
		h := s.published.Load()
		s.db = s.pub.Load().Snapshot()
		s.seq, s.head = h.Seq, h.Hash
		s.reset = false
	}
}

// settle waits until every batch in flight is published or failed, and
// sets the write side back after a failure: the synchronous paths (held
// commands, their release, catching up, closing) start from what readers
// see. Call with s.mu held.
func (s *Store) settle() {
	s.pmu.Lock()
	for len(s.pipe) > 0 {
		s.pcond.Wait()
	}
	s.pmu.Unlock()
	s.recoverPipe()
}
