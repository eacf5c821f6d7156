package participation

import (
	"context"
	"sync"
	"time"
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
	// The Data of the events it passes must not be modified.
	Read(ctx context.Context, from uint64, fn func(Event) error) error
	// Close releases the journal; pending writes are flushed first.
	Close() error
}

// MemoryJournal keeps events in memory: the default journal, for tests,
// the browser and anything that may forget on exit. It stores each event
// compactly — about 90 bytes besides its payload, which lives in large
// shared blocks — because high-volume modules (feedback devices) send
// millions of events through it.
type MemoryJournal struct {
	mu     sync.RWMutex
	recs   [][]memRec // chunks of memChunk records
	data   [][]byte   // payload blocks
	n      uint64
	types  []string
	typeIx map[string]uint16
	roles  []Role
	roleIx map[Role]uint8
	closed bool
	inbox  *MemoryInbox
}

// Inbox implements [InboxJournal]: the journal's inbox lives as long as
// the journal, so a store opened again over the same journal finds the
// anonymous commands the one before it held.
func (j *MemoryJournal) Inbox() (Inbox, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.inbox == nil {
		j.inbox = NewMemoryInbox()
	}
	return j.inbox, nil
}

const (
	memChunk     = 4096
	memDataBlock = 1 << 20
)

// memRec is one event without its predecessor's hash, which is the hash of
// the record before it, and with its payload in a data block.
type memRec struct {
	id    ID
	actor ID
	hash  Hash
	nanos int64
	block uint32
	off   uint32
	size  uint32
	typ   uint16
	role  uint8
	end   bool
}

// NewMemoryJournal returns an empty in-memory journal.
func NewMemoryJournal() *MemoryJournal {
	return &MemoryJournal{typeIx: map[string]uint16{}, roleIx: map[Role]uint8{}}
}

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
	if err := checkContinues(j.n, events); err != nil {
		return err
	}
	for i := range events {
		e := &events[i]
		if len(e.Data) > memDataBlock {
			return Errorf(EINVALID, "event %d: payload of %d bytes is over the limit of %d", e.Seq, len(e.Data), memDataBlock)
		}
	}
	for i := range events {
		e := &events[i]
		r := memRec{id: e.ID, actor: e.Actor.ID, hash: e.Hash, nanos: e.Time.UnixNano(), end: e.End,
			typ: j.typeIndex(e.Type), role: j.roleIndex(e.Actor.Role)}
		r.block, r.off, r.size = j.store(e.Data)
		if j.n%memChunk == 0 {
			j.recs = append(j.recs, make([]memRec, 0, memChunk))
		}
		last := len(j.recs) - 1
		j.recs[last] = append(j.recs[last], r)
		j.n++
	}
	return nil
}

func (j *MemoryJournal) typeIndex(t string) uint16 {
	if i, ok := j.typeIx[t]; ok {
		return i
	}
	i := uint16(len(j.types))
	j.types = append(j.types, t)
	j.typeIx[t] = i
	return i
}

func (j *MemoryJournal) roleIndex(r Role) uint8 {
	if i, ok := j.roleIx[r]; ok {
		return i
	}
	i := uint8(len(j.roles))
	j.roles = append(j.roles, r)
	j.roleIx[r] = i
	return i
}

// store copies b into the current data block, starting a new block when
// it does not fit. Blocks are never moved, so readers can keep slices.
func (j *MemoryJournal) store(b []byte) (block, off, size uint32) {
	if len(j.data) == 0 || cap(j.data[len(j.data)-1])-len(j.data[len(j.data)-1]) < len(b) {
		j.data = append(j.data, make([]byte, 0, memDataBlock))
	}
	k := len(j.data) - 1
	off = uint32(len(j.data[k]))
	j.data[k] = append(j.data[k], b...)
	return uint32(k), off, uint32(len(b))
}

// Read implements [Journal].
func (j *MemoryJournal) Read(ctx context.Context, from uint64, fn func(Event) error) error {
	if from == 0 {
		from = 1
	}
	j.mu.RLock()
	n := j.n
	var prev Hash
	if from > 1 && from <= n {
		prev = j.rec(from - 2).hash
	}
	j.mu.RUnlock()
	for seq := from; seq <= n; seq++ {
		if seq%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		j.mu.RLock()
		r := j.rec(seq - 1)
		e := Event{
			Seq: seq, ID: r.id, Time: time.Unix(0, r.nanos).UTC(), Type: j.types[r.typ],
			Actor: Actor{ID: r.actor, Role: j.roles[r.role]}, End: r.end, Prev: prev, Hash: r.hash,
			Data: j.data[r.block][r.off : r.off+r.size : r.off+r.size],
		}
		j.mu.RUnlock()
		prev = r.hash
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (j *MemoryJournal) rec(i uint64) *memRec { return &j.recs[i/memChunk][i%memChunk] }

// Len returns the number of stored events.
func (j *MemoryJournal) Len() int {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return int(j.n)
}

// Close implements [Journal].
func (j *MemoryJournal) Close() error {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	return nil
}

// checkContinues checks that events continue a journal whose last event is
// last, one by one, and end a command.
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
