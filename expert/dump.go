//go:build !js

package expert

import (
	"sort"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// dumpIndex is the module's Dump.
var dumpIndex = func(s any) any { return s.(*index).dump() }

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
