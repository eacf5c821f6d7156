//go:build js && wasm

package participation

import "context"

// pipelining: in the browser one goroutine runs at a time, and the
// module's size is budgeted: every group commits on the synchronous path
// (see pipeline.go), and the pipeline is left out.
const pipelining = false

// gathering: the browser's build has no pipeline to gather commands for.
type gathering struct{}

// writeSide opens a write transaction on the write side.
func (s *Store) writeSide() *dbTxn { return writeTxn(&s.side) }

// execGroup queues a command and, unless an earlier caller's group took
// it meanwhile, leads a group of every command queued, on the synchronous
// path: the first caller to get the write path runs all that wait.
func (s *Store) execGroup(ctx context.Context, actor Actor, action Action, fn func(tx *Tx) error) error {
	r := &request{ctx: ctx, actor: actor, action: action, fn: fn}
	s.qmu.Lock()
	s.queue = append(s.queue, r)
	s.qmu.Unlock()

	s.mu.Lock()
	defer s.mu.Unlock()
	if r.answered {
		return r.err
	}
	s.qmu.Lock()
	group := s.queue
	s.queue = nil
	s.qmu.Unlock()
	for _, q := range group {
		q.answered = true // once s.mu is let go
	}
	if s.closed {
		for _, q := range group {
			q.err = Errorf(EINTERNAL, "the store is closed")
		}
		return r.err
	}
	if err := s.haltedErr(); err != nil {
		for _, q := range group {
			q.err = err
		}
		return r.err
	}
	if s.inbox != nil {
		named, anon := s.splitHeld(group)
		if len(anon) > 0 {
			s.holdGroup(anon)
		}
		group = named
	}
	if len(group) > 0 {
		s.commitGroup(group)
	}
	return r.err
}

// settle has nothing to wait for: no group is ever in flight.
func (s *Store) settle() {}

// appendGroup appends a group's events: the browser's build keeps no
// indexes of its own to settle meanwhile.
func (s *Store) appendGroup(all []Event) error {
	return s.journal.Append(context.Background(), all)
}
