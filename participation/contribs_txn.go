//go:build !(js && wasm)

package participation

import (
	"fmt"

	"github.com/hashicorp/go-memdb"
)

// dbTxn is a go-memdb transaction that also reads and writes the
// contributions (see contribTable): the one kind of transaction the store
// runs commands, replay and snapshots in.
type dbTxn struct {
	*memdb.Txn
	ct    *contribTable // loaded on first use
	owned bool          // ct is this transaction's copy, changed in place
}

// contribSchema adds the table that holds the contributions' state to
// schema.
func contribSchema(schema *memdb.DBSchema) {
	schema.Tables[tableContribRoot] = contribRootTable()
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
		return d.Txn.Get(table, index, args...)
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
		return d.Txn.LowerBound(table, index, args...)
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
		return d.Txn.ReverseLowerBound(table, index, args...)
	}
	return nil, fmt.Errorf("table %s is not read in reverse", table)
}
