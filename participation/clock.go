package participation

import (
	"sync"
	"time"
)

// Clock tells the time. The store reads it once per command; tests inject a
// [ManualClock] so that nothing ever sleeps.
type Clock interface {
	Now() time.Time
}

// SystemClock reads the machine's clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// ManualClock is a clock that moves only when told to. It is safe for
// concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock standing at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Period is a half-open interval of time, [From, To). A zero From is open
// to the past; a zero To is open to the future.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool {
	if !p.From.IsZero() && t.Before(p.From) {
		return false
	}
	if !p.To.IsZero() && !t.Before(p.To) {
		return false
	}
	return true
}

// Validate checks that the period does not end before it begins.
func (p Period) Validate() error {
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		return Invalid("period", "ends (%s) before it begins (%s)", p.To.Format(time.DateOnly), p.From.Format(time.DateOnly))
	}
	return nil
}

// String formats the period as dates, for readings and reports.
func (p Period) String() string {
	f, t := "…", "…"
	if !p.From.IsZero() {
		f = p.From.Format(time.DateOnly)
	}
	if !p.To.IsZero() {
		t = p.To.Format(time.DateOnly)
	}
	return f + "–" + t
}
