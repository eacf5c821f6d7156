package participation

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestReplayReadsAhead: an open reads and decodes the journal ahead of
// applying it (several batches here), and still fails exactly where a
// reading in step would: at the first altered event, or at an event whose
// payload does not decode or whose type no module knows — even when a
// later event is broken too — and never at an event after it.
func TestReplayReadsAhead(t *testing.T) {
	ctx := context.Background()
	keys := NewMemoryKeyStore()
	events := submitted(t, keys, 1500)
	// rechain makes the hashes follow the changed events again.
	rechain := func(evs []Event) []Event {
		var prev Hash
		for i := range evs {
			evs[i].Prev = prev
			evs[i].Hash = evs[i].ComputeHash()
			prev = evs[i].Hash
		}
		return evs
	}
	open := func(evs []Event) error {
		j := NewMemoryJournal()
		if err := j.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, &Config{Journal: j, Keys: keys})
		return err
	}
	if err := open(events); err != nil {
		t.Fatalf("the journal as written: %v", err)
	}
	undecodable := func(at int) []Event {
		evs := append([]Event(nil), events...)
		evs[at].Data = []byte(`{"contribution":5}`)
		return evs
	}
	corruptAt := func(err error) uint64 {
		var c *CorruptError
		if !errors.As(err, &c) {
			t.Fatalf("not a corrupt journal: %v", err)
		}
		return c.Seq
	}
	for _, at := range []int{0, 255, 256, 700, 1499} {
		if seq := corruptAt(open(rechain(undecodable(at)))); seq != uint64(at+1) {
			t.Errorf("payload of event %d broken: reported at %d", at+1, seq)
		}
		// An event altered before it (its hash no longer matches) is
		// reported first.
		if at > 0 {
			evs := rechain(undecodable(at))
			evs[at/2].Time = evs[at/2].Time.Add(time.Hour)
			if seq := corruptAt(open(evs)); seq != uint64(at/2+1) {
				t.Errorf("event %d altered, payload of %d broken: reported at %d", at/2+1, at+1, seq)
			}
		}
		// Two broken payloads: the first is reported.
		evs := undecodable(at)
		if at+300 < len(evs) {
			evs[at+300].Data = []byte(`[]`)
		}
		if seq := corruptAt(open(rechain(evs))); seq != uint64(at+1) {
			t.Errorf("payloads of events %d and %d broken: reported at %d", at+1, at+301, seq)
		}
	}
	evs := append([]Event(nil), events...)
	evs[900].Type = "nobody.knows"
	err := open(rechain(evs))
	if e := (*Error)(nil); !errors.As(err, &e) || e.Code != EINTERNAL {
		t.Errorf("an event of a type no module knows: %v", err)
	}
}

// failingReads is a journal whose reading fails at one sequence number,
// as a journal does at a line it cannot read.
type failingReads struct {
	*MemoryJournal
	at uint64
}

func (f *failingReads) Read(ctx context.Context, from uint64, fn func(Event) error) error {
	return f.MemoryJournal.Read(ctx, from, func(e Event) error {
		if e.Seq == f.at {
			return &CorruptError{Seq: e.Seq, Reason: "the line does not read"}
		}
		return fn(e)
	})
}

// TestReplayReadsAheadReadError: when the journal's reading fails, the
// events read before the failure are still applied, so an event altered
// before it is reported first, as a reading in step reports it — also
// when both fall in a batch the reader had not yet handed on.
func TestReplayReadsAheadReadError(t *testing.T) {
	ctx := context.Background()
	keys := NewMemoryKeyStore()
	events := submitted(t, keys, 600)
	for _, c := range []struct{ altered, unreadable int }{{10, 20}, {300, 400}, {520, 580}, {100, 580}, {255, 256}, {1, 600}} {
		evs := append([]Event(nil), events...)
		evs[c.altered-1].Time = evs[c.altered-1].Time.Add(time.Hour)
		mj := NewMemoryJournal()
		if err := mj.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, &Config{Journal: &failingReads{mj, uint64(c.unreadable)}, Keys: keys})
		var ce *CorruptError
		if !errors.As(err, &ce) || ce.Seq != uint64(c.altered) {
			t.Errorf("event %d altered, event %d unreadable: %v", c.altered, c.unreadable, err)
		}
	}
}

// submitted returns the journal of n submissions, their titles sealed in
// keys.
func submitted(t *testing.T, keys KeyStore, n int) []Event {
	t.Helper()
	ctx := context.Background()
	j := NewMemoryJournal()
	s, err := Open(ctx, &Config{Journal: j, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		if _, err := s.Submit(ctx, benchActor, benchInput()); err != nil {
			t.Fatal(err)
		}
	}
	var events []Event
	if err := j.Read(ctx, 1, func(e Event) error { events = append(events, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return events
}
