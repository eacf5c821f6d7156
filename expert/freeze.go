//go:build !js

package expert

import (
	"slices"

	p "github.com/osallisuus/osallisuus/participation"
)

// Freeze implements [p.Freezer]: a copy of the matching index that later
// commands do not change, for a snapshot or an export to encode without
// holding up writers. Commands change entries in place, so each is
// copied: the cost grows with the experts under consent.
func (ix *index) Freeze() any {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	f := &index{entries: make(map[p.ID]*entry, len(ix.entries)), sorted: make([]*entry, len(ix.sorted)), cfg: ix.cfg}
	block := make([]entry, len(ix.sorted))
	for i, e := range ix.sorted {
		c := &block[i]
		*c = *e
		c.languages = slices.Clone(e.languages)
		c.backgrounds = slices.Clone(e.backgrounds)
		c.areas = slices.Clone(e.areas)
		c.dates = slices.Clone(e.dates)
		f.sorted[i] = c
		f.entries[e.id] = c
	}
	return f
}
