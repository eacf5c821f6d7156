package feedback

import (
	"maps"
	"slices"

	p "github.com/osallisuus/osallisuus/participation"
)

// Freeze implements [p.Freezer]: it returns a copy of the state that
// later commands do not change, for a snapshot or an export to encode
// without holding up writers. What only grows is shared up to its
// present length — the item chunks, the texts, the interned names and
// theme sets (nothing rewrites an item or a text once stored; erasure
// does not reach this anonymous store) — and what commands change in
// place is copied: the aggregate cells (one block for all), the excerpt
// samples, the surveys' counts and the lookup maps. Its cost grows with
// the cells, not with the items.
func (l *live) Freeze() any {
	l.mu.RLock()
	defer l.mu.RUnlock()
	f := &live{
		cfg:      l.cfg,
		chunks:   slices.Clone(l.chunks), // each chunk's header keeps its present length
		n:        l.n,
		services: l.services.freeze(),
		themes:   l.themes.freeze(),
		sets:     l.sets.freeze(),
		setIDs:   l.setIDs[:len(l.setIDs):len(l.setIDs)],
		devices:  l.devices.freeze(),
		texts:    l.texts[:len(l.texts):len(l.texts)],
		defined:  maps.Clone(l.defined),
	}
	// The cells, in one block, reached from the map and from the buckets
	// as in the live state.
	block := make([]aggCell, 0, len(l.cells))
	f.cells = make(map[aggKey]*aggCell, len(l.cells))
	f.buckets = make(map[bucketKey][]*aggCell, len(l.buckets))
	for bk, cs := range l.buckets {
		out := make([]*aggCell, len(cs))
		for i, c := range cs {
			block = append(block, *c)
			out[i] = &block[len(block)-1]
			f.cells[c.key] = out[i]
		}
		f.buckets[bk] = out
	}
	f.excerpts = make(map[excerptKey][]uint32, len(l.excerpts))
	for k, v := range l.excerpts {
		f.excerpts[k] = slices.Clone(v)
	}
	f.surveys = make(map[p.ID]*surveyAgg, len(l.surveys))
	for id, sa := range l.surveys {
		c := *sa
		c.Questions = slices.Clone(sa.Questions)
		for i := range c.Questions {
			q := &c.Questions[i]
			q.Counts = slices.Clone(q.Counts)
			q.Texts = q.Texts[:len(q.Texts):len(q.Texts)]
		}
		c.keys = slices.Clone(sa.keys)
		f.surveys[id] = &c
	}
	l.pressMu.Lock()
	f.lastPress = maps.Clone(l.lastPress)
	l.pressMu.Unlock()
	l.calMu.Lock()
	f.calHour, f.calDay, f.calMonth = l.calHour, l.calDay, l.calMonth
	l.calMu.Unlock()
	return f
}

// freeze returns the interner as it is: its names only grow.
func (in *interner) freeze() interner {
	return interner{ids: maps.Clone(in.ids), names: in.names[:len(in.names):len(in.names)]}
}
