package participation

import (
	"bytes"
	"container/heap"
	"time"
)

// GetContribution returns a contribution by id, or an ENOTFOUND error.
// Read the row, don't change it: in the browser's build it is the
// store's own (on a server each read is a copy of the reader's own).
func GetContribution(r Reader, id ID) (*Contribution, error) {
	c, ok, err := Lookup[*Contribution](r, TableContributions, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(ENOTFOUND, "contribution %s not found", id)
	}
	return c, nil
}

// ContributionsOf returns a named participant's own list: every
// contribution they are a contributor of, oldest first. This is how a
// client verifies what became of their input.
func ContributionsOf(r Reader, participant ID) ([]*Contribution, error) {
	return Collect[*Contribution](r, TableContributions, "contributor", nil, participant)
}

// ContributionFrom returns the contribution a module's thing became (a
// statement, a feedback item), found by the source's ref.
func ContributionFrom(r Reader, ref ID) (*Contribution, error) {
	c, ok, err := Lookup[*Contribution](r, TableContributions, "source", ref)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(ENOTFOUND, "no contribution comes from %s", ref)
	}
	return c, nil
}

// ContributionFilter selects contributions; every nil or zero field means
// "any".
type ContributionFilter struct {
	// Period selects by the time received.
	Period  Period
	State   *State
	Level   *Level
	Unit    *string
	Service *string
	// Source selects by "module/kind".
	Source *string
	// Offset and Limit page the result; Limit zero means all.
	Offset int
	Limit  int
}

func (f ContributionFilter) match(c *Contribution) bool {
	return (f.State == nil || *f.State == c.State) &&
		(f.Level == nil || *f.Level == c.Level) &&
		(f.Unit == nil || *f.Unit == c.Unit) &&
		(f.Service == nil || *f.Service == c.Service) &&
		(f.Source == nil || *f.Source == c.Source.Key())
}

// eachReceived calls fn for the contributions received in p, oldest first
// (ties by id), scanning only that period: of one unit when unit is not
// nil, or of every unit, merged.
func eachReceived(r Reader, p Period, unit *string, fn func(*Contribution)) error {
	from := func(u string) (Iterator, error) {
		if p.From.IsZero() {
			return r.LowerBound(TableContributions, "unit_received", u)
		}
		return r.LowerBound(TableContributions, "unit_received", u, p.From)
	}
	// next returns the iterator's next row if it is of unit u and in the
	// period, or nil.
	next := func(it Iterator, u string) *Contribution {
		obj := it.Next()
		if obj == nil {
			return nil
		}
		c := obj.(*Contribution)
		if c.Unit != u || (!p.To.IsZero() && !c.ReceivedAt.Before(p.To)) {
			return nil
		}
		return c
	}
	if unit != nil {
		it, err := from(*unit)
		if err != nil {
			return Internal(err, "reading contributions")
		}
		for c := next(it, *unit); c != nil; c = next(it, *unit) {
			fn(c)
		}
		return nil
	}
	// Every unit's range, merged by time and id.
	var heads receivedHeap
	u := ""
	for {
		it, err := r.LowerBound(TableContributions, "unit_received", u)
		if err != nil {
			return Internal(err, "reading contributions")
		}
		obj := it.Next()
		if obj == nil {
			break
		}
		u = obj.(*Contribution).Unit
		if it, err = from(u); err != nil {
			return Internal(err, "reading contributions")
		}
		if c := next(it, u); c != nil {
			heads = append(heads, receivedHead{c, it})
		}
		u += "\x01" // past every key of this unit: the next unit's first row
	}
	heap.Init(&heads)
	for len(heads) > 0 {
		h := &heads[0]
		fn(h.c)
		if h.c = next(h.it, h.c.Unit); h.c == nil {
			heap.Pop(&heads)
		} else {
			heap.Fix(&heads, 0)
		}
	}
	return nil
}

// receivedHead is the next row of one unit's range in a merge.
type receivedHead struct {
	c  *Contribution
	it Iterator
}

// receivedHeap orders units' next rows by time received, then id, the
// order of one index over all rows.
type receivedHeap []receivedHead

func (h receivedHeap) Len() int { return len(h) }
func (h receivedHeap) Less(i, j int) bool {
	if c := h[i].c.ReceivedAt.Compare(h[j].c.ReceivedAt); c != 0 {
		return c < 0
	}
	return bytes.Compare(h[i].c.ID[:], h[j].c.ID[:]) < 0
}
func (h receivedHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *receivedHeap) Push(x any)   { *h = append(*h, x.(receivedHead)) }
func (h *receivedHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// FindContributions returns the contributions that match f, oldest first,
// and how many matched in all (before paging).
func FindContributions(r Reader, f ContributionFilter) ([]*Contribution, int, error) {
	if err := f.Period.Validate(); err != nil {
		return nil, 0, err
	}
	if f.Offset < 0 || f.Limit < 0 {
		return nil, 0, Invalid("limit", "offset and limit must not be negative")
	}
	if out, total, ok, err := findReceived(r, f); ok {
		return out, total, err
	}
	var out []*Contribution
	total := 0
	err := eachReceived(r, f.Period, f.Unit, func(c *Contribution) {
		if !f.match(c) {
			return
		}
		total++
		if total > f.Offset && (f.Limit == 0 || len(out) < f.Limit) {
			out = append(out, c)
		}
	})
	return out, total, err
}

// Overdue is a contribution that missed a deadline.
type Overdue struct {
	Contribution *Contribution `json:"contribution"`
	// Missed is "acknowledge" or "respond".
	Missed string `json:"missed"`
	// Due is the deadline missed.
	Due time.Time `json:"due"`
	// DaysLate is how many whole days have passed since.
	DaysLate int `json:"daysLate"`
}

// FindOverdue returns the contributions that at time at have missed their
// deadline to be acknowledged or to be reported back, most overdue first.
// It reads only open contributions, through deadline indexes.
func FindOverdue(r Reader, at time.Time) ([]Overdue, error) {
	// Each index is in deadline order and a scan stops at the first
	// deadline not yet passed; the two scans are merged, respond first
	// on equal deadlines. A row overdue on both is listed once, as
	// overdue to respond: the acknowledge scan skips it.
	type scan struct {
		index  string
		it     Iterator
		missed string
		due    func(*Contribution) time.Time
		skip   func(*Contribution) bool
		head   Overdue
		ok     bool
	}
	next := func(s *scan) {
		for obj := s.it.Next(); obj != nil; obj = s.it.Next() {
			c := obj.(*Contribution)
			d := s.due(c)
			if !at.After(d) {
				break
			}
			if s.skip != nil && s.skip(c) {
				continue
			}
			s.head, s.ok = Overdue{Contribution: c, Missed: s.missed, Due: d, DaysLate: int(at.Sub(d) / (24 * time.Hour))}, true
			return
		}
		s.ok = false
	}
	respond := &scan{index: "respond_due", missed: "respond", due: func(c *Contribution) time.Time { return c.RespondBy }}
	ack := &scan{index: "ack_due", missed: "acknowledge", due: func(c *Contribution) time.Time { return c.AcknowledgeBy },
		skip: func(c *Contribution) bool { return at.After(c.RespondBy) }}
	for _, s := range []*scan{respond, ack} {
		it, err := r.Get(TableContributions, s.index)
		if err != nil {
			return nil, Internal(err, "reading contributions")
		}
		s.it = it
		next(s)
	}
	var out []Overdue
	for respond.ok || ack.ok {
		s := respond
		if !respond.ok || (ack.ok && ack.head.Due.Before(respond.head.Due)) {
			s = ack
		}
		out = append(out, s.head)
		next(s)
	}
	return out, nil
}
