package participation

import (
	"encoding/json"
	"time"
)

// Iterator walks the rows a query found; Next returns nil at the end.
type Iterator interface {
	Next() any
}

// Reader is what queries read through: a command's [Tx] or a [View].
// Module query functions take a Reader so that they work in both.
type Reader interface {
	// First returns the first row of table matching the index arguments,
	// or nil.
	First(table, index string, args ...any) (any, error)
	// Get iterates the rows matching the index arguments.
	Get(table, index string, args ...any) (Iterator, error)
	// LowerBound iterates rows from the index arguments upward.
	LowerBound(table, index string, args ...any) (Iterator, error)
	// ReverseLowerBound iterates rows from the index arguments downward.
	ReverseLowerBound(table, index string, args ...any) (Iterator, error)
}

// Tx is a command in progress. A command reads through it, emits events,
// and never writes a table itself: tables change only in appliers, which
// the store calls with the same Tx while an event is applied.
type Tx struct {
	txn       *dbTxn
	s         *Store
	now       time.Time
	actor     Actor
	action    Action
	events    []Event
	erased    []ID
	staged    []staged
	pending   []staged // what earlier commands of the group staged
	hooks     []func()
	applying  bool
	replaying bool
	overlay   *replayOverlay // look-ups by id while replaying, see replay.go
	// anon: everything the command causes is anonymous (PRIV-1).
	anon bool
	// payloads, kept for a command held until the end of its hour, are
	// its events' payloads, so that its release need not decode them.
	payloads []EventData
	keep     bool
	// held is what the commands held for the end of their hour staged,
	// by key (see [Accumulator]).
	held map[any][]any
}

// Accumulator is implemented by staged values that the anonymous
// commands held for one hour can share (see [Tx.Pending]): rather than
// one value a command, which a later command would read through one by
// one, the store keeps one accumulator a key. Empty returns a new, empty
// value of the same kind; Add adds another value of that kind to it. An
// accumulator is only read through Tx.Pending; the held commands' own
// values are left as they are.
type Accumulator interface {
	Empty() Accumulator
	Add(other any)
}

// Now is the command's one reading of the clock, in UTC. During replay it
// is the time of the event being applied.
func (tx *Tx) Now() time.Time { return tx.now }

// Actor is who runs the command.
func (tx *Tx) Actor() Actor { return tx.actor }

// Anonymous reports whether the command is anonymous (PRIV-1): run by an
// anonymous or a device actor, or of an action its module declares
// anonymous ([Module].Anonymous), such as feedback a worker types in.
// Every event such a command emits — whatever its type, contributions
// included — keeps its time to the hour, takes an id from [NewHourID],
// and records an actor without an id (the role device for a device,
// anonymous for everyone else); [Tx.NewID] makes hour ids, and
// deadlines count from [Tx.Stamp]. The actor's role was checked at the
// gate; it is not recorded.
func (tx *Tx) Anonymous() bool { return tx.anon }

// Stamp is the time the command's events carry: [Tx.Now], or its hour in
// an anonymous command. Anything the command records about when it ran,
// such as a deadline, counts from it.
func (tx *Tx) Stamp() time.Time {
	if tx.anon {
		return tx.now.Truncate(time.Hour)
	}
	return tx.now
}

// Policy returns the store's role policy.
func (tx *Tx) Policy() *Policy { return tx.s.policy }

// Loop returns the store's contribution loop deadlines.
func (tx *Tx) Loop() LoopPolicy { return tx.s.loop }

// Vault returns the store's vault, for commit hooks that keep derived,
// decrypted indexes (which they must drop when the subject is erased).
func (tx *Tx) Vault() *Vault { return tx.s.vault }

// State returns the per-store state of a module, made by its
// [Module.NewState] when the store opened; nil if it has none.
func (tx *Tx) State(module string) any { return tx.s.states[module] }

// Stage returns what a module staged under key in this command (or, during
// replay, this batch of commands), making it with mk on first use. With
// [Tx.OnCommit] it lets a module keep state outside memdb — compact
// stores for high-volume items — that still commits with the command or
// not at all: appliers stage their changes, and a hook merges them once
// the journal has accepted the events.
func (tx *Tx) Stage(key any, mk func() any) any {
	for _, s := range tx.staged {
		if s.key == key {
			return s.val
		}
	}
	v := mk()
	tx.staged = append(tx.staged, staged{key, v})
	return v
}

type staged struct{ key, val any }

// Pending returns what earlier commands of the same group staged under
// key, oldest first: their effects are merged by their hooks only once
// the group is journalled, so a command that checks state kept outside
// memdb (the last press of a device, say) looks here too. In an anonymous
// command it also holds what the anonymous commands held for the end of
// their hour staged (see [Inbox]). It is empty during replay, where one
// Tx spans a batch and [Tx.Stage] already returns what the batch staged.
func (tx *Tx) Pending(key any) []any {
	var out []any
	if tx.held != nil {
		out = append(out, tx.held[key]...)
	}
	for _, s := range tx.pending {
		if s.key == key {
			out = append(out, s.val)
		}
	}
	return out
}

// OnCommit registers fn to run once the command's events are journalled
// (with the rest of its group, see [Store.Exec]), before readers see the
// command and never while another command runs. Hooks run in the order
// registered and must not fail. They are dropped when the command or its
// group fails.
func (tx *Tx) OnCommit(fn func()) { tx.hooks = append(tx.hooks, fn) }

// runHooks runs and clears the commit hooks and the staged values.
func (tx *Tx) runHooks() {
	for _, fn := range tx.hooks {
		fn()
	}
	tx.hooks, tx.staged = nil, nil
}

// NewID returns a fresh id for an entity the command creates. Put it in
// the event, never make one in an applier. In an anonymous command it is
// an hour id ([NewHourID]).
func (tx *Tx) NewID() (ID, error) {
	if tx.applying || tx.replaying {
		return ID{}, Errorf(EINTERNAL, "ids are made by commands, not appliers")
	}
	if tx.anon {
		return NewHourID(tx.s.rand, tx.now)
	}
	return tx.s.ids.New(tx.now)
}

// NewAnonymousID returns a fresh id for a thing that must not carry a time
// finer than the hour nor an order within it (an anonymous feedback item,
// FB-1, PRIV-1), whatever the command: see [NewHourID].
func (tx *Tx) NewAnonymousID() (ID, error) {
	if tx.applying || tx.replaying {
		return ID{}, Errorf(EINTERNAL, "ids are made by commands, not appliers")
	}
	return NewHourID(tx.s.rand, tx.now)
}

// anonymousActor is what an anonymous event records of its actor: a
// device stays a device, everyone else is anonymous; never an id.
func anonymousActor(a Actor) Actor {
	if a.Role == RoleDevice {
		return Actor{Role: RoleDevice}
	}
	return Anonymous
}

// Seal encrypts personal data about subject for an event payload. A
// subject whose data was erased cannot be sealed for again.
func (tx *Tx) Seal(subject ID, plaintext []byte) (Sealed, error) {
	if tx.applying || tx.replaying {
		return Sealed{}, Errorf(EINTERNAL, "data is sealed by commands, not appliers")
	}
	if obj, err := tx.txn.First(tableErasures, "id", subject); err != nil {
		return Sealed{}, Internal(err, "reading erasures")
	} else if obj != nil {
		return Sealed{}, Errorf(ECONFLICT, "the personal data of %s was erased; it cannot be stored again under the same id", subject)
	}
	return tx.s.vault.Seal(subject, plaintext)
}

// Emit records an event and applies it to the tables at once, so the rest
// of the command sees its effect. An applier's error fails the command.
func (tx *Tx) Emit(d EventData) error {
	if tx.applying || tx.replaying {
		return Errorf(EINTERNAL, "an applier may not emit events")
	}
	et, ok := tx.s.events[d.EventType()]
	if !ok {
		return Errorf(EINTERNAL, "event type %s is not registered", d.EventType())
	}
	var data []byte
	written := false
	if a, ok := d.(JSONAppender); ok && et.appends {
		data, written = a.AppendJSON(make([]byte, 0, 128)), true
	} else if canonicalReads {
		data, written = encodeCanonical(d)
	}
	if !written {
		var err error
		if data, err = json.Marshal(d); err != nil {
			return Internal(err, "encoding event %s", et.Name)
		}
	}
	t, actor := tx.now, tx.actor
	var id ID
	var err error
	if et.Anonymous || tx.anon {
		// The hour, an id of random bits that counts nothing, and no
		// actor id: not even the worker who typed in feedback given in
		// person is linked to it (PRIV-1).
		t, actor = t.Truncate(time.Hour), anonymousActor(actor)
		id, err = NewHourID(tx.s.rand, t)
	} else {
		id, err = tx.s.ids.New(t)
	}
	if err != nil {
		return err
	}
	m := EventMeta{Seq: tx.s.seq + uint64(len(tx.events)) + 1, ID: id, Time: t, Actor: actor}
	tx.applying = true
	err = et.apply(tx, m, d)
	tx.applying = false
	if err != nil {
		return err
	}
	tx.events = append(tx.events, Event{Seq: m.Seq, ID: id, Time: t, Type: et.Name, Actor: actor, Data: data})
	if tx.keep {
		tx.payloads = append(tx.payloads, d)
	}
	return nil
}

// Insert writes a row; only appliers may call it.
func (tx *Tx) Insert(table string, obj any) error {
	if !tx.applying && !tx.replaying {
		return Errorf(EINTERNAL, "tables change only in appliers: emit an event")
	}
	if err := tx.txn.Insert(table, obj); err != nil {
		return Internal(err, "writing %s", table)
	}
	if tx.overlay != nil {
		tx.overlay.wrote(table, obj, false)
	}
	return nil
}

// Delete removes a row; only appliers may call it.
func (tx *Tx) Delete(table string, obj any) error {
	if !tx.applying && !tx.replaying {
		return Errorf(EINTERNAL, "tables change only in appliers: emit an event")
	}
	if err := tx.txn.Delete(table, obj); err != nil {
		return Internal(err, "deleting from %s", table)
	}
	if tx.overlay != nil {
		tx.overlay.wrote(table, obj, true)
	}
	return nil
}

// First implements [Reader].
func (tx *Tx) First(table, index string, args ...any) (any, error) {
	if tx.overlay != nil && index == "id" {
		if obj, ok, err := tx.overlay.first(table, args); ok {
			return obj, err
		}
	}
	return tx.txn.First(table, index, args...)
}

// Get implements [Reader].
func (tx *Tx) Get(table, index string, args ...any) (Iterator, error) {
	return tx.txn.Get(table, index, args...)
}

// LowerBound implements [Reader].
func (tx *Tx) LowerBound(table, index string, args ...any) (Iterator, error) {
	return tx.txn.LowerBound(table, index, args...)
}

// ReverseLowerBound implements [Reader].
func (tx *Tx) ReverseLowerBound(table, index string, args ...any) (Iterator, error) {
	return tx.txn.ReverseLowerBound(table, index, args...)
}

// View is a read-only snapshot of the store.
type View struct {
	txn *dbTxn
	s   *Store
}

// Vault returns the store's vault, to open sealed fields.
func (v *View) Vault() *Vault { return v.s.vault }

// Loop returns the store's contribution loop deadlines.
func (v *View) Loop() LoopPolicy { return v.s.loop }

// First implements [Reader].
func (v *View) First(table, index string, args ...any) (any, error) {
	return v.txn.First(table, index, args...)
}

// Get implements [Reader].
func (v *View) Get(table, index string, args ...any) (Iterator, error) {
	return v.txn.Get(table, index, args...)
}

// LowerBound implements [Reader].
func (v *View) LowerBound(table, index string, args ...any) (Iterator, error) {
	return v.txn.LowerBound(table, index, args...)
}

// ReverseLowerBound implements [Reader].
func (v *View) ReverseLowerBound(table, index string, args ...any) (Iterator, error) {
	return v.txn.ReverseLowerBound(table, index, args...)
}

// Lookup returns the first row of table matching the index arguments,
// typed. ok is false when there is none.
func Lookup[T any](r Reader, table, index string, args ...any) (row T, ok bool, err error) {
	obj, err := r.First(table, index, args...)
	if err != nil {
		return row, false, Internal(err, "reading %s", table)
	}
	if obj == nil {
		return row, false, nil
	}
	row, ok = obj.(T)
	if !ok {
		return row, false, Errorf(EINTERNAL, "table %s holds %T", table, obj)
	}
	return row, true, nil
}

// Collect returns the rows matching the index arguments that keep accepts
// (all when keep is nil), typed and in index order.
func Collect[T any](r Reader, table, index string, keep func(T) bool, args ...any) ([]T, error) {
	it, err := r.Get(table, index, args...)
	if err != nil {
		return nil, Internal(err, "reading %s", table)
	}
	var out []T
	for obj := it.Next(); obj != nil; obj = it.Next() {
		row, ok := obj.(T)
		if !ok {
			return nil, Errorf(EINTERNAL, "table %s holds %T", table, obj)
		}
		if keep == nil || keep(row) {
			out = append(out, row)
		}
	}
	return out, nil
}
