//go:build !(js && wasm)

package participation

import (
	"bytes"
	"container/heap"
)

// findReceived answers FindContributions from the packed rows when r is
// the store's: it matches the filter on each row of the period and
// unpacks only the rows of the page, where reading through the index
// would unpack every row it counts. ok is false for another Reader.
func findReceived(r Reader, f ContributionFilter) (out []*Contribution, total int, ok bool, err error) {
	var d *dbTxn
	switch x := r.(type) {
	case *Tx:
		d = x.txn
	case *View:
		d = x.txn
	default:
		return nil, 0, false, nil
	}
	ct, err := d.contributions(false)
	if err != nil {
		return nil, 0, true, Internal(err, "reading contributions")
	}
	ct.settle()
	var from, to ID
	if !f.Period.From.IsZero() {
		from = timeID(f.Period.From)
	}
	if !f.Period.To.IsZero() {
		to = timeID(f.Period.To)
	}
	match := f.rowMatcher()
	visit := func(e keyEntry) {
		row := ct.row(e.id)
		if row == nil || !match(row) {
			return
		}
		total++
		if total > f.Offset && (f.Limit == 0 || len(out) < f.Limit) {
			out = append(out, row.contribution())
		}
	}
	// next returns an entry of the period from it, or false.
	next := func(it *cowIter[keyEntry]) (keyEntry, bool) {
		e, ok := it.next()
		if !ok || (!f.Period.To.IsZero() && bytes.Compare(e.k[:], to[:]) >= 0) {
			return keyEntry{}, false
		}
		return e, true
	}
	start := func(u *unitIndex) *cowIter[keyEntry] {
		return u.received.iter(keyEntry{k: from}, !f.Period.From.IsZero())
	}
	if f.Unit != nil {
		if i, ok := ct.unit(*f.Unit); ok {
			it := start(&ct.units[i])
			for e, ok := next(it); ok; e, ok = next(it) {
				visit(e)
			}
		}
		return out, total, true, nil
	}
	// Every unit's range, merged by time and id.
	var heads entryHeap
	for i := range ct.units {
		it := start(&ct.units[i])
		if e, ok := next(it); ok {
			heads = append(heads, entryHead{e, it})
		}
	}
	heap.Init(&heads)
	for len(heads) > 0 {
		h := &heads[0]
		visit(h.e)
		var ok bool
		if h.e, ok = next(h.it); !ok {
			heap.Pop(&heads)
		} else {
			heap.Fix(&heads, 0)
		}
	}
	return out, total, true, nil
}

// rowMatcher is match, on a packed row.
func (f ContributionFilter) rowMatcher() func(*crow) bool {
	return func(r *crow) bool {
		names := rowCodes.all()
		return (f.State == nil || string(*f.State) == names[r.state]) &&
			(f.Level == nil || string(*f.Level) == names[r.level]) &&
			(f.Unit == nil || *f.Unit == r.unit) &&
			(f.Service == nil || *f.Service == r.service) &&
			(f.Source == nil || sourceIs(*f.Source, names[r.module], names[r.kind]))
	}
}

// sourceIs reports whether key is module/kind.
func sourceIs(key, module, kind string) bool {
	return len(key) == len(module)+1+len(kind) && key[:len(module)] == module && key[len(module)] == '/' && key[len(module)+1:] == kind
}

// entryHead is the next entry of one unit's range in a merge.
type entryHead struct {
	e  keyEntry
	it *cowIter[keyEntry]
}

// entryHeap orders units' next entries by time received, then id.
type entryHeap []entryHead

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return cmpKid(h[i].e, h[j].e) < 0 }
func (h entryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *entryHeap) Push(x any)        { *h = append(*h, x.(entryHead)) }
func (h *entryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
