package participation

import (
	"slices"
	"sort"
	"sync"
	"time"
)

// The kernel keeps aggregates of the contribution loop and of activity on
// each floor of the house, by day and by month, so that the house profile
// and the integrity indicators read a few hundred cells however many
// events there are (PART-6). Appliers change them through commit hooks:
// a failed command leaves them untouched, and replay rebuilds them. Days
// and months are UTC.

type res uint8

const (
	byDay res = iota
	byMonth
)

type bucket struct {
	res res
	n   uint32 // days since 1970-01-01, or year*12+month-1
}

func dayNumber(t time.Time) uint32 { return uint32(t.UTC().Unix() / 86400) }

func monthNumber(t time.Time) uint32 {
	y, m, _ := t.UTC().Date()
	return uint32(y*12 + int(m) - 1)
}

// buckets covers [from, to) with whole months where it can and days
// elsewhere. A zero from or to is open; open periods are bounded by the
// data's own first and last day.
func buckets(from, to time.Time, first, last uint32) []bucket {
	d0, d1 := first, last+1
	if !from.IsZero() {
		d0 = max(d0, dayNumber(from))
	}
	if !to.IsZero() {
		d1 = min(d1, dayNumber(to.Add(-time.Nanosecond))+1)
	}
	var out []bucket
	for d := d0; d < d1; {
		t := time.Unix(int64(d)*86400, 0).UTC()
		if t.Day() == 1 {
			next := dayNumber(t.AddDate(0, 1, 0))
			if next <= d1 {
				out = append(out, bucket{byMonth, monthNumber(t)})
				d = next
				continue
			}
		}
		out = append(out, bucket{byDay, d})
		d++
	}
	return out
}

// loopKey is one cell of the loop aggregates: contributions received in
// a bucket, by unit, service, group and source.
type loopKey struct {
	b       bucket
	unit    string
	service string
	group   ID
	source  string
	level   Level
}

// loopAgg is a sum of loop cells: their contributions and where they went.
type loopAgg struct {
	Received, Acked, Decided, Adopted, Reported, ReportedInTime, ClientOrigin int
	AckDays, RespDays                                                         []uint32 // histograms by whole days
}

// addCell adds a cell to the sum.
func (a *loopAgg) addCell(c *loopCell) {
	a.Received += int(c.Received)
	a.Acked += int(c.Acked)
	a.Decided += int(c.Decided)
	a.Adopted += int(c.Adopted)
	a.Reported += int(c.Reported)
	a.ReportedInTime += int(c.ReportedInTime)
	a.ClientOrigin += int(c.ClientOrigin)
	a.AckDays = c.AckDays.addTo(a.AckDays)
	a.RespDays = c.RespDays.addTo(a.RespDays)
}

// loopCell is one cell of the loop aggregates with its key. Day cells
// are many — about one per contribution in a small county — so counts
// are 32-bit and histograms sparse.
type loopCell struct {
	key                                                                       loopKey
	Received, Acked, Decided, Adopted, Reported, ReportedInTime, ClientOrigin uint32
	AckDays, RespDays                                                         sparseHist
}

// agg returns the cell as a sum of one.
func (c *loopCell) agg() loopAgg {
	var a loopAgg
	a.addCell(c)
	return a
}

const maxHistDays = 3660

// sparseHist is a histogram by whole days, as (days, count) pairs in
// day order; days beyond maxHistDays count as maxHistDays.
type sparseHist []uint32

// add counts one more at days.
func (h *sparseHist) add(days int) {
	d := uint32(min(max(days, 0), maxHistDays))
	s := *h
	i := 0
	for i < len(s) && s[i] < d {
		i += 2
	}
	if i < len(s) && s[i] == d {
		s[i+1]++
		return
	}
	*h = slices.Insert(s, i, d, 1)
}

// addTo adds h to a dense histogram, indexed by days, and returns it.
func (h sparseHist) addTo(dense []uint32) []uint32 {
	for i := 0; i < len(h); i += 2 {
		d := int(h[i])
		if d >= len(dense) {
			dense = append(dense, make([]uint32, d+1-len(dense))...)
		}
		dense[d] += h[i+1]
	}
	return dense
}

// houseKey is one cell of activity: a floor, a unit and a service.
type houseKey struct {
	b       bucket
	level   Level
	unit    string
	service string
}

type houseAgg struct {
	key           houseKey
	Events        int
	Contributions int
}

// aggregates is the kernel's module state. Its cells are kept in shards,
// one per bucket (and people's sets one per month), that are
// copy-on-write: [aggregates.Freeze] shares them with the frozen copy in
// the time it takes to copy the maps of shards, and a command copies a
// shard made before the last freeze (its epoch older than the
// aggregates') before changing it.
type aggregates struct {
	mu        sync.RWMutex
	epoch     uint32 // freezes so far
	loopBy    map[bucket]*loopShard
	houseBy   map[bucket]*houseShard
	codesMu   sync.Mutex
	codes     map[string]string          // one copy of each code string, see code
	people    [4]map[uint32]*peopleShard // named people by family, month, floor and scope
	personNo  map[ID]uint32              // dense numbers of people
	persons   []ID                       // and back
	first     uint32                     // first and last day with data
	last      uint32
	haveRange bool
}

// loopShard holds the loop cells of one bucket.
type loopShard struct {
	epoch uint32
	cells map[loopKey]*loopCell
	list  []*loopCell // in the order they came
}

// all returns the shard's cells; none for a nil shard.
func (sh *loopShard) all() []*loopCell {
	if sh == nil {
		return nil
	}
	return sh.list
}

// houseShard holds the activity cells of one bucket.
type houseShard struct {
	epoch uint32
	cells map[houseKey]*houseAgg
	list  []*houseAgg
}

func (sh *houseShard) all() []*houseAgg {
	if sh == nil {
		return nil
	}
	return sh.list
}

// peopleShard holds one family's sets of people of one month.
type peopleShard struct {
	epoch uint32
	sets  map[peopleKey]*personSet
}

func newAggregates() *aggregates {
	return &aggregates{loopBy: map[bucket]*loopShard{}, houseBy: map[bucket]*houseShard{},
		people: [4]map[uint32]*peopleShard{{}, {}, {}, {}}, personNo: map[ID]uint32{}, codes: map[string]string{}}
}

// maxCodes bounds the table of shared code strings.
const maxCodes = 1 << 16

// code returns one shared copy of a code string — a unit, a service, a
// source, a level, a role — so that a million rows decoded from the
// journal do not hold a million copies of the same few names.
func (a *aggregates) code(s string) string {
	a.codesMu.Lock()
	defer a.codesMu.Unlock()
	if c, ok := a.codes[s]; ok {
		return c
	}
	if len(a.codes) < maxCodes {
		a.codes[s] = s
	}
	return s
}

func (a *aggregates) see(t time.Time) {
	d := dayNumber(t)
	if !a.haveRange {
		a.first, a.last, a.haveRange = d, d, true
		return
	}
	a.first, a.last = min(a.first, d), max(a.last, d)
}

func (a *aggregates) loopCell(k loopKey) *loopCell {
	sh := a.loopBy[k.b]
	switch {
	case sh == nil:
		sh = &loopShard{epoch: a.epoch, cells: map[loopKey]*loopCell{}}
		a.loopBy[k.b] = sh
	case freezes && sh.epoch != a.epoch:
		sh = sh.thaw(a.epoch)
		a.loopBy[k.b] = sh
	}
	c, ok := sh.cells[k]
	if !ok {
		c = &loopCell{key: k}
		sh.cells[k] = c
		sh.list = append(sh.list, c)
	}
	return c
}

// thaw returns a copy of a shard that a frozen copy may share, to change.
func (sh *loopShard) thaw(epoch uint32) *loopShard {
	n := &loopShard{epoch: epoch, cells: make(map[loopKey]*loopCell, len(sh.list)), list: make([]*loopCell, len(sh.list))}
	block := make([]loopCell, len(sh.list))
	for i, c := range sh.list {
		block[i] = *c
		block[i].AckDays, block[i].RespDays = slices.Clone(c.AckDays), slices.Clone(c.RespDays)
		n.list[i] = &block[i]
		n.cells[c.key] = &block[i]
	}
	return n
}

func (a *aggregates) houseCell(k houseKey) *houseAgg {
	sh := a.houseBy[k.b]
	switch {
	case sh == nil:
		sh = &houseShard{epoch: a.epoch, cells: map[houseKey]*houseAgg{}}
		a.houseBy[k.b] = sh
	case freezes && sh.epoch != a.epoch:
		sh = sh.thaw(a.epoch)
		a.houseBy[k.b] = sh
	}
	c, ok := sh.cells[k]
	if !ok {
		c = &houseAgg{key: k}
		sh.cells[k] = c
		sh.list = append(sh.list, c)
	}
	return c
}

func (sh *houseShard) thaw(epoch uint32) *houseShard {
	n := &houseShard{epoch: epoch, cells: make(map[houseKey]*houseAgg, len(sh.list)), list: make([]*houseAgg, len(sh.list))}
	cells := make([]houseAgg, len(sh.list))
	for i, c := range sh.list {
		cells[i] = *c
		n.list[i] = &cells[i]
		n.cells[c.key] = &cells[i]
	}
	return n
}

// loopChange applies fn to the day and month cells of a contribution.
func (a *aggregates) loopChange(c *Contribution, fn func(*loopCell)) {
	base := loopKey{unit: c.Unit, service: c.Service, group: c.Group, source: a.code(c.Source.Key()), level: c.Level}
	for _, b := range []bucket{{byDay, dayNumber(c.ReceivedAt)}, {byMonth, monthNumber(c.ReceivedAt)}} {
		k := base
		k.b = b
		fn(a.loopCell(k))
	}
	a.see(c.ReceivedAt)
}

// Activity is something that happened on a floor of the house: an event
// of any module that people took part in (PART-6).
type Activity struct {
	Level   Level
	Unit    string
	Service string
	// People are the named people involved; anonymous activity has none.
	People []ID
	// Contribution marks the activity of a contribution being received.
	Contribution bool
}

// RecordActivity counts an activity in the house profile. Appliers call
// it — so replay counts the same — with the event's time; it takes effect
// when the command commits, all of a command's activities under one lock.
func RecordActivity(tx *Tx, at time.Time, act Activity) {
	if !act.Level.Valid() {
		return
	}
	act.People = slices.Clone(act.People)
	batch := tx.Stage(activityKey{}, func() any {
		b := &activityBatch{}
		a := tx.State("participation").(*aggregates)
		tx.OnCommit(func() { a.record(b) })
		return b
	}).(*activityBatch)
	batch.at = append(batch.at, at)
	batch.acts = append(batch.acts, act)
}

type activityKey struct{}

type activityBatch struct {
	at   []time.Time
	acts []Activity
}

func (a *aggregates) record(b *activityBatch) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, act := range b.acts {
		at := b.at[i]
		a.see(at)
		for _, bk := range []bucket{{byDay, dayNumber(at)}, {byMonth, monthNumber(at)}} {
			c := a.houseCell(houseKey{b: bk, level: act.Level, unit: act.Unit, service: act.Service})
			c.Events++
			if act.Contribution {
				c.Contributions++
			}
			if bk.res == byMonth && len(act.People) > 0 {
				a.addPeople(bk.n, act.Level, act.Unit, act.Service, act.People)
			}
		}
	}
}

// onLoop registers a hook that changes the loop aggregates of c.
func onLoop(tx *Tx, c *Contribution, fn func(*loopCell)) {
	a := tx.State("participation").(*aggregates)
	// c is the row the applier inserts, which nothing changes after: the
	// hook reads it as it is (copying it made 8 % of a replay's garbage).
	tx.OnCommit(func() {
		a.mu.Lock()
		a.loopChange(c, fn)
		a.mu.Unlock()
	})
}

// Scope of an aggregate query.
type aggFilter struct {
	Period  Period
	Unit    *string
	Service *string
	Group   *ID
}

func (f aggFilter) keepLoop(k loopKey) bool {
	return (f.Unit == nil || *f.Unit == k.unit) && (f.Service == nil || *f.Service == k.service) && (f.Group == nil || *f.Group == k.group)
}

func (f aggFilter) keepHouse(k houseKey) bool {
	return (f.Unit == nil || *f.Unit == k.unit) && (f.Service == nil || *f.Service == k.service) && f.Group == nil
}

// eachLoop calls fn for every loop cell of the period that f keeps.
// Call with a.mu held.
func (a *aggregates) eachLoop(f aggFilter, fn func(*loopCell)) {
	if !a.haveRange {
		return
	}
	for _, b := range buckets(f.Period.From, f.Period.To, a.first, a.last) {
		for _, c := range a.loopBy[b].all() {
			if f.keepLoop(c.key) {
				fn(c)
			}
		}
	}
}

// quantile returns the q-quantile (0–1) of a histogram of days, by the
// nearest rank, and false for an empty one.
func quantile(h []uint32, q float64) (int, bool) {
	n := 0
	for _, v := range h {
		n += int(v)
	}
	if n == 0 {
		return 0, false
	}
	rank := int(q*float64(n) + 0.999999)
	rank = max(rank, 1)
	seen := 0
	for d, v := range h {
		seen += int(v)
		if seen >= rank {
			return d, true
		}
	}
	return len(h) - 1, true
}

// dump lists the aggregates in a fixed order, for Store.Export.
func (a *aggregates) dump() any {
	a.mu.RLock()
	defer a.mu.RUnlock()
	type loopOut struct {
		Res     res    `json:"res"`
		Bucket  uint32 `json:"bucket"`
		Unit    string `json:"unit,omitempty"`
		Service string `json:"service,omitempty"`
		Group   ID     `json:"group,omitzero"`
		Source  string `json:"source"`
		Level   Level  `json:"level"`
		loopAgg
	}
	type houseOut struct {
		Res           res    `json:"res"`
		Bucket        uint32 `json:"bucket"`
		Level         Level  `json:"level"`
		Unit          string `json:"unit,omitempty"`
		Service       string `json:"service,omitempty"`
		Events        int    `json:"events"`
		Contributions int    `json:"contributions"`
		People        []ID   `json:"people,omitempty"`
	}
	loops := []loopOut{}
	for _, sh := range a.loopBy {
		for _, v := range sh.list {
			k := v.key
			loops = append(loops, loopOut{k.b.res, k.b.n, k.unit, k.service, k.group, k.source, k.level, v.agg()})
		}
	}
	sort.Slice(loops, func(i, j int) bool {
		x, y := &loops[i], &loops[j]
		return compareKeys(
			[]any{x.Res, x.Bucket, x.Unit, x.Service, x.Group.String(), x.Source, string(x.Level)},
			[]any{y.Res, y.Bucket, y.Unit, y.Service, y.Group.String(), y.Source, string(y.Level)}) < 0
	})
	houses := []houseOut{}
	for _, sh := range a.houseBy {
		for _, v := range sh.list {
			k := v.key
			h := houseOut{k.b.res, k.b.n, k.level, k.unit, k.service, v.Events, v.Contributions, nil}
			if k.b.res == byMonth {
				if set := a.peopleSet(peopleByUnitService, peopleKey{k.b.n, k.level, k.unit, k.service}); set != nil {
					set.each(func(n uint32) { h.People = append(h.People, a.persons[n]) })
				}
			}
			sort.Slice(h.People, func(i, j int) bool {
				return compareKeys([]any{h.People[i].String()}, []any{h.People[j].String()}) < 0
			})
			houses = append(houses, h)
		}
	}
	sort.Slice(houses, func(i, j int) bool {
		x, y := &houses[i], &houses[j]
		return compareKeys([]any{x.Res, x.Bucket, string(x.Level), x.Unit, x.Service}, []any{y.Res, y.Bucket, string(y.Level), y.Unit, y.Service}) < 0
	})
	return map[string]any{"loop": loops, "house": houses}
}

func compareKeys(a, b []any) int {
	for i := range a {
		switch x := a[i].(type) {
		case string:
			if c := compareOrdered(x, b[i].(string)); c != 0 {
				return c
			}
		case uint32:
			if c := compareOrdered(x, b[i].(uint32)); c != 0 {
				return c
			}
		case res:
			if c := compareOrdered(x, b[i].(res)); c != 0 {
				return c
			}
		}
	}
	return 0
}

func compareOrdered[T string | uint32 | res](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
