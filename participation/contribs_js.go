//go:build js && wasm

package participation

import "github.com/hashicorp/go-memdb"

// In the browser the contributions are a go-memdb table like any other
// (contribs_memdb.go): a demo holds a few thousand, and the module's size
// is budgeted. A server keeps them in a store of their own (contribs.go).

// dbTxn is a go-memdb transaction: its iterators are [Reader]'s.
type dbTxn = memdb.Txn

// world is the store's state at one point: its go-memdb tables.
type world struct{ db *memdb.MemDB }

func newWorld(db *memdb.MemDB) world { return world{db} }

// snapshot returns the state as it is now, which later writes to w do
// not change. (A value receiver, unlike the server's: the browser's
// module came out 4 KB smaller with brotli so.)
func (w world) snapshot() world { return world{w.db.Snapshot()} }

func readTxn(w *world) *dbTxn  { return w.db.Txn(false) }
func writeTxn(w *world) *dbTxn { return w.db.Txn(true) }

// contribSchema adds the contributions' table to schema.
func contribSchema(schema *memdb.DBSchema) {
	schema.Tables[TableContributions] = memdbContributionsTable()
}

// findReceived: in the browser FindContributions reads through the
// index (see contribs_query.go).
func findReceived(Reader, ContributionFilter) ([]*Contribution, int, bool, error) {
	return nil, 0, false, nil
}

// ownRow returns a copy of a row read from the table, to change and
// write back: go-memdb's rows are shared with readers.
func ownRow(c *Contribution) *Contribution { return c.clone() }
