package participation

import (
	"github.com/hashicorp/go-memdb"
)

// replayOverlay serves look-ups by id while a batch of journalled commands
// is replayed, without reading through the batch's write transaction.
//
// Why: go-memdb answers a read inside a write transaction from a clone of
// the index being written, and cloning drops the writer's cache of nodes
// it already copied (go-immutable-radix Txn.Clone). Replay reads a row
// before nearly every write (a contribution's next step), so every write
// copied its whole path in every index again: garbage and time that grew
// with the depth of the trees. With the overlay, a row written in this
// batch is found in a map and any other row in the state the batch started
// from, so the writer's cache lasts the whole batch and each node is
// copied once per batch.
type replayOverlay struct {
	base   *memdb.Txn      // the state before the batch
	rows   map[string]any  // what the batch wrote, by table and id (see overlayKey); deleted: a deleted
	schema *memdb.DBSchema // for each table's id indexer
	broken map[string]bool // tables whose rows the overlay cannot key
}

// deleted stands in the overlay for a row the batch deleted.
type deleted struct{}

// overlayKey joins a table's name and an id key: names hold no NUL.
func overlayKey(table string, id []byte) string { return table + "\x00" + string(id) }

func newReplayOverlay(s *Store) *replayOverlay {
	o := &replayOverlay{schema: s.side.db.DBSchema()}
	o.reset(s.side.db)
	return o
}

// reset starts a new batch over the state db holds.
func (o *replayOverlay) reset(db *memdb.MemDB) {
	o.base = db.Txn(false)
	o.rows = map[string]any{}
}

// idIndexer returns table's id indexer (go-memdb requires a single one),
// nil for a table it does not know.
func (o *replayOverlay) idIndexer(table string) memdb.Indexer {
	t, ok := o.schema.Tables[table]
	if !ok {
		return nil
	}
	return t.Indexes["id"].Indexer
}

// first answers First(table, "id", args...), or says it cannot.
func (o *replayOverlay) first(table string, args []any) (obj any, ok bool, err error) {
	ix := o.idIndexer(table)
	if ix == nil {
		return nil, false, nil
	}
	key, err := ix.FromArgs(args...)
	if err != nil {
		return nil, false, nil // let the transaction report it
	}
	if r, hit := o.rows[overlayKey(table, key)]; hit {
		if _, gone := r.(deleted); gone {
			return nil, true, nil
		}
		return r, true, nil
	}
	obj, err = o.base.First(table, "id", args...)
	return obj, true, err
}

// wrote records that the batch wrote row to table, or deleted it.
func (o *replayOverlay) wrote(table string, row any, gone bool) {
	ix := o.idIndexer(table)
	if ix == nil {
		return
	}
	si, single := ix.(memdb.SingleIndexer)
	if !single {
		return
	}
	// The transaction accepted the row, so its id keys; a row without an
	// id is in no id look-up.
	has, key, err := si.FromObject(row)
	if err != nil || !has {
		return
	}
	if gone {
		o.rows[overlayKey(table, key)] = deleted{}
	} else {
		o.rows[overlayKey(table, key)] = row
	}
}
