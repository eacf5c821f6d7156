package benchmarks

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// The workload: N anonymous feedback items over 30 days, 20 services, 8
// themes (none, one or two per item), smileys 1–4. N is 20,000 unless
// OSALLISUUS_ITEMS says otherwise (the README's figures use 1,000,000).
var N = func() int {
	if n, err := strconv.Atoi(os.Getenv("OSALLISUUS_ITEMS")); err == nil && n > 0 {
		return n
	}
	return 20_000
}()

var (
	start    = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	services = func() []string {
		out := make([]string, 20)
		for i := range out {
			out[i] = fmt.Sprintf("palvelu_%02d", i)
		}
		return out
	}()
	themes = []string{"jonotus", "asuminen", "toimeentulo", "kohtaaminen", "tiedotus", "tilat", "digi", "paihteet"}
)

type item struct {
	hour    time.Time
	service string
	themes  []string
	rating  feedback.Rating
}

func itemAt(i int) item {
	it := item{hour: start.Add(time.Duration(i%(30*24)) * time.Hour), service: services[i%len(services)], rating: feedback.Rating(1 + i%4)}
	switch i % 3 {
	case 1:
		it.themes = []string{themes[i%len(themes)]}
	case 2:
		a, b := themes[i%len(themes)], themes[(i/7)%len(themes)]
		if a == b {
			it.themes = []string{a}
		} else if a < b {
			it.themes = []string{a, b}
		} else {
			it.themes = []string{b, a}
		}
	}
	return it
}

// rss reads the resident set size after a full collection, returning
// freed memory to the system first, so that both Go's heap and SQLite's
// own allocations count.
func rss() int64 {
	runtime.GC()
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}

var coordinator = p.Actor{ID: p.MustParseID("0190d000-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}

// byHour is 0..N-1 in the order of the items' hours, as a clock moves:
// each hour's anonymous items are then released once, when the next hour
// begins.
func byHour() []int {
	order := make([]int, N)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return itemAt(order[a]).hour.Before(itemAt(order[b]).hour) })
	return order
}

// releaseAll moves the clock past every hour the benchmarks use (the
// items' hours cycle through a month from start) and releases the
// anonymous commands held until then: they take effect once their hour is
// over (PRIV-1), and a benchmark of them counts that work too.
func releaseAll(b *testing.B, s *p.Store, clock *p.ManualClock) {
	clock.Set(start.AddDate(0, 4, 0))
	if err := s.Release(context.Background()); err != nil {
		b.Fatal(err)
	}
	if n := s.Held(); n != 0 {
		b.Fatalf("%d anonymous commands still held", n)
	}
}

func openFeedback(b *testing.B) (*p.Store, *feedback.Service, *p.ManualClock) {
	return openFeedbackOn(b, nil)
}

func openFeedbackOn(b *testing.B, j p.Journal) (*p.Store, *feedback.Service, *p.ManualClock) {
	clock := p.NewManualClock(start)
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Clock: clock, Modules: []p.Module{feedback.Module(&feedback.Config{ThemeThreshold: -1})}})
	if err != nil {
		b.Fatal(err)
	}
	fb := feedback.New(s)
	for _, th := range themes {
		if err := fb.DefineTheme(context.Background(), coordinator, feedback.Theme{Code: th, Labels: p.Labels{Fi: th, Sv: th, En: th}}); err != nil {
			b.Fatal(err)
		}
	}
	return s, fb, clock
}

// BenchmarkOsallisuusSubmitOneByOne: N anonymous items, one command each,
// through the whole write path. With the memory journal (as in the
// browser) every item also keeps its hash-chained event in memory; with a
// file journal (as on a server; fsync every 100 ms) only the item store
// and its aggregates are in memory. Reports ns per item and the memory
// each stored item holds.
func BenchmarkOsallisuusSubmitOneByOne(b *testing.B) {
	for _, journal := range []string{"memory", "file"} {
		b.Run("journal="+journal, func(b *testing.B) {
			ctx := context.Background()
			// The order is sorted before the clock starts: at a million
			// items the sort took a tenth of the time measured.
			b.StopTimer()
			order := byHour()
			for n := 0; n < b.N; n++ {
				b.StopTimer()
				before := rss()
				heap := heapInUse()
				var j p.Journal
				if journal == "file" {
					fj, err := p.OpenFile(b.TempDir()+"/journal.jsonl", &p.FileOptions{Sync: p.SyncInterval})
					if err != nil {
						b.Fatal(err)
					}
					j = fj
				}
				s, fb, clock := openFeedbackOn(b, j)
				b.StartTimer()
				t0 := time.Now()
				for _, i := range order {
					it := itemAt(i)
					clock.Set(it.hour)
					if _, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: it.service, Themes: it.themes, Rating: it.rating}); err != nil {
						b.Fatal(err)
					}
				}
				releaseAll(b, s, clock) // the last hour's items too (PRIV-1)
				el := time.Since(t0)
				b.StopTimer()
				b.ReportMetric(float64(el.Nanoseconds())/float64(N), "ns/item")
				b.ReportMetric(float64(heapInUse()-heap)/float64(N), "heapB/item")
				b.ReportMetric(float64(rss()-before)/float64(N), "rssB/item")
				runtime.KeepAlive(s)
				runtime.KeepAlive(order) // in the heap before and after alike
				s.Close()
			}
		})
	}
}

// BenchmarkOsallisuusDeviceBatches: N presses in device batches of 1,000.
func BenchmarkOsallisuusDeviceBatches(b *testing.B) {
	ctx := context.Background()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		s, fb, clock := openFeedback(b)
		var devices []*feedback.DeviceInfo
		for _, svc := range services {
			d, err := fb.RegisterDevice(ctx, coordinator, feedback.DeviceInput{Service: svc, Point: "toimipiste " + svc})
			if err != nil {
				b.Fatal(err)
			}
			devices = append(devices, d)
		}
		clock.Set(start.Add(70 * 24 * time.Hour))
		batch := make([]feedback.Press, 1000)
		b.StartTimer()
		t0 := time.Now()
		for k := 0; k < N/1000; k++ {
			d := devices[k%len(devices)]
			for i := range batch {
				// Presses six seconds apart: none is a repeat.
				batch[i] = feedback.Press{Rating: feedback.Rating(1 + i%4), At: start.Add(time.Duration(k*1000+i) * 6 * time.Second)}
			}
			if _, err := fb.PressBatch(ctx, p.Actor{ID: d.ID, Role: p.RoleDevice}, d.ID, batch); err != nil {
				b.Fatal(err)
			}
		}
		releaseAll(b, s, clock) // presses count once their hour is over (PRIV-1)
		el := time.Since(t0)
		b.StopTimer()
		if fb.Count() != N {
			b.Fatalf("stored %d presses", fb.Count())
		}
		b.ReportMetric(float64(el.Nanoseconds())/float64(N), "ns/item")
		s.Close()
	}
}

// BenchmarkOsallisuusReport: the social report by service and theme over
// the N items of a month, read from aggregates.
func BenchmarkOsallisuusReport(b *testing.B) {
	ctx := context.Background()
	s, fb, clock := openFeedback(b)
	defer s.Close()
	for _, i := range byHour() {
		it := itemAt(i)
		clock.Set(it.hour)
		if _, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: it.service, Themes: it.themes, Rating: it.rating}); err != nil {
			b.Fatal(err)
		}
	}
	releaseAll(b, s, clock)
	q := feedback.ReportQuery{From: start, To: start.AddDate(0, 1, 0)}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		rep, err := fb.Report(s.View(), q)
		if err != nil || rep.Total.Value != N {
			b.Fatal(err, rep.Total)
		}
	}
}

// BenchmarkOsallisuusReportTexts: the same report when one item in ten
// carries a free text, so that every service has excerpts to show.
func BenchmarkOsallisuusReportTexts(b *testing.B) {
	ctx := context.Background()
	if textsStore == nil {
		s, fb, clock := openFeedback(b)
		for _, i := range byHour() {
			it := itemAt(i)
			clock.Set(it.hour)
			sub := feedback.Submission{Channel: feedback.EForm, Service: it.service, Themes: it.themes, Rating: it.rating}
			if i%10 == 0 {
				sub.Text = "Jonotus kesti liian kauan, mutta kohtaaminen oli hyvä"
			}
			if _, err := fb.Submit(ctx, p.Anonymous, sub); err != nil {
				b.Fatal(err)
			}
		}
		releaseAll(b, s, clock)
		textsStore, textsService = s, fb
	}
	s, fb := textsStore, textsService
	q := feedback.ReportQuery{From: start, To: start.AddDate(0, 1, 0)}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		rep, err := fb.Report(s.View(), q)
		if err != nil || rep.Total.Value != N || len(rep.Services[0].Excerpts) != 3 {
			b.Fatal(err, rep.Total)
		}
	}
}

// The store of BenchmarkOsallisuusReportTexts, built once for all its runs.
var (
	textsStore   *p.Store
	textsService *feedback.Service
)

func openSQLite(b *testing.B) *sql.DB {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one connection: the in-memory database lives in it
	if _, err := db.Exec(`CREATE TABLE items (hour INTEGER NOT NULL, service TEXT NOT NULL, channel INTEGER NOT NULL,
		rating INTEGER, theme1 TEXT, theme2 TEXT)`); err != nil {
		b.Fatal(err)
	}
	return db
}

func insertSQLite(b *testing.B, db *sql.DB, per int) {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	var tx *sql.Tx
	var stmt *sql.Stmt
	prepare := func() {
		q := `INSERT INTO items (hour, service, channel, rating, theme1, theme2) VALUES (?, ?, 0, ?, ?, ?)`
		if per > 1 {
			if tx, err = conn.BeginTx(ctx, nil); err != nil {
				b.Fatal(err)
			}
			stmt, err = tx.PrepareContext(ctx, q)
		} else {
			stmt, err = conn.PrepareContext(ctx, q)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	prepare()
	for i := 0; i < N; i++ {
		it := itemAt(i)
		var t1, t2 any
		if len(it.themes) > 0 {
			t1 = it.themes[0]
		}
		if len(it.themes) > 1 {
			t2 = it.themes[1]
		}
		if _, err := stmt.ExecContext(ctx, it.hour.Unix()/3600, it.service, int(it.rating), t1, t2); err != nil {
			b.Fatal(err)
		}
		if per > 1 && (i+1)%per == 0 {
			stmt.Close()
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			if i+1 < N {
				prepare()
			}
		}
	}
	if per <= 1 {
		stmt.Close()
	}
}

// BenchmarkSQLiteInsertAutocommit: the same N rows, one statement each in
// autocommit, and the memory SQLite holds per row.
func BenchmarkSQLiteInsertAutocommit(b *testing.B) {
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		before := rss()
		db := openSQLite(b)
		b.StartTimer()
		t0 := time.Now()
		insertSQLite(b, db, 1)
		el := time.Since(t0)
		b.StopTimer()
		b.ReportMetric(float64(el.Nanoseconds())/float64(N), "ns/item")
		b.ReportMetric(float64(rss()-before)/float64(N), "rssB/item")
		db.Close()
	}
}

// BenchmarkSQLiteInsertTx1000: the same N rows in transactions of 1,000.
func BenchmarkSQLiteInsertTx1000(b *testing.B) {
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		db := openSQLite(b)
		b.StartTimer()
		t0 := time.Now()
		insertSQLite(b, db, 1000)
		el := time.Since(t0)
		b.StopTimer()
		b.ReportMetric(float64(el.Nanoseconds())/float64(N), "ns/item")
		db.Close()
	}
}

// BenchmarkSQLiteGroupBy: the report's counts by service and theme, and
// by service and smiley, with GROUP BY over the N rows.
func BenchmarkSQLiteGroupBy(b *testing.B) {
	db := openSQLite(b)
	defer db.Close()
	insertSQLite(b, db, 1000)
	from, to := start.Unix()/3600, start.AddDate(0, 1, 0).Unix()/3600
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		total := 0
		rows, err := db.Query(`SELECT service, theme, COUNT(*) FROM (
			SELECT service, theme1 AS theme FROM items WHERE hour >= ?1 AND hour < ?2 AND theme1 IS NOT NULL
			UNION ALL SELECT service, theme2 FROM items WHERE hour >= ?1 AND hour < ?2 AND theme2 IS NOT NULL
			UNION ALL SELECT service, '' FROM items WHERE hour >= ?1 AND hour < ?2 AND theme1 IS NULL)
			GROUP BY service, theme`, from, to)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var s, t string
			var c int
			if err := rows.Scan(&s, &t, &c); err != nil {
				b.Fatal(err)
			}
		}
		rows.Close()
		rows, err = db.Query(`SELECT service, rating, COUNT(*) FROM items WHERE hour >= ? AND hour < ? GROUP BY service, rating`, from, to)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var s string
			var r, c int
			if err := rows.Scan(&s, &r, &c); err != nil {
				b.Fatal(err)
			}
			total += c
		}
		rows.Close()
		if total != N {
			b.Fatalf("GROUP BY counted %d", total)
		}
	}
}
