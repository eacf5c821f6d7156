package benchmarks

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// A county-sized journal: contributions over three years in 20 units and
// 20 services, and their way through the loop — acknowledged after two
// days (95 %), taken up after ten (80 %), decided after thirty (70 %,
// half adopted), reported back after forty-five (60 %). Two in three name
// one contributor from a pool of a third as many people. About 4.2 events
// per contribution, in commands of up to 64 contributions' steps.
//
// OSALLISUUS_COUNTY lists the sizes, in contributions, comma-separated
// (default 2000, so that CI's one run stays short); the journal and a
// SQLite file of the same contributions are generated once per size into
// OSALLISUUS_COUNTY_DIR (default the system's temporary directory) and
// reused.
//
//	OSALLISUUS_COUNTY=10000,100000,1000000 go test -run '^$' -bench County -benchtime 1x -count 3 .

const countyDays = 3 * 365

var countyStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

var countyManager = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000c1"), Role: p.RoleManager}

func countySizes(b *testing.B) []int {
	v := os.Getenv("OSALLISUUS_COUNTY")
	if v == "" {
		return []int{2000}
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 {
			b.Fatalf("OSALLISUUS_COUNTY: %q is not a size of at least 100", f)
		}
		out = append(out, n)
	}
	return out
}

type county struct {
	n       int
	journal string
	sqlite  string
	end     time.Time // the clock at the end of the generation
}

func (c county) year() p.Period   { return p.Period{From: c.end.AddDate(-1, 0, 0), To: c.end} }
func (c county) month() p.Period  { return p.Period{From: c.end.AddDate(0, 0, -30), To: c.end} }
func countyUnit(i int) string     { return fmt.Sprintf("yksikko_%02d", i%20) }
func countyService(i int) string  { return fmt.Sprintf("palvelu_%02d", (i/20)%20) }
func countyPerson(i, n int) p.ID  { return personID(uint64(i*7919) % uint64(max(n/3, 1))) }
func personID(k uint64) (id p.ID) { copy(id[:], fmt.Sprintf("p%015d", k)); id[6] = 0x70; return id }

// openCounty returns the county of n contributions, generating it first
// if it is not there yet.
func openCounty(b *testing.B, n int) county {
	dir := os.Getenv("OSALLISUUS_COUNTY_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, fmt.Sprintf("osallisuus-county-v1-%d", n))
	c := county{n: n, journal: filepath.Join(dir, "journal.jsonl"), sqlite: filepath.Join(dir, "county.sqlite"),
		end: countyStart.AddDate(0, 0, countyDays).Add(12 * time.Hour)}
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return c
	}
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	b.Logf("generating a county of %d contributions in %s", n, dir)
	generateCounty(b, c)
	if err := os.WriteFile(filepath.Join(dir, "done"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return c
}

func generateCounty(b *testing.B, c county) {
	ctx := context.Background()
	j, err := p.OpenFile(c.journal, &p.FileOptions{Sync: p.SyncNever})
	if err != nil {
		b.Fatal(err)
	}
	clock := p.NewManualClock(countyStart)
	s, err := p.Open(ctx, &p.Config{Journal: j, Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]p.ID, c.n)
	byDay := make([][2]int, countyDays) // first and end index received that day
	for i := range c.n {
		d := i * countyDays / c.n
		if byDay[d][1] == 0 {
			byDay[d][0] = i
		}
		byDay[d][1] = i + 1
	}
	inChunks := func(action p.Action, from, to int, keep func(i int) bool, step func(tx *p.Tx, i int) error) {
		for lo := from; lo < to; lo += 64 {
			hi := min(lo+64, to)
			some := false
			for i := lo; i < hi && !some; i++ {
				some = keep(i)
			}
			if !some {
				continue
			}
			if err := s.Exec(ctx, countyManager, action, func(tx *p.Tx) error {
				for i := lo; i < hi; i++ {
					if keep(i) {
						if err := step(tx, i); err != nil {
							return err
						}
					}
				}
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	advance := func(to p.State, d p.Decision, text string) func(tx *p.Tx, i int) error {
		return func(tx *p.Tx, i int) error {
			var dec p.Decision
			txt := text
			if to == p.StateDecided {
				dec = d
			}
			if to == p.StateDecided && i%2 == 1 {
				dec, txt = p.NotAdopted, "Ei mahdu tämän vuoden budjettiin"
			}
			_, err := p.AdvanceContribution(tx, ids[i], to, dec, txt)
			return err
		}
	}
	for d := range countyDays + 45 {
		day := countyStart.AddDate(0, 0, d)
		clock.Set(day.Add(8 * time.Hour))
		if d < countyDays {
			r := byDay[d]
			inChunks(p.ActionSubmit, r[0], r[1], func(int) bool { return true }, func(tx *p.Tx, i int) error {
				in := p.ContributionInput{
					Source: p.Source{Module: "kunta", Kind: "idea"}, Level: p.Levels[i%5], Origin: p.OriginOrganisation,
					Unit: countyUnit(i), Service: countyService(i), Title: fmt.Sprintf("Ehdotus %d: iltavastaanotto kerran viikossa", i),
				}
				if in.Level.NeedsScope() {
					in.Scope = p.ScopeServices
				}
				if i%3 != 0 {
					in.Contributors = []p.ID{countyPerson(i, c.n)}
				}
				out, err := p.SubmitContribution(tx, in)
				if err == nil {
					ids[i] = out.ID
				}
				return err
			})
		}
		steps := []struct {
			after  int
			action p.Action
			to     p.State
			keep   func(i int) bool
		}{
			{2, p.ActionAcknowledge, p.StateAcknowledged, func(i int) bool { return i%20 != 0 }},
			{10, p.ActionConsider, p.StateUnderConsideration, func(i int) bool { return i%5 != 0 }},
			{30, p.ActionDecide, p.StateDecided, func(i int) bool { return i%10 < 7 && i%5 != 0 }},
			{45, p.ActionReportBack, p.StateReportedBack, func(i int) bool { return i%10 < 6 && i%5 != 0 }},
		}
		for _, st := range steps {
			if d-st.after < 0 || d-st.after >= countyDays {
				continue
			}
			if c.end.Before(day) {
				continue
			}
			r := byDay[d-st.after]
			text := ""
			if st.to == p.StateReportedBack {
				text = "Kiitos ehdotuksesta: kokeilu alkaa syksyllä."
			}
			inChunks(st.action, r[0], r[1], st.keep, advance(st.to, p.Adopted, text))
		}
		if day.After(c.end) {
			break
		}
	}
	clock.Set(c.end)
	writeCountySQLite(b, s, c)
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}

// writeCountySQLite writes the contributions, as they stand at the end,
// into a SQLite file with the indexes the same reads want.
func writeCountySQLite(b *testing.B, s *p.Store, c county) {
	all, _, err := p.FindContributions(s.View(), p.ContributionFilter{})
	if err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", c.sqlite)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE contributions (id BLOB PRIMARY KEY, source TEXT, level TEXT, origin TEXT,
		unit TEXT, service TEXT, title TEXT, contributor BLOB, state TEXT, decision TEXT, reason TEXT, response TEXT,
		received INTEGER, acknowledge_by INTEGER, respond_by INTEGER, acknowledged INTEGER, decided INTEGER, reported INTEGER);
		CREATE INDEX by_unit ON contributions (unit, received);
		CREATE INDEX by_received ON contributions (received);
		CREATE TABLE steps (contribution BLOB, state TEXT, at INTEGER, by BLOB, note TEXT)`); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO contributions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		b.Fatal(err)
	}
	step, err := tx.Prepare(`INSERT INTO steps VALUES (?,?,?,?,?)`)
	if err != nil {
		b.Fatal(err)
	}
	unix := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UnixNano()
	}
	for _, x := range all {
		var who any
		if len(x.Contributors) > 0 {
			who = x.Contributors[0][:]
		}
		if _, err := ins.Exec(x.ID[:], x.Source.Key(), string(x.Level), string(x.Origin), x.Unit, x.Service, x.Title, who,
			string(x.State), string(x.Decision), x.Reason, x.Response, unix(x.ReceivedAt), unix(x.AcknowledgeBy), unix(x.RespondBy),
			unix(x.AcknowledgedAt), unix(x.DecidedAt), unix(x.ReportedAt)); err != nil {
			b.Fatal(err)
		}
		for _, st := range x.History {
			if _, err := step.Exec(x.ID[:], string(st.State), st.At.UnixNano(), st.By.ID[:], st.Note); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func reopenCounty(b *testing.B, c county) (*p.Store, uint64) {
	j, err := p.OpenFile(c.journal, &p.FileOptions{Sync: p.SyncNever})
	if err != nil {
		b.Fatal(err)
	}
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Clock: p.NewManualClock(c.end)})
	if err != nil {
		b.Fatal(err)
	}
	seq, _ := s.Head()
	return s, seq
}

// firstRead is the query that makes a reopened store "usable" in the
// reopen benchmark: a unit's contributions of the last 30 days, a page of
// 20 and the count.
func firstRead(b *testing.B, s *p.Store, c county) int {
	unit := countyUnit(3)
	m := c.month()
	out, total, err := p.FindContributions(s.View(), p.ContributionFilter{Period: m, Unit: &unit, Limit: 20})
	if err != nil || len(out) == 0 {
		b.Fatal(err, len(out))
	}
	return total
}

// BenchmarkCounty: reopening a county's journal until the first read,
// against SQLite opening a file of the same contributions and answering
// the same read; the heap the reopened store holds per contribution (live
// heap objects after a collection, minus before the open: tables,
// indexes, aggregates and the file journal's offsets; spanB adds the
// spans' fragmentation), against a plain map of deep copies of the same
// contributions; and the reads that must stay flat.
func BenchmarkCounty(b *testing.B) {
	for _, n := range countySizes(b) {
		c := openCounty(b, n)
		var s *p.Store
		b.Run(fmt.Sprintf("contributions=%d/Reopen", n), func(b *testing.B) {
			for range b.N {
				if s != nil {
					s.Close()
					s = nil
				}
				before, beforeSpans := liveHeap()
				t0 := time.Now()
				var events uint64
				s, events = reopenCounty(b, c)
				firstRead(b, s, c)
				el := time.Since(t0)
				after, afterSpans := liveHeap()
				if path := os.Getenv("OSALLISUUS_HEAPPROFILE"); path != "" {
					writeHeapProfile(b, path)
				}
				all, _, err := p.FindContributions(s.View(), p.ContributionFilter{})
				if err != nil || len(all) != n {
					b.Fatal(err, len(all))
				}
				base, _ := liveHeap()
				copies := deepCopies(all)
				plain, _ := liveHeap()
				plain -= base
				// The rows read are the store's own copies: they stay
				// alive until the copies are counted, so that their
				// collection does not come off the copies' count.
				runtime.KeepAlive(all)
				b.ReportMetric(float64(el.Milliseconds()), "ms/open")
				b.ReportMetric(float64(events)/el.Seconds(), "events/s")
				b.ReportMetric(float64(events)/float64(n), "events/contribution")
				b.ReportMetric(float64(after-before)/float64(n), "heapB/contribution")
				b.ReportMetric(float64(plain)/float64(n), "mapB/contribution")
				b.ReportMetric(float64(after-before)/float64(plain), "heap-vs-map")
				b.ReportMetric(float64(afterSpans-beforeSpans)/float64(n), "spanB/contribution")
				runtime.KeepAlive(copies)
			}
		})
		b.Run(fmt.Sprintf("contributions=%d/SQLiteOpen", n), func(b *testing.B) {
			for range b.N {
				t0 := time.Now()
				db, err := sql.Open("sqlite", c.sqlite)
				if err != nil {
					b.Fatal(err)
				}
				var total int
				m := c.month()
				if err := db.QueryRow(`SELECT count(*) FROM contributions WHERE unit = ? AND received >= ? AND received < ?`,
					countyUnit(3), m.From.UnixNano(), m.To.UnixNano()).Scan(&total); err != nil {
					b.Fatal(err)
				}
				rows, err := db.Query(`SELECT id, title, state FROM contributions WHERE unit = ? AND received >= ? AND received < ? ORDER BY received LIMIT 20`,
					countyUnit(3), m.From.UnixNano(), m.To.UnixNano())
				if err != nil {
					b.Fatal(err)
				}
				k := 0
				for rows.Next() {
					k++
				}
				rows.Close()
				el := time.Since(t0)
				if k == 0 {
					b.Fatal("SQLite read nothing")
				}
				b.ReportMetric(float64(el.Microseconds())/1000, "ms/open")
				db.Close()
			}
		})
		if s == nil { // Reopen did not run
			s, _ = reopenCounty(b, c)
		}
		unit := countyUnit(3)
		b.Run(fmt.Sprintf("contributions=%d/FindContributionsUnitMonth", n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				out, _, err := p.FindContributions(s.View(), p.ContributionFilter{Period: c.month(), Unit: &unit, Limit: 20})
				if err != nil || len(out) == 0 {
					b.Fatal(err, len(out))
				}
			}
		})
		b.Run(fmt.Sprintf("contributions=%d/FindOverdue", n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				out, err := p.FindOverdue(s.View(), c.end)
				if err != nil || len(out) == 0 {
					b.Fatal(err, len(out))
				}
				b.ReportMetric(float64(len(out)), "overdue")
			}
		})
		b.Run(fmt.Sprintf("contributions=%d/HouseProfileYear", n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				h, err := p.HouseProfile(s.View(), p.HouseFilter{Period: c.year()})
				if err != nil || h.Floors[0].People == 0 {
					b.Fatal(err, h.Floors[0])
				}
			}
		})
		b.Run(fmt.Sprintf("contributions=%d/LoopIndicatorsYear", n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := p.LoopIndicators(s.View(), p.IndicatorFilter{Period: c.year()}); err != nil {
					b.Fatal(err)
				}
			}
		})
		s.Close()
	}
}

// liveHeap returns, after a collection, the bytes of live heap objects
// and the bytes of the spans that hold them (which adds fragmentation).
func liveHeap() (objects, spans int64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc), int64(m.HeapInuse)
}

// writeHeapProfile writes what the heap holds, for go tool pprof.
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// deepCopies is the plain baseline: every contribution copied, with its
// slices, into a map by id.
func deepCopies(all []*p.Contribution) map[p.ID]*p.Contribution {
	out := make(map[p.ID]*p.Contribution, len(all))
	for _, c := range all {
		cp := *c
		cp.Title = strings.Clone(c.Title)
		cp.Contributors = append([]p.ID(nil), c.Contributors...)
		cp.History = make([]p.Step, len(c.History))
		for i, st := range c.History {
			st.Note = strings.Clone(st.Note)
			cp.History[i] = st
		}
		out[c.ID] = &cp
	}
	return out
}
