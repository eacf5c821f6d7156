//go:build !(js && wasm)

package participation

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-memdb"
)

// TestContribTable checks the contributions' own store against the
// go-memdb table it replaced, query for query: random inserts, steps,
// erasures, deletes, rows written again after a delete (in the same
// transaction or a later one), rows moved to another unit or time (so a
// unit empties and fills again) and deadlines cleared, in transactions
// that commit or abort; every index is also read from a lower bound, and
// a unit at one time. After each transaction every index is read whole
// and from every key, in the live state and in every earlier committed
// state (which a later write must leave as it was, since readers still
// hold it).
func TestContribTable(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { checkContribTable(t, seed) })
	}
}

func checkContribTable(t *testing.T, seed uint64) {
	rnd := rand.New(rand.NewPCG(seed, 7))
	schema := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		TableContributions: memdbContributionsTable(),
	}}
	raw, err := memdb.NewMemDB(schema)
	if err != nil {
		t.Fatal(err)
	}
	mdb, ours := raw.Snapshot(), newWorld(raw.Snapshot())
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pick := func(n int) ID { return ID{1, byte(rnd.IntN(n))} }
	units := []string{"", "A", "A\x01", "B", "Bb", "C"}
	var ids []ID
	deleted := map[ID]*Contribution{}
	type version struct {
		mdb  *memdb.MemDB
		ours world
	}
	var versions []version
	// Iterators opened part way through a transaction, on both, and read
	// at its end: whatever the transaction wrote after, each reads what
	// its index held when it was opened (go-memdb's read a snapshot).
	type held struct {
		what string
		m, o Iterator
	}
	opening := func(mt *memdb.Txn, ot *dbTxn) held {
		at := base.Add(time.Duration(rnd.IntN(2000)) * time.Hour)
		key := pick(12)
		unit := units[rnd.IntN(len(units))]
		var h held
		var merr, oerr error
		switch rnd.IntN(8) {
		case 0:
			h.what = "every row by id"
			h.m, merr = mt.Get(TableContributions, "id")
			h.o, oerr = ot.Get(TableContributions, "id")
		case 1:
			index := []string{"source", "title_by", "contributor"}[rnd.IntN(3)]
			h.what = fmt.Sprintf("%s %v", index, key)
			h.m, merr = mt.Get(TableContributions, index, key)
			h.o, oerr = ot.Get(TableContributions, index, key)
		case 2:
			index := []string{"source", "title_by", "contributor"}[rnd.IntN(3)]
			h.what = fmt.Sprintf("%s from %v", index, key)
			h.m, merr = mt.LowerBound(TableContributions, index, key)
			h.o, oerr = ot.LowerBound(TableContributions, index, key)
		case 3:
			index := []string{"ack_due", "respond_due", "unit_received"}[rnd.IntN(3)]
			h.what = index
			h.m, merr = mt.Get(TableContributions, index)
			h.o, oerr = ot.Get(TableContributions, index)
		case 4:
			index := []string{"ack_due", "respond_due"}[rnd.IntN(2)]
			h.what = fmt.Sprintf("%s from %v", index, at)
			h.m, merr = mt.LowerBound(TableContributions, index, at)
			h.o, oerr = ot.LowerBound(TableContributions, index, at)
		case 5:
			h.what = fmt.Sprintf("unit %q", unit)
			h.m, merr = mt.Get(TableContributions, "unit_received", unit)
			h.o, oerr = ot.Get(TableContributions, "unit_received", unit)
		case 6:
			h.what = fmt.Sprintf("units from %q", unit)
			h.m, merr = mt.LowerBound(TableContributions, "unit_received", unit)
			h.o, oerr = ot.LowerBound(TableContributions, "unit_received", unit)
		default:
			h.what = fmt.Sprintf("units from %q at %v", unit, at)
			h.m, merr = mt.LowerBound(TableContributions, "unit_received", unit, at)
			h.o, oerr = ot.LowerBound(TableContributions, "unit_received", unit, at)
		}
		if merr != nil || oerr != nil {
			t.Fatalf("%s: %v, %v", h.what, merr, oerr)
		}
		if rnd.IntN(2) == 0 {
			// Part way in before the writes that follow.
			if m, o := h.m.Next(), h.o.Next(); (m == nil) != (o == nil) || m != nil && m.(*Contribution).ID != o.(*Contribution).ID {
				t.Errorf("%s: the first rows differ: %v, %v", h.what, m, o)
			}
		}
		return h
	}
	opened := 0
	for step := range 160 {
		mt, ot := mdb.Txn(true), writeTxn(&ours)
		var open []held
		for range 1 + rnd.IntN(6) {
			if rnd.IntN(3) == 0 {
				open = append(open, opening(mt, ot))
				opened++
			}
			// The indexes follow each write at once or later (lazy), and
			// a table may turn from one to the other with changes
			// pending, as a group's commands may.
			ot.lazy = rnd.IntN(2) == 0
			if ot.owned {
				ot.ct.lazy = ot.lazy
			}
			var c *Contribution
			if len(ids) == 0 || rnd.IntN(3) == 0 {
				// A new row; ids are random, not in arrival order.
				id := ID{byte(rnd.IntN(256)), byte(rnd.IntN(256)), byte(step), 9}
				received := base.Add(time.Duration(rnd.IntN(2000)) * time.Hour)
				c = &Contribution{ID: id, Unit: units[rnd.IntN(len(units))], ReceivedAt: received, State: StateReceived}
				if rnd.IntN(2) == 0 {
					c.Source.Ref = pick(12)
				}
				if rnd.IntN(2) == 0 {
					c.TitleBy = pick(8)
				}
				for range rnd.IntN(3) {
					c.Contributors = append(c.Contributors, pick(10))
				}
				if rnd.IntN(5) > 0 {
					c.AcknowledgeBy = received.Add(time.Duration(rnd.IntN(200)) * time.Hour)
				}
				if rnd.IntN(5) > 0 {
					c.RespondBy = received.Add(time.Duration(rnd.IntN(2000)) * time.Hour)
				}
				ids = append(ids, id)
			} else {
				id := ids[rnd.IntN(len(ids))]
				obj, err := mt.First(TableContributions, "id", id)
				if err != nil {
					t.Fatal(err)
				}
				if obj == nil {
					// Deleted: sometimes it comes back.
					if gone, ok := deleted[id]; ok && rnd.IntN(2) == 0 {
						obj = gone
					} else {
						continue
					}
				}
				c = obj.(*Contribution).clone()
				switch rnd.IntN(9) {
				case 0:
					if gone, ok := deleted[id]; ok && gone == obj {
						break // written again as it was
					}
					if err := mt.Delete(TableContributions, c); err != nil {
						t.Fatal(err)
					}
					if err := ot.Delete(TableContributions, c); err != nil {
						t.Fatal(err)
					}
					deleted[c.ID] = c
					if rnd.IntN(3) > 0 {
						continue
					}
					// Deleted and written again in one transaction.
				case 6:
					c.Unit = units[rnd.IntN(len(units))]
				case 7:
					c.ReceivedAt = base.Add(time.Duration(rnd.IntN(2000)) * time.Hour)
				case 8:
					c.AcknowledgeBy, c.RespondBy = time.Time{}, c.RespondBy.Add(time.Hour)
				case 1:
					c.Title = "erased"
				case 2:
					c.Contributors = append(c.Contributors, pick(10))
				case 3:
					c.State = StateReportedBack
				default:
					c.State = []State{StateAcknowledged, StateUnderConsideration, StateDecided}[rnd.IntN(3)]
				}
			}
			if err := mt.Insert(TableContributions, c); err != nil {
				t.Fatal(err)
			}
			if err := ot.Insert(TableContributions, c); err != nil {
				t.Fatal(err)
			}
		}
		for _, h := range open {
			var m, o []ID
			for obj := h.m.Next(); obj != nil; obj = h.m.Next() {
				m = append(m, obj.(*Contribution).ID)
			}
			for obj := h.o.Next(); obj != nil; obj = h.o.Next() {
				o = append(o, obj.(*Contribution).ID)
			}
			if !slices.Equal(m, o) {
				t.Errorf("an iterator opened part way, %s, read after the transaction's later writes: go-memdb %d rows %v, the contributions' store %d %v", h.what, len(m), m, len(o), o)
			}
		}
		if rnd.IntN(3) > 0 {
			// Read in the transaction; otherwise it commits with its
			// index changes pending, for the snapshot to settle.
			sameContributions(t, mt, ot, units)
		}
		if rnd.IntN(4) == 0 {
			mt.Abort()
			ot.Abort()
		} else {
			mt.Commit()
			ot.Commit()
			// Half the versions are handed off as the commit pipeline
			// hands off a batch: their indexes follow in the background,
			// while the next transaction reads rows by id and copies the
			// table.
			var snap world
			if rnd.IntN(2) == 0 {
				snap = ours.handOff(true)
			} else {
				snap = ours.snapshot()
			}
			v := version{mdb.Snapshot(), snap}
			if v.ours.ct.bg == nil && len(v.ours.ct.pending) > 0 {
				// Readers share what a snapshot holds: none may write it.
				t.Fatalf("a snapshot with %d index changes pending", len(v.ours.ct.pending))
			}
			versions = append(versions, v)
		}
		for i, v := range versions {
			if i%13 == 0 || i == len(versions)-1 {
				sameContributions(t, v.mdb.Txn(false), readTxn(&v.ours), units)
			}
		}
		if t.Failed() {
			t.Fatalf("after transaction %d", step)
		}
	}
	if opened < 50 {
		t.Errorf("only %d iterators opened part way: the check reads too little", opened)
	}
}

// sameContributions fails unless every read of the contributions answers
// the same rows in the same order from both.
func sameContributions(t *testing.T, m *memdb.Txn, o *dbTxn, units []string) {
	t.Helper()
	// go-memdb's iterators are Iterators too.
	read := func(it Iterator, err error) []ID {
		if err != nil {
			t.Fatal(err)
		}
		var out []ID
		for obj := it.Next(); obj != nil; obj = it.Next() {
			out = append(out, obj.(*Contribution).ID)
		}
		return out
	}
	ours := read
	first := func(obj any, err error) ID {
		if err != nil {
			t.Fatal(err)
		}
		if obj == nil {
			return ID{}
		}
		return obj.(*Contribution).ID
	}
	check := func(what string, want, got []ID) {
		t.Helper()
		if !slices.Equal(want, got) {
			t.Errorf("%s: go-memdb reads %d rows %v, the contributions' store %d %v", what, len(want), want, len(got), got)
		}
	}
	all := read(m.Get(TableContributions, "id"))
	check("every row by id", all, ours(o.Get(TableContributions, "id")))
	mi, _ := m.Get(TableContributions, "id")
	oi, _ := o.Get(TableContributions, "id")
	for want, got := mi.Next(), oi.Next(); want != nil && got != nil; want, got = mi.Next(), oi.Next() {
		if !reflect.DeepEqual(want, got) {
			t.Errorf("row %v reads\n%+v\nfrom go-memdb, and\n%+v\nfrom the contributions' store", want.(*Contribution).ID, want, got)
		}
	}
	for _, index := range []string{"ack_due", "respond_due", "unit_received"} {
		check(index, read(m.Get(TableContributions, index)), ours(o.Get(TableContributions, index)))
	}
	for _, id := range all {
		if got := first(o.First(TableContributions, "id", id)); got != id {
			t.Errorf("id %v reads %v", id, got)
		}
	}
	for k := range 12 {
		key := ID{1, byte(k)}
		for _, index := range []string{"source", "title_by", "contributor"} {
			what := fmt.Sprintf("%s %v", index, key)
			check(what, read(m.Get(TableContributions, index, key)), ours(o.Get(TableContributions, index, key)))
			if w, g := first(m.First(TableContributions, index, key)), first(o.First(TableContributions, index, key)); w != g {
				t.Errorf("first of %s: %v against %v", what, w, g)
			}
		}
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, id := range append(all[:min(len(all), 2):min(len(all), 2)], ID{}, ID{0x80}, ID{0xff}) {
		check(fmt.Sprintf("id from %v", id), read(m.LowerBound(TableContributions, "id", id)), ours(o.LowerBound(TableContributions, "id", id)))
	}
	for _, k := range []byte{0, 5, 11} {
		key := ID{1, k}
		for _, index := range []string{"source", "title_by", "contributor"} {
			check(fmt.Sprintf("%s from %v", index, key), read(m.LowerBound(TableContributions, index, key)), ours(o.LowerBound(TableContributions, index, key)))
		}
	}
	for h := 0; h < 2400; h += 700 {
		due := at.Add(time.Duration(h) * time.Hour)
		for _, index := range []string{"ack_due", "respond_due"} {
			check(fmt.Sprintf("%s from %d h", index, h), read(m.LowerBound(TableContributions, index, due)), ours(o.LowerBound(TableContributions, index, due)))
		}
	}
	for i, id := range all {
		if i%16 != 0 {
			continue
		}
		row, _ := m.First(TableContributions, "id", id)
		c := row.(*Contribution)
		check(fmt.Sprintf("unit %q at %v", c.Unit, c.ReceivedAt), read(m.Get(TableContributions, "unit_received", c.Unit, c.ReceivedAt)), ours(o.Get(TableContributions, "unit_received", c.Unit, c.ReceivedAt)))
		check(fmt.Sprintf("unit %q", c.Unit), read(m.Get(TableContributions, "unit_received", c.Unit)), ours(o.Get(TableContributions, "unit_received", c.Unit)))
	}
	for _, u := range units {
		check("unit "+u, read(m.LowerBound(TableContributions, "unit_received", u)), ours(o.LowerBound(TableContributions, "unit_received", u)))
		check("unit "+u+" +\\x01", read(m.LowerBound(TableContributions, "unit_received", u+"\x01")), ours(o.LowerBound(TableContributions, "unit_received", u+"\x01")))
		for h := 0; h < 2200; h += 450 {
			from := at.Add(time.Duration(h) * time.Hour)
			check(fmt.Sprintf("unit %q from %d h", u, h), read(m.LowerBound(TableContributions, "unit_received", u, from)), ours(o.LowerBound(TableContributions, "unit_received", u, from)))
		}
	}
}

// TestContribTableRefusesBadReads: an index the table does not have, or
// arguments of the wrong kind, are errors, as go-memdb's were.
func TestContribTableRefusesBadReads(t *testing.T) {
	ct := newContribTable()
	for _, bad := range []struct {
		index string
		args  []any
	}{
		{"nope", nil},
		{"id", []any{"x"}},
		{"contributor", []any{ID{}, ID{}}},
		{"unit_received", []any{1}},
		{"unit_received", []any{"A", "today"}},
		{"ack_due", []any{ID{}}},
	} {
		if _, err := ct.get(bad.index, bad.args); err == nil {
			t.Errorf("get %s %v: no error", bad.index, bad.args)
		}
	}
	if _, err := ct.lowerBound("respond_due", []any{"x"}); err == nil {
		t.Error("lower bound of respond_due from a string: no error")
	}
	if _, err := ct.put(&Contribution{}); err == nil {
		t.Error("a row without an id was taken")
	}
}

// TestCrowKeepsEveryField fills every field of a Contribution, found by
// reflection, with a value of its own — times with nanoseconds, every
// step's fields too — and reads it back from the table's packed row: a
// field the row does not keep fails the test, so a field added to
// Contribution or Step is kept or the test says which.
func TestCrowKeepsEveryField(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 5))
	c := &Contribution{}
	fill(t, reflect.ValueOf(c).Elem(), "Contribution", rnd)
	ct := newContribTable()
	if _, err := ct.put(c); err != nil {
		t.Fatal(err)
	}
	got, err := ct.first("id", []any{c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("put\n%+v\nread back\n%+v", c, got)
	}
	// What a reader gets is its own: changing its lists changes no row.
	want := c.clone()
	mine := got.(*Contribution)
	mine.Contributors[0], mine.History[0].Note = ID{9}, "changed"
	if again, _ := ct.first("id", []any{c.ID}); !reflect.DeepEqual(again, want) {
		t.Errorf("a change to what a reader got reached the row:\n%+v", again)
	}
	// The zero time, and a row without steps, come back as they went.
	z := &Contribution{ID: ID{7}}
	if _, err := ct.put(z); err != nil {
		t.Fatal(err)
	}
	if got, _ := ct.first("id", []any{z.ID}); !reflect.DeepEqual(got, z) {
		t.Errorf("put\n%+v\nread back\n%+v", z, got)
	}
	// Times at the ends of the calendar, an empty history (not nil) and
	// empty contributors come back as they went; a time in another zone
	// comes back as the same instant in UTC.
	early, late := time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	e := &Contribution{ID: ID{8}, ReceivedAt: early, AcknowledgeBy: late, RespondBy: late, DecidedAt: early, History: []Step{}, Contributors: []ID{},
		ReportedAt: time.Date(2026, 3, 2, 12, 0, 0, 5, time.FixedZone("EET", 2*3600))}
	if _, err := ct.put(e); err != nil {
		t.Fatal(err)
	}
	got, _ = ct.first("id", []any{e.ID})
	g := got.(*Contribution)
	if !g.ReportedAt.Equal(e.ReportedAt) || g.ReportedAt.Location() != time.UTC {
		t.Errorf("a time in another zone reads back as %v", g.ReportedAt)
	}
	g.ReportedAt = e.ReportedAt
	if !reflect.DeepEqual(g, e) {
		t.Errorf("put\n%+v\nread back\n%+v", e, g)
	}
}

// fill sets every field under v to a non-zero value.
func fill(t *testing.T, v reflect.Value, path string, rnd *rand.Rand) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d", path, rnd.IntN(1000)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Uint64, reflect.Uint32, reflect.Uint16, reflect.Uint8, reflect.Uint:
		v.SetUint(1 + rnd.Uint64N(1000))
	case reflect.Int64, reflect.Int32, reflect.Int16, reflect.Int8, reflect.Int:
		v.SetInt(1 + rnd.Int64N(1000))
	case reflect.Array:
		for i := range v.Len() {
			fill(t, v.Index(i), path, rnd)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), fmt.Sprintf("%s[%d]", path, i), rnd)
		}
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(1_700_000_000+rnd.Int64N(1e8), rnd.Int64N(1e9)).UTC()))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i), path+"."+v.Type().Field(i).Name, rnd)
		}
	default:
		t.Fatalf("%s: a %s, which the test cannot fill", path, v.Kind())
	}
}

// readerOnly hides the store's types, so that queries take the path any
// Reader takes.
type readerOnly struct{ Reader }

// TestFindContributionsFromRows: FindContributions answers from the
// packed rows exactly what it answers through the index, for filters of
// every field, periods open and closed, one unit or all, and pages.
func TestFindContributionsFromRows(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 9))
	// go-memdb wants a table; the contributions are beside it.
	raw, err := memdb.NewMemDB(&memdb.DBSchema{Tables: map[string]*memdb.TableSchema{TableContributions: memdbContributionsTable()}})
	if err != nil {
		t.Fatal(err)
	}
	db := newWorld(raw.Snapshot())
	txn := writeTxn(&db)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	units := []string{"", "A", "B", "C"}
	states := []State{StateReceived, StateAcknowledged, StateDecided, StateReportedBack}
	levels := []Level{LevelOwnService, LevelDialogue, LevelStrategy}
	for i := range 600 {
		// Times repeat, so that ties are broken by id.
		at := base.Add(time.Duration(rnd.IntN(300)) * time.Hour)
		c := &Contribution{
			ID: ID{byte(i >> 8), byte(i), 3}, Unit: units[rnd.IntN(len(units))], Service: fmt.Sprint("s", rnd.IntN(3)),
			State: states[rnd.IntN(len(states))], Level: levels[rnd.IntN(len(levels))], ReceivedAt: at,
			Source:  Source{Module: []string{"panel", "feedback"}[rnd.IntN(2)], Kind: []string{"topic", "item"}[rnd.IntN(2)]},
			History: []Step{{State: StateReceived, At: at}},
		}
		if err := txn.Insert(TableContributions, c); err != nil {
			t.Fatal(err)
		}
	}
	txn.Commit()
	v := &View{txn: readTxn(&db)}
	ptr := func(s string) *string { return &s }
	var filters []ContributionFilter
	for _, p := range []Period{{}, {From: base.Add(50 * time.Hour)}, {To: base.Add(120 * time.Hour)}, {From: base.Add(17 * time.Hour), To: base.Add(17 * time.Hour)}, {From: base.Add(10 * time.Hour), To: base.Add(200 * time.Hour)}} {
		for _, u := range []*string{nil, ptr(""), ptr("A"), ptr("Z")} {
			filters = append(filters, ContributionFilter{Period: p, Unit: u}, ContributionFilter{Period: p, Unit: u, Offset: 7, Limit: 20})
		}
		st, lv := StateDecided, LevelDialogue
		filters = append(filters,
			ContributionFilter{Period: p, State: &st}, ContributionFilter{Period: p, Level: &lv, Limit: 5},
			ContributionFilter{Period: p, Service: ptr("s1")}, ContributionFilter{Period: p, Source: ptr("panel/item")},
			ContributionFilter{Period: p, Source: ptr("panel")}, ContributionFilter{Period: p, Unit: ptr("B"), State: &st, Service: ptr("s2")})
	}
	for _, f := range filters {
		want, wantTotal, err := FindContributions(readerOnly{v}, f)
		if err != nil {
			t.Fatal(err)
		}
		got, gotTotal, err := FindContributions(v, f)
		if err != nil {
			t.Fatal(err)
		}
		if gotTotal != wantTotal || !reflect.DeepEqual(got, want) {
			t.Errorf("filter %+v: %d rows of %d, through the index %d of %d", f, len(got), gotTotal, len(want), wantTotal)
		}
	}
}

// TestCodeTable: strings get numbers once, whoever asks first, while
// others read the table without a lock; past the last number a new
// string is an error, not a panic, and the strings numbered stay.
func TestCodeTable(t *testing.T) {
	c := newCodeTable()
	var wg sync.WaitGroup
	got := make([][]uint16, 4)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				n, err := c.code(fmt.Sprint("s", (i*7+g*13)%300))
				if err != nil {
					t.Error(err)
					return
				}
				if all := c.all(); int(n) >= len(all) || all[n] != fmt.Sprint("s", (i*7+g*13)%300) {
					t.Errorf("%d is not its string", n)
					return
				}
				got[g] = append(got[g], n)
			}
		}()
	}
	wg.Wait()
	for i := range 300 {
		s := c.all()
		n, _ := c.code(fmt.Sprint("s", i))
		if s[n] != fmt.Sprint("s", i) {
			t.Errorf("s%d numbered %d, which is %q", i, n, s[n])
		}
	}
	if n := len(c.all()); n != 301 {
		t.Errorf("%d strings numbered, 301 wanted", n)
	}
	// Filled up to the last number but one (as adding one by one would,
	// faster): the last number is given, then none.
	names, ids := append([]string(nil), c.all()...), map[string]uint16{}
	for len(names) < 1<<16-1 {
		names = append(names, fmt.Sprint("fill", len(names)))
	}
	for i, s := range names {
		ids[s] = uint16(i)
	}
	c.names.Store(&names)
	c.ids.Store(&ids)
	if n, err := c.code("the last"); err != nil || n != 1<<16-1 {
		t.Errorf("the last number: %d %v", n, err)
	}
	if _, err := c.code("one too many"); err == nil {
		t.Error("a string past the last number was numbered")
	}
	if n, err := c.code("s5"); err != nil || c.all()[n] != "s5" {
		t.Errorf("a numbered string after the table is full: %d %v", n, err)
	}
}

// TestModuleCannotTakeTheContributionsTable: a module's table may not
// take the name of the contributions' table.
func TestModuleCannotTakeTheContributionsTable(t *testing.T) {
	for _, name := range []string{TableContributions} {
		m := Module{Name: "intruder", Tables: []*memdb.TableSchema{{Name: name, Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: IndexID(func(c *Contribution) ID { return c.ID })},
		}}}}
		if _, err := Open(context.Background(), &Config{Modules: []Module{m}}); err == nil {
			t.Errorf("a module registered a table named %q", name)
		}
	}
}
