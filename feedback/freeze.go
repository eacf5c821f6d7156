//go:build !js

package feedback

import (
	"maps"
	"slices"

	p "github.com/osallisuus/osallisuus/participation"
)

// freezes says that this build freezes the state (see live.cell).
const freezes = true

// Freeze implements [p.Freezer]: it returns a copy of the state that
// later commands do not change, for a snapshot or an export to encode
// without holding up writers. What only grows is shared up to its
// present length — the item chunks, the texts, the interned names and
// theme sets (nothing rewrites an item or a text once stored; erasure
// does not reach this anonymous store). The aggregate cells are shared
// shard by shard, a command copying a shard before its first change
// after the freeze (see live.cell); the excerpt samples are replaced,
// never changed, so only the maps are copied; the surveys' counts are
// copied. Its cost grows with the days and months of cells, the devices
// and the surveys, not with the items.
func (l *live) Freeze() any {
	// A read lock, so as not to wait for a report: commands change the
	// state (and the epoch) only under the store's write lock, which the
	// caller holds.
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
		epoch:    l.epoch,
		buckets:  maps.Clone(l.buckets),
		texts:    l.texts[:len(l.texts):len(l.texts)],
		excerpts: maps.Clone(l.excerpts),
		defined:  maps.Clone(l.defined),
	}
	l.epoch++
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
