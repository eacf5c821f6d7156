package expert

import (
	"slices"
	"sort"
	"time"

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

// entryOut is an entry of the index in an export.
type entryOut struct {
	ID          p.ID         `json:"id"`
	Kind        Kind         `json:"kind"`
	Languages   []string     `json:"languages,omitempty"`
	Trained     bool         `json:"trained"`
	Available   bool         `json:"available"`
	Backgrounds []Background `json:"backgrounds,omitempty"`
	Areas       []string     `json:"areas,omitempty"`
	Dates       []time.Time  `json:"dates,omitempty"`
}

// dump is the module's part of [p.Store.Export]: every entry of the
// matching index, by id, so that replay and snapshots are checked on it
// too.
func (ix *index) dump() any {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]entryOut, 0, len(ix.entries))
	for _, e := range ix.entries {
		out = append(out, entryOut{e.id, e.kind, e.languages, e.trained, e.available, e.backgrounds, e.areas, e.dates})
	}
	sort.Slice(out, func(i, j int) bool { return idLess(out[i].ID, out[j].ID) })
	return map[string]any{"index": out}
}
