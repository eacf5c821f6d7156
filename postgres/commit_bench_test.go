package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/postgres"
)

// BenchmarkCommit: one-event commands per second on the local
// PostgreSQL, beside their baseline, a plain INSERT of the same line (the
// store's last) in autocommit. The cases of a sub-benchmark run in turn,
// a round of commits each, until each has made b.N, so that a load that
// comes and goes on the machine falls on all of them alike.
//
//   - instances=1: one instance's store.Submit from 1 and 8 writers
//     (store-1, store-8); the INSERT on 1 and 8 connections (insert-1,
//     insert-8).
//   - instances=2: two instances on pools of their own, 4 writers each
//     (store-2x4), one writer on one of them (store-1), the INSERT on 8
//     connections.
//
// Each sub-benchmark holds only its own instances, as each instance
// listens for notifications and PostgreSQL wakes every listener of the
// database at every commit that notifies. It reports each case's
// commits/s and the ratios the README states.
//
//	OSALLISUUS_POSTGRES=… go test -run '^$' -bench Commit -benchtime 3000x -count 3 .
func BenchmarkCommit(b *testing.B) {
	ctx := context.Background()
	var i atomic.Int64
	submit := func(s *p.Store) func() error {
		return func() error {
			_, err := s.Submit(ctx, client, idea(int(i.Add(1))))
			return err
		}
	}
	// insert is the baseline: the line the store wrote last, inserted
	// into a table of its own.
	insert := func(b *testing.B, storeTable string) func() error {
		name := table(b)
		pool := newPool(b, "bench-insert")
		var line string
		if err := pool.QueryRow(ctx, "SELECT line FROM "+storeTable+" ORDER BY seq DESC LIMIT 1").Scan(&line); err != nil {
			b.Fatal(err)
		}
		if _, err := pool.Exec(ctx, postgres.Migration(name)); err != nil {
			b.Fatal(err)
		}
		var seq atomic.Int64
		return func() error {
			_, err := pool.Exec(ctx, "INSERT INTO "+name+" (seq, line) VALUES ($1, $2)", seq.Add(1), line)
			return err
		}
	}
	warm := func(b *testing.B, stores ...*p.Store) {
		for _, s := range stores {
			if err := submit(s)(); err != nil { // the client's key, the statements prepared
				b.Fatal(err)
			}
		}
	}
	b.Run("instances=1", func(b *testing.B) {
		name := table(b)
		s := instance(b, name, "bench-1")
		warm(b, s)
		ins := insert(b, name)
		rates := rounds(b, []benchCase{
			{"store-1", 1, func(int) func() error { return submit(s) }},
			{"insert-1", 1, func(int) func() error { return ins }},
			{"store-8", 8, func(int) func() error { return submit(s) }},
			{"insert-8", 8, func(int) func() error { return ins }},
		})
		b.ReportMetric(rates["store-1"]/rates["insert-1"], "store-1/insert-1")
		b.ReportMetric(rates["store-8"]/rates["store-1"], "store-8/store-1")
		b.ReportMetric(rates["store-8"]/rates["insert-8"], "store-8/insert-8")
	})
	b.Run("instances=2", func(b *testing.B) {
		name := table(b)
		pair := []*p.Store{instance(b, name, "bench-2x4-a"), instance(b, name, "bench-2x4-b")}
		warm(b, pair...)
		ins := insert(b, name)
		rates := rounds(b, []benchCase{
			{"store-1", 1, func(int) func() error { return submit(pair[0]) }},
			{"store-2x4", 8, func(w int) func() error { return submit(pair[w%2]) }},
			{"insert-8", 8, func(int) func() error { return ins }},
		})
		b.ReportMetric(rates["store-2x4"]/rates["store-1"], "store-2x4/store-1")
		b.ReportMetric(rates["store-2x4"]/rates["insert-8"], "store-2x4/insert-8")
		converge(b, pair...)
		ha, err := pair[0].Verify(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if hb, _ := pair[1].Head(); hb != ha.Seq {
			b.Fatalf("the two instances differ: %d and %d events", ha.Seq, hb)
		}
	})
}

// benchCase is a case of BenchmarkCommit: op(w) is writer w's operation.
type benchCase struct {
	name    string
	writers int
	op      func(w int) func() error
}

// rounds runs the cases in turn, rounds of 250 operations each, until
// each made b.N, and reports and returns each one's operations per
// second. Each round starts one case further on, so that no case always
// follows the same other one.
func rounds(b *testing.B, cases []benchCase) map[string]float64 {
	elapsed := make([]time.Duration, len(cases))
	const round = 250
	b.ResetTimer()
	for r, done := 0, 0; done < b.N; r, done = r+1, done+round {
		n := min(round, b.N-done)
		for i := range cases {
			k := (r + i) % len(cases)
			start := time.Now()
			inParallel(b, cases[k].writers, n, cases[k].op)
			elapsed[k] += time.Since(start)
		}
	}
	b.StopTimer()
	rates := map[string]float64{}
	for k, c := range cases {
		rates[c.name] = float64(b.N) / elapsed[k].Seconds()
		b.ReportMetric(rates[c.name], c.name+"/s")
	}
	b.ReportMetric(0, "ns/op")
	return rates
}

// inParallel runs n operations over writers goroutines; op(w) is the
// operation of writer w.
func inParallel(b *testing.B, writers, n int, op func(w int) func() error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		do := op(w)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := do(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCommitParts: where one writer's commit goes. One instance's
// store.Submit, one writer, in turn with a plain INSERT of the store's
// line; the journal is timed inside, so a command's time splits into its
// append and the store's own part (running the command, hashing, making
// it visible). Reported in µs per command.
//
//	OSALLISUUS_POSTGRES=… go test -run '^$' -bench CommitParts -benchtime 3000x -count 3 .
func BenchmarkCommitParts(b *testing.B) {
	ctx := context.Background()
	name := table(b)
	pool := newPool(b, "bench-parts-store")
	s, j := countedInstance(b, pool, name)
	var line string
	if err := pool.QueryRow(ctx, "SELECT line FROM "+name+" ORDER BY seq DESC LIMIT 1").Scan(&line); err != nil {
		b.Fatal(err)
	}
	other := table(b)
	if _, err := pool.Exec(ctx, postgres.Migration(other)); err != nil {
		b.Fatal(err)
	}
	j.spent, j.appends, j.events = 0, 0, 0
	var submit, insert time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := s.Submit(ctx, client, idea(i)); err != nil {
			b.Fatal(err)
		}
		submit += time.Since(start)
		start = time.Now()
		if _, err := pool.Exec(ctx, "INSERT INTO "+other+" (seq, line) VALUES ($1, $2)", i+1, line); err != nil {
			b.Fatal(err)
		}
		insert += time.Since(start)
	}
	b.StopTimer()
	if j.appends != b.N {
		b.Fatalf("%d appends for %d commands", j.appends, b.N)
	}
	us := func(d time.Duration) float64 { return d.Seconds() * 1e6 / float64(b.N) }
	b.ReportMetric(us(submit), "submit-µs")
	b.ReportMetric(us(j.spent), "append-µs")
	b.ReportMetric(us(submit-j.spent), "store-µs")
	b.ReportMetric(us(insert), "insert-µs")
	b.ReportMetric(insert.Seconds()/j.spent.Seconds(), "append/insert")
	b.ReportMetric(insert.Seconds()/submit.Seconds(), "submit/insert")
	b.ReportMetric(0, "ns/op")
}

// countedJournal counts the appends of the journal it wraps and the
// events they carried, and times each from the sending to the answer:
// what the store does meanwhile costs it nothing.
type countedJournal struct {
	*postgres.Journal
	mu      sync.Mutex
	appends int
	events  int
	spent   time.Duration
}

func (c *countedJournal) Append(ctx context.Context, events []p.Event) error {
	return c.Send(ctx, events)()
}

func (c *countedJournal) Send(ctx context.Context, events []p.Event) func() error {
	start := time.Now()
	wait := c.Journal.Send(ctx, events)
	return func() error {
		err := wait()
		c.mu.Lock()
		c.appends++
		c.events += len(events)
		c.spent += time.Since(start)
		c.mu.Unlock()
		return err
	}
}

// countedInstance opens a store on pool over the journal table name,
// its journal counted, and commits once (the client's key made, the
// statements prepared).
func countedInstance(b *testing.B, pool *pgxpool.Pool, name string) (*p.Store, *countedJournal) {
	ctx := context.Background()
	j := &countedJournal{Journal: openJournal(b, pool, name)}
	keys, err := postgres.OpenKeyStore(ctx, pool, &postgres.KeyOptions{Table: name + "_keys"})
	if err != nil {
		b.Fatal(err)
	}
	s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Modules: []p.Module{panel.Module()}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.Submit(ctx, client, idea(-1)); err != nil {
		b.Fatal(err)
	}
	return s, j
}

// BenchmarkCommitGroups: how one instance's writers share its appends.
// One writer, then eight, each making b.N one-event commands on the
// synchronous path; for each, commits/s, the commands an append carried,
// how long an append took from sending it to its answer, and how much
// of the time an append was in flight. Eight writers commit more than
// one only as far as their commands share appends.
//
//	OSALLISUUS_POSTGRES=… go test -run '^$' -bench CommitGroups -benchtime 3000x -count 4 .
func BenchmarkCommitGroups(b *testing.B) {
	ctx := context.Background()
	name := table(b)
	s, j := countedInstance(b, newPool(b, "bench-groups"), name)
	var i atomic.Int64
	submit := func(int) func() error {
		return func() error {
			_, err := s.Submit(ctx, client, idea(int(i.Add(1))))
			return err
		}
	}
	b.ResetTimer()
	rates := map[int]float64{}
	for _, writers := range []int{1, 8} {
		j.mu.Lock()
		j.appends, j.events, j.spent = 0, 0, 0
		j.mu.Unlock()
		start := time.Now()
		inParallel(b, writers, b.N, submit)
		elapsed := time.Since(start)
		j.mu.Lock()
		appends, events, spent := j.appends, j.events, j.spent
		j.mu.Unlock()
		if events != b.N {
			b.Fatalf("%d writers: %d events appended for %d commands", writers, events, b.N)
		}
		w := fmt.Sprintf("writers=%d:", writers)
		rates[writers] = float64(b.N) / elapsed.Seconds()
		b.ReportMetric(rates[writers], w+"commits/s")
		b.ReportMetric(float64(events)/float64(appends), w+"commands/append")
		b.ReportMetric(spent.Seconds()*1e6/float64(appends), w+"append-µs")
		b.ReportMetric(100*spent.Seconds()/elapsed.Seconds(), w+"journal-busy-%")
	}
	b.StopTimer()
	b.ReportMetric(rates[8]/rates[1], "8/1")
	b.ReportMetric(0, "ns/op")
}
