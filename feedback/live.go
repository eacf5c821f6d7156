package feedback

import (
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// Feedback items are immutable and come by the million, so they are not
// memdb rows (about 2 KB each with indexes). They are kept in a compact
// append-only store — 24 bytes an item, strings interned — with
// aggregates by day and by month, service, channel and theme kept up to
// date as items arrive, so a report reads aggregates and never scans
// items. The store is changed only by commit hooks (participation's
// Tx.Stage and Tx.OnCommit): appliers stage items, and the hook merges a
// command's items once the journal has accepted them, under the store's
// lock, so readers see whole commands and a failed command leaves no
// trace.

// itemRec is one stored item.
type itemRec struct {
	hour    uint32 // hours since the Unix epoch
	service uint32 // interned service
	themes  uint32 // interned theme set, 0 for none
	device  uint32 // interned device, 0 for none
	text    uint32 // index+1 into texts, 0 for none
	channel uint8
	rating  int8 // 0 for none
	score   int8 // -1 for none
	answer  int8 // follow-up option from 1, 0 for none
}

const itemChunk = 8192

// resolution of an aggregate bucket.
const (
	byDay   uint8 = 0
	byMonth uint8 = 1
)

// noTheme is the theme of the cells that count items without a theme.
const noTheme = ^uint32(0)

type aggKey struct {
	bucket  uint32 // local day or month number
	service uint32
	theme   uint32 // interned theme, 0 for all themes, noTheme for none
	channel uint8
	res     uint8
}

// agg counts the items of one bucket, service, channel and theme.
type agg struct {
	Count    uint32     `json:"count"`
	Ratings  [5]uint32  `json:"ratings"` // index 1–4 are the smileys
	Scores   [11]uint32 `json:"scores"`  // 0–10 recommendation
	Scored   uint32     `json:"scored"`
	Texts    uint32     `json:"texts"`
	Filtered uint32     `json:"filtered"`
}

func (a *agg) add(b *agg) {
	a.Count += b.Count
	a.Scored += b.Scored
	a.Texts += b.Texts
	a.Filtered += b.Filtered
	for i := range a.Ratings {
		a.Ratings[i] += b.Ratings[i]
	}
	for i := range a.Scores {
		a.Scores[i] += b.Scores[i]
	}
}

type aggCell struct {
	key aggKey
	agg agg
}

// excerptKey is a local day and an interned service.
type excerptKey struct {
	day     uint32
	service uint32
}

// excerptSample is how many texts a day's sample keeps per service: as
// many as a report shows.
const excerptSample = 3

type bucketKey struct {
	bucket uint32
	res    uint8
}

// textItem is an item with free text (scrubbed), kept for excerpts.
type textItem struct {
	ID           p.ID      `json:"id"`
	Hour         time.Time `json:"hour"`
	Channel      Channel   `json:"channel"`
	Service      string    `json:"service"`
	Themes       []string  `json:"themes,omitempty"`
	Text         string    `json:"text"`
	Redactions   int       `json:"redactions"`
	Contribution p.ID      `json:"contribution,omitzero"`
}

// interner maps strings to dense numbers from 1.
type interner struct {
	ids   map[string]uint32
	names []string // names[0] is ""
}

func newInterner() interner { return interner{ids: map[string]uint32{}, names: []string{""}} }

func (in *interner) id(s string) uint32 {
	if s == "" {
		return 0
	}
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := uint32(len(in.names))
	in.ids[s] = id
	in.names = append(in.names, s)
	return id
}

func (in *interner) lookup(s string) (uint32, bool) {
	id, ok := in.ids[s]
	return id, ok
}

// live is the module's per-store state.
type live struct {
	cfg Config `snapshot:"config"`

	mu       sync.RWMutex
	chunks   [][]itemRec
	n        int
	services interner
	themes   interner
	sets     interner // theme sets, as sorted theme ids joined
	setIDs   [][]uint32
	devices  interner // device ids as strings
	// buckets holds the aggregate cells, one shard per day or month,
	// copy-on-write (see Freeze): a shard of an epoch older than the
	// state's may be shared with a frozen copy.
	epoch   uint32
	buckets map[bucketKey]*cellShard
	texts   []textItem
	// excerpts holds, per local day and service, the indexes into texts
	// of the newest excerptSample texts: what a report shows comes from
	// these bounded samples, never from a scan of all texts. A sample is
	// never changed in place, but replaced.
	excerpts map[excerptKey][]uint32
	surveys  map[p.ID]*surveyAgg
	defined  map[string]bool // themes, to check items without a memdb read

	// Volatile: the last counted press per device, to filter repeats. It
	// is not state — replay does not need it, since every event already
	// says what was filtered.
	pressMu   sync.Mutex
	lastPress map[p.ID]time.Time

	calMu    sync.Mutex
	calHour  uint32
	calDay   uint32
	calMonth uint32
}

func newLive(cfg Config) *live {
	return &live{
		cfg: cfg, services: newInterner(), themes: newInterner(), sets: newInterner(), setIDs: [][]uint32{nil},
		devices: newInterner(), buckets: map[bucketKey]*cellShard{},
		excerpts: map[excerptKey][]uint32{},
		surveys:  map[p.ID]*surveyAgg{}, defined: map[string]bool{}, lastPress: map[p.ID]time.Time{}, calHour: ^uint32(0),
	}
}

// calendar returns the local day and month numbers of an hour.
func (l *live) calendar(hour uint32) (day, month uint32) {
	l.calMu.Lock()
	defer l.calMu.Unlock()
	if hour == l.calHour {
		return l.calDay, l.calMonth
	}
	t := time.Unix(int64(hour)*3600, 0).In(l.cfg.Location)
	day, month = civilDay(t), civilMonth(t)
	l.calHour, l.calDay, l.calMonth = hour, day, month
	return day, month
}

// civilDay numbers local dates from 1970-01-01, month numbers y*12+m-1.
func civilDay(t time.Time) uint32 {
	y, m, d := t.Date()
	return uint32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func civilMonth(t time.Time) uint32 {
	y, m, _ := t.Date()
	return uint32(y*12 + int(m) - 1)
}

// pending is an item staged by an applier, waiting for its command to
// commit.
type pending struct {
	channel Channel
	service string
	themes  []string
	hour    uint32
	device  p.ID
	rating  int8
	score   int8
	answer  int8
	text    *textItem
}

type pendingFiltered struct {
	device  p.ID
	service string
	hour    uint32
	n       int
}

// delta is what one command (or replay batch) staged.
type delta struct {
	items    []pending
	filtered []pendingFiltered
	answers  []pendingAnswer
	presses  map[p.ID]time.Time
	// l is the module's state, for its calendar.
	l *live
	// months, in an accumulator of the hour's held commands (see
	// p.Accumulator), counts their items by service, theme and month;
	// presses there is each device's last press.
	months map[string]int
}

// monthKey is the key of delta.months.
func monthKey(service, theme string, month uint32) string {
	return service + "\x00" + theme + "\x00" + strconv.FormatUint(uint64(month), 10)
}

// Empty implements p.Accumulator: the anonymous commands held until the
// end of their hour share one delta a store, which later ones read
// through Tx.Pending in constant time.
func (d *delta) Empty() p.Accumulator {
	return &delta{l: d.l, presses: map[p.ID]time.Time{}, months: map[string]int{}}
}

// Add implements p.Accumulator.
func (d *delta) Add(other any) {
	o := other.(*delta)
	for dev, t := range o.presses {
		if t.After(d.presses[dev]) {
			d.presses[dev] = t
		}
	}
	for _, it := range o.items {
		if len(it.themes) == 0 {
			continue
		}
		_, month := d.l.calendar(it.hour)
		for _, th := range it.themes {
			d.months[monthKey(it.service, th, month)]++
		}
	}
}

type stageKey struct{}

// stage returns the command's delta, registering the hook that merges it.
func (l *live) stage(tx *p.Tx) *delta {
	return tx.Stage(stageKey{}, func() any {
		d := &delta{l: l}
		tx.OnCommit(func() { l.merge(d) })
		return d
	}).(*delta)
}

// activity counts items on the feedback floor of the house; anonymous, so
// with no people.
func activity(tx *p.Tx, at time.Time, service string) {
	p.RecordActivity(tx, at, p.Activity{Level: p.LevelFeedback, Service: service})
}

// merge adds a committed delta to the store and its aggregates.
func (l *live) merge(d *delta) {
	l.mu.Lock()
	for i := range d.items {
		l.addItem(&d.items[i])
	}
	for _, f := range d.filtered {
		day, month := l.calendar(f.hour)
		svc := l.services.id(f.service)
		for _, k := range []aggKey{{bucket: day, service: svc, channel: Device.index(), res: byDay}, {bucket: month, service: svc, channel: Device.index(), res: byMonth}} {
			l.cell(k).agg.Filtered += uint32(f.n)
		}
	}
	for i := range d.answers {
		l.addAnswer(&d.answers[i])
	}
	l.mu.Unlock()
	if len(d.presses) > 0 {
		l.pressMu.Lock()
		for dev, t := range d.presses {
			if t.After(l.lastPress[dev]) {
				l.lastPress[dev] = t
			}
		}
		l.pressMu.Unlock()
	}
}

func (l *live) themeSet(themes []string) uint32 {
	if len(themes) == 0 {
		return 0
	}
	var buf [MaxThemes]uint32
	ids := buf[:len(themes)]
	for i, t := range themes {
		ids[i] = l.themes.id(t)
	}
	// At most MaxThemes: sorted in place, without a sort of its own
	// for uint32 in the binary.
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
	var kb [MaxThemes * 5]byte
	key := kb[:0]
	for _, id := range ids {
		key = strconv.AppendUint(key, uint64(id), 10)
		key = append(key, ',')
	}
	if set, ok := l.sets.ids[string(key)]; ok {
		return set
	}
	set := l.sets.id(string(key))
	l.setIDs = append(l.setIDs, slices.Clone(ids))
	return set
}

func (l *live) addItem(it *pending) {
	r := itemRec{
		hour: it.hour, service: l.services.id(it.service), themes: l.themeSet(it.themes),
		channel: it.channel.index(), rating: it.rating, score: it.score, answer: it.answer,
	}
	if !it.device.IsZero() {
		r.device = l.devices.id(it.device.String())
	}
	if it.text != nil {
		l.texts = append(l.texts, *it.text)
		r.text = uint32(len(l.texts))
	}
	if l.n%itemChunk == 0 {
		l.chunks = append(l.chunks, make([]itemRec, 0, itemChunk))
	}
	l.chunks[len(l.chunks)-1] = append(l.chunks[len(l.chunks)-1], r)
	l.n++

	day, month := l.calendar(r.hour)
	if r.text > 0 {
		k := excerptKey{day, r.service}
		old := l.excerpts[k]
		sample := make([]uint32, 0, excerptSample)
		sample = append(sample, old[max(0, len(old)+1-excerptSample):]...)
		l.excerpts[k] = append(sample, r.text-1)
	}
	var one agg
	one.Count = 1
	if r.rating > 0 {
		one.Ratings[r.rating]++
	}
	if r.score >= 0 {
		one.Scores[r.score]++
		one.Scored = 1
	}
	if r.text > 0 {
		one.Texts = 1
	}
	for _, bucket := range [2]struct {
		b   uint32
		res uint8
	}{{day, byDay}, {month, byMonth}} {
		l.cell(aggKey{bucket: bucket.b, service: r.service, channel: r.channel, res: bucket.res}).agg.add(&one)
		for _, th := range l.setIDs[r.themes] {
			l.cell(aggKey{bucket: bucket.b, service: r.service, channel: r.channel, theme: th, res: bucket.res}).agg.add(&one)
		}
		if r.themes == 0 {
			l.cell(aggKey{bucket: bucket.b, service: r.service, channel: r.channel, theme: noTheme, res: bucket.res}).agg.add(&one)
		}
	}
}

// cellShard holds the aggregate cells of one bucket.
type cellShard struct {
	epoch uint32
	cells map[aggKey]*aggCell
	list  []*aggCell // in the order they came
}

// all returns the shard's cells; none for a nil shard.
func (sh *cellShard) all() []*aggCell {
	if sh == nil {
		return nil
	}
	return sh.list
}

// get returns the cell of k; nil when there is none.
func (sh *cellShard) get(k aggKey) *aggCell {
	if sh == nil {
		return nil
	}
	return sh.cells[k]
}

// cell returns the cell of k to change, making it (and copying its
// shard, if a frozen copy may share it) as needed.
func (l *live) cell(k aggKey) *aggCell {
	bk := bucketKey{k.bucket, k.res}
	sh := l.buckets[bk]
	switch {
	case sh == nil:
		sh = &cellShard{epoch: l.epoch, cells: map[aggKey]*aggCell{}}
		l.buckets[bk] = sh
	case freezes && sh.epoch != l.epoch:
		n := &cellShard{epoch: l.epoch, cells: make(map[aggKey]*aggCell, len(sh.list)), list: make([]*aggCell, len(sh.list))}
		block := make([]aggCell, len(sh.list))
		for i, c := range sh.list {
			block[i] = *c
			n.list[i] = &block[i]
			n.cells[c.key] = &block[i]
		}
		sh = n
		l.buckets[bk] = sh
	}
	c, ok := sh.cells[k]
	if !ok {
		c = &aggCell{key: k}
		sh.cells[k] = c
		sh.list = append(sh.list, c)
	}
	return c
}

// item decodes stored item i; call with l.mu held.
func (l *live) item(i int) Item {
	r := l.chunks[i/itemChunk][i%itemChunk]
	out := Item{
		Channel: Channels[r.channel], Service: l.services.names[r.service], Hour: time.Unix(int64(r.hour)*3600, 0).UTC(),
		Rating: Rating(r.rating), Score: int(r.score), Answer: int(r.answer),
	}
	for _, th := range l.setIDs[r.themes] {
		out.Themes = append(out.Themes, l.themes.names[th])
	}
	sort.Slice(out.Themes, func(i, j int) bool { return out.Themes[i] < out.Themes[j] })
	if r.device != 0 {
		out.Device = p.MustParseID(l.devices.names[r.device])
	}
	return out
}

// monthCount is the month's count of items on a theme in a service, for
// the theme threshold.
func (l *live) monthCount(service, theme string, hour uint32) int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	svc, ok1 := l.services.lookup(service)
	th, ok2 := l.themes.lookup(theme)
	if !ok1 || !ok2 {
		return 0
	}
	_, month := l.calendar(hour)
	n := 0
	for ch := range Channels {
		if c := l.buckets[bucketKey{month, byMonth}].get(aggKey{bucket: month, service: svc, channel: uint8(ch), theme: th, res: byMonth}); c != nil {
			n += int(c.agg.Count)
		}
	}
	return n
}

// pendingMonthCount counts the items with theme that earlier commands of
// the command's group staged for service in hour's month: they are not
// merged until the group is journalled.
func (l *live) pendingMonthCount(tx *p.Tx, service, theme string, hour uint32) int {
	_, month := l.calendar(hour)
	n := 0
	for _, v := range tx.Pending(stageKey{}) {
		if d := v.(*delta); d.months != nil {
			n += d.months[monthKey(service, theme, month)]
			continue
		}
		for _, it := range v.(*delta).items {
			if it.service != service || !slices.Contains(it.themes, theme) {
				continue
			}
			if _, m := l.calendar(it.hour); m == month {
				n++
			}
		}
	}
	return n
}

// dump is the module's part of Store.Export: every item, text,
// aggregate, survey and sample of excerpts, in a fixed order.
func (l *live) dump() any {
	l.mu.RLock()
	defer l.mu.RUnlock()
	items := make([]Item, l.n)
	for i := range items {
		items[i] = l.item(i)
	}
	type cellOut struct {
		Res     uint8  `json:"res"`
		Bucket  uint32 `json:"bucket"`
		Service string `json:"service"`
		Channel string `json:"channel"`
		Theme   string `json:"theme,omitempty"`
		agg
	}
	cells := []cellOut{}
	for _, sh := range l.buckets {
		for _, c := range sh.list {
			theme := "(none)"
			if c.key.theme != noTheme {
				theme = l.themes.names[c.key.theme]
			}
			cells = append(cells, cellOut{Res: c.key.res, Bucket: c.key.bucket, Service: l.services.names[c.key.service],
				Channel: string(Channels[c.key.channel]), Theme: theme, agg: c.agg})
		}
	}
	sort.Slice(cells, func(i, j int) bool {
		a, b := cells[i], cells[j]
		if a.Res != b.Res {
			return a.Res < b.Res
		}
		if a.Bucket != b.Bucket {
			return a.Bucket < b.Bucket
		}
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Channel != b.Channel {
			return a.Channel < b.Channel
		}
		return a.Theme < b.Theme
	})
	ids := make([]p.ID, 0, len(l.surveys))
	for id := range l.surveys {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].String() < ids[j].String() })
	surveys := make([]*surveyAgg, len(ids))
	for i, id := range ids {
		surveys[i] = l.surveys[id]
	}
	type excerptOut struct {
		Day     uint32   `json:"day"`
		Service string   `json:"service"`
		Texts   []uint32 `json:"texts"` // indexes into texts
	}
	excerpts := make([]excerptOut, 0, len(l.excerpts))
	for k, v := range l.excerpts {
		excerpts = append(excerpts, excerptOut{k.day, l.services.names[k.service], v})
	}
	sort.Slice(excerpts, func(i, j int) bool {
		a, b := excerpts[i], excerpts[j]
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		return a.Service < b.Service
	})
	return map[string]any{"items": items, "texts": l.texts, "aggregates": cells, "surveys": surveys, "excerpts": excerpts}
}
