package participation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-memdb"
)

// Module is a vertical slice that plugs into the store: its tables, the
// events it emits with their appliers, and the actions its commands run
// under with the roles allowed by default. Domain packages export a
// function returning their Module; the kernel's own contribution loop is
// always registered.
type Module struct {
	// Name is the module's name, also the prefix of its event types.
	Name string
	// Tables are the module's memdb tables; each needs an "id" index.
	Tables []*memdb.TableSchema
	// Events are the module's event types.
	Events []EventType
	// Actions are the module's commands with their default roles.
	Actions []ActionRule
	// NewState, if set, makes the module's own state for one store: data
	// kept outside memdb, such as compact stores of high-volume items.
	// Appliers reach it with [Tx.State], services with [Store.State]. A
	// state that implements [Freezer] holds up writers, while a snapshot
	// or an export is taken, only for as long as it takes to freeze.
	NewState func() any
	// Dump, if set, returns the module's state outside memdb for
	// [Store.Export], as a value that encodes to JSON in a fixed order.
	Dump func(state any) any
	// Anonymous lists the module's actions whose commands are anonymous
	// whoever runs them (PRIV-1), such as feedback a worker types in for
	// a client. Commands run by an anonymous or a device actor are
	// anonymous whatever their action. See [Tx.Anonymous].
	Anonymous []Action
	// Fields classifies every text field of the module's events (PRIV-2):
	// see [FieldRule].
	Fields []FieldRule
	// Erase, if set, runs when a subject is erased, in the applier of the
	// erasure (so also on replay): it writes [ErasedText] over every text
	// in the module's rows that was sealed under subject's key, which
	// appliers opened when the key was still there.
	Erase func(tx *Tx, subject ID) error
}

// Config configures [Open]. A nil *Config means every default.
type Config struct {
	// Journal stores the events; nil means a new [MemoryJournal].
	Journal Journal
	// Keys holds the vault's keys; nil means a new [MemoryKeyStore].
	Keys KeyStore
	// Clock is read once per command; nil means [SystemClock].
	Clock Clock
	// Rand is the source of ids, keys and receipt codes; nil means
	// crypto/rand.
	Rand io.Reader
	// Modules are the domain modules to register, besides the kernel's.
	Modules []Module
	// Roles overrides the roles allowed to run an action (PART-7); an
	// action missing here keeps its module's default.
	Roles map[Action][]Role
	// Loop holds the contribution loop's deadlines; nil means 14 days to
	// acknowledge and 90 days to respond.
	Loop *LoopPolicy
	// Inbox keeps anonymous commands until the end of their hour
	// (PRIV-1, see [Inbox]). Nil means the journal's own ([InboxJournal]):
	// the memory and the file journal keep one; over a journal with none
	// anonymous commands are journalled at once.
	Inbox Inbox
	// Snapshots, if set, keeps snapshots of the state in a directory, so
	// that opening replays only the journal after the newest; nil means
	// none (see [SnapshotConfig]).
	Snapshots *SnapshotConfig
	// FeedTail is how many recent events the change feed keeps in memory
	// for subscribers that keep up; zero means 4096. Older events are read
	// back from the journal.
	FeedTail int
	// History, if set, is a new verifiable history of the journal
	// (LOOP-2): package merkle's Tree with the county's signing key. The
	// store rebuilds it from the journal as it opens and extends it with
	// every command. Nil keeps none and gives no proofs.
	History History
}

// Store is the in-memory state of osallisuus, built by replaying a journal
// and changed only through [Store.Exec]: one write path, in which a
// command validates against the current state, emits events, the events
// are applied to the tables, the journal accepts them, and only then does
// the transaction commit. Reads are snapshots ([Store.View]) that never
// block writes. A Store is safe for concurrent use.
type Store struct {
	// side is the write side: commands commit to it one after another.
	// pub is what readers see: a snapshot of side taken once the commands
	// in it are durable (see [Store.Exec]).
	side    world
	pub     atomic.Pointer[world]
	journal Journal
	clock   Clock
	ids     *IDGen
	rand    io.Reader // for the ids of anonymous commands (NewHourID)
	vault   *Vault
	keys    KeyStore
	policy  *Policy
	loop    LoopPolicy
	events  map[string]*EventType
	tables  []string
	states  map[string]any
	dumps   map[string]func(any) any
	fields  []FieldRule
	erasers []func(tx *Tx, subject ID) error
	history History // nil without Config.History

	inbox     Inbox
	held      []*held       // anonymous commands waiting for their hour's end
	heldFrom  time.Time     // the earliest hour held
	heldIndex map[any][]any // what the held commands staged, by key, for Tx.Pending
	toDrop    []dropAfter   // released, to leave the inbox once the journal synced them
	released  []ID          // on replay: held keys the journal already took

	mu     sync.Mutex // the write path
	qmu    sync.Mutex // guards queue
	queue  []*request // commands waiting for the write path
	seq    uint64     // the write side's head, ahead of readers' while groups are in flight
	head   Hash
	closed bool
	// halted: an erasure could not be made durable; the store takes no
	// more changes (see erasureNotDurable).
	halted atomic.Pointer[Error]

	pipeState

	feedMu    sync.Mutex
	committed uint64
	tail      []Event // a ring: event seq sits at tail[seq % len(tail)]
	tailStart uint64  // the oldest seq the ring still holds
	notify    chan struct{}
	done      chan struct{}

	snapshotState
}

// Open builds a store: it registers the modules, replays the journal
// (checking every hash link) and destroys the keys of subjects whose
// erasure the journal records. A damaged journal fails with a
// *CorruptError that names the first bad sequence number.
func Open(ctx context.Context, cfg *Config) (*Store, error) {
	c := Config{}
	if cfg != nil {
		c = *cfg
	}
	if c.Journal == nil {
		c.Journal = NewMemoryJournal()
	}
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	if c.FeedTail <= 0 {
		c.FeedTail = 4096
	}
	if c.History != nil && c.History.Size() != 0 {
		return nil, Invalid("history", "the history already holds %d events: give Open a new one, which it rebuilds from the journal", c.History.Size())
	}
	loop := DefaultLoopPolicy()
	if c.Loop != nil {
		if err := c.Loop.Validate(); err != nil {
			return nil, err
		}
		loop = *c.Loop
	}
	s := &Store{
		journal: c.Journal,
		clock:   c.Clock,
		ids:     NewIDGen(c.Rand),
		rand:    c.Rand,
		vault:   NewVault(c.Keys, c.Rand),
		keys:    c.Keys,
		policy:  newPolicy(),
		loop:    loop,
		events:  map[string]*EventType{},
		states:  map[string]any{},
		dumps:   map[string]func(any) any{},
		tail:    make([]Event, c.FeedTail),
		done:    make(chan struct{}),
		history: c.History,
	}
	s.initPipe(c.Journal)
	schema := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
	s.tables = []string{TableContributions} // sorted in with the modules' tables
	modules := append([]Module{kernelModule()}, c.Modules...)
	for _, m := range modules {
		if err := s.register(schema, m); err != nil {
			return nil, err
		}
	}
	// The contributions are the kernel's table, kept in a store of their
	// own on a server (contribs.go) and in go-memdb in the browser.
	contribSchema(schema)
	for action, roles := range c.Roles {
		if _, ok := s.policy.rules[action]; !ok {
			return nil, Invalid("roles", "no module registers the action %q", action)
		}
		for _, r := range roles {
			if !r.Valid() {
				return nil, Invalid("roles", "%q is not a role (action %s)", r, action)
			}
		}
		s.policy.rules[action] = slices.Clone(roles)
	}
	db, err := memdb.NewMemDB(schema)
	if err != nil {
		return nil, Internal(err, "building the schema")
	}
	// A snapshot of the new database is a MemDB of its own that tracks no
	// mutations for watchers: the store uses no watch channels, and
	// tracking made every large commit (a replay batch) walk whole index
	// trees to find what to notify.
	s.side = newWorld(db.Snapshot())
	s.setPublished(s.side.snapshot(), 0, Hash{})
	if err := s.openInbox(ctx, c); err != nil {
		return nil, err
	}
	s.schema = schema
	if err := openSnapshots(s, ctx, c.Snapshots, modules); err != nil {
		s.closeInbox()
		return nil, err
	}
	if err := s.replay(ctx); err != nil {
		s.closeInbox()
		return nil, err
	}
	s.opened.Replayed = s.seq - s.opened.Snapshot.Seq
	s.committed = s.seq
	s.tailStart = s.seq + 1
	if s.inbox != nil {
		if err := s.settleHeld(ctx); err != nil {
			s.closeInbox()
			return nil, err
		}
		if err := s.release(ctx); err != nil {
			s.closeInbox()
			return nil, err
		}
		go s.releaseLoop()
	}
	startSnapshots(s)
	if n, ok := c.Journal.(Notifier); ok {
		go s.follow(n)
	}
	return s, nil
}

func (s *Store) register(schema *memdb.DBSchema, m Module) error {
	if m.Name == "" {
		return Errorf(EINTERNAL, "a module has no name")
	}
	if _, dup := s.states[m.Name]; dup {
		return Errorf(EINTERNAL, "module %s is registered twice", m.Name)
	}
	s.states[m.Name] = nil
	if m.NewState != nil {
		s.states[m.Name] = m.NewState()
	}
	if m.Dump != nil {
		s.dumps[m.Name] = m.Dump
	}
	s.fields = append(s.fields, m.Fields...)
	if m.Erase != nil {
		s.erasers = append(s.erasers, m.Erase)
	}
	for _, t := range m.Tables {
		if _, dup := schema.Tables[t.Name]; dup || t.Name == TableContributions {
			return Errorf(EINTERNAL, "module %s: table %s is registered twice", m.Name, t.Name)
		}
		if _, ok := t.Indexes["id"]; !ok {
			return Errorf(EINTERNAL, "module %s: table %s has no id index", m.Name, t.Name)
		}
		schema.Tables[t.Name] = t
		s.tables = append(s.tables, t.Name)
	}
	for i := range m.Events {
		et := m.Events[i]
		if !validEventName(et.Name) || et.apply == nil {
			return Errorf(EINTERNAL, "module %s: event type %q is not built with Handle or has a bad name", m.Name, et.Name)
		}
		if _, dup := s.events[et.Name]; dup {
			return Errorf(EINTERNAL, "module %s: event type %s is registered twice", m.Name, et.Name)
		}
		s.events[et.Name] = &et
	}
	for _, a := range m.Actions {
		if _, dup := s.policy.rules[a.Action]; dup {
			return Errorf(EINTERNAL, "module %s: action %s is registered twice", m.Name, a.Action)
		}
		s.policy.rules[a.Action] = slices.Clone(a.Roles)
		s.policy.docs[a.Action] = a.Doc
	}
	for _, a := range m.Anonymous {
		if _, ok := s.policy.rules[a]; !ok {
			return Errorf(EINTERNAL, "module %s: anonymous action %s is not one of its actions", m.Name, a)
		}
		s.policy.anonymous[a] = true
	}
	sort.Slice(s.tables, func(i, j int) bool { return s.tables[i] < s.tables[j] })
	return nil
}

// replay applies every journalled event, checking the chain as it goes,
// in transactions of whole commands, and then destroys the keys of every
// subject whose erasure the journal records.
func (s *Store) replay(ctx context.Context) error {
	if err := s.apply(ctx, 4096, false); err != nil {
		return err
	}
	if err := snapshotsLeftErr(s); err != nil {
		return err
	}
	// Erasures recorded in the journal hold even if the process died
	// between journalling one and destroying its key.
	it, err := s.side.db.Txn(false).Get(tableErasures, "id")
	if err != nil {
		return Internal(err, "reading erasures")
	}
	for obj := it.Next(); obj != nil; obj = it.Next() {
		subject := obj.(*Erasure).Subject
		if err := s.vault.Erase(subject); err != nil {
			return Unavailable(err, "the journal records the erasure of %s, but its key could not be destroyed; the store does not open until it can be (make the key store writable)", subject)
		}
	}
	// A key missing without a recorded erasure is damage.
	return s.vault.checkMissing(s.erasureRecorded)
}

// erasureRecorded reports whether the erasure of subject is committed.
func (s *Store) erasureRecorded(subject ID) bool {
	obj, err := s.pub.Load().db.Txn(false).First(tableErasures, "id", subject)
	return err == nil && obj != nil
}

// apply reads the journal after the store's head and applies what it
// finds, checking every link, committing whole commands only — batch of
// them at a time — and, when live, handing them to the change feed and
// destroying the keys of subjects they erase. Call with s.mu held (or
// before the store is shared).
func (s *Store) apply(ctx context.Context, batch int, live bool) error {
	txn := writeTxn(&s.side)
	defer func() { txn.Abort() }()
	tx := &Tx{txn: txn, s: s, replaying: true}
	var pending []Event
	seq, head := s.seq, s.head
	n := 0
	commit := func() {
		tx.runHooks()
		txn.Commit()
		s.appendHistory(pending)
		s.seq, s.head = seq, head
		s.setPublished(s.side.snapshot(), seq, head)
		if live && len(pending) > 0 {
			for _, subject := range tx.erased {
				_ = s.vault.Erase(subject)
			}
			s.publish(pending)
		}
		pending, tx.erased = nil, nil
		if tx.overlay != nil {
			tx.overlay.reset(s.side.db)
		}
		txn = writeTxn(&s.side)
		tx.txn = txn
		n = 0
	}
	if !live {
		tx.overlay = newReplayOverlay(s)
	}
	// Opening, a goroutine reads and decodes ahead of the applier.
	err := s.readDecoded(ctx, s.seq+1, !live && pipelining, func(e Event, d EventData, derr error, hashed bool) error {
		if err := checkHashedLink(e, seq, head, hashed); err != nil {
			return err
		}
		if derr != nil {
			return derr
		}
		et := s.events[e.Type]
		tx.now, tx.actor = e.Time, e.Actor
		if err := et.apply(tx, EventMeta{Seq: e.Seq, ID: e.ID, Time: e.Time, Actor: e.Actor}, d); err != nil {
			return Internal(err, "applying event %d (%s)", e.Seq, e.Type)
		}
		seq, head = e.Seq, e.Hash
		if live || s.history != nil {
			pending = append(pending, e)
		}
		n++
		if e.End && n >= batch {
			commit()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n > 0 {
		if !live {
			// A journal must end at the end of a command.
			var last Event
			_ = s.journal.Read(ctx, seq, func(e Event) error { last = e; return nil })
			if !last.End {
				return &CorruptError{Seq: seq, Reason: "the journal ends inside a command"}
			}
		}
		commit()
	}
	return nil
}

// readDecoded reads the journal from seq from and hands fn each event
// with its payload decoded, or why it does not decode, and whether its
// content matches its hash. With ahead, a goroutine reads, decodes and
// hashes while fn applies what came before (readAhead; the browser's
// build, where one goroutine runs at a time, reads in step).
func (s *Store) readDecoded(ctx context.Context, from uint64, ahead bool, fn func(e Event, d EventData, err error, hashed bool) error) error {
	if ahead {
		return s.readAhead(ctx, from, fn)
	}
	return s.journal.Read(ctx, from, func(e Event) error {
		d, err := s.decodeEvent(e)
		return fn(e, d, err, e.ComputeHash() == e.Hash)
	})
}

// decodeEvent decodes an event's payload.
func (s *Store) decodeEvent(e Event) (EventData, error) {
	et, ok := s.events[e.Type]
	if !ok {
		return nil, Errorf(EINTERNAL, "event %d has type %s, which no registered module knows: open the store with the module that wrote it", e.Seq, e.Type)
	}
	d, err := et.decode(e.Data)
	if err != nil {
		return nil, &CorruptError{Seq: e.Seq, Reason: "payload does not decode: " + err.Error()}
	}
	return d, nil
}

// CatchUp applies the events other instances appended to a shared journal
// since this store's head, in order, and hands them to the change feed.
// Stores over a journal that notifies (see [Notifier]) call it by
// themselves; Exec calls it when its append loses a race.
func (s *Store) CatchUp(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Errorf(EINTERNAL, "the store is closed")
	}
	s.settle()
	if err := s.apply(ctx, 1, true); err != nil {
		return err
	}
	if s.inbox != nil {
		return s.dropReleased(ctx)
	}
	return nil
}

// Notifier is implemented by journals that several stores share, such as
// one on PostgreSQL: Changes signals that another instance appended. A
// store over a Notifier follows the others, catching up on every signal
// and at least once a second.
type Notifier interface {
	Changes() <-chan struct{}
}

func (s *Store) follow(n Notifier) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-n.Changes():
		case <-t.C:
		}
		_ = s.CatchUp(context.Background())
	}
}

func checkLink(e Event, prevSeq uint64, prev Hash) error {
	return checkHashedLink(e, prevSeq, prev, e.ComputeHash() == e.Hash)
}

// checkHashedLink is checkLink for an event whose hash was checked
// already: hashed says whether its content matched.
func checkHashedLink(e Event, prevSeq uint64, prev Hash, hashed bool) error {
	if e.Seq != prevSeq+1 {
		return &CorruptError{Seq: prevSeq + 1, Reason: fmt.Sprintf("found sequence %d where %d belongs", e.Seq, prevSeq+1)}
	}
	if e.Prev != prev {
		return &CorruptError{Seq: e.Seq, Reason: "the link to the previous event is broken"}
	}
	if !hashed {
		return &CorruptError{Seq: e.Seq, Reason: "the event's content does not match its hash"}
	}
	return nil
}

// Head returns the sequence number and hash of the last committed event:
// the last one readers see.
func (s *Store) Head() (uint64, Hash) {
	h := s.published.Load()
	return h.Seq, h.Hash
}

// State returns the per-store state of a module (see [Module.NewState]).
func (s *Store) State(module string) any { return s.states[module] }

// Policy returns the role policy in force.
func (s *Store) Policy() *Policy { return s.policy }

// Loop returns the contribution loop's deadlines.
func (s *Store) Loop() LoopPolicy { return s.loop }

// Vault returns the store's vault, for opening sealed data in queries.
func (s *Store) Vault() *Vault { return s.vault }

// Now reads the store's clock.
func (s *Store) Now() time.Time { return s.clock.Now().UTC() }

// Exec runs one command on the write path. It checks that actor may run
// action (PART-7), then calls fn in a write transaction; fn validates
// against the state it reads through tx and emits events with
// [Tx.Emit], each applied at once. If fn returns an error, panics, or the
// journal refuses the events, nothing is changed: no table, no journal
// line, no feed event. Otherwise the events are journalled, the
// transaction commits, and subscribers are woken. Commands run one at a
// time, each against the state the ones before it left; reads go on
// meanwhile.
//
// Commands that arrive while the journal is busy with earlier ones are
// committed together (group commit): they run one after another, their
// events go to the journal in one append — one write and one fsync under
// SyncEveryCommit — and each caller is answered once that append
// returns. The next group runs while an append is in flight, against the
// state the groups in flight leave (a pipeline, see README "Design
// notes"). Nothing of a group is visible before its append returns:
// readers ([View]) see a snapshot taken at the group's end and published
// after the append, and effects kept outside memdb ([Tx.OnCommit]) are
// merged only then; a command that read state still in flight is
// answered only once that state is durable. If an append fails, every
// command of its groups that emitted events fails, every other command of
// those groups and of the groups run after them runs again, and the write
// side goes back to what readers see. A shared journal may refuse the
// append because another store appended first: then the store catches up
// on what it appended and runs the group again, against the new state,
// under the journal's append lock ([Locker]) after two losses.
func (s *Store) Exec(ctx context.Context, actor Actor, action Action, fn func(tx *Tx) error) error {
	if err := s.policy.Authorize(actor, action); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.execGroup(ctx, actor, action, fn)
}

// erasureNotDurable is the answer to an erasure whose journal could not
// make it durable before its key would be destroyed.
func (s *Store) erasureNotDurable(err error) error {
	e := Unavailable(err, "the erasure could not be made durable, so the key is kept and the store takes no more changes; the erasure is carried out when the store next opens if the journal wrote it on closing, and otherwise must be asked for again")
	s.halted.CompareAndSwap(nil, e)
	return e
}

// haltedErr is the answer to every command once an erasure could not be
// made durable.
func (s *Store) haltedErr() error {
	if e := s.halted.Load(); e != nil {
		return Unavailable(e, "the store takes no more changes since an erasure could not be made durable; close it and open it again")
	}
	return nil
}

// Syncer is implemented by journals that may acknowledge an append before
// it is on stable storage (a [FileJournal] under SyncInterval or
// SyncNever): Sync forces what they hold to stable storage. The store
// calls it before it destroys an erased subject's key.
type Syncer interface {
	Sync() error
}

// Locker is implemented by shared journals that can give one store the
// sole right to append for a while: LockAppends waits for it and returns
// the function that gives it up. A store that lost the race for the next
// sequence number twice runs its command again under the lock.
type Locker interface {
	LockAppends(ctx context.Context) (unlock func(), err error)
}

// Sender is implemented by journals whose append waits on a network:
// Send puts the events of one append on their way and returns wait,
// which waits for the journal's answer and returns what Append would
// have. The store does what need not precede the append — bringing its
// indexes up to date — between the two, in the time the round trip
// takes. wait is called exactly once. A journal that wraps a Sender and
// changes its Append must change Send too.
type Sender interface {
	Send(ctx context.Context, events []Event) (wait func() error)
}

// maxRetries bounds how often a command is run again after losing the
// race for a shared journal's next sequence number.
const maxRetries = 200

// View returns a consistent snapshot for reading. It never blocks writers
// and sees none of their later changes.
func (s *Store) View() *View { return &View{txn: readTxn(s.pub.Load()), s: s} }

// Close stops the store and closes its journal. Subscribers' Next returns
// an error afterwards.
func (s *Store) Close() error {
	defer waitSnapshotter(s)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	// Groups in flight are published or failed first.
	s.settle()
	s.closed = true
	close(s.done)
	err := s.journal.Close()
	if s.inbox != nil {
		if cerr := s.inbox.Close(); err == nil && cerr != nil {
			err = Unavailable(cerr, "closing the inbox")
		}
	}
	if c, ok := s.keys.(io.Closer); ok {
		if cerr := c.Close(); err == nil && cerr != nil {
			err = Unavailable(cerr, "closing the key store")
		}
	}
	return err
}

// Verify walks the store's journal and checks every hash link.
func (s *Store) Verify(ctx context.Context) (Head, error) { return Verify(ctx, s.journal) }

// Head is the end of a verified journal.
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash Hash   `json:"hash"`
}

// Verify walks a journal from the first event and checks that sequence
// numbers have no gap, that each event links to its predecessor's hash and
// that each hash matches the event's content. It returns the head of the
// chain, or a *CorruptError naming the first broken link.
func Verify(ctx context.Context, j Journal) (Head, error) {
	var h Head
	err := j.Read(ctx, 1, func(e Event) error {
		if err := checkLink(e, h.Seq, h.Hash); err != nil {
			return err
		}
		h.Seq, h.Hash = e.Seq, e.Hash
		return nil
	})
	return h, err
}

// Export writes every table as JSON: an object with the head of the
// journal, per table its rows in id order, and per module that keeps
// state outside memdb, its dump. Two stores with the same
// history export the same bytes, which is how replay is tested. The
// browser's WebAssembly module carries no module dumps and refuses.
func (s *Store) Export(w io.Writer) error {
	if !keepDumps {
		return Errorf(EINVALID, "the browser's module exports no state: export from a store built for a server")
	}
	out := struct {
		Head    Head                         `json:"head"`
		Tables  map[string][]json.RawMessage `json:"tables"`
		Modules map[string]any               `json:"modules,omitempty"`
	}{Tables: map[string][]json.RawMessage{}, Modules: map[string]any{}}
	// Module states are taken under the write lock, so they match the
	// memdb snapshot and the head exactly: frozen there ([Freezer]) and
	// dumped after, or dumped there when they cannot freeze. pmu keeps
	// the commit pipeline from publishing meanwhile.
	s.mu.Lock()
	s.pmu.Lock()
	txn := readTxn(s.pub.Load())
	out.Head = *s.published.Load()
	frozen := map[string]any{}
	for name, dump := range s.dumps {
		if f, ok := freezeState(s.states[name]); ok {
			frozen[name] = f
			continue
		}
		b, err := json.Marshal(dump(s.states[name]))
		if err != nil {
			s.pmu.Unlock()
			s.mu.Unlock()
			return Internal(err, "exporting the state of module %s", name)
		}
		out.Modules[name] = json.RawMessage(b)
	}
	s.pmu.Unlock()
	s.mu.Unlock()
	for name, st := range frozen {
		b, err := json.Marshal(s.dumps[name](st))
		if err != nil {
			return Internal(err, "exporting the state of module %s", name)
		}
		out.Modules[name] = json.RawMessage(b)
	}
	for _, t := range s.tables {
		it, err := txn.Get(t, "id")
		if err != nil {
			return Internal(err, "exporting %s", t)
		}
		rows := []json.RawMessage{}
		for obj := it.Next(); obj != nil; obj = it.Next() {
			b, err := json.Marshal(obj)
			if err != nil {
				return Internal(err, "exporting a row of %s", t)
			}
			rows = append(rows, b)
		}
		out.Tables[t] = rows
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}
