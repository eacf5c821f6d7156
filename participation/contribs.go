package participation

import (
	"bytes"
	"fmt"
	"time"

	"github.com/hashicorp/go-memdb"
	"github.com/tidwall/btree"
)

// Contributions are the store's largest table: a county gathers a million
// over the years, each changed four or five times. They are not go-memdb
// rows. go-memdb keeps each index in a radix tree of its own, about 440
// bytes an entry, and a replay inserted every row into seven of them; at
// a million contributions the trees alone outweighed the rows. Here the
// rows sit in copy-on-write B-trees (github.com/tidwall/btree): one of the
// rows by id, and one per index whose entries are 56 bytes — a key and the
// contribution's id, resolved through the first tree.
//
// The tables stay one state: the trees' roots are a single row of a
// go-memdb table of their own (tableContribRoot), so every memdb snapshot
// — the write side, what readers see, a batch in the commit pipeline —
// holds the contributions of exactly its commands, and a transaction that
// is aborted leaves them as they were. A write transaction copies the
// roots on its first change (a B-tree copy is O(1): its nodes are shared
// and copied on their first change, once per transaction), and its commit
// stores the new roots in the same memdb commit. Readers read through
// [Reader] with the index names and arguments the memdb table took, so
// queries are written as for any table.

// tableContribRoot holds the one row that is the contributions' state.
const tableContribRoot = "contributions.root"

// contribRootKey is that row's id.
const contribRootKey = "contributions"

// contribDegree is the B-trees' degree: nodes of up to 2×degree−1
// entries. A write copies the nodes on its path once per transaction,
// so small nodes copy less; 8 keeps trees of a million rows 7 levels deep.
const contribDegree = 8

// ckey is an entry of a secondary index: its key (k, at, unit; what the
// index does not use is zero) and the contribution's id, which orders
// entries of the same key, as go-memdb orders them.
type ckey struct {
	k    ID
	at   int64 // Unix nanoseconds
	unit string
	id   ID
}

func lessByK(a, b ckey) bool {
	if c := bytes.Compare(a.k[:], b.k[:]); c != 0 {
		return c < 0
	}
	return bytes.Compare(a.id[:], b.id[:]) < 0
}

func lessByUnit(a, b ckey) bool {
	if a.unit != b.unit {
		return a.unit < b.unit
	}
	if a.at != b.at {
		return a.at < b.at
	}
	return bytes.Compare(a.id[:], b.id[:]) < 0
}

func lessByAt(a, b ckey) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return bytes.Compare(a.id[:], b.id[:]) < 0
}

func lessRow(a, b *Contribution) bool { return bytes.Compare(a.ID[:], b.ID[:]) < 0 }

// contribTable is the contributions' state: the rows by id and an index
// for each way they are found. A committed table is never changed; a
// write transaction changes a copy (see dbTxn).
type contribTable struct {
	rows *btree.BTreeG[*Contribution]
	// source: from a module's thing to its contribution.
	source *btree.BTreeG[ckey]
	// titleBy: titles sealed under a person's key, for erasure.
	titleBy *btree.BTreeG[ckey]
	// contributor: a named participant's own list.
	contributor *btree.BTreeG[ckey]
	// unitReceived: a unit's contributions of a period are a short range
	// scan; all units' in time order are a merge of the units' ranges
	// (one index serves both, see eachReceived). Every row is in it.
	unitReceived *btree.BTreeG[ckey]
	// ackDue: only unacknowledged rows, by deadline, for the overdue query.
	ackDue *btree.BTreeG[ckey]
	// respondDue: only rows not yet reported back, by deadline.
	respondDue *btree.BTreeG[ckey]
}

func newContribTable() *contribTable {
	opt := btree.Options{Degree: contribDegree, NoLocks: true}
	return &contribTable{
		rows:         btree.NewBTreeGOptions(lessRow, opt),
		source:       btree.NewBTreeGOptions(lessByK, opt),
		titleBy:      btree.NewBTreeGOptions(lessByK, opt),
		contributor:  btree.NewBTreeGOptions(lessByK, opt),
		unitReceived: btree.NewBTreeGOptions(lessByUnit, opt),
		ackDue:       btree.NewBTreeGOptions(lessByAt, opt),
		respondDue:   btree.NewBTreeGOptions(lessByAt, opt),
	}
}

// copy returns a table that shares t's nodes and copies each on its first
// change. t is no longer changed in place after it.
func (t *contribTable) copy() *contribTable {
	return &contribTable{
		rows: t.rows.Copy(), source: t.source.Copy(), titleBy: t.titleBy.Copy(), contributor: t.contributor.Copy(),
		unitReceived: t.unitReceived.Copy(), ackDue: t.ackDue.Copy(), respondDue: t.respondDue.Copy(),
	}
}

// contribRootTable is the memdb table holding the table's roots.
func contribRootTable() *memdb.TableSchema {
	return &memdb.TableSchema{Name: tableContribRoot, Indexes: map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: IndexString(func(*contribTable) string { return contribRootKey })},
	}}
}

// The keys a row has in each index; ok false when it is not in it.

func sourceKey(c *Contribution) (ckey, bool) {
	return ckey{k: c.Source.Ref, id: c.ID}, !c.Source.Ref.IsZero()
}

func titleKey(c *Contribution) (ckey, bool) { return ckey{k: c.TitleBy, id: c.ID}, !c.TitleBy.IsZero() }

func unitKey(c *Contribution) (ckey, bool) {
	return ckey{unit: c.Unit, at: c.ReceivedAt.UnixNano(), id: c.ID}, true
}

func ackKey(c *Contribution) (ckey, bool) {
	return ckey{at: c.AcknowledgeBy.UnixNano(), id: c.ID}, c.State == StateReceived && !c.AcknowledgeBy.IsZero()
}

func respondKey(c *Contribution) (ckey, bool) {
	return ckey{at: c.RespondBy.UnixNano(), id: c.ID}, c.State != StateReportedBack && !c.RespondBy.IsZero()
}

// reindex moves a row's entries in one single-key index from old's keys
// to c's (either may be nil), writing only what differs.
func reindex(tr *btree.BTreeG[ckey], key func(*Contribution) (ckey, bool), old, c *Contribution) {
	var ok, nk ckey
	var had, has bool
	if old != nil {
		ok, had = key(old)
	}
	if c != nil {
		nk, has = key(c)
	}
	if had && has && ok == nk {
		return
	}
	if had {
		tr.Delete(ok)
	}
	if has {
		tr.Set(nk)
	}
}

// reindexContributors does the same for the contributors, a row's many
// keys.
func reindexContributors(tr *btree.BTreeG[ckey], old, c *Contribution) {
	var was, is []ID
	if old != nil {
		was = old.Contributors
	}
	if c != nil {
		is = c.Contributors
	}
	if idsEqual(was, is) {
		return
	}
	for _, p := range was {
		if !p.IsZero() {
			tr.Delete(ckey{k: p, id: old.ID})
		}
	}
	for _, p := range is {
		if !p.IsZero() {
			tr.Set(ckey{k: p, id: c.ID})
		}
	}
}

func idsEqual(a, b []ID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// put inserts c or replaces the row of its id.
func (t *contribTable) put(c *Contribution) error {
	if c.ID.IsZero() {
		return Errorf(EINTERNAL, "a contribution without an id")
	}
	old, had := t.rows.Set(c)
	if !had {
		old = nil
	}
	t.index(old, c)
	return nil
}

// remove deletes the row of c's id, if there is one.
func (t *contribTable) remove(c *Contribution) {
	if old, had := t.rows.Delete(c); had {
		t.index(old, nil)
	}
}

func (t *contribTable) index(old, c *Contribution) {
	reindex(t.source, sourceKey, old, c)
	reindex(t.titleBy, titleKey, old, c)
	reindexContributors(t.contributor, old, c)
	reindex(t.unitReceived, unitKey, old, c)
	reindex(t.ackDue, ackKey, old, c)
	reindex(t.respondDue, respondKey, old, c)
}

// byID returns the row of id, or nil.
func (t *contribTable) byID(id ID) *Contribution {
	c, ok := t.rows.Get(&Contribution{ID: id})
	if !ok {
		return nil
	}
	return c
}

// The index names and arguments are those the memdb table took, so that
// a query reads contributions as it reads any table.

func (t *contribTable) first(index string, args []any) (any, error) {
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
	switch index {
	case "id":
		if len(args) == 0 {
			return &rowIter{it: t.rows.Iter()}, nil
		}
		id, err := oneID(index, args)
		if err != nil {
			return nil, err
		}
		if c := t.byID(id); c != nil {
			return &sliceIter{rows: []*Contribution{c}}, nil
		}
		return &sliceIter{}, nil
	case "source", "title_by", "contributor":
		tr := t.byKTree(index)
		if len(args) == 0 {
			return t.keyIter(tr, ckey{}, false, nil), nil
		}
		k, err := oneID(index, args)
		if err != nil {
			return nil, err
		}
		return t.keyIter(tr, ckey{k: k}, true, func(e ckey) bool { return e.k == k }), nil
	case "ack_due", "respond_due":
		if len(args) != 0 {
			return nil, fmt.Errorf("index %s of %s is read whole, in deadline order", index, TableContributions)
		}
		return t.keyIter(t.dueTree(index), ckey{}, false, nil), nil
	case "unit_received":
		if len(args) == 0 {
			return t.keyIter(t.unitReceived, ckey{}, false, nil), nil
		}
		pivot, err := unitPivot(args)
		if err != nil {
			return nil, err
		}
		if len(args) == 1 {
			return t.keyIter(t.unitReceived, pivot, true, func(e ckey) bool { return e.unit == pivot.unit }), nil
		}
		return t.keyIter(t.unitReceived, pivot, true, func(e ckey) bool { return e.unit == pivot.unit && e.at == pivot.at }), nil
	}
	return nil, fmt.Errorf("table %s has no index %q", TableContributions, index)
}

// lowerBound iterates index's rows from args upward.
func (t *contribTable) lowerBound(index string, args []any) (Iterator, error) {
	switch index {
	case "id":
		id, err := oneID(index, args)
		if err != nil {
			return nil, err
		}
		it := t.rows.Iter()
		return &rowIter{it: it, pivot: &Contribution{ID: id}}, nil
	case "source", "title_by", "contributor":
		k, err := oneID(index, args)
		if err != nil {
			return nil, err
		}
		return t.keyIter(t.byKTree(index), ckey{k: k}, true, nil), nil
	case "ack_due", "respond_due":
		at, err := oneTime(index, args)
		if err != nil {
			return nil, err
		}
		return t.keyIter(t.dueTree(index), ckey{at: at.UnixNano()}, true, nil), nil
	case "unit_received":
		pivot, err := unitPivot(args)
		if err != nil {
			return nil, err
		}
		return t.keyIter(t.unitReceived, pivot, true, nil), nil
	}
	return nil, fmt.Errorf("table %s has no index %q", TableContributions, index)
}

func (t *contribTable) byKTree(index string) *btree.BTreeG[ckey] {
	switch index {
	case "source":
		return t.source
	case "title_by":
		return t.titleBy
	}
	return t.contributor
}

func (t *contribTable) dueTree(index string) *btree.BTreeG[ckey] {
	if index == "ack_due" {
		return t.ackDue
	}
	return t.respondDue
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

// unitPivot reads a unit and an optional time: the first entry of that
// unit (at or after the time).
func unitPivot(args []any) (ckey, error) {
	if len(args) != 1 && len(args) != 2 {
		return ckey{}, fmt.Errorf("index unit_received: a unit and an optional time wanted, got %d arguments", len(args))
	}
	u, ok := args[0].(string)
	if !ok {
		return ckey{}, fmt.Errorf("index unit_received: a string argument wanted, got %T", args[0])
	}
	pivot := ckey{unit: u, at: -1 << 63}
	if len(args) == 2 {
		at, ok := args[1].(time.Time)
		if !ok {
			return ckey{}, fmt.Errorf("index unit_received: a time argument wanted, got %T", args[1])
		}
		pivot.at = at.UnixNano()
	}
	return pivot, nil
}

// keyIter iterates tr's entries from pivot (from the first when seek is
// false) while match holds (nil: to the end), as rows.
func (t *contribTable) keyIter(tr *btree.BTreeG[ckey], pivot ckey, seek bool, match func(ckey) bool) Iterator {
	return &keyIter{rows: t, it: tr.Iter(), pivot: pivot, seek: seek, match: match}
}

type keyIter struct {
	rows    *contribTable
	it      btree.IterG[ckey]
	pivot   ckey
	seek    bool
	started bool
	done    bool
	match   func(ckey) bool
}

func (k *keyIter) Next() any {
	if k.done {
		return nil
	}
	var ok bool
	switch {
	case k.started:
		ok = k.it.Next()
	case k.seek:
		ok = k.it.Seek(k.pivot)
	default:
		ok = k.it.First()
	}
	k.started = true
	if ok && (k.match == nil || k.match(k.it.Item())) {
		if c := k.rows.byID(k.it.Item().id); c != nil {
			return c
		}
	}
	k.done = true
	k.it.Release()
	return nil
}

type rowIter struct {
	it      btree.IterG[*Contribution]
	pivot   *Contribution
	started bool
	done    bool
}

func (r *rowIter) Next() any {
	if r.done {
		return nil
	}
	var ok bool
	switch {
	case r.started:
		ok = r.it.Next()
	case r.pivot != nil:
		ok = r.it.Seek(r.pivot)
	default:
		ok = r.it.First()
	}
	r.started = true
	if ok {
		return r.it.Item()
	}
	r.done = true
	r.it.Release()
	return nil
}

type sliceIter struct{ rows []*Contribution }

func (s *sliceIter) Next() any {
	if len(s.rows) == 0 {
		return nil
	}
	c := s.rows[0]
	s.rows = s.rows[1:]
	return c
}

// dbTxn is a go-memdb transaction that also reads and writes the
// contributions (see contribTable): the one kind of transaction the store
// runs commands, replay and snapshots in.
type dbTxn struct {
	*memdb.Txn
	ct    *contribTable // loaded on first use
	owned bool          // ct is this transaction's copy, changed in place
}

// readTxn and writeTxn open transactions on db.
func readTxn(db *memdb.MemDB) *dbTxn  { return &dbTxn{Txn: db.Txn(false)} }
func writeTxn(db *memdb.MemDB) *dbTxn { return &dbTxn{Txn: db.Txn(true)} }

// contributions returns the contributions the transaction sees, its own
// copy when it is about to change them.
func (d *dbTxn) contributions(write bool) (*contribTable, error) {
	if d.ct == nil {
		obj, err := d.Txn.First(tableContribRoot, "id", contribRootKey)
		if err != nil {
			return nil, err
		}
		if obj == nil {
			d.ct, d.owned = newContribTable(), true
		} else {
			d.ct = obj.(*contribTable)
		}
	}
	if write && !d.owned {
		d.ct, d.owned = d.ct.copy(), true
	}
	return d.ct, nil
}

// Commit stores the contributions this transaction changed and commits.
func (d *dbTxn) Commit() {
	if d.owned && d.ct != nil {
		if err := d.Txn.Insert(tableContribRoot, d.ct); err != nil {
			// The table and its indexer are the store's own: an error is
			// a defect, not something a command or a journal can cause.
			panic(fmt.Sprintf("storing the contributions: %v", err))
		}
		d.owned = false
	}
	d.Txn.Commit()
}

// Insert writes a row.
func (d *dbTxn) Insert(table string, obj any) error {
	if table != TableContributions {
		return d.Txn.Insert(table, obj)
	}
	c, ok := obj.(*Contribution)
	if !ok {
		return fmt.Errorf("table %s takes *Contribution, not %T", table, obj)
	}
	ct, err := d.contributions(true)
	if err != nil {
		return err
	}
	return ct.put(c)
}

// Delete removes a row.
func (d *dbTxn) Delete(table string, obj any) error {
	if table != TableContributions {
		return d.Txn.Delete(table, obj)
	}
	c, ok := obj.(*Contribution)
	if !ok {
		return fmt.Errorf("table %s takes *Contribution, not %T", table, obj)
	}
	ct, err := d.contributions(true)
	if err != nil {
		return err
	}
	ct.remove(c)
	return nil
}

// First returns the first row matching the index arguments, or nil.
func (d *dbTxn) First(table, index string, args ...any) (any, error) {
	if table != TableContributions {
		return d.Txn.First(table, index, args...)
	}
	ct, err := d.contributions(false)
	if err != nil {
		return nil, err
	}
	return ct.first(index, args)
}

// Get iterates the rows matching the index arguments.
func (d *dbTxn) Get(table, index string, args ...any) (Iterator, error) {
	if table != TableContributions {
		it, err := d.Txn.Get(table, index, args...)
		if err != nil {
			return nil, err
		}
		return it, nil
	}
	ct, err := d.contributions(false)
	if err != nil {
		return nil, err
	}
	return ct.get(index, args)
}

// LowerBound iterates rows from the index arguments upward.
func (d *dbTxn) LowerBound(table, index string, args ...any) (Iterator, error) {
	if table != TableContributions {
		it, err := d.Txn.LowerBound(table, index, args...)
		if err != nil {
			return nil, err
		}
		return it, nil
	}
	ct, err := d.contributions(false)
	if err != nil {
		return nil, err
	}
	return ct.lowerBound(index, args)
}

// ReverseLowerBound iterates rows from the index arguments downward; the
// contributions are not read so.
func (d *dbTxn) ReverseLowerBound(table, index string, args ...any) (Iterator, error) {
	if table != TableContributions {
		it, err := d.Txn.ReverseLowerBound(table, index, args...)
		if err != nil {
			return nil, err
		}
		return it, nil
	}
	return nil, fmt.Errorf("table %s is not read in reverse", table)
}
