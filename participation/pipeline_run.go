//go:build !(js && wasm)

package participation

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync/atomic"
	"time"
)

// pipelining: groups are run while the groups before them are appended
// (see pipeline.go).
const pipelining = true

// gathering is what lets one group, and one append, carry the commands of
// callers who come straight back with their next one — workers in a
// loop, a client's requests one after another. An append answers its
// callers all at once, but on a machine of few cores they come back one
// at a time, as the scheduler runs them; without waiting for one another
// each would lead a group of its own, one after another, and the
// appender would take the first alone into an fsync of its own. So a
// command that arrives while answered callers are still on their way
// back yields a few times, for them to queue, and the first to lead then
// runs them all in one group ([Store.gather]); and the appender waits
// for what is on its way, up to as many commands as its last append
// carried ([Store.appendLoop]). Neither wait is a promise that anyone
// comes: both are bounded by a number of yields, so a caller who does not
// come back costs a few yields and no more.
//
// On the synchronous path (a shared journal) a leader holds the write
// path through the append, and the callers it answers are those waiting
// for it. Each must leave at once, leading nobody: when they led the
// commands queued meanwhile on their way out, each a few, the groups
// stayed small, and yielding for them cost PostgreSQL's eight writers a
// fifth of their commits. So there a caller whose command is still queued
// waits, before it takes the write path, for the callers on their way
// back, up to as many commands as the last group held ([Store.gather]).
// And the caller who gets the write path once a group is answered waits,
// holding it, while that group's callers are on their way back
// ([Store.awaitReturning]): the callers who were waiting for the write
// path had gathered before it was free, so a group held only them, and
// eight writers settled into two halves of three or four commands taking
// turns, each half's append beside nothing.
type gathering struct {
	// returning counts the callers answered who have not yet left
	// execGroup. Guarded by qmu.
	returning int
	// lastAppend is how many commands the last append carried. Guarded
	// by pmu. lastGroup is how many the last group of the synchronous
	// path held.
	lastAppend int
	lastGroup  atomic.Int64
	// group is the table of contributions of the group being run, which
	// its commands after the first change in place (see dbTxn.group);
	// inPlace counts those commands. Guarded by mu.
	group   *groupTable
	inPlace int
	// appendTook is how long the last append took, in nanoseconds (see
	// appendGroup). With backgroundAlways, which tests set, every
	// group's indexes follow on a goroutine of their own.
	appendTook       atomic.Int64
	backgroundAlways atomic.Bool
}

// gather yields, before the caller of own goes for the write path and
// for gatherYields yields at most, while callers answered are on their
// way back (see gathering): on the pipelined path until none is; on the
// synchronous path until own is taken or as many commands are queued as
// the last group held.
func (s *Store) gather(own *request) {
	sync := s.synchronous.Load()
	s.yieldWhile(func() bool {
		return s.returning > 0 && (!sync || own.queued && len(s.queue) < int(s.lastGroup.Load()))
	})
}

// awaitReturning yields, for gatherYields yields at most, while callers
// answered are on their way back and own is queued: on the synchronous
// path, where the caller holds the write path, so that the group it is
// about to take holds their next commands too. Call with s.mu held.
func (s *Store) awaitReturning(own *request) {
	s.yieldWhile(func() bool { return s.returning > 0 && own.queued })
}

// yieldWhile yields, gatherYields times at most, while wait, called with
// qmu held, says to.
func (s *Store) yieldWhile(wait func() bool) {
	for range gatherYields {
		s.qmu.Lock()
		w := wait()
		s.qmu.Unlock()
		if !w {
			return
		}
		runtime.Gosched()
	}
}

// writeSide opens a write transaction on the write side, as a command of
// the group being run if there is one.
func (s *Store) writeSide() *dbTxn {
	txn := writeTxn(&s.side)
	txn.group = s.group
	txn.lazy = s.lazyIndexes()
	return txn
}

// appendGroup appends a group's events, run on the write side, and
// brings the write side's indexes up to date meanwhile: between sending
// the events and waiting for the answer if the journal is a [Sender],
// and otherwise as settleWhile does.
func (s *Store) appendGroup(all []Event) error {
	if sj, ok := s.journal.(Sender); ok {
		wait := sj.Send(context.Background(), all)
		s.side.settleWhile(false)
		return wait()
	}
	s.side.settleWhile(s.appendsWait())
	return s.timedAppend(all)
}

// slowAppend is how long an append must have taken for the next group's
// indexes to be brought up to date on a goroutine of their own while it
// is appended. Below it the goroutine costs more than it saves: on the
// memory journal it cost a command 8 %, on PostgreSQL as much as the
// indexes it took off (a [Sender] needs none). An fsync takes several
// times as long.
const slowAppend = 50 * time.Microsecond

// lazyIndexes reports whether a command's index changes are to wait
// for the append of its group, to be made meanwhile (see appendGroup):
// when the journal is a [Sender] or the last append was slow. Otherwise
// they are made as each row is written, as in a replay.
func (s *Store) lazyIndexes() bool {
	_, send := s.journal.(Sender)
	return send || s.appendsWait()
}

// appendsWait reports whether the last append took slowAppend or longer.
func (s *Store) appendsWait() bool {
	return s.appendTook.Load() >= int64(slowAppend) || s.backgroundAlways.Load()
}

// timedAppend appends events and notes how long it took.
func (s *Store) timedAppend(all []Event) error {
	start := time.Now()
	err := s.journal.Append(context.Background(), all)
	s.appendTook.Store(int64(time.Since(start)))
	return err
}

// The most yields a command makes for returning callers (a few
// microseconds each), and the most times the appender waits, for a group
// being run or with a yield, before it appends what it has.
const (
	gatherYields = 8
	appendYields = 16
)

// execGroup queues a command and waits for its answer. Unless an earlier
// caller's group took it meanwhile, the caller leads a group of every
// command queued: the first caller to get the write path runs all that
// wait (see [Store.lead]).
func (s *Store) execGroup(ctx context.Context, actor Actor, action Action, fn func(tx *Tx) error) error {
	r := &request{ctx: ctx, actor: actor, action: action, fn: fn, wake: make(chan struct{}, 1)}
	s.qmu.Lock()
	s.queue = append(s.queue, r)
	r.queued = true
	s.qmu.Unlock()
	s.gather(r)
	for {
		s.qmu.Lock()
		queued := r.queued
		s.qmu.Unlock()
		if queued && s.lead(r) {
			s.appendLoop(r)
		}
		<-r.wake
		s.qmu.Lock()
		answered, out := r.answered, r.out
		if answered {
			s.returning--
		}
		s.qmu.Unlock()
		if answered {
			return out
		}
		// Put back in the queue: an append it was to follow failed.
	}
}

// answer gives a command its answer and wakes its caller.
func (s *Store) answer(r *request, err error) {
	s.qmu.Lock()
	r.answered, r.out = true, err
	s.returning++
	s.qmu.Unlock()
	signal(r.wake)
}

// requeue puts commands back at the head of the queue, in order, to run
// again, and wakes their callers, so that one of them leads.
func (s *Store) requeue(rs []*request) {
	if len(rs) == 0 {
		return
	}
	s.qmu.Lock()
	for _, r := range rs {
		r.queued = true
	}
	s.queue = append(slices.Clone(rs), s.queue...)
	s.qmu.Unlock()
	for _, r := range rs {
		signal(r.wake)
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// lead takes every queued command, own's among them unless another
// leader took it, and runs them under the write lock: anonymous ones to
// be held until their hour ends, the rest as a group. It reports whether
// the caller is to append the groups handed to the journal (see
// [Store.appendLoop]).
func (s *Store) lead(own *request) (appender bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.synchronous.Load() {
		s.awaitReturning(own)
	}
	s.qmu.Lock()
	if !own.queued {
		// Another leader took it meanwhile, and the callers queued since
		// lead their own: this one goes back to its caller at once.
		s.qmu.Unlock()
		return false
	}
	group := s.queue
	s.queue = nil
	for _, q := range group {
		q.queued = false
	}
	s.qmu.Unlock()
	if len(group) == 0 {
		return false
	}
	if s.closed {
		for _, q := range group {
			s.answer(q, Errorf(EINTERNAL, "the store is closed"))
		}
		return false
	}
	s.recoverPipe()
	if err := s.haltedErr(); err != nil {
		for _, q := range group {
			s.answer(q, err)
		}
		return false
	}
	if s.inbox != nil {
		named, anon := s.splitHeld(group)
		if len(anon) > 0 {
			// Held commands run against what readers see.
			s.settle()
			s.holdGroup(anon)
			for _, q := range anon {
				s.answer(q, q.err)
			}
		}
		group = named
	}
	var rest []*request
	for _, q := range group {
		if !q.alone {
			rest = append(rest, q)
			continue
		}
		s.settle()
		q.err = s.alone(q)
		s.answer(q, q.err)
	}
	group = rest
	if len(group) == 0 {
		return false
	}
	if s.synchronous.Load() {
		s.settle()
		s.commitGroup(group)
		s.lastGroup.Store(int64(len(group)))
		for _, q := range group {
			s.answer(q, q.err)
		}
		return false
	}
	return s.runGroup(group)
}

// runGroup runs a group on the write side and hands it to the journal.
// It reports whether the caller is to run the appender. Call with s.mu
// held.
func (s *Store) runGroup(group []*request) (appender bool) {
	b := &batch{reqs: group}
	// The group's commands change the contributions' table in place
	// after the first has copied it (see dbTxn.group); the snapshot at
	// the group's end is the last to see it change.
	s.group = &groupTable{size: len(group)}
	s.pmu.Lock()
	s.running = true
	s.pmu.Unlock()
	for i, r := range group {
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
		if b.ran == nil {
			// Room for the rest of the group, each taken to emit an event
			// at least: growing by doubling made a group's events twice.
			rest := len(group) - i
			b.ran, b.all = make([]member, 0, rest), make([]Event, 0, len(evs)+rest-1)
		}
		b.ran = append(b.ran, member{r, tx, evs})
		b.all = append(b.all, evs...)
		b.staged = append(b.staged, tx.staged...)
	}
	s.inPlace += s.group.inPlace
	s.group = nil
	b.snap, b.seq, b.head = s.side.handOff(s.appendsWait()), s.seq, s.head
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
		// Wait for the commands on their way (see gathering): a group
		// being run — often the callers the last append answered — then
		// commands queued and callers coming back, until the pipe holds
		// as many commands as the last append carried.
		for yields, idle := 0, 0; s.pipeCommands() < s.lastAppend && yields < appendYields; yields++ {
			if s.running {
				n := s.pushes
				for s.running && s.pushes == n {
					s.pcond.Wait()
				}
				continue
			}
			s.qmu.Lock()
			coming := len(s.queue) > 0 || s.returning > 0
			s.qmu.Unlock()
			if !coming {
				if idle == 2 {
					break
				}
				idle++
			}
			s.pmu.Unlock()
			runtime.Gosched()
			s.pmu.Lock()
		}
		s.lastAppend = s.pipeCommands()
		todo := s.pipe[:len(s.pipe):len(s.pipe)]
		s.inAppend = len(todo)
		s.pmu.Unlock()

		all := todo[0].all
		if len(todo) > 1 {
			n := 0
			for _, b := range todo {
				n += len(b.all)
			}
			all = make([]Event, 0, n)
			for _, b := range todo {
				all = append(all, b.all...)
			}
		}
		var err error
		if len(all) > 0 {
			err = s.timedAppend(all)
		}
		if err == nil && s.batchesErase(todo) {
			// A key is destroyed only once its erasure is on stable
			// storage, whatever the sync policy.
			if sj, ok := s.journal.(Syncer); ok {
				if serr := sj.Sync(); serr != nil {
					err = s.erasureNotDurable(serr)
				}
			}
		}

		s.pmu.Lock()
		s.inAppend = 0
		if err != nil {
			s.failPipe(len(todo), err)
		} else {
			for _, b := range todo {
				b.snap.settled()
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

// pipeCommands counts the commands of the batches in the pipe. Call with
// pmu held.
func (s *Store) pipeCommands() int {
	n := 0
	for _, b := range s.pipe {
		n += len(b.reqs)
	}
	return n
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
		s.side = s.pub.Load().snapshot()
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
