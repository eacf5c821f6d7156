package participation

import (
	"context"
	"errors"
	mrand "math/rand/v2"
	"time"
)

// request is a command waiting for the write path.
type request struct {
	ctx    context.Context
	actor  Actor
	action Action
	fn     func(tx *Tx) error
	err    error // what the command's last run came to
	// alone: the command's events made a journal refuse an append of
	// several commands (EINVALID), so it runs in a group of its own.
	alone bool
	// wake is signalled when the request is answered or put back in the
	// queue; its caller then reads answered and out under Store.qmu.
	wake     chan struct{}
	queued   bool  // in Store.queue, guarded by Store.qmu
	answered bool  // guarded by Store.qmu (Store.mu in the browser)
	out      error // the answer, once answered
}

// run calls the command's function, turning a panic into an error.
func (r *request) run(tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = Errorf(EINTERNAL, "command %s failed: %v", r.action, p)
		}
	}()
	return r.fn(tx)
}

// anonymous reports whether everything a command causes is anonymous
// (PRIV-1, see [Tx.Anonymous]).
func (s *Store) anonymous(r *request) bool {
	return s.policy.Anonymous(r.action) || r.actor.Role == RoleAnonymous || r.actor.Role == RoleDevice
}

// splitHeld releases what an hour that is over holds — a failure is
// retried before the next command — and parts a group into its named
// commands and the anonymous ones to hold (PRIV-1). Call with s.mu held
// and an inbox.
func (s *Store) splitHeld(group []*request) (named, anon []*request) {
	_ = s.release(context.Background())
	for _, q := range group {
		if s.isHeld(q) {
			anon = append(anon, q)
		} else {
			named = append(named, q)
		}
	}
	return named, anon
}

// member is a command of a group that ran and emitted events.
type member struct {
	r      *request
	tx     *Tx
	events []Event
}

// commitGroup runs the commands of a group one after another on the
// write side, appends all their events at once, and then makes them
// visible; each command's answer is left in its err. When another store
// took the journal's next sequence number first, it catches up and runs
// the group again. This is the synchronous path, for shared journals and
// commands that run alone: call with s.mu held and nothing in flight
// (see [Store.settle]).
func (s *Store) commitGroup(group []*request) {
	var unlock func()
	defer func() {
		if unlock != nil {
			unlock()
		}
	}()
	for attempt := 0; ; attempt++ {
		ran, all, err := s.tryGroup(group)
		if len(all) == 0 || err == nil {
			return
		}
		switch ErrorCode(err) {
		case ECONFLICT:
			if attempt == maxRetries {
				err = Errorf(ECONFLICT, "other instances kept appending first %d times; try again", maxRetries)
				break
			}
			if locker, ok := s.journal.(Locker); ok && attempt >= 1 && unlock == nil {
				// Lost twice: take the right to append, so that no
				// instance that keeps winning can starve this one.
				if unlock, err = locker.LockAppends(context.Background()); err != nil {
					unlock = nil
					break
				}
			} else if unlock == nil {
				// Back off a random while, longer after each loss.
				time.Sleep(time.Duration(mrand.Int64N(int64(min(time.Millisecond<<min(attempt, 6), 50*time.Millisecond)) + 1)))
			}
			if err = s.apply(context.Background(), 1, true); err != nil {
				break
			}
			continue
		case EINVALID:
			if len(ran) > 1 {
				// One command's events were refused (a payload over a
				// journal's limit): run each command of the group alone,
				// so that only that one fails.
				for _, m := range ran {
					m.r.err = s.alone(m.r)
				}
				return
			}
		}
		var e *Error
		if !errors.As(err, &e) {
			err = Internal(err, "the journal refused the events")
		}
		for _, m := range ran {
			m.r.err = err
		}
		return
	}
}

// tryGroup runs the group once: every command on the write side, then
// one append. On success the group is published; on failure the write
// side is set back to what readers see and the error returned.
func (s *Store) tryGroup(group []*request) (ran []member, all []Event, err error) {
	seq, head := s.seq, s.head
	var pending []staged
	for _, r := range group {
		r.err = nil
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		tx, evs, err := s.runOne(r, pending)
		if err != nil {
			r.err = err
			continue
		}
		if len(evs) == 0 {
			continue
		}
		ran = append(ran, member{r, tx, evs})
		all = append(all, evs...)
		pending = append(pending, tx.staged...)
	}
	if len(all) == 0 {
		return nil, nil, nil
	}
	// The indexes follow the group's rows while the events are on their
	// way; the snapshot after the append waits for them.
	err = s.appendGroup(all)
	if err == nil && s.erases(ran) {
		// A key is destroyed only once its erasure is on stable storage,
		// whatever the sync policy: otherwise a crash could leave data
		// whose key is gone without a recorded erasure.
		if sj, ok := s.journal.(Syncer); ok {
			if serr := sj.Sync(); serr != nil {
				err = s.erasureNotDurable(serr)
			}
		}
	}
	if err != nil {
		// Nothing of the group is acknowledged or seen: the write side
		// goes back to what readers see, and hooks never run.
		s.side = s.pub.Load().snapshot()
		s.seq, s.head = seq, head
		return ran, all, err
	}
	s.publishGroup(ran, all, s.side.snapshot(), s.seq, s.head)
	return ran, all, nil
}

// alone runs one command as a group of its own. Call with s.mu held.
func (s *Store) alone(r *request) error {
	r.err = nil
	s.commitGroup([]*request{r})
	return r.err
}

func (s *Store) erases(ran []member) bool {
	for _, m := range ran {
		if len(m.tx.erased) > 0 {
			return true
		}
	}
	return false
}

// runOne runs a command on the write side: fn in a write transaction of
// its own, which commits to the write side (not to readers) when fn
// succeeds, so the next command of the group sees its effect. Hooks wait
// for the group's append. pending is what earlier commands of the group
// staged.
func (s *Store) runOne(r *request, pending []staged) (tx *Tx, evs []Event, err error) {
	txn := s.writeSide()
	defer txn.Abort()
	tx = &Tx{txn: txn, s: s, now: s.clock.Now().UTC().Round(0), actor: r.actor, action: r.action, pending: pending, anon: s.anonymous(r)}
	if err := r.run(tx); err != nil {
		return nil, nil, err
	}
	if len(tx.events) == 0 {
		return tx, nil, nil
	}
	evs = tx.events
	evs[len(evs)-1].End = true
	prev := s.head
	for i := range evs {
		evs[i].Prev = prev
		evs[i].Hash = evs[i].ComputeHash()
		prev = evs[i].Hash
	}
	txn.Commit()
	s.seq, s.head = evs[len(evs)-1].Seq, prev
	return tx, evs, nil
}

// publishGroup makes a journalled group visible: it merges what the
// commands kept outside memdb, makes snap (the write side at the group's
// end, at seq) what readers see, destroys the keys of erased subjects and
// wakes the change feed. Call with s.mu held and nothing in flight, or
// from the appender with pmu held.
func (s *Store) publishGroup(ran []member, all []Event, snap world, seq uint64, head Hash) {
	for _, m := range ran {
		m.tx.runHooks()
	}
	s.appendHistory(all)
	s.setPublished(snap, seq, head)
	for _, m := range ran {
		for _, subject := range m.tx.erased {
			// The erasure is journalled and the key leaves memory whatever
			// happens; a key store that cannot destroy the key durably is
			// reported, and the next open destroys it or refuses to open.
			if err := s.vault.Erase(subject); err != nil && m.r.err == nil {
				m.r.err = Unavailable(err, "the erasure of %s is recorded and its data no longer opens, but its key could not be destroyed in the key store; it is destroyed when the store next opens, which fails until the key store allows it", subject)
			}
		}
	}
	snapshotsLeft(s, ran)
	if len(all) > 0 {
		s.publish(all)
	}
}
