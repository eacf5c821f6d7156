//go:build !(js && wasm)

package participation

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/go-memdb"
)

// TestIteratorsOnOwnTable: every way of iterating the contributions, on
// a table the transaction has changed and goes on changing while the
// iterator is open, reads the table as it was when the iterator was
// opened — what an iterator drained at once read — whatever the writes
// after it insert, change or delete, before or after its position, in a
// unit, a person's list or a deadline order of its own or another's.
func TestIteratorsOnOwnTable(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	person := func(n byte) ID { return ID{0x01, 0x90, n} }
	row := func(n byte, unit string, who ID) *Contribution {
		at := base.Add(time.Duration(n) * time.Hour)
		return &Contribution{
			ID: ID{0x01, 0x91, n}, Unit: unit, State: StateReceived, ReceivedAt: at,
			AcknowledgeBy: at.Add(48 * time.Hour), RespondBy: at.Add(30 * 24 * time.Hour),
			Contributors: []ID{who}, TitleBy: who, Source: Source{Module: "m", Kind: "k", Ref: ID{0x01, 0x92, n}},
		}
	}
	type spec struct {
		name  string
		lower bool
		index string
		args  []any
	}
	specs := []spec{
		{"all by id", false, "id", nil},
		{"one id", false, "id", []any{ID{0x01, 0x91, 20}}},
		{"from an id", true, "id", []any{ID{0x01, 0x91, 20}}},
		{"every source", false, "source", nil},
		{"one source", false, "source", []any{ID{0x01, 0x92, 20}}},
		{"from a source", true, "source", []any{ID{0x01, 0x92, 20}}},
		{"every sealer", false, "title_by", nil},
		{"one sealer", false, "title_by", []any{person(5)}},
		{"from a sealer", true, "title_by", []any{person(5)}},
		{"every contributor", false, "contributor", nil},
		{"one contributor", false, "contributor", []any{person(5)}},
		{"from a contributor", true, "contributor", []any{person(5)}},
		{"acknowledgements due", false, "ack_due", nil},
		{"acknowledgements due from", true, "ack_due", []any{base.Add(60 * time.Hour)}},
		{"responses due", false, "respond_due", nil},
		{"responses due from", true, "respond_due", []any{base.Add(30*24*time.Hour + 12*time.Hour)}},
		{"every unit", false, "unit_received", nil},
		{"one unit", false, "unit_received", []any{"M"}},
		{"one unit from a time", false, "unit_received", []any{"M", base.Add(20 * time.Hour)}},
		{"from a unit", true, "unit_received", []any{"M"}},
		{"from a unit and a time", true, "unit_received", []any{"M", base.Add(20 * time.Hour)}},
	}
	open := func(txn *dbTxn, s spec) Iterator {
		t.Helper()
		var it Iterator
		var err error
		if s.lower {
			it, err = txn.LowerBound(TableContributions, s.index, s.args...)
		} else {
			it, err = txn.Get(TableContributions, s.index, s.args...)
		}
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		return it
	}
	seen := func(obj any) string {
		c := obj.(*Contribution)
		return fmt.Sprintf("%x/%s/%s", c.ID[2], c.Unit, c.State)
	}
	for _, s := range specs {
		t.Run(s.name, func(t *testing.T) {
			db, err := memdb.NewMemDB(&memdb.DBSchema{Tables: map[string]*memdb.TableSchema{TableContributions: memdbContributionsTable()}})
			if err != nil {
				t.Fatal(err)
			}
			w := newWorld(db.Snapshot())
			txn := writeTxn(&w)
			defer txn.Abort()
			// The transaction's own rows: two units, people 3 to 8.
			for n := byte(10); n < 40; n++ {
				unit := "M"
				if n%3 == 0 {
					unit = "P"
				}
				if err := txn.Insert(TableContributions, row(n, unit, person(3+n%6))); err != nil {
					t.Fatal(err)
				}
			}
			var want []string
			for it, obj := open(txn, s), any(nil); ; {
				if obj = it.Next(); obj == nil {
					break
				}
				want = append(want, seen(obj))
			}
			it := open(txn, s)
			var got []string
			if obj := it.Next(); obj != nil { // part way in
				got = append(got, seen(obj))
			}
			// Writes after it: units and people that sort before and
			// after, rows before and after its position changed and
			// deleted, deadlines met.
			for n := byte(1); n < 60; n += 7 {
				for _, unit := range []string{"A", "M", "Z"} {
					if err := txn.Insert(TableContributions, row(n, unit, person(n%9))); err != nil {
						t.Fatal(err)
					}
				}
			}
			for n := byte(10); n < 40; n += 4 {
				c := row(n, "M", person(3+n%6))
				c.State, c.AcknowledgedAt, c.ReportedAt = StateReportedBack, base, base
				if err := txn.Insert(TableContributions, c); err != nil {
					t.Fatal(err)
				}
				if err := txn.Delete(TableContributions, row(n+1, "M", person(3+(n+1)%6))); err != nil && err != memdb.ErrNotFound {
					t.Fatal(err)
				}
			}
			for obj := it.Next(); obj != nil; obj = it.Next() {
				got = append(got, seen(obj))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("the iterator read\n%v\nwhere, at its opening, the table held\n%v", got, want)
			}
			if len(want) == 0 && s.index != "id" {
				t.Errorf("nothing to read: the case checks nothing")
			}
		})
	}
}
