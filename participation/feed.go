package participation

import (
	"context"
	"errors"
)

// publish hands committed events to the change feed. Called with s.mu held,
// so events arrive in commit order. The tail is a ring of the last
// Config.FeedTail events; the channel that wakes waiting subscribers is made
// only when someone waits.
func (s *Store) publish(evs []Event) {
	s.feedMu.Lock()
	for _, e := range evs {
		s.tail[e.Seq%uint64(len(s.tail))] = e
	}
	s.committed = evs[len(evs)-1].Seq
	if first := s.committed + 1; first > uint64(len(s.tail)) && first-uint64(len(s.tail)) > s.tailStart {
		s.tailStart = first - uint64(len(s.tail))
	}
	if s.notify != nil {
		close(s.notify)
		s.notify = nil
	}
	s.feedMu.Unlock()
}

// Subscription reads the change feed: every committed event, in order,
// from a chosen sequence number on. Integrators copy events into their
// own database with it and remember the last Seq they stored, to resume
// after a restart. A slow subscriber never holds up writers: once it falls
// behind the events kept in memory, it reads them back from the journal.
type Subscription struct {
	s    *Store
	next uint64
	buf  []Event
}

// Subscribe starts a subscription at sequence number from (1 for the whole
// history; Head()+1 for only what comes next).
func (s *Store) Subscribe(from uint64) *Subscription {
	if from == 0 {
		from = 1
	}
	return &Subscription{s: s, next: from}
}

// errFeedPage stops a journal read once a page is full.
var errFeedPage = errors.New("page full")

// Next returns the next committed event, waiting for one if need be. It
// returns ctx's error when ctx ends and an EINTERNAL error once the store
// is closed.
func (sub *Subscription) Next(ctx context.Context) (Event, error) {
	for {
		if len(sub.buf) > 0 {
			e := sub.buf[0]
			sub.buf = sub.buf[1:]
			sub.next = e.Seq + 1
			return e, nil
		}
		wait, err := sub.fill(ctx)
		if err != nil {
			return Event{}, err
		}
		if len(sub.buf) > 0 || wait == nil {
			continue
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return Event{}, ctx.Err()
		case <-sub.s.done:
			return Event{}, Errorf(EINTERNAL, "the store is closed")
		}
	}
}

// fill loads the next page of events into buf, or returns the channel that
// closes when more are committed.
func (sub *Subscription) fill(ctx context.Context) (<-chan struct{}, error) {
	const page = 1024
	s := sub.s
	s.feedMu.Lock()
	committed := s.committed
	if sub.next > committed {
		if s.notify == nil {
			s.notify = make(chan struct{})
		}
		wait := s.notify
		s.feedMu.Unlock()
		return wait, nil
	}
	if sub.next >= s.tailStart {
		sub.buf = sub.buf[:0]
		for seq := sub.next; seq <= committed && len(sub.buf) < page; seq++ {
			sub.buf = append(sub.buf, s.tail[seq%uint64(len(s.tail))])
		}
		s.feedMu.Unlock()
		return nil, nil
	}
	s.feedMu.Unlock()
	buf := sub.buf[:0]
	err := s.journal.Read(ctx, sub.next, func(e Event) error {
		if e.Seq > committed || len(buf) == page {
			return errFeedPage
		}
		buf = append(buf, e)
		return nil
	})
	if err != nil && !errors.Is(err, errFeedPage) {
		return nil, err
	}
	sub.buf = buf
	return nil, nil
}
