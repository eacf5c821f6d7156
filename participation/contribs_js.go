//go:build js && wasm

package participation

import "github.com/hashicorp/go-memdb"

// In the browser the contributions are a go-memdb table like any other
// (contribs_memdb.go): a demo holds a few thousand, and the module's size
// is budgeted. A server keeps them in a store of their own (contribs.go).

// dbTxn is a go-memdb transaction, read through [Reader]'s iterators.
type dbTxn struct{ *memdb.Txn }

func readTxn(db *memdb.MemDB) *dbTxn  { return &dbTxn{db.Txn(false)} }
func writeTxn(db *memdb.MemDB) *dbTxn { return &dbTxn{db.Txn(true)} }

// contribSchema adds the contributions' table to schema.
func contribSchema(schema *memdb.DBSchema) {
	schema.Tables[TableContributions] = memdbContributionsTable()
}

// Get iterates the rows matching the index arguments.
func (d *dbTxn) Get(table, index string, args ...any) (Iterator, error) {
	it, err := d.Txn.Get(table, index, args...)
	if err != nil {
		return nil, err
	}
	return it, nil
}

// LowerBound iterates rows from the index arguments upward.
func (d *dbTxn) LowerBound(table, index string, args ...any) (Iterator, error) {
	it, err := d.Txn.LowerBound(table, index, args...)
	if err != nil {
		return nil, err
	}
	return it, nil
}

// ReverseLowerBound iterates rows from the index arguments downward.
func (d *dbTxn) ReverseLowerBound(table, index string, args ...any) (Iterator, error) {
	it, err := d.Txn.ReverseLowerBound(table, index, args...)
	if err != nil {
		return nil, err
	}
	return it, nil
}

// findReceived: in the browser FindContributions reads through the
// index (see contribs_query.go).
func findReceived(Reader, ContributionFilter) ([]*Contribution, int, bool, error) {
	return nil, 0, false, nil
}

// ownRow returns a copy of a row read from the table, to change and
// write back: go-memdb's rows are shared with readers.
func ownRow(c *Contribution) *Contribution { return c.clone() }
