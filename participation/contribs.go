//go:build !(js && wasm)

package participation

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Contributions are the store's largest table: a county gathers a million
// over the years, each changed four or five times. They are not go-memdb
// rows. go-memdb keeps each index in a radix tree of its own, about 440
// bytes an entry, and a replay inserted every row into seven of them; at
// a million contributions the trees alone outweighed the rows, and a
// *Contribution with its history takes about 1.2 KB. Here each row is a
// crow, about half that, and the rows and their indexes sit in
// copy-on-write B-trees (cowTree) of 24- and 32-byte entries: the rows by
// id, and per index a key and the contribution's id, resolved through the
// rows.
//
// The table stays part of one state: it sits beside the go-memdb tables
// in a world, so every state — the write side, what readers see, a batch
// in the commit pipeline — holds the contributions of exactly its
// commands, and a transaction that is aborted leaves them as they were.
// A write transaction copies the table on its first change (O(1): the
// trees' nodes are shared and copied on their first change, once per
// transaction), and its commit makes the new table the write side's with
// the go-memdb commit; in a group being run, the commands
// after the first change the first one's copy in place and undo their
// changes if they abort (see dbTxn.group). Readers read through [Reader] with
// the index names and arguments the memdb table took, and get a
// *Contribution of their own for each row.

// crow is a contribution as the table keeps it: strings that come from a
// small set (states, levels, roles, sources) as numbers into rowCodes,
// times as seconds and nanoseconds (read back in UTC, as the store
// writes them: a time with another zone would read back as the same
// instant in UTC), steps likewise.
type crow struct {
	id, ref, titleBy, group                ID
	unit, service, title, reason, response string
	contributors                           []ID
	history                                []cstep
	secs                                   [rowTimes]int64
	nsecs                                  [rowTimes]uint32
	module, kind, level, scope, origin     uint16
	recordedBy, state, decision            uint16
}

// The times of a row, in crow.secs and crow.nsecs.
const (
	tReceived = iota
	tAcknowledgeBy
	tRespondBy
	tAcknowledged
	tDecided
	tImplemented
	tReported
	rowTimes
)

// cstep is a Step as a row keeps it.
type cstep struct {
	by       ID
	note     string
	seq      uint64
	sec      int64
	nsec     uint32
	state    uint16
	role     uint16
	implicit bool
}

// codeTable numbers the strings rows hold as codes. Numbers are never
// reused or changed, so a row's codes mean the same in every state, and
// the table is shared by every store in the process. It only grows: its
// strings are the values of the library's enumerations and the names of
// modules' sources, a few dozen. Readers read it without a lock.
type codeTable struct {
	mu    sync.Mutex // held to add a string
	ids   atomic.Pointer[map[string]uint16]
	names atomic.Pointer[[]string]
}

var rowCodes = newCodeTable()

func newCodeTable() *codeTable {
	c := &codeTable{}
	ids := map[string]uint16{"": 0}
	names := []string{""}
	c.ids.Store(&ids)
	c.names.Store(&names)
	return c
}

// code returns s's number, giving it one if it has none. Looking up a
// string takes no lock: adding one replaces the map.
func (c *codeTable) code(s string) (uint16, error) {
	if id, ok := (*c.ids.Load())[s]; ok {
		return id, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ids := *c.ids.Load()
	if id, ok := ids[s]; ok {
		return id, nil
	}
	names := *c.names.Load()
	if len(names) > 1<<16-1 {
		return 0, Errorf(EINTERNAL, "contributions hold more than %d distinct states, levels, roles and sources", 1<<16-1)
	}
	id := uint16(len(names))
	names = append(names, s)
	c.names.Store(&names)
	grown := make(map[string]uint16, len(ids)+1)
	for k, v := range ids {
		grown[k] = v
	}
	grown[s] = id
	c.ids.Store(&grown)
	return id, nil
}

// all returns the strings by number.
func (c *codeTable) all() []string { return *c.names.Load() }

func splitTime(t time.Time) (int64, uint32) { return t.Unix(), uint32(t.Nanosecond()) }

func joinTime(sec int64, nsec uint32) time.Time { return time.Unix(sec, int64(nsec)).UTC() }

// newCrow packs c.
func newCrow(c *Contribution) (*crow, error) {
	r := &crow{
		id: c.ID, ref: c.Source.Ref, titleBy: c.TitleBy, group: c.Group,
		unit: c.Unit, service: c.Service, title: c.Title, reason: c.Reason, response: c.Response,
		contributors: c.Contributors,
	}
	for i, t := range [rowTimes]time.Time{c.ReceivedAt, c.AcknowledgeBy, c.RespondBy, c.AcknowledgedAt, c.DecidedAt, c.ImplementedAt, c.ReportedAt} {
		r.secs[i], r.nsecs[i] = splitTime(t)
	}
	var err error
	code := func(s string) uint16 {
		n, e := rowCodes.code(s)
		if e != nil {
			err = e
		}
		return n
	}
	r.module, r.kind, r.level, r.scope, r.origin = code(c.Source.Module), code(c.Source.Kind), code(string(c.Level)), code(string(c.Scope)), code(string(c.Origin))
	r.recordedBy, r.state, r.decision = code(string(c.RecordedBy)), code(string(c.State)), code(string(c.Decision))
	if c.History != nil {
		r.history = make([]cstep, len(c.History))
	}
	for i, st := range c.History {
		h := &r.history[i]
		h.by, h.note, h.seq, h.implicit = st.By.ID, st.Note, st.Seq, st.Implicit
		h.sec, h.nsec = splitTime(st.At)
		h.state, h.role = code(string(st.State)), code(string(st.By.Role))
	}
	return r, err
}

// contribution unpacks the row into a Contribution of the caller's own,
// its lists included.
func (r *crow) contribution() *Contribution {
	names := rowCodes.all()
	c := &Contribution{
		ID: r.id, Source: Source{Module: names[r.module], Kind: names[r.kind], Ref: r.ref},
		Level: Level(names[r.level]), Scope: Scope(names[r.scope]), Origin: Origin(names[r.origin]),
		Unit: r.unit, Service: r.service, Title: r.title, TitleBy: r.titleBy,
		Group: r.group, RecordedBy: Role(names[r.recordedBy]),
		State: State(names[r.state]), Decision: Decision(names[r.decision]), Reason: r.reason, Response: r.response,
	}
	if r.contributors != nil {
		c.Contributors = append(make([]ID, 0, len(r.contributors)), r.contributors...)
	}
	for i, t := range [rowTimes]*time.Time{&c.ReceivedAt, &c.AcknowledgeBy, &c.RespondBy, &c.AcknowledgedAt, &c.DecidedAt, &c.ImplementedAt, &c.ReportedAt} {
		*t = joinTime(r.secs[i], r.nsecs[i])
	}
	if r.history != nil {
		c.History = make([]Step, len(r.history))
	}
	for i, h := range r.history {
		c.History[i] = Step{State: State(names[h.state]), At: joinTime(h.sec, h.nsec), By: Actor{ID: h.by, Role: Role(names[h.role])}, Note: h.note, Implicit: h.implicit, Seq: h.seq}
	}
	return c
}

// ownRow returns a row read from the table, to change and write back:
// every read unpacks a Contribution of the reader's own.
func ownRow(c *Contribution) *Contribution { return c }

// time returns one of the row's times.
func (r *crow) time(i int) time.Time { return joinTime(r.secs[i], r.nsecs[i]) }

// codeIs reports whether code is s's number.
func codeIs(code uint16, s string) bool { return rowCodes.all()[code] == s }

// rowEntry is an entry of the rows' tree; keyEntry one of an index: k
// is the key and id the contribution's, which orders entries of the same
// key as go-memdb orders them. Times are keys by timeID, so that byte
// order is time order. An index's entries hold no pointer, so the
// garbage collector never scans its nodes, and copying one on a write
// needs no write barrier.
type rowEntry struct {
	id  ID
	row *crow
}

type keyEntry struct{ k, id ID }

// keyTree is an index.
type keyTree = cowTree[keyEntry]

// cmpRow orders the rows' tree by id.
func cmpRow(a, b rowEntry) int { return bytes.Compare(a.id[:], b.id[:]) }

// cmpKid orders an index by key, then id.
func cmpKid(a, b keyEntry) int {
	if c := bytes.Compare(a.k[:], b.k[:]); c != 0 {
		return c
	}
	return bytes.Compare(a.id[:], b.id[:])
}

// timeID is a time as an index key.
func timeID(t time.Time) ID {
	var k ID
	binary.BigEndian.PutUint64(k[:], timeBits(t))
	return k
}

// contribTable is the contributions' state: the rows by id and an index
// for each way they are found. A committed table is never changed; a
// write transaction changes a copy (see dbTxn).
type contribTable struct {
	rows cowTree[rowEntry]
	// source: from a module's thing to its contribution.
	source keyTree
	// titleBy: titles sealed under a person's key, for erasure.
	titleBy keyTree
	// contributor: a named participant's own list.
	contributor keyTree
	// ackDue: only unacknowledged rows, by deadline, for the overdue query.
	ackDue keyTree
	// respondDue: only rows not yet reported back, by deadline.
	respondDue keyTree
	// units hold, by unit, its rows by time received: a unit's period is
	// a short range scan, and all units' in time order a merge of the
	// units' ranges (see eachReceived). Every row is in one; sorted by
	// name.
	units []unitIndex

	// lazy: the indexes follow the rows when next read, or when the
	// table is handed on (see settle); otherwise each write changes them
	// at once. Set by the transaction that owns the table.
	lazy bool
	// pending holds the index changes of the rows written since the
	// indexes were last brought up to date, in order (see settle).
	pending []indexChange
	// bg, when not nil, is closed once a goroutine of its own has made
	// pending's changes (see settleLater). It is set before the table is
	// handed to another goroutine and never changed after.
	bg chan struct{}
}

// indexChange is a row's change the indexes have yet to follow: the row
// of its id was old and is now r (either may be nil).
type indexChange struct{ old, r *crow }

type unitIndex struct {
	name     string
	received keyTree
}

func newContribTable() *contribTable {
	g := cowGens.Add(1)
	t := &contribTable{}
	t.rows = cowTree[rowEntry]{gen: g, cmp: cmpRow}
	for _, tr := range t.keyTrees() {
		*tr = keyTree{gen: g, cmp: cmpKid}
	}
	return t
}

func (t *contribTable) keyTrees() [5]*keyTree {
	return [...]*keyTree{&t.source, &t.titleBy, &t.contributor, &t.ackDue, &t.respondDue}
}

// copy returns a table that shares t's nodes and copies each on its first
// change. t must not change after it.
func (t *contribTable) copy() *contribTable {
	t.settle()
	c := *t
	c.lazy, c.pending, c.bg = false, nil, nil
	c.units = append([]unitIndex(nil), t.units...)
	c.newGen()
	c.setSlack(0)
	return &c
}

// frozen returns t as it is now, for an iterator of the transaction that
// owns t and writes on: the copy keeps t's trees and units as they are,
// and t's trees take a generation of their own, so that its later
// writes copy what they change rather than change it under the
// iterator, which reads rows and units through the copy too.
func (t *contribTable) frozen() *contribTable {
	t.settle()
	f := *t
	f.units = slices.Clone(t.units)
	f.lazy, f.pending, f.bg = false, nil, nil
	t.newGen()
	return &f
}

// newGen gives every tree of t a generation of its own: what is written
// to t next copies the nodes and fresh entries it changes, and no other
// tree and no iterator opened before sees them change.
func (t *contribTable) newGen() {
	g := cowGens.Add(1)
	t.rows.gen = g
	for _, tr := range t.keyTrees() {
		tr.gen = g
	}
	for i := range t.units {
		t.units[i].received.gen = g
	}
}

// setSlack tells every tree of t how many more writes to expect in its
// generation (see cowTree.slack).
func (t *contribTable) setSlack(writes int) {
	n := int32(min(writes, cowFresh)) // no copy takes more
	t.rows.slack = n
	for _, tr := range t.keyTrees() {
		tr.slack = n
	}
	for i := range t.units {
		t.units[i].received.slack = n
	}
}

// unit returns the index of the unit named name in t.units, and whether
// it is there (if not, where it belongs).
func (t *contribTable) unit(name string) (int, bool) {
	i := sort.Search(len(t.units), func(i int) bool { return t.units[i].name >= name })
	return i, i < len(t.units) && t.units[i].name == name
}

// The key a row has in each single-key index; false when it is not in it.

func sourceKey(r *crow) (keyEntry, bool) { return keyEntry{k: r.ref, id: r.id}, !r.ref.IsZero() }

func titleKey(r *crow) (keyEntry, bool) { return keyEntry{k: r.titleBy, id: r.id}, !r.titleBy.IsZero() }

func ackKey(r *crow) (keyEntry, bool) {
	due := r.time(tAcknowledgeBy)
	return keyEntry{k: timeID(due), id: r.id}, codeIs(r.state, string(StateReceived)) && !due.IsZero()
}

func respondKey(r *crow) (keyEntry, bool) {
	due := r.time(tRespondBy)
	return keyEntry{k: timeID(due), id: r.id}, !codeIs(r.state, string(StateReportedBack)) && !due.IsZero()
}

func receivedKey(r *crow) keyEntry { return keyEntry{k: timeID(r.time(tReceived)), id: r.id} }

// reindex moves a row's entry in one index from old's key to r's (either
// row may be nil), writing only what differs.
func reindex(tr *keyTree, key func(*crow) (keyEntry, bool), old, r *crow) {
	var ok, nk keyEntry
	var had, has bool
	if old != nil {
		ok, had = key(old)
	}
	if r != nil {
		nk, has = key(r)
	}
	if had && has && ok == nk {
		return
	}
	if had {
		tr.delete(ok)
	}
	if has {
		tr.set(nk)
	}
}

// put inserts c or replaces the row of its id, and returns the row it
// replaced. It changes nothing when it fails.
func (t *contribTable) put(c *Contribution) (old *crow, err error) {
	if c.ID.IsZero() {
		return nil, Errorf(EINTERNAL, "a contribution without an id")
	}
	r, err := newCrow(c)
	if err != nil {
		return nil, err
	}
	return t.putRow(r), nil
}

// putRow inserts r or replaces the row of its id, and returns the row it
// replaced.
func (t *contribTable) putRow(r *crow) *crow {
	old, _ := t.rows.set(rowEntry{id: r.id, row: r})
	t.rowChanged(old.row, r)
	return old.row
}

// remove deletes the row of id, if there is one, and returns it.
func (t *contribTable) remove(id ID) *crow {
	old, had := t.rows.delete(rowEntry{id: id})
	if !had {
		return nil
	}
	t.rowChanged(old.row, nil)
	return old.row
}

// rowChanged has the indexes follow a row's change from old to r: at
// once, or when the table is next settled if it is lazy or has changes
// pending already (the changes are made in order).
func (t *contribTable) rowChanged(old, r *crow) {
	if t.lazy || len(t.pending) > 0 {
		t.pending = append(t.pending, indexChange{old, r})
		return
	}
	t.index(old, r)
}

// A command that commits on a slow journal — an fsync, a round trip to
// PostgreSQL — writes its rows at once and leaves their index changes
// (lazy) to be made while its group's events are on their way: between
// sending and waiting on PostgreSQL, on a goroutine of their own
// (settleLater) during an fsync, where they cost its writers nothing; the
// next group waits for them only when it reads or copies the table, and
// the appender before it publishes the table. A command that reads an
// index brings them up to date first (settle). So a table readers see is
// always settled, and a table with changes pending is the write side's
// alone, or in the hands of its one goroutine.

// settle brings the indexes up to date: it waits for the goroutine
// settling the table, if any, and then makes the changes still pending.
// On a settled table it only reads, so readers may call it at once.
func (t *contribTable) settle() {
	if t.bg != nil {
		<-t.bg
	}
	if len(t.pending) == 0 {
		return
	}
	t.makePending()
	clear(t.pending) // the table's own: a copy starts with none
	t.pending = t.pending[:0]
}

// makePending makes the pending index changes, in order.
func (t *contribTable) makePending() {
	for _, c := range t.pending {
		t.index(c.old, c.r)
	}
}

// settleLater makes the pending index changes on a goroutine of their
// own. The table must not change after it: only settle and reads that
// call it first may follow.
func (t *contribTable) settleLater() {
	if t.bg != nil || len(t.pending) == 0 {
		// Handed off already (its goroutine may still write pending),
		// or nothing to do.
		return
	}
	done := make(chan struct{})
	t.bg = done
	go func() {
		defer close(done)
		t.makePending()
		t.pending = nil
	}()
}

func (t *contribTable) index(old, r *crow) {
	reindex(&t.source, sourceKey, old, r)
	reindex(&t.titleBy, titleKey, old, r)
	reindex(&t.ackDue, ackKey, old, r)
	reindex(&t.respondDue, respondKey, old, r)
	var was, is []ID
	if old != nil {
		was = old.contributors
	}
	if r != nil {
		is = r.contributors
	}
	if !slices.Equal(was, is) {
		for _, p := range was {
			if !p.IsZero() {
				t.contributor.delete(keyEntry{k: p, id: old.id})
			}
		}
		for _, p := range is {
			if !p.IsZero() {
				t.contributor.set(keyEntry{k: p, id: r.id})
			}
		}
	}
	if old != nil && r != nil && old.unit == r.unit && receivedKey(old) == receivedKey(r) {
		return
	}
	if old != nil {
		if i, ok := t.unit(old.unit); ok {
			t.units[i].received.delete(receivedKey(old))
			if t.units[i].received.len() == 0 {
				t.units = removeAt(t.units, i)
			}
		}
	}
	if r != nil {
		i, ok := t.unit(r.unit)
		if !ok {
			t.units = insertAt(t.units, i, unitIndex{name: r.unit, received: keyTree{gen: t.rows.gen, cmp: cmpKid}})
		}
		t.units[i].received.set(receivedKey(r))
	}
}

// row returns the row of id, or nil.
func (t *contribTable) row(id ID) *crow {
	r, _ := t.rows.get(rowEntry{id: id})
	return r.row
}

// The index names and arguments are those the memdb table took, so that
// a query reads contributions as it reads any table.

func (t *contribTable) first(index string, args []any) (any, error) {
	if index == "id" && len(args) == 1 {
		// The look-up before every step of a replay: no iterator.
		if id, ok := args[0].(ID); ok {
			if r := t.row(id); r != nil {
				return r.contribution(), nil
			}
			return nil, nil
		}
	}
	it, err := t.get(index, args)
	if err != nil {
		return nil, err
	}
	if c := it.Next(); c != nil {
		return c, nil
	}
	return nil, nil
}

// get iterates the rows of index that match args exactly (all rows when
// there are none).
func (t *contribTable) get(index string, args []any) (Iterator, error) {
	if index != "id" {
		t.settle()
	}
	switch index {
	case "id":
		if len(args) == 0 {
			return &rowIter{it: t.rows.iter(rowEntry{}, false)}, nil
		}
		id, err := oneID(index, args)
		if err != nil {
			return nil, err
		}
		var rows []*crow
		if r := t.row(id); r != nil {
			rows = append(rows, r)
		}
		return &sliceIter{rows: rows}, nil
	case "source", "title_by", "contributor":
		tr := t.byKey(index)
		if len(args) == 0 {
			return t.keyIter(tr, keyEntry{}, false, false), nil
		}
		k, err := oneID(index, args)
		if err != nil {
			return nil, err
		}
		return t.keyIter(tr, keyEntry{k: k}, true, true), nil
	case "ack_due", "respond_due":
		if len(args) != 0 {
			return nil, fmt.Errorf("index %s of %s is read whole, in deadline order", index, TableContributions)
		}
		return t.keyIter(t.due(index), keyEntry{}, false, false), nil
	case "unit_received":
		if len(args) == 0 {
			return &unitIter{t: t}, nil
		}
		u, at, err := unitArgs(args)
		if err != nil {
			return nil, err
		}
		i, ok := t.unit(u)
		if !ok {
			return &sliceIter{}, nil
		}
		tr := &t.units[i].received
		if len(args) == 1 {
			return t.keyIter(tr, keyEntry{}, false, false), nil
		}
		return t.keyIter(tr, keyEntry{k: timeID(at)}, true, true), nil
	}
	return nil, fmt.Errorf("table %s has no index %q", TableContributions, index)
}

// lowerBound iterates index's rows from args upward.
func (t *contribTable) lowerBound(index string, args []any) (Iterator, error) {
	if index != "id" {
		t.settle()
	}
	switch index {
	case "id":
		id, err := oneID(index, args)
		if err != nil {
			return nil, err
		}
		return &rowIter{it: t.rows.iter(rowEntry{id: id}, true)}, nil
	case "source", "title_by", "contributor":
		k, err := oneID(index, args)
		if err != nil {
			return nil, err
		}
		return t.keyIter(t.byKey(index), keyEntry{k: k}, true, false), nil
	case "ack_due", "respond_due":
		at, err := oneTime(index, args)
		if err != nil {
			return nil, err
		}
		return t.keyIter(t.due(index), keyEntry{k: timeID(at)}, true, false), nil
	case "unit_received":
		u, at, err := unitArgs(args)
		if err != nil {
			return nil, err
		}
		it := &unitIter{t: t}
		it.i, _ = t.unit(u)
		if it.i < len(t.units) && t.units[it.i].name == u && len(args) == 2 {
			it.cur = t.units[it.i].received.iter(keyEntry{k: timeID(at)}, true)
		}
		return it, nil
	}
	return nil, fmt.Errorf("table %s has no index %q", TableContributions, index)
}

func (t *contribTable) byKey(index string) *keyTree {
	switch index {
	case "source":
		return &t.source
	case "title_by":
		return &t.titleBy
	}
	return &t.contributor
}

func (t *contribTable) due(index string) *keyTree {
	if index == "ack_due" {
		return &t.ackDue
	}
	return &t.respondDue
}

func oneID(index string, args []any) (ID, error) {
	if len(args) != 1 {
		return ID{}, fmt.Errorf("index %s: one ID argument wanted, got %d", index, len(args))
	}
	id, ok := args[0].(ID)
	if !ok {
		return ID{}, fmt.Errorf("index %s: an ID argument wanted, got %T", index, args[0])
	}
	return id, nil
}

func oneTime(index string, args []any) (time.Time, error) {
	if len(args) != 1 {
		return time.Time{}, fmt.Errorf("index %s: one time argument wanted, got %d", index, len(args))
	}
	t, ok := args[0].(time.Time)
	if !ok {
		return time.Time{}, fmt.Errorf("index %s: a time argument wanted, got %T", index, args[0])
	}
	return t, nil
}

// unitArgs reads a unit and an optional time.
func unitArgs(args []any) (string, time.Time, error) {
	if len(args) != 1 && len(args) != 2 {
		return "", time.Time{}, fmt.Errorf("index unit_received: a unit and an optional time wanted, got %d arguments", len(args))
	}
	u, ok := args[0].(string)
	if !ok {
		return "", time.Time{}, fmt.Errorf("index unit_received: a string argument wanted, got %T", args[0])
	}
	if len(args) == 1 {
		return u, time.Time{}, nil
	}
	at, ok := args[1].(time.Time)
	if !ok {
		return "", time.Time{}, fmt.Errorf("index unit_received: a time argument wanted, got %T", args[1])
	}
	return u, at, nil
}

// keyIter iterates tr's entries from pivot (from the first when seek is
// false), while the key is pivot's when same is true, as rows.
func (t *contribTable) keyIter(tr *keyTree, pivot keyEntry, seek, same bool) Iterator {
	it := &keyIter{t: t, it: tr.iter(pivot, seek)}
	if same {
		it.k = &pivot.k
	}
	return it
}

type keyIter struct {
	t  *contribTable
	it *cowIter[keyEntry]
	k  *ID
}

func (k *keyIter) Next() any {
	e, ok := k.it.next()
	if !ok || (k.k != nil && e.k != *k.k) {
		return nil
	}
	if r := k.t.row(e.id); r != nil {
		return r.contribution()
	}
	return nil
}

// unitIter walks the units' indexes from unit i on, each by time.
type unitIter struct {
	t   *contribTable
	i   int
	cur *cowIter[keyEntry]
}

func (u *unitIter) Next() any {
	for u.i < len(u.t.units) {
		if u.cur == nil {
			u.cur = u.t.units[u.i].received.iter(keyEntry{}, false)
		}
		if e, ok := u.cur.next(); ok {
			if r := u.t.row(e.id); r != nil {
				return r.contribution()
			}
			return nil
		}
		u.i, u.cur = u.i+1, nil
	}
	return nil
}

type rowIter struct{ it *cowIter[rowEntry] }

func (r *rowIter) Next() any {
	if e, ok := r.it.next(); ok {
		return e.row.contribution()
	}
	return nil
}

type sliceIter struct{ rows []*crow }

func (s *sliceIter) Next() any {
	if len(s.rows) == 0 {
		return nil
	}
	r := s.rows[0]
	s.rows = s.rows[1:]
	return r.contribution()
}
