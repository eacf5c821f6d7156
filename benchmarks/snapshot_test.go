package benchmarks

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// Reopening a county with and without a snapshot, beside SQLite opening a
// file of the same contributions, in the same run:
//
//	OSALLISUUS_COUNTY=10000,100000,1000000 go test -run '^$' -bench 'Restart' -benchtime 1x -count 3 .
//
// and the county of the issue — OSALLISUUS_ITEMS feedback items added to
// the first county size — usable within 2 s of a restart with a
// snapshot:
//
//	OSALLISUUS_COUNTY=100000 OSALLISUUS_ITEMS=1000000 go test -run '^$' -bench 'RestartWithFeedback' -benchtime 1x -count 3 .
//
// Each snapshot is written once, into the county's directory, and reused.

// openCountyStore opens a county's journal with the given modules,
// keeping snapshots in snaps (none when empty).
func openCountyStore(b *testing.B, journal, snaps string, end time.Time, modules ...p.Module) *p.Store {
	j, err := p.OpenFile(journal, &p.FileOptions{Sync: p.SyncNever})
	if err != nil {
		b.Fatal(err)
	}
	cfg := &p.Config{Journal: j, Clock: p.NewManualClock(end), Modules: modules}
	if snaps != "" {
		cfg.Snapshots = p.SnapshotsIn(snaps)
	}
	s, err := p.Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// ensureSnapshot makes sure dir holds a usable snapshot of the journal
// at its head, writing one if not.
func ensureSnapshot(b *testing.B, journal, dir string, end time.Time, modules ...p.Module) {
	s := openCountyStore(b, journal, dir, end, modules...)
	defer s.Close()
	if head, _ := s.Head(); s.Opened().Snapshot.Seq == head {
		return
	}
	t0 := time.Now()
	h, err := s.SaveSnapshot(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dir, fmt.Sprintf("snapshot-%020d.bin", h.Seq)))
	b.Logf("snapshot of %d events written in %v: %d bytes (%v)", h.Seq, time.Since(t0), st.Size(), s.Opened().Notes)
}

// restart opens the store (with or without its snapshots), makes the
// first read, and reports the time and what the open did.
func restart(b *testing.B, c county, snaps string, modules ...p.Module) {
	for range b.N {
		t0, cpu0 := time.Now(), cpuTime()
		s := openCountyStore(b, c.journal, snaps, c.end, modules...)
		firstRead(b, s, c)
		el, cpu := time.Since(t0), cpuTime()-cpu0
		info := s.Opened()
		if snaps != "" && info.Snapshot.Seq == 0 {
			s.Close()
			b.Fatalf("the snapshot was not used: %v", info.Notes)
		}
		seq, _ := s.Head()
		b.ReportMetric(float64(el.Microseconds())/1000, "ms/open")
		b.ReportMetric(float64(cpu.Microseconds())/1000, "cpu-ms/open")
		b.ReportMetric(float64(seq), "events")
		b.ReportMetric(float64(info.Replayed), "replayed")
		if info.Replayed > 0 {
			b.ReportMetric(float64(seq)/el.Seconds(), "events/s")
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// sqliteOpenRead opens the county's SQLite file and answers the first
// read: the baseline of a restart.
func sqliteOpenRead(b *testing.B, c county) {
	for range b.N {
		t0 := time.Now()
		db, err := sql.Open("sqlite", c.sqlite)
		if err != nil {
			b.Fatal(err)
		}
		m := c.month()
		var total int
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
		b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "ms/open")
		db.Close()
		if k == 0 {
			b.Fatal("SQLite read nothing")
		}
	}
}

// BenchmarkRestart: a county's journal reopened by replaying it whole
// (events/s) and from a snapshot at its head, against SQLite.
func BenchmarkRestart(b *testing.B) {
	for _, n := range countySizes(b) {
		c := openCounty(b, n)
		snaps := filepath.Join(filepath.Dir(c.journal), "snapshots")
		ensureSnapshot(b, c.journal, snaps, c.end)
		b.Run(fmt.Sprintf("contributions=%d/Replay", n), func(b *testing.B) { restart(b, c, "") })
		b.Run(fmt.Sprintf("contributions=%d/Snapshot", n), func(b *testing.B) { restart(b, c, snaps) })
		b.Run(fmt.Sprintf("contributions=%d/SQLite", n), func(b *testing.B) { sqliteOpenRead(b, c) })
	}
}

// BenchmarkRestartWithFeedback: the first county size with N anonymous
// feedback items besides (one command each, over the 80 days before the
// county's end, 10 % with text), reopened
// with and without a snapshot. Usable means the first read of the
// contributions and a month's feedback report both answered.
func BenchmarkRestartWithFeedback(b *testing.B) {
	c, fc, snaps, mod := feedbackCounty(b)
	n := c.n
	report := func(b *testing.B, s *p.Store) {
		fb := feedback.New(s)
		if _, err := fb.Report(s.View(), feedback.ReportQuery{From: pressesFrom(c), To: pressesFrom(c).AddDate(0, 1, 0)}); err != nil {
			b.Fatal(err)
		}
		if fb.Count() != N {
			b.Fatalf("%d items, not %d", fb.Count(), N)
		}
	}
	for _, with := range []string{"Replay", "Snapshot"} {
		b.Run(fmt.Sprintf("contributions=%d/items=%d/%s", n, N, with), func(b *testing.B) {
			for range b.N {
				sd := ""
				if with == "Snapshot" {
					sd = snaps
				}
				t0, cpu0 := time.Now(), cpuTime()
				s := openCountyStore(b, fc.journal, sd, c.end, mod())
				firstRead(b, s, c)
				report(b, s)
				el, cpu := time.Since(t0), cpuTime()-cpu0
				seq, _ := s.Head()
				info := s.Opened()
				if sd != "" && info.Snapshot.Seq == 0 {
					s.Close()
					b.Fatalf("the snapshot was not used: %v", info.Notes)
				}
				b.ReportMetric(float64(el.Microseconds())/1000, "ms/open")
				b.ReportMetric(float64(cpu.Microseconds())/1000, "cpu-ms/open")
				b.ReportMetric(float64(seq), "events")
				if info.Replayed > 0 {
					b.ReportMetric(float64(seq)/el.Seconds(), "events/s")
				}
				s.Close()
			}
		})
	}
}

// feedbackCounty returns the county of the first size and the copy of it
// with N feedback items (generated once), with a snapshot of the latter.
func feedbackCounty(b *testing.B) (c, fc county, snaps string, mod func() p.Module) {
	c = openCounty(b, countySizes(b)[0])
	dir := filepath.Join(filepath.Dir(c.journal), fmt.Sprintf("feedback-%d", N))
	fc = c
	fc.journal = filepath.Join(dir, "journal.jsonl")
	mod = func() p.Module { return feedback.Module(&feedback.Config{ThemeThreshold: -1}) }
	if _, err := os.Stat(filepath.Join(dir, "done")); err != nil {
		generateFeedbackCounty(b, c, fc, dir, mod())
	}
	snaps = filepath.Join(dir, "snapshots")
	ensureSnapshot(b, fc.journal, snaps, c.end, mod())
	return c, fc, snaps, mod
}

// BenchmarkSnapshotWhileWriting: writing a snapshot of the county with
// feedback while a writer commits one contribution after another. Writers
// wait only while module state is frozen under the write lock (ms-freeze,
// measured apart): the slowest commit, the 99th percentile and the number
// of commits during the snapshot are reported beside those of the same
// writer alone for as long (a benchmark may wait for time to pass; a test
// may not), and the snapshot's size and time.
func BenchmarkSnapshotWhileWriting(b *testing.B) {
	c, fc, _, mod := feedbackCounty(b)
	ctx := context.Background()
	for range b.N {
		// A copy of the journal, which the writer extends; the snapshot of
		// the original is valid for it.
		dir := b.TempDir()
		copyFile(b, fc.journal, filepath.Join(dir, "journal.jsonl"))
		s := openCountyStore(b, filepath.Join(dir, "journal.jsonl"), filepath.Join(filepath.Dir(fc.journal), "snapshots"), c.end, mod())
		commit := func() time.Duration {
			t0 := time.Now()
			if _, err := s.Submit(ctx, countyManager, p.ContributionInput{Source: p.Source{Module: "kunta", Kind: "idea"},
				Level: p.LevelDialogue, Origin: p.OriginOrganisation, Unit: countyUnit(1), Title: "Ehdotus"}); err != nil {
				b.Fatal(err)
			}
			return time.Since(t0)
		}
		// The writer runs for a while alone, then while a snapshot is
		// written: the slowest commit of each window is compared.
		window := func(during func()) (worst, p99 time.Duration, n int) {
			var took []time.Duration
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				for {
					select {
					case <-stop:
						return
					default:
						took = append(took, commit())
					}
				}
			}()
			during()
			close(stop)
			<-done
			slices.Sort(took)
			if n = len(took); n > 0 {
				worst, p99 = took[n-1], took[n*99/100]
			}
			return worst, p99, n
		}
		f, err := os.Create(filepath.Join(dir, "snapshot.bin"))
		if err != nil {
			b.Fatal(err)
		}
		var el time.Duration
		during, p99d, nd := window(func() {
			t0 := time.Now()
			if _, err := s.Snapshot(ctx, f); err != nil {
				b.Fatal(err)
			}
			el = time.Since(t0)
		})
		alone, p99a, na := window(func() { time.Sleep(el) })
		// What a writer can wait for at most: the freeze of the modules'
		// states, which the snapshot takes under the write lock.
		t0 := time.Now()
		for _, name := range []string{"participation", "feedback"} {
			s.State(name).(p.Freezer).Freeze()
		}
		freeze := time.Since(t0)
		st, _ := f.Stat()
		f.Close()
		b.ReportMetric(float64(el.Microseconds())/1000, "ms/snapshot")
		b.ReportMetric(float64(freeze.Microseconds())/1000, "ms-freeze")
		b.ReportMetric(float64(st.Size())/(1<<20), "MiB")
		b.ReportMetric(float64(during.Microseconds())/1000, "ms-slowest-commit-during")
		b.ReportMetric(float64(alone.Microseconds())/1000, "ms-slowest-commit-alone")
		b.ReportMetric(float64(p99d.Microseconds())/1000, "ms-p99-commit-during")
		b.ReportMetric(float64(p99a.Microseconds())/1000, "ms-p99-commit-alone")
		b.ReportMetric(float64(nd), "commits-during")
		b.ReportMetric(float64(na), "commits-alone")
		s.Close()
	}
}

// pressesFrom is when the county's feedback items begin: 80 days before
// its end, at midnight.
func pressesFrom(c county) time.Time { return c.end.AddDate(0, 0, -80).Truncate(24 * time.Hour) }

// generateFeedbackCounty copies the county's journal and appends N
// feedback items to it.
func generateFeedbackCounty(b *testing.B, c, fc county, dir string, mod p.Module) {
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	copyFile(b, c.journal, fc.journal)
	b.Logf("adding %d feedback items to a county of %d contributions in %s", N, c.n, dir)
	ctx := context.Background()
	j, err := p.OpenFile(fc.journal, &p.FileOptions{Sync: p.SyncNever})
	if err != nil {
		b.Fatal(err)
	}
	clock := p.NewManualClock(pressesFrom(c))
	s, err := p.Open(ctx, &p.Config{Journal: j, Clock: clock, Modules: []p.Module{mod}})
	if err != nil {
		b.Fatal(err)
	}
	fb := feedback.New(s)
	for _, th := range themes {
		if err := fb.DefineTheme(ctx, coordinator, feedback.Theme{Code: th, Labels: p.Labels{Fi: th, Sv: th, En: th}}); err != nil {
			b.Fatal(err)
		}
	}
	step := 80 * 24 * time.Hour / time.Duration(N)
	for i := range N {
		it := itemAt(i)
		clock.Set(pressesFrom(c).Add(time.Duration(i) * step))
		in := feedback.Submission{Channel: feedback.EForm, Service: it.service, Themes: it.themes, Rating: it.rating}
		if i%10 == 0 {
			in.Text = fmt.Sprintf("Jonotin puhelimessa %d minuuttia ennen kuin pääsin puhumaan", i%90)
		}
		if _, err := fb.Submit(ctx, p.Anonymous, in); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "done"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
}

func copyFile(b *testing.B, from, to string) {
	src, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		b.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		b.Fatal(err)
	}
}

// cpuTime is the CPU time the process has used, in user and system mode,
// on every core: on a machine that other work keeps busy it says what an
// open costs better than the time it takes.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
