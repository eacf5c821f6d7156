package participation

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/hashicorp/go-memdb"
	"slices"
	"sort"
	"sync"
	"time"
)

// Anonymous commands take effect at the end of their hour (PRIV-1).
//
// An anonymous command runs when it arrives — it is checked against the
// state, makes its ids, receipt code and sealed contact, and its caller
// gets the answer — but its events are not journalled then: they are held
// in an [Inbox], durably, and the store commits everything held for an
// hour together once the hour is over, in an order drawn at random (the
// order of the random keys of the held commands), followed by one
// "inbox.released" event that lists those keys. So the journal, the hash
// chain, the change feed, the state and every report change once an hour
// for anonymous commands, and nothing in them orders the commands of one
// hour among themselves or among the named commands of the same hour.
//
// Later anonymous commands of the same hour see the held ones through
// [Tx.Pending] (a device's last press, a theme's count in a month), as
// the later commands of one group do.

// Inbox keeps anonymous commands until the end of their hour. Hold must
// have made the records durable when it returns; Load returns every
// record held and not dropped, in any order; Drop forgets records that
// the journal has taken. The store calls an Inbox from one goroutine at a
// time.
type Inbox interface {
	Hold(ctx context.Context, records [][]byte) error
	Load(ctx context.Context) ([][]byte, error)
	Drop(ctx context.Context, keys []ID) error
	Close() error
}

// InboxJournal is implemented by journals that keep an [Inbox] of their
// own beside them (a [FileJournal] keeps a file beside its own). [Open]
// uses it when [Config.Inbox] is nil.
type InboxJournal interface {
	Inbox() (Inbox, error)
}

// HeldKey returns the key of an inbox record, as [Inbox.Drop] names it.
func HeldKey(record []byte) (ID, error) {
	// The store writes the key first: read it without decoding the rest.
	if len(record) > 45 && string(record[:8]) == `{"key":"` && record[44] == '"' {
		if id, err := ParseID(string(record[8:44])); err == nil {
			return id, nil
		}
	}
	var h struct {
		Key ID `json:"key"`
	}
	if err := json.Unmarshal(record, &h); err != nil {
		return ID{}, err
	}
	return h.Key, nil
}

// MemoryInbox is an [Inbox] in memory, the default beside a
// [MemoryJournal]: it lasts as long as the process, like that journal.
type MemoryInbox struct {
	mu   sync.Mutex
	recs map[ID][]byte
}

// NewMemoryInbox returns an empty inbox.
func NewMemoryInbox() *MemoryInbox { return &MemoryInbox{recs: map[ID][]byte{}} }

// Hold implements [Inbox].
func (m *MemoryInbox) Hold(_ context.Context, records [][]byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range records {
		k, err := HeldKey(r)
		if err != nil {
			return Internal(err, "reading a held command's key")
		}
		m.recs[k] = slices.Clone(r)
	}
	return nil
}

// Load implements [Inbox]; the records come in the order of their keys.
func (m *MemoryInbox) Load(context.Context) ([][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]ID, 0, len(m.recs))
	for k := range m.recs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i][:], keys[j][:]) < 0 })
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = slices.Clone(m.recs[k])
	}
	return out, nil
}

// Drop implements [Inbox].
func (m *MemoryInbox) Drop(_ context.Context, keys []ID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.recs, k)
	}
	return nil
}

// Close implements [Inbox].
func (m *MemoryInbox) Close() error { return nil }

// held is an anonymous command waiting for the end of its hour.
type held struct {
	Key    ID        `json:"key"`
	Hour   time.Time `json:"hour"`
	Events []Event   `json:"events"`
	// staged is what the command staged when it ran, shown to later
	// anonymous commands of the hour through Tx.Pending.
	staged []staged
	// payloads are its events' payloads as the command made them; nil
	// after the store reopened, when the release decodes them.
	payloads []EventData
}

// appendJSON encodes a held command for the inbox, its key first (see
// [HeldKey]) and its events as journal lines.
func (h *held) appendJSON(b []byte) []byte {
	b = append(b, `{"key":"`...)
	b = append(b, h.Key.String()...)
	b = append(b, `","hour":"`...)
	b = h.Hour.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, `","events":[`...)
	for i := range h.Events {
		if i > 0 {
			b = append(b, ',')
		}
		b = h.Events[i].AppendJSON(b)
	}
	return append(b, "]}"...)
}

// InboxReleased closes the anonymous commands of one or more hours: the
// events before it, back to the previous event of another command, are
// the held commands it lists, in the order of their keys.
type InboxReleased struct {
	// Keys are the random keys of the commands released, in order.
	Keys []ID `json:"keys"`
}

// EventType implements EventData.
func (InboxReleased) EventType() string { return "inbox.released" }

// tableReleased keeps the keys of the commands released in the last
// two days, one row a release, so that an inbox found still holding one of them — a crash
// came between the journal's append and the inbox letting go, and the
// state was restored from a snapshot taken in between — lets it go
// instead of releasing it again.
const tableReleased = "inbox_released"

// releasedKeep is how long tableReleased keeps a key.
const releasedKeep = 48 * time.Hour

// releasedRow is a row of tableReleased: one release.
type releasedRow struct {
	Event ID        `json:"event"` // the inbox.released event
	At    time.Time `json:"at"`    // the release's hour
	Keys  []ID      `json:"keys"`
}

// releasedTables is tableReleased, where the store keeps it.
func releasedTables() []*memdb.TableSchema {
	if !keepReleased {
		return nil
	}
	return []*memdb.TableSchema{{Name: tableReleased, Indexes: map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: IndexID(func(r *releasedRow) ID { return r.Event })},
		"at": {Name: "at", Indexer: IndexTime(func(r *releasedRow) time.Time { return r.At })},
	}}}
}

func applyInboxReleased(tx *Tx, m EventMeta, d InboxReleased) error {
	if keepReleased {
		if err := recordReleased(tx, m, d); err != nil {
			return err
		}
	}
	// Commands still held that the journal already took — on replay, when
	// a crash came between the two; on catching up with a shared journal,
	// when another store released what both held — are let go.
	s := tx.s
	if !tx.replaying || len(s.held) == 0 {
		return nil
	}
	released := make(map[ID]bool, len(d.Keys))
	for _, k := range d.Keys {
		released[k] = true
	}
	s.letGo(released)
	s.restage()
	return nil
}

// recordReleased keeps a release's keys in tableReleased, and lets go of
// those older than releasedKeep.
func recordReleased(tx *Tx, m EventMeta, d InboxReleased) error {
	var old []any
	it, err := tx.txn.Get(tableReleased, "at")
	if err != nil {
		return Internal(err, "reading released keys")
	}
	for obj := it.Next(); obj != nil && obj.(*releasedRow).At.Before(m.Time.Add(-releasedKeep)); obj = it.Next() {
		old = append(old, obj)
	}
	for _, obj := range old {
		if err := tx.Delete(tableReleased, obj); err != nil {
			return err
		}
	}
	return tx.Insert(tableReleased, &releasedRow{Event: m.ID, At: m.Time, Keys: d.Keys})
}

// letGo drops from the held commands those the journal took, and notes
// their keys for the inbox to drop.
func (s *Store) letGo(taken map[ID]bool) {
	keep := s.held[:0]
	for _, h := range s.held {
		if taken[h.Key] {
			s.released = append(s.released, h.Key)
		} else {
			keep = append(keep, h)
		}
	}
	clear(s.held[len(keep):])
	s.held = keep
}

// dropReleased lets the inbox go of what the journal was found to hold.
func (s *Store) dropReleased(ctx context.Context) error {
	if len(s.released) == 0 {
		return nil
	}
	err := s.inbox.Drop(ctx, s.released)
	s.released = nil
	return err
}

// isHeld reports whether a command waits for the end of its hour.
func (s *Store) isHeld(r *request) bool {
	return s.inbox != nil && s.anonymous(r)
}

// holdGroup runs anonymous commands and keeps their events in the inbox,
// all in one durable write. Call with s.mu held.
func (s *Store) holdGroup(group []*request) {
	if fj, ok := s.journal.(interface{ Err() error }); ok {
		if err := fj.Err(); err != nil {
			// The store takes no more changes once its journal stopped,
			// anonymous ones included.
			for _, r := range group {
				r.err = Unavailable(err, "the journal stopped after a storage failure and takes no more changes; close the store, mend the storage and open it again")
			}
			return
		}
	}
	var pending []staged // this group's held commands', before they are held
	var recs [][]byte
	var hs []*held
	var owners []*request
	for _, r := range group {
		r.err = nil
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		h, err := s.runHeld(r, pending)
		if err != nil {
			r.err = err
			continue
		}
		if h == nil {
			continue
		}
		recs = append(recs, h.appendJSON(nil))
		hs = append(hs, h)
		owners = append(owners, r)
		pending = append(pending, h.staged...)
	}
	if len(recs) == 0 {
		return
	}
	if err := s.inbox.Hold(context.Background(), recs); err != nil {
		if ErrorCode(err) == "" || ErrorCode(err) == EINTERNAL {
			err = Unavailable(err, "the anonymous command could not be kept until the end of its hour")
		}
		for _, r := range owners {
			r.err = err
		}
		return
	}
	s.held = append(s.held, hs...)
	for _, h := range hs {
		s.addHeldStaged(h.staged)
		if s.heldFrom.IsZero() || h.Hour.Before(s.heldFrom) {
			s.heldFrom = h.Hour
		}
	}
}

// runHeld runs an anonymous command against the write side without
// changing it and returns its events to hold (nil when it emitted none).
func (s *Store) runHeld(r *request, pending []staged) (*held, error) {
	txn := writeTxn(&s.side)
	defer txn.Abort()
	now := s.clock.Now().UTC().Round(0)
	tx := &Tx{txn: txn, s: s, now: now, actor: r.actor, action: r.action, pending: pending, anon: true, keep: true, held: s.heldIndex}
	if err := r.run(tx); err != nil {
		return nil, err
	}
	if len(tx.events) == 0 {
		return nil, nil
	}
	key, err := NewHourID(s.rand, now)
	if err != nil {
		return nil, err
	}
	evs := tx.events
	for i := range evs {
		evs[i].Seq, evs[i].End = 0, i == len(evs)-1
	}
	return &held{Key: key, Hour: now.Truncate(time.Hour), Events: evs, staged: tx.staged, payloads: tx.payloads}, nil
}

// restage gathers again what the held commands staged, for Tx.Pending.
func (s *Store) restage() {
	s.heldIndex = nil
	for _, h := range s.held {
		s.addHeldStaged(h.staged)
	}
}

// addHeldStaged indexes what a held command staged by key, adding values
// that accumulate (see [Accumulator]) to the key's one accumulator.
func (s *Store) addHeldStaged(st []staged) {
	if s.heldIndex == nil {
		s.heldIndex = map[any][]any{}
	}
	for _, x := range st {
		list := s.heldIndex[x.key]
		if acc, ok := x.val.(Accumulator); ok {
			if len(list) == 0 {
				a := acc.Empty()
				a.Add(x.val)
				s.heldIndex[x.key] = []any{a}
				continue
			}
			if a, ok := list[0].(Accumulator); ok {
				a.Add(x.val)
				continue
			}
		}
		s.heldIndex[x.key] = append(list, x.val)
	}
}

// Release commits the anonymous commands held for hours that are over by
// the store's clock (see [Inbox]). The store does it by itself before the
// first command after the end of an hour, when it opens, and on a timer;
// a program that moves a [ManualClock] calls it to make it happen at once.
func (s *Store) Release(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Errorf(EINTERNAL, "the store is closed")
	}
	return s.release(ctx)
}

// Held returns how many anonymous commands wait for the end of their hour.
// It changes as they arrive, so read twice it tells when one came: it is
// for the store's operator and tests, not for anyone who must not learn
// that.
func (s *Store) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// release commits what is due. Call with s.mu held.
func (s *Store) release(ctx context.Context) error {
	s.dropSynced(ctx)
	hour := s.clock.Now().UTC().Truncate(time.Hour)
	if s.heldFrom.IsZero() || !s.heldFrom.Before(hour) {
		return nil
	}
	// The release is journalled after every group in flight.
	s.settle()
	if err := s.haltedErr(); err != nil {
		return err
	}
	var keys, dropped []ID
	var err error
	for attempt := 0; ; attempt++ {
		var due []*held
		for _, h := range s.held {
			if h.Hour.Before(hour) {
				due = append(due, h)
			}
		}
		if len(due) == 0 {
			break
		}
		slices.SortFunc(due, func(a, b *held) int { return bytes.Compare(a.Key[:], b.Key[:]) })
		keys, dropped, err = s.releaseOnce(ctx, due, hour)
		if ErrorCode(err) != ECONFLICT || attempt == maxRetries {
			break
		}
		// Another store appended first to a shared journal: catch up —
		// which lets go of what it released of ours — and try again.
		if err = s.apply(ctx, 1, true); err != nil {
			break
		}
	}
	if err != nil {
		return err
	}
	gone := append(append(keys, dropped...), s.released...)
	isGone := make(map[ID]bool, len(gone))
	for _, k := range gone {
		isGone[k] = true
	}
	var keep []*held
	s.heldFrom = time.Time{}
	for _, h := range s.held {
		if isGone[h.Key] {
			continue
		}
		keep = append(keep, h)
		if s.heldFrom.IsZero() || h.Hour.Before(s.heldFrom) {
			s.heldFrom = h.Hour
		}
	}
	s.held, s.released = keep, nil
	s.restage()
	// What the journal took leaves the inbox once the journal keeps it as
	// well as its policy promises — at once under SyncEveryCommit or on a
	// shared journal; after the journal's next sync under SyncInterval;
	// once written under SyncNever.
	// Until then, and if letting go fails, the records stay: the next open
	// finds them released and drops them.
	s.toDrop = append(s.toDrop, dropAfter{seq: s.seq, keys: gone})
	s.dropSynced(ctx)
	return nil
}

// dropAfter is keys the inbox may let go of once the journal has synced
// the event at seq.
type dropAfter struct {
	seq  uint64
	keys []ID
}

// dropSynced lets the inbox go of what the journal has on stable storage.
// Call with s.mu held.
func (s *Store) dropSynced(ctx context.Context) {
	if len(s.toDrop) == 0 {
		return
	}
	synced := s.seq // the memory journal, or a shared one: kept as appended
	if fj, ok := s.journal.(interface{ kept() uint64 }); ok {
		synced = fj.kept()
	}
	n := 0
	var keys []ID
	for n < len(s.toDrop) && s.toDrop[n].seq <= synced {
		keys = append(keys, s.toDrop[n].keys...)
		n++
	}
	if n == 0 {
		return
	}
	if err := s.inbox.Drop(ctx, keys); err != nil {
		return // tried again later; the next open drops them anyway
	}
	s.toDrop = s.toDrop[n:]
}

// releaseOnce applies the due commands in key order and journals them
// with the release event in one append. On failure the write side goes
// back to what readers see.
func (s *Store) releaseOnce(ctx context.Context, due []*held, hour time.Time) (keys, dropped []ID, err error) {
	seq, head := s.seq, s.head
	var all []Event
	var txs []*Tx
	for _, h := range due {
		tx, evs, err := s.applyHeld(h)
		if err != nil {
			// The state no longer takes it (what it refers to is gone):
			// it is dropped, as a command refused on arrival would be.
			dropped = append(dropped, h.Key)
			continue
		}
		txs = append(txs, tx)
		all = append(all, evs...)
		keys = append(keys, h.Key)
	}
	if len(keys) == 0 {
		return nil, dropped, nil
	}
	ev, err := s.releaseEvent(keys, hour)
	if err == nil {
		err = s.applyRelease(ev)
	}
	if err == nil {
		all = append(all, ev)
		err = s.journal.Append(ctx, all)
	}
	if err != nil {
		s.side = s.pub.Load().snapshot()
		s.seq, s.head = seq, head
		return nil, nil, err
	}
	for _, tx := range txs {
		tx.runHooks()
	}
	s.appendHistory(all)
	s.setPublished(s.side.snapshot(), s.seq, s.head)
	s.publish(all)
	return keys, dropped, nil
}

// decodeHeld decodes a held command's payloads, once: a command held
// before the store opened comes with its events only. Appliers never
// change a payload, so the release applies the same values again.
func (s *Store) decodeHeld(h *held) error {
	if len(h.payloads) == len(h.Events) {
		return nil
	}
	payloads := make([]EventData, len(h.Events))
	for i, e := range h.Events {
		et, ok := s.events[e.Type]
		if !ok {
			return Errorf(EINTERNAL, "held event type %s is not registered: open the store with the module that wrote it", e.Type)
		}
		d, err := et.decode(e.Data)
		if err != nil {
			return &CorruptError{Reason: "a held event does not decode: " + err.Error()}
		}
		payloads[i] = d
	}
	h.payloads = payloads
	return nil
}

// applyHeld applies a held command's events to the write side, next in
// the journal. None of them ends a command: the release is one, ended by
// its inbox.released event, so that a journal torn inside it keeps none
// of it (the torn tail is cut back to the last event that ends a
// command) rather than the held commands before the tear, which the
// inbox, still holding them, would release again.
func (s *Store) applyHeld(h *held) (*Tx, []Event, error) {
	txn := writeTxn(&s.side)
	defer txn.Abort()
	tx := &Tx{txn: txn, s: s, replaying: true}
	if err := s.decodeHeld(h); err != nil {
		return nil, nil, err
	}
	evs := slices.Clone(h.Events)
	seq, prev := s.seq, s.head
	for i := range evs {
		e := &evs[i]
		et, d := s.events[e.Type], h.payloads[i]
		seq++
		e.Seq, e.Prev, e.End = seq, prev, false
		e.Hash = e.ComputeHash()
		prev = e.Hash
		tx.now, tx.actor = e.Time, e.Actor
		if err := et.apply(tx, EventMeta{Seq: e.Seq, ID: e.ID, Time: e.Time, Actor: e.Actor}, d); err != nil {
			return nil, nil, err
		}
	}
	txn.Commit()
	s.seq, s.head = seq, prev
	return tx, evs, nil
}

// applyRelease applies the release event to the write side, as replay
// will.
func (s *Store) applyRelease(e Event) error {
	txn := writeTxn(&s.side)
	defer txn.Abort()
	tx := &Tx{txn: txn, s: s, replaying: true, now: e.Time, actor: e.Actor}
	et := s.events[e.Type]
	d, err := et.decode(e.Data)
	if err != nil {
		return Internal(err, "decoding the release")
	}
	held := s.held
	s.held = nil // not a catch-up: what it releases is let go below
	err = et.apply(tx, EventMeta{Seq: e.Seq, ID: e.ID, Time: e.Time, Actor: e.Actor}, d)
	s.held = held
	if err != nil {
		return err
	}
	txn.Commit()
	return nil
}

// releaseEvent makes the inbox.released event that ends a release.
func (s *Store) releaseEvent(keys []ID, hour time.Time) (Event, error) {
	data, err := json.Marshal(InboxReleased{Keys: keys})
	if err != nil {
		return Event{}, Internal(err, "encoding the release")
	}
	id, err := NewHourID(s.rand, hour)
	if err != nil {
		return Event{}, err
	}
	e := Event{Seq: s.seq + 1, ID: id, Time: hour, Type: InboxReleased{}.EventType(), Actor: Actor{Role: RoleSystem}, Data: data, End: true, Prev: s.head}
	e.Hash = e.ComputeHash()
	s.seq, s.head = e.Seq, e.Hash
	return e, nil
}

// loadHeld reads the inbox when the store opens, before the journal is
// replayed, so that replay can tell which held commands the journal
// already took.
func (s *Store) loadHeld(ctx context.Context) error {
	recs, err := s.inbox.Load(ctx)
	if err != nil {
		return err
	}
	for _, b := range recs {
		h := &held{}
		if err := json.Unmarshal(b, h); err != nil || len(h.Events) == 0 {
			return &CorruptError{Reason: "a command held in the inbox does not decode"}
		}
		s.held = append(s.held, h)
	}
	return nil
}

// settleHeld runs after replay: it drops from the inbox what the journal
// already took, and stages again what the rest staged, for Tx.Pending.
func (s *Store) settleHeld(ctx context.Context) error {
	if keepReleased && len(s.held) > 0 {
		gone := map[ID]bool{}
		it, err := s.pub.Load().db.Txn(false).Get(tableReleased, "id")
		if err != nil {
			return Internal(err, "reading released keys")
		}
		for obj := it.Next(); obj != nil; obj = it.Next() {
			for _, k := range obj.(*releasedRow).Keys {
				gone[k] = true
			}
		}
		s.letGo(gone)
	}
	if err := s.dropReleased(ctx); err != nil {
		return err
	}
	for _, h := range s.held {
		txn := writeTxn(&s.side)
		tx := &Tx{txn: txn, s: s, replaying: true}
		if err := s.decodeHeld(h); err != nil {
			txn.Abort()
			return err
		}
		for i, e := range h.Events {
			tx.now, tx.actor = e.Time, e.Actor
			if err := s.events[e.Type].apply(tx, EventMeta{ID: e.ID, Time: e.Time, Actor: e.Actor}, h.payloads[i]); err != nil {
				break // released later, or dropped then
			}
		}
		h.staged = tx.staged
		txn.Abort()
		if s.heldFrom.IsZero() || h.Hour.Before(s.heldFrom) {
			s.heldFrom = h.Hour
		}
	}
	s.restage()
	return nil
}

// releaseLoop releases held commands on time while the store is idle.
func (s *Store) releaseLoop() {
	for {
		now := s.clock.Now()
		wait := now.Truncate(time.Hour).Add(time.Hour).Sub(now)
		wait = min(max(wait, time.Second), time.Minute)
		t := time.NewTimer(wait)
		select {
		case <-s.done:
			t.Stop()
			return
		case <-t.C:
		}
		_ = s.Release(context.Background())
	}
}

// openInbox finds the store's inbox and reads what it holds.
func (s *Store) openInbox(ctx context.Context, c Config) error {
	switch {
	case c.Inbox != nil:
		s.inbox = c.Inbox
	default:
		if ij, ok := c.Journal.(InboxJournal); ok {
			in, err := ij.Inbox()
			if err != nil {
				return err
			}
			s.inbox = in
		}
	}
	if s.inbox == nil {
		return nil
	}
	if err := s.loadHeld(ctx); err != nil {
		s.closeInbox()
		return err
	}
	return nil
}

func (s *Store) closeInbox() {
	if s.inbox != nil {
		_ = s.inbox.Close()
	}
}
