//go:build !(js && wasm)

package participation

import (
	"fmt"

	"github.com/hashicorp/go-memdb"
)

// world is the store's state at one point: its go-memdb tables and,
// beside them, the contributions' table (nil: none yet). The table is
// not a go-memdb row: storing the one pointer there, a radix tree write
// and its commit, cost a command about a quarter of its time.
type world struct {
	db *memdb.MemDB
	ct *contribTable
}

func newWorld(db *memdb.MemDB) world { return world{db: db} }

// snapshot returns the state as it is now, which later writes to w do
// not change: a write transaction copies the contributions' table before
// it changes it, unless no snapshot holds it (see dbTxn.group). Its
// indexes are up to date, for readers.
func (w *world) snapshot() world {
	if w.ct != nil {
		w.ct.settle()
	}
	return world{w.db.Snapshot(), w.ct}
}

// handOff is snapshot for the commit pipeline, whose batch is appended
// next: the table's indexes are brought up to date meanwhile (see
// settleWhile), and the appender waits for them before it publishes the
// state (see settled).
func (w *world) handOff(background bool) world {
	w.settleWhile(background)
	return world{w.db.Snapshot(), w.ct}
}

// settleWhile brings the table's indexes up to date while a group's
// events are appended: on a goroutine of their own if background (see
// contribTable.settleLater), at once otherwise. Nothing writes to w
// until the next transaction, which copies the table first.
func (w *world) settleWhile(background bool) {
	switch {
	case w.ct == nil:
	case background:
		w.ct.settleLater()
	default:
		w.ct.settle()
	}
}

// settled waits until the state's indexes are up to date, having been
// handed off (see handOff). It only reads.
func (w *world) settled() {
	if w.ct != nil && w.ct.bg != nil {
		<-w.ct.bg
	}
}

// dbTxn is a go-memdb transaction that also reads and writes the
// contributions (see contribTable): the one kind of transaction the store
// runs commands, replay and snapshots in.
type dbTxn struct {
	*memdb.Txn
	side  *world        // where a write transaction commits the table
	ct    *contribTable // the table it reads, or its own copy
	owned bool          // ct is this transaction's to change in place

	// In a command of a group being run, group holds the table the
	// group's earlier commands left: no snapshot holds it yet, so rather
	// than copy it again (a path in every tree) the transaction changes
	// it in place, and keeps in undo what each change replaced, to put
	// it back if it aborts. It copies after all if it opened an iterator
	// on the table before its first change, so that the iterator never
	// sees the table change under it.
	group    *groupTable
	lazy     bool // the indexes follow the rows later (see contribTable.lazy)
	inPlace  bool
	iterated bool
	undo     []undoRow
	done     bool // committed or aborted
}

// groupTable is the contributions' table as a group's commands left it,
// for the next command of the group (see dbTxn.group). It is the group's
// own: a group ends with a snapshot of the write side, after which the
// table never changes.
type groupTable struct {
	ct      *contribTable
	inPlace int // the commands that changed ct in place
	size    int // the group's commands
}

// undoRow is a row a transaction changed in place: the row of id was old
// (nil: none) before.
type undoRow struct {
	id  ID
	old *crow
}

// contribSchema adds the contributions' tables to schema: none, as they
// live beside go-memdb (see world).
func contribSchema(*memdb.DBSchema) {}

// readTxn opens a transaction that reads w; writeTxn one that writes to
// it.
func readTxn(w *world) *dbTxn  { return &dbTxn{Txn: w.db.Txn(false), ct: w.ct} }
func writeTxn(w *world) *dbTxn { return &dbTxn{Txn: w.db.Txn(true), side: w, ct: w.ct} }

// contributions returns the contributions the transaction sees, its own
// copy when it is about to change them.
func (d *dbTxn) contributions(write bool) (*contribTable, error) {
	if d.ct == nil {
		d.ct, d.owned = newContribTable(), true
		d.ct.lazy = d.lazy
	}
	if write && !d.owned {
		if d.group != nil && d.group.ct == d.ct && !d.iterated {
			d.owned, d.inPlace = true, true
			d.group.inPlace++
		} else {
			d.ct, d.owned = d.ct.copy(), true
			if d.group != nil {
				// The group's later commands write to this copy too.
				d.ct.setSlack(d.group.size - 1)
			}
		}
		d.ct.lazy = d.lazy
	}
	return d.ct, nil
}

// Commit commits, and makes the contributions this transaction changed
// those of the state it writes to.
func (d *dbTxn) Commit() {
	if d.owned && d.ct != nil && d.side != nil {
		// A table changed in place is that state's already.
		d.side.ct = d.ct
		if d.group != nil {
			d.group.ct = d.ct
		}
		d.owned = false
	}
	d.done, d.undo = true, nil
	d.Txn.Commit()
}

// Abort drops the transaction's changes: a table changed in place gets
// back the rows it had, in reverse order of the changes.
func (d *dbTxn) Abort() {
	if d.inPlace && !d.done {
		for i := len(d.undo) - 1; i >= 0; i-- {
			if u := d.undo[i]; u.old != nil {
				d.ct.putRow(u.old)
			} else {
				d.ct.remove(u.id)
			}
		}
	}
	d.done, d.undo = true, nil
	d.Txn.Abort()
}

// changing notes, before the row of id changes in a table changed in
// place, what the row is, so that an abort — even after a panic half way
// through the change — puts it back.
func (d *dbTxn) changing(ct *contribTable, id ID) {
	if d.inPlace {
		d.undo = append(d.undo, undoRow{id, ct.row(id)})
	}
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
	d.changing(ct, c.ID)
	_, err = ct.put(c)
	return err
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
	d.changing(ct, c.ID)
	ct.remove(c.ID)
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
		return d.Txn.Get(table, index, args...)
	}
	ct, err := d.contributions(false)
	if err != nil {
		return nil, err
	}
	d.iterated = d.iterated || !d.owned
	if d.owned {
		// Its own table, which it may write to while the iterator is
		// open: the iterator reads a frozen copy.
		ct = ct.frozen()
	}
	return ct.get(index, args)
}

// LowerBound iterates rows from the index arguments upward.
func (d *dbTxn) LowerBound(table, index string, args ...any) (Iterator, error) {
	if table != TableContributions {
		return d.Txn.LowerBound(table, index, args...)
	}
	ct, err := d.contributions(false)
	if err != nil {
		return nil, err
	}
	d.iterated = d.iterated || !d.owned
	if d.owned {
		// Its own table, which it may write to while the iterator is
		// open: the iterator reads a frozen copy.
		ct = ct.frozen()
	}
	return ct.lowerBound(index, args)
}

// ReverseLowerBound iterates rows from the index arguments downward; the
// contributions are not read so.
func (d *dbTxn) ReverseLowerBound(table, index string, args ...any) (Iterator, error) {
	if table != TableContributions {
		return d.Txn.ReverseLowerBound(table, index, args...)
	}
	return nil, fmt.Errorf("table %s is not read in reverse", table)
}
