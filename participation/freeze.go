package participation

import "maps"

// Freezer is implemented by a module's state ([Module.NewState]) that can
// make a frozen copy of itself: a value of the same type that later
// commands do not change, made in a time that grows with what commands
// change in place (aggregate cells, indexes) and not with what only
// grows (items, texts), which the copy shares up to its present length.
// A snapshot and [Store.Export] take the frozen copy under the write
// lock, with the journal position it matches, and encode it once they
// have let go, so that writers wait only for the freeze; a state without
// Freeze is encoded under the lock. Freeze is called with the write lock
// held; it must take the state's own locks as its readers do.
type Freezer interface {
	Freeze() any
}

// Freeze implements [Freezer] for the kernel's aggregates: the cells,
// with their histograms, and the sets of people are copied in a few
// blocks; the list of people numbered, which only grows, is shared.
func (a *aggregates) Freeze() any {
	a.mu.RLock()
	defer a.mu.RUnlock()
	f := &aggregates{
		personNo: maps.Clone(a.personNo),
		persons:  a.persons[:len(a.persons):len(a.persons)],
		first:    a.first, last: a.last, haveRange: a.haveRange,
	}
	a.codesMu.Lock()
	f.codes = maps.Clone(a.codes)
	a.codesMu.Unlock()

	// Loop cells: every cell is in the list of its bucket once.
	hist := 0
	for _, c := range a.loop {
		hist += len(c.AckDays) + len(c.RespDays)
	}
	hists := make([]uint32, 0, hist)
	clip := func(h sparseHist) sparseHist {
		if h == nil {
			return nil
		}
		hists = append(hists, h...)
		return sparseHist(hists[len(hists)-len(h) : len(hists) : len(hists)])
	}
	loops := make([]loopCell, 0, len(a.loop))
	f.loop = make(map[loopKey]*loopCell, len(a.loop))
	f.loopBy = make(map[bucket][]*loopCell, len(a.loopBy))
	for b, cs := range a.loopBy {
		out := make([]*loopCell, len(cs))
		for i, c := range cs {
			loops = append(loops, *c)
			n := &loops[len(loops)-1]
			n.AckDays, n.RespDays = clip(c.AckDays), clip(c.RespDays)
			out[i] = n
			f.loop[c.key] = n
		}
		f.loopBy[b] = out
	}

	houses := make([]houseAgg, 0, len(a.house))
	f.house = make(map[houseKey]*houseAgg, len(a.house))
	f.houseBy = make(map[bucket][]*houseAgg, len(a.houseBy))
	for b, cs := range a.houseBy {
		out := make([]*houseAgg, len(cs))
		for i, c := range cs {
			houses = append(houses, *c)
			out[i] = &houses[len(houses)-1]
			f.house[c.key] = out[i]
		}
		f.houseBy[b] = out
	}

	sets, lists, words := 0, 0, 0
	for i := range a.people {
		sets += len(a.people[i])
		for _, s := range a.people[i] {
			lists += len(s.list)
			words += len(s.bits)
		}
	}
	setBlock := make([]personSet, 0, sets)
	listBlock := make([]uint32, 0, lists)
	wordBlock := make([]uint64, 0, words)
	for i := range a.people {
		f.people[i] = make(map[peopleKey]*personSet, len(a.people[i]))
		for k, s := range a.people[i] {
			var c personSet
			if s.list != nil {
				listBlock = append(listBlock, s.list...)
				c.list = listBlock[len(listBlock)-len(s.list) : len(listBlock) : len(listBlock)]
			}
			if s.bits != nil {
				wordBlock = append(wordBlock, s.bits...)
				c.bits = wordBlock[len(wordBlock)-len(s.bits) : len(wordBlock) : len(wordBlock)]
			}
			setBlock = append(setBlock, c)
			f.people[i][k] = &setBlock[len(setBlock)-1]
		}
	}
	return f
}
