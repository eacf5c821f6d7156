package participation

import (
	"fmt"
	"time"

	"github.com/hashicorp/go-memdb"
)

// The contributions as a go-memdb table: how the browser's build keeps
// them (contribs_js.go), where a demo holds a few thousand and the
// module's size is budgeted, and the baseline the server's own store of
// contributions (contribs.go) is tested and measured against. A server
// build links none of it.

func memdbContributionsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: TableContributions,
		Indexes: map[string]*memdb.IndexSchema{
			// id: look-up and stable export order (UUIDv7, so also arrival order; only to the hour for anonymous ones).
			"id": {Name: "id", Unique: true, Indexer: IndexID(func(c *Contribution) ID { return c.ID })},
			// source: from a module's thing to its contribution.
			"source": {Name: "source", AllowMissing: true, Indexer: IndexID(func(c *Contribution) ID { return c.Source.Ref })},
			// title_by: titles sealed under a person's key, for erasure.
			"title_by": {Name: "title_by", AllowMissing: true, Indexer: IndexID(func(c *Contribution) ID { return c.TitleBy })},
			// contributor: a named participant's own list.
			"contributor": {Name: "contributor", AllowMissing: true, Indexer: IndexIDs(func(c *Contribution) []ID { return c.Contributors })},
			// unit_received: a unit's contributions of a period are a short
			// range scan; all units' in time order are a merge of the units'
			// ranges (one index serves both, see eachReceived).
			"unit_received": {Name: "unit_received", Indexer: &stringTimeIndex[*Contribution]{Of: func(c *Contribution) (string, time.Time) { return c.Unit, c.ReceivedAt }}},
			// ack_due: only unacknowledged rows, by deadline, for the overdue query.
			"ack_due": {Name: "ack_due", AllowMissing: true, Indexer: IndexTime(func(c *Contribution) time.Time {
				if c.State != StateReceived {
					return time.Time{}
				}
				return c.AcknowledgeBy
			})},
			// respond_due: only rows not yet reported back, by deadline.
			"respond_due": {Name: "respond_due", AllowMissing: true, Indexer: IndexTime(func(c *Contribution) time.Time {
				if c.State == StateReportedBack {
					return time.Time{}
				}
				return c.RespondBy
			})},
		},
	}
}

// stringTimeIndex indexes rows of type T by a string and then a time, so
// that the rows of one string are in time order and a period of them is
// a short range scan. Every row is indexed; an empty string sorts first.
// Arguments: a string alone (the first row of that string), or a string
// and a time (the first row of that string at or after the time). The
// string ends at a NUL byte, so it must hold none; the unit it indexes
// passes CheckName, which refuses control characters.
type stringTimeIndex[T any] struct {
	Of func(T) (string, time.Time)
}

// FromObject implements memdb.SingleIndexer.
func (x *stringTimeIndex[T]) FromObject(obj any) (bool, []byte, error) {
	row, ok := obj.(T)
	if !ok {
		return false, nil, fmt.Errorf("index wants %T, got %T", row, obj)
	}
	s, t := x.Of(row)
	return true, append(append([]byte(s), 0), timeKey(t)...), nil
}

// FromArgs implements memdb.Indexer.
func (x *stringTimeIndex[T]) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 && len(args) != 2 {
		return nil, fmt.Errorf("a string and an optional time wanted, got %d arguments", len(args))
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("a string argument wanted, got %T", args[0])
	}
	key := append([]byte(s), 0)
	if len(args) == 1 {
		return key, nil
	}
	t, ok := args[1].(time.Time)
	if !ok {
		return nil, fmt.Errorf("a time argument wanted, got %T", args[1])
	}
	return append(key, timeKey(t)...), nil
}
