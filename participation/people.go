package participation

import (
	"math/bits"
	"slices"
)

// The house profile counts distinct named people over the months a
// period touches. Each person gets a dense number when first seen, and
// each month keeps, per floor, the set of people active on it — for the
// whole house, per unit, per service, and per unit and service — so that
// a count is a union of at most one set per month and floor, never a
// scan of people one by one through maps. The counts are exact.

// personSet is a set of person numbers: a sorted list while it is
// smaller than a bitmap of everyone would be, a bitmap after.
type personSet struct {
	list []uint32
	bits []uint64
}

func (s *personSet) add(p uint32) {
	if s.bits != nil {
		w := int(p / 64)
		if w >= len(s.bits) {
			s.bits = append(s.bits, make([]uint64, w+1-len(s.bits))...)
		}
		s.bits[w] |= 1 << (p % 64)
		return
	}
	i, found := slices.BinarySearch(s.list, p)
	if found {
		return
	}
	s.list = slices.Insert(s.list, i, p)
	// A list of n numbers takes 32n bits, a bitmap one bit per person.
	if len(s.list) > 64 && len(s.list)*32 > int(s.list[len(s.list)-1])+1 {
		list := s.list
		s.list = nil
		s.bits = make([]uint64, int(list[len(list)-1])/64+1)
		for _, q := range list {
			s.bits[q/64] |= 1 << (q % 64)
		}
	}
}

// orInto adds the set to a bitmap and returns it.
func (s *personSet) orInto(dst []uint64) []uint64 {
	if n := len(s.bits); n > len(dst) {
		dst = append(dst, make([]uint64, n-len(dst))...)
	}
	for i, w := range s.bits {
		dst[i] |= w
	}
	for _, p := range s.list {
		w := int(p / 64)
		if w >= len(dst) {
			dst = append(dst, make([]uint64, w+1-len(dst))...)
		}
		dst[w] |= 1 << (p % 64)
	}
	return dst
}

// each calls fn for every member.
func (s *personSet) each(fn func(uint32)) {
	for _, p := range s.list {
		fn(p)
	}
	for i, w := range s.bits {
		for w != 0 {
			fn(uint32(i*64 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
}

func popcount(b []uint64) int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// peopleKey is a month and a floor, with a unit, a service or both when
// the set is of one; the families of sets are kept apart by index.
type peopleKey struct {
	month   uint32
	level   Level
	unit    string
	service string
}

// The families of people sets, by what a house filter names.
const (
	peopleAll = iota
	peopleByUnit
	peopleByService
	peopleByUnitService
)

func peopleFamily(unit, service *string) int {
	f := peopleAll
	if unit != nil {
		f |= peopleByUnit
	}
	if service != nil {
		f |= peopleByService
	}
	return f
}

// personNumber returns p's dense number, giving one when p is new.
func (a *aggregates) personNumber(p ID) uint32 {
	n, ok := a.personNo[p]
	if !ok {
		n = uint32(len(a.persons))
		a.personNo[p] = n
		a.persons = append(a.persons, p)
	}
	return n
}

// addPeople counts people as active in a month on a floor, unit and
// service. Call with a.mu held.
func (a *aggregates) addPeople(month uint32, level Level, unit, service string, people []ID) {
	keys := [4]peopleKey{
		peopleAll:           {month: month, level: level},
		peopleByUnit:        {month: month, level: level, unit: unit},
		peopleByService:     {month: month, level: level, service: service},
		peopleByUnitService: {month: month, level: level, unit: unit, service: service},
	}
	var sets [4]*personSet
	for f, k := range keys {
		sh := a.people[f][month]
		switch {
		case sh == nil:
			sh = &peopleShard{epoch: a.epoch, sets: map[peopleKey]*personSet{}}
			a.people[f][month] = sh
		case freezes && sh.epoch != a.epoch:
			sh = sh.thaw(a.epoch)
			a.people[f][month] = sh
		}
		s := sh.sets[k]
		if s == nil {
			s = &personSet{}
			sh.sets[k] = s
		}
		sets[f] = s
	}
	for _, id := range people {
		n := a.personNumber(id)
		for _, s := range sets {
			s.add(n)
		}
	}
}

// set returns the shard's set of key; nil when there is none.
func (sh *peopleShard) set(k peopleKey) *personSet {
	if sh == nil {
		return nil
	}
	return sh.sets[k]
}

// peopleSet returns the set of family f at k; nil when there is none.
func (a *aggregates) peopleSet(f int, k peopleKey) *personSet {
	return a.people[f][k.month].set(k)
}

// thaw returns a copy of a shard that a frozen copy may share, to change.
func (sh *peopleShard) thaw(epoch uint32) *peopleShard {
	n := &peopleShard{epoch: epoch, sets: make(map[peopleKey]*personSet, len(sh.sets))}
	block := make([]personSet, 0, len(sh.sets))
	for k, s := range sh.sets {
		block = append(block, personSet{list: slices.Clone(s.list), bits: slices.Clone(s.bits)})
		n.sets[k] = &block[len(block)-1]
	}
	return n
}
