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
	base *memdb.Txn                // the state before the batch
	rows map[overlayKey]overlayRow // what the batch wrote, by table and id
	ids  map[string]memdb.Indexer  // each table's id indexer
}

type overlayKey struct {
	table string
	id    string
}

type overlayRow struct{ obj any } // obj nil: deleted in this batch

func newReplayOverlay(s *Store) *replayOverlay {
	o := &replayOverlay{rows: map[overlayKey]overlayRow{}, ids: map[string]memdb.Indexer{}}
	for name, t := range s.db.DBSchema().Tables {
		o.ids[name] = t.Indexes["id"].Indexer
	}
	o.reset(s.db)
	return o
}

// reset starts a new batch over the state db holds.
func (o *replayOverlay) reset(db *memdb.MemDB) {
	o.base = db.Txn(false)
	clear(o.rows)
}

// first answers First(table, "id", args...), or says it cannot.
func (o *replayOverlay) first(table string, args []any) (obj any, ok bool, err error) {
	ix, found := o.ids[table]
	if !found {
		return nil, false, nil
	}
	key, err := ix.FromArgs(args...)
	if err != nil {
		return nil, false, nil // let the transaction report it
	}
	if r, hit := o.rows[overlayKey{table, string(key)}]; hit {
		return r.obj, true, nil
	}
	obj, err = o.base.First(table, "id", args...)
	return obj, true, err
}

// wrote records that the batch wrote obj to table (nil obj: deleted
// row).
func (o *replayOverlay) wrote(table string, row, obj any) {
	ix, found := o.ids[table]
	if !found {
		return
	}
	si, isSingle := ix.(memdb.SingleIndexer)
	if !isSingle {
		o.broken(table)
		return
	}
	has, key, err := si.FromObject(row)
	if err != nil || !has {
		o.broken(table)
		return
	}
	o.rows[overlayKey{table, string(key)}] = overlayRow{obj}
}

// broken stops serving table from the overlay: a row it cannot key.
func (o *replayOverlay) broken(table string) { delete(o.ids, table) }
