//go:build !js

package participation

import "maps"

// (Left out of the browser, which freezes nothing: see freezeState.)

// Freeze implements [Freezer] for the kernel's aggregates. The copy
// shares every shard of cells and of people's sets: Freeze copies only
// the maps of shards (one entry per day, month or month of people) and
// the numbering of people, and moves the epoch on, so that a command
// copies a shard before its first change after the freeze.
func (a *aggregates) Freeze() any {
	// A read lock, so as not to wait for readers: commands change the
	// aggregates (and the epoch) only under the store's write lock,
	// which the caller holds.
	a.mu.RLock()
	defer a.mu.RUnlock()
	f := &aggregates{
		epoch:    a.epoch,
		loopBy:   maps.Clone(a.loopBy),
		houseBy:  maps.Clone(a.houseBy),
		personNo: maps.Clone(a.personNo),
		persons:  a.persons[:len(a.persons):len(a.persons)],
		first:    a.first, last: a.last, haveRange: a.haveRange,
	}
	for i := range a.people {
		f.people[i] = maps.Clone(a.people[i])
	}
	a.codesMu.Lock()
	f.codes = maps.Clone(a.codes)
	a.codesMu.Unlock()
	a.epoch++
	return f
}
