package journaltest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osallisuus/osallisuus/participation"
)

// Opener opens a fresh, empty journal for one subtest. If the journal is
// durable, reopen closes nothing itself but opens the same journal again
// after the suite has closed the first one; a journal that forgets on
// close returns a nil reopen.
type Opener func(t *testing.T) (j participation.Journal, reopen func(t *testing.T) participation.Journal)

// Run checks the journal contract: ordered appends without gaps, reads
// from any point, refusals that store nothing, reads concurrent with
// appends, large events, and, for durable journals, that everything
// appended is there after a reopen.
func Run(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("EmptyReadsNothing", func(t *testing.T) {
		j, _ := open(t)
		defer j.Close()
		if got := readAll(t, j, 1); len(got) != 0 {
			t.Fatalf("empty journal returned %d events", len(got))
		}
	})

	t.Run("AppendThenReadBack", func(t *testing.T) {
		j, _ := open(t)
		defer j.Close()
		evs := Chain(10, 3)
		appendAll(t, j, evs, 3)
		assertEvents(t, evs, readAll(t, j, 1))
		assertEvents(t, evs[6:], readAll(t, j, 7))
		assertEvents(t, nil, readAll(t, j, 11))
	})

	t.Run("GapRefused", func(t *testing.T) {
		j, _ := open(t)
		defer j.Close()
		evs := Chain(4, 1)
		appendAll(t, j, evs[:2], 1)
		err := j.Append(ctx, evs[3:4])
		if code := participation.ErrorCode(err); code != participation.ECONFLICT {
			t.Fatalf("append with a gap: code %q (%v), want conflict", code, err)
		}
		if err := j.Append(ctx, evs[1:2]); participation.ErrorCode(err) != participation.ECONFLICT {
			t.Fatalf("append of a stored sequence number: %v, want conflict", err)
		}
		assertEvents(t, evs[:2], readAll(t, j, 1))
	})

	t.Run("UnendedCommandRefused", func(t *testing.T) {
		j, _ := open(t)
		defer j.Close()
		evs := Chain(3, 3)
		if err := j.Append(ctx, evs[:2]); err == nil {
			t.Fatal("append of a command without its end was accepted")
		}
		assertEvents(t, nil, readAll(t, j, 1))
	})

	t.Run("ReadStopsOnCallbackError", func(t *testing.T) {
		j, _ := open(t)
		defer j.Close()
		appendAll(t, j, Chain(5, 1), 1)
		stop := errors.New("stop")
		n := 0
		err := j.Read(ctx, 1, func(participation.Event) error {
			n++
			if n == 2 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 2 {
			t.Fatalf("read went on after its callback failed: n=%d err=%v", n, err)
		}
	})

	t.Run("LargeEvent", func(t *testing.T) {
		j, _ := open(t)
		defer j.Close()
		evs := Chain(3, 1)
		big, _ := json.Marshal(map[string]string{"text": strings.Repeat("ä", 300_000)})
		evs[1].Data = big
		Rehash(evs)
		appendAll(t, j, evs, 1)
		assertEvents(t, evs, readAll(t, j, 1))
	})

	t.Run("ReadWhileAppending", func(t *testing.T) {
		j, _ := open(t)
		defer j.Close()
		evs := Chain(600, 1)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range evs {
				if err := j.Append(ctx, evs[i:i+1]); err != nil {
					t.Errorf("append %d: %v", i+1, err)
					return
				}
			}
		}()
		for k := 0; k < 20; k++ {
			got := readAll(t, j, 1)
			assertEvents(t, evs[:len(got)], got)
		}
		wg.Wait()
		assertEvents(t, evs, readAll(t, j, 1))
	})

	t.Run("Reopen", func(t *testing.T) {
		j, reopen := open(t)
		evs := Chain(700, 7)
		appendAll(t, j, evs, 7)
		if reopen == nil {
			j.Close()
			return // not durable: nothing to check after a close
		}
		if err := j.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		j2 := reopen(t)
		defer j2.Close()
		assertEvents(t, evs, readAll(t, j2, 1))
		assertEvents(t, evs[300:], readAll(t, j2, 301))
		more := Chain(701, 1)[700:]
		more[0].Prev = evs[699].Hash
		Rehash(more)
		if err := j2.Append(ctx, more); err != nil {
			t.Fatalf("append after reopen: %v", err)
		}
		if got := readAll(t, j2, 700); len(got) != 2 {
			t.Fatalf("after reopen and append, read from 700 gave %d events", len(got))
		}
		if _, err := participation.Verify(ctx, j2); err != nil {
			t.Fatalf("verify after reopen: %v", err)
		}
	})
}

// Chain returns n events linked into a valid hash chain, grouped into
// commands of per events (the last event of each command has End set).
func Chain(n, per int) []participation.Event {
	base := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	evs := make([]participation.Event, n)
	for i := range evs {
		var id participation.ID
		id[0], id[1], id[15] = byte(i>>8), byte(i), 7
		evs[i] = participation.Event{
			Seq:   uint64(i + 1),
			ID:    id,
			Time:  base.Add(time.Duration(i) * time.Second),
			Type:  "test.happened",
			Actor: participation.Actor{ID: id, Role: participation.RoleStaff},
			Data:  json.RawMessage(fmt.Sprintf(`{"n":%d,"text":"rivi \"%d\" åäö"}`, i, i)),
			End:   (i+1)%per == 0 || i == n-1,
		}
	}
	Rehash(evs)
	return evs
}

// Rehash recomputes the links and hashes of evs after a change, keeping
// the first event's Prev.
func Rehash(evs []participation.Event) {
	for i := range evs {
		if i > 0 {
			evs[i].Prev = evs[i-1].Hash
		}
		evs[i].Hash = evs[i].ComputeHash()
	}
}

func appendAll(t *testing.T, j participation.Journal, evs []participation.Event, per int) {
	t.Helper()
	for i := 0; i < len(evs); i += per {
		end := min(i+per, len(evs))
		if err := j.Append(context.Background(), evs[i:end]); err != nil {
			t.Fatalf("append %d..%d: %v", i+1, end, err)
		}
	}
}

func readAll(t *testing.T, j participation.Journal, from uint64) []participation.Event {
	t.Helper()
	var out []participation.Event
	if err := j.Read(context.Background(), from, func(e participation.Event) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatalf("read from %d: %v", from, err)
	}
	return out
}

func assertEvents(t *testing.T, want, got []participation.Event) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("read %d events, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.Seq != g.Seq || w.ID != g.ID || !w.Time.Equal(g.Time) || w.Type != g.Type || w.Actor != g.Actor ||
			w.End != g.End || w.Prev != g.Prev || w.Hash != g.Hash || !bytes.Equal(w.Data, g.Data) {
			t.Fatalf("event %d read back differs:\n got %+v\nwant %+v", w.Seq, g, w)
		}
		if g.ComputeHash() != g.Hash {
			t.Fatalf("event %d read back does not match its hash", g.Seq)
		}
	}
}
