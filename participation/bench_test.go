package participation

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/go-memdb"
)

// The kernel's write path against a raw go-memdb insert of the same row:
// run them in one go so the ratio is measured on one machine at one time.
//
//	go test -run '^$' -bench 'Commit|RawMemdb' -benchmem ./participation/

var benchActor = Actor{ID: MustParseID("0190a000-0000-7000-8000-000000000003"), Role: RoleClient}

func benchInput() ContributionInput {
	return ContributionInput{
		Source: Source{Module: "bench", Kind: "idea"}, Level: LevelDialogue, Origin: OriginClient,
		Unit: "aikuissosiaalityo", Service: "sosiaalinen_kuntoutus", Title: "Iltavastaanotto kerran viikossa",
		Contributors: []ID{benchActor.ID},
	}
}

func benchCommit(b *testing.B, j Journal) {
	ctx := context.Background()
	s, err := Open(ctx, &Config{Journal: j})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	in := benchInput()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Submit(ctx, benchActor, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// BenchmarkCommitMemory: a one-event command with the memory journal.
func BenchmarkCommitMemory(b *testing.B) { benchCommit(b, NewMemoryJournal()) }

func benchFile(b *testing.B, opts *FileOptions) {
	j, err := OpenFile(filepath.Join(b.TempDir(), "journal.jsonl"), opts)
	if err != nil {
		b.Fatal(err)
	}
	benchCommit(b, j)
}

// BenchmarkCommitFileSyncEvery: a one-event command, fsync on every commit.
func BenchmarkCommitFileSyncEvery(b *testing.B) { benchFile(b, nil) }

// BenchmarkCommitFileSyncInterval: a one-event command, fsync every 100 ms.
func BenchmarkCommitFileSyncInterval(b *testing.B) {
	benchFile(b, &FileOptions{Sync: SyncInterval})
}

// BenchmarkRawMemdbInsert: the same row inserted straight into a go-memdb
// table with the same indexes, one transaction per insert: the floor the
// kernel's overhead is measured against.
func BenchmarkRawMemdbInsert(b *testing.B) {
	db, err := memdb.NewMemDB(&memdb.DBSchema{Tables: map[string]*memdb.TableSchema{TableContributions: memdbContributionsTable()}})
	if err != nil {
		b.Fatal(err)
	}
	gen := NewIDGen(nil)
	in := benchInput()
	now := time.Now().UTC()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id, _ := gen.New(now)
		c := &Contribution{
			ID: id, Source: in.Source, Level: in.Level, Origin: in.Origin, Unit: in.Unit, Service: in.Service,
			Title: in.Title, Contributors: in.Contributors, State: StateReceived, ReceivedAt: now,
			AcknowledgeBy: now.Add(14 * 24 * time.Hour), RespondBy: now.Add(90 * 24 * time.Hour),
			History: []Step{{State: StateReceived, At: now, By: benchActor}},
		}
		txn := db.Txn(true)
		if err := txn.Insert(TableContributions, c); err != nil {
			b.Fatal(err)
		}
		txn.Commit()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// BenchmarkReplay: rebuilding state from a journal of 100,000 one-event
// commands.
func BenchmarkReplay(b *testing.B) {
	ctx := context.Background()
	j := NewMemoryJournal()
	keys := NewMemoryKeyStore() // the titles are sealed under the client's key
	s, err := Open(ctx, &Config{Journal: j, Keys: keys})
	if err != nil {
		b.Fatal(err)
	}
	in := benchInput()
	for i := 0; i < 100_000; i++ {
		if _, err := s.Submit(ctx, benchActor, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Open(ctx, &Config{Journal: j, Keys: keys}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "events/s")
}

// benchActivity is a one-event command of the feedback kind: it records
// activity on the feedback floor, as a device press does.
type benchActivity struct {
	Service string `json:"service"`
}

func (benchActivity) EventType() string { return "bench.activity" }

// BenchmarkHouseAndIndicators: the house profile and the integrity
// indicators over a year in which 1,000,000 events happened — 990,000
// anonymous feedback-like events and 10,000 contributions, half of them
// answered — read from the maintained aggregates. Target: under 1 ms per
// call. OSALLISUUS_HOUSE_EVENTS sets the number of events (default
// 50,000, so that one run stays short; the README's figures use
// 1,000,000).
func BenchmarkHouseAndIndicators(b *testing.B) {
	events := 50_000
	if n, err := strconv.Atoi(os.Getenv("OSALLISUUS_HOUSE_EVENTS")); err == nil && n >= 200 {
		events = n
	}
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	clock := NewManualClock(start)
	const act Action = "bench.act"
	s, err := Open(ctx, &Config{Clock: clock, Modules: []Module{{
		Name: "bench",
		Events: []EventType{AnonymousEvent(Handle(func(tx *Tx, m EventMeta, d benchActivity) error {
			RecordActivity(tx, m.Time, Activity{Level: LevelFeedback, Service: d.Service})
			return nil
		}))},
		Actions: []ActionRule{{Action: act, Roles: []Role{RoleAnonymous}, Doc: "bench"}},
	}}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	services := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	manager := Actor{ID: MustParseID("0190a000-0000-7000-8000-0000000000b2"), Role: RoleManager}
	for i := 0; i < events; i++ {
		clock.Set(start.Add(time.Duration(i) * (31_000_000 * time.Second / time.Duration(events)))) // a year
		if i%100 == 0 {
			in := benchInput()
			in.Source = Source{Module: "direct", Kind: "idea"} // "bench/…" belongs to the module registered here
			in.Service, in.Unit = services[i%len(services)], "u"+services[(i/100)%len(services)]
			c, err := s.Submit(ctx, benchActor, in)
			if err != nil {
				b.Fatal(err)
			}
			if i%200 == 0 {
				if _, err := s.Decide(ctx, manager, c.ID, Adopted, ""); err != nil {
					b.Fatal(err)
				}
				if _, err := s.ReportBack(ctx, manager, c.ID, "vastaus"); err != nil {
					b.Fatal(err)
				}
			}
			continue
		}
		if err := s.Exec(ctx, Anonymous, act, func(tx *Tx) error { return tx.Emit(benchActivity{Service: services[i%len(services)]}) }); err != nil {
			b.Fatal(err)
		}
	}
	// The last hour's anonymous activity takes effect once it is over
	// (PRIV-1).
	clock.Set(start.AddDate(1, 0, 0))
	if err := s.Release(ctx); err != nil {
		b.Fatal(err)
	}
	year := Period{From: start.Truncate(24 * time.Hour), To: start.AddDate(1, 0, 0)}
	unit := "ua"
	b.Run("HouseProfile", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			h, err := HouseProfile(s.View(), HouseFilter{Period: year})
			if err != nil || h.Floors[1].Events < events*99/100 {
				b.Fatal(err, h.Floors[1].Events)
			}
		}
	})
	b.Run("Indicators", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ins, err := LoopIndicators(s.View(), IndicatorFilter{Period: year})
			if err != nil || ins[0].Denominator != events/100 {
				b.Fatal(err, ins[0].Denominator)
			}
		}
	})
	b.Run("IndicatorsOneUnit", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := LoopIndicators(s.View(), IndicatorFilter{Period: year, Unit: &unit}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
