package benchmarks

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// Durable commits: each acknowledged only once on stable storage. The
// same run measures osallisuus on a file journal with SyncEveryCommit,
// SQLite in WAL mode with synchronous=FULL inserting the same line one
// transaction at a time, and the floor: a raw write and fsync of a line
// of the same size. Each at 1 and 8 concurrent writers; and the ceiling
// of group commit on the disk: eight such lines in each write and fsync,
// with no time spent on commands at all.
//
//	go test -run '^$' -bench Durable -benchtime 2000x -count 5 .
func BenchmarkDurable(b *testing.B) {
	for _, writers := range []int{1, 8} {
		b.Run(fmt.Sprintf("osallisuus/writers=%d", writers), func(b *testing.B) { benchDurableStore(b, writers) })
		b.Run(fmt.Sprintf("sqlite-wal-full/writers=%d", writers), func(b *testing.B) { benchDurableSQLite(b, writers) })
		b.Run(fmt.Sprintf("raw-write-fsync/writers=%d", writers), func(b *testing.B) { benchDurableRaw(b, writers) })
	}
	b.Run("raw-write-fsync-grouped/lines=8", func(b *testing.B) { benchDurableRawGrouped(b, 8) })
}

var durableClient = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-000000000003"), Role: p.RoleClient}

func durableInput(i int) p.ContributionInput {
	return p.ContributionInput{Source: p.Source{Module: "bench", Kind: "idea"}, Level: p.LevelDialogue, Origin: p.OriginClient,
		Unit: "aikuissosiaalityo", Service: "sosiaalinen_kuntoutus", Title: fmt.Sprintf("idea %d", i), Contributors: []p.ID{durableClient.ID}}
}

// split runs n operations over writers goroutines and reports commits/s.
func split(b *testing.B, writers int, op func(i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if err := op(i); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// timedFile is the file journal, its appends counted and timed: the
// store's case reports how many commands an append carried, how long an
// append took (a write and an fsync) and how much of the time the
// journal was busy, so that a run shows whether its figure is the
// groups' or the disk's. Appends that carry fewer commands than there
// are writers are the pipeline's doing; a slower append, the disk's; the
// time the journal is idle, the commands run between two appends.
type timedFile struct {
	*p.FileJournal
	appends int
	busy    time.Duration
}

func (t *timedFile) Append(ctx context.Context, events []p.Event) error {
	start := time.Now()
	err := t.FileJournal.Append(ctx, events)
	t.busy += time.Since(start) // one append at a time: the store's appender
	t.appends++
	return err
}

func benchDurableStore(b *testing.B, writers int) {
	dir := b.TempDir()
	fj, err := p.OpenFile(filepath.Join(dir, "journal.jsonl"), nil)
	if err != nil {
		b.Fatal(err)
	}
	j := &timedFile{FileJournal: fj}
	keys, err := p.OpenDirKeyStore(filepath.Join(dir, "keys"))
	if err != nil {
		b.Fatal(err)
	}
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	// The client's key is made before the clock starts.
	if _, err := s.Submit(ctx, durableClient, durableInput(-1)); err != nil {
		b.Fatal(err)
	}
	j.appends, j.busy = 0, 0
	split(b, writers, func(i int) error {
		_, err := s.Submit(ctx, durableClient, durableInput(i))
		return err
	})
	if j.appends > 0 {
		b.ReportMetric(float64(b.N)/float64(j.appends), "commands/append")
		b.ReportMetric(100*j.busy.Seconds()/b.Elapsed().Seconds(), "journal-busy-%")
		b.ReportMetric(j.busy.Seconds()*1e6/float64(j.appends), "append-µs")
	}
}

// durableLine is a journal line of the size a contribution's event takes.
var durableLine = func() []byte {
	b := make([]byte, 900)
	for i := range b {
		b[i] = 'x'
	}
	b[len(b)-1] = '\n'
	return b
}()

func benchDurableSQLite(b *testing.B, writers int) {
	db, err := sql.Open("sqlite", filepath.Join(b.TempDir(), "bench.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(writers)
	if _, err := db.Exec(`CREATE TABLE journal (seq INTEGER PRIMARY KEY, line BLOB NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	split(b, writers, func(i int) error {
		_, err := db.Exec(`INSERT INTO journal (line) VALUES (?)`, durableLine)
		return err
	})
}

func benchDurableRaw(b *testing.B, writers int) {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "raw"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var mu sync.Mutex // one append and fsync at a time, as a log without group commit
	split(b, writers, func(i int) error {
		mu.Lock()
		defer mu.Unlock()
		if _, err := f.Write(durableLine); err != nil {
			return err
		}
		return f.Sync()
	})
}

// benchDurableRawGrouped writes lines lines at a time, each write
// followed by an fsync, and reports lines per second: what eight writers
// could commit if every fsync carried all eight and commands cost nothing.
func benchDurableRawGrouped(b *testing.B, lines int) {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "raw"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	group := bytes.Repeat(durableLine, lines)
	b.ResetTimer()
	for range b.N {
		if _, err := f.Write(group); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*lines)/b.Elapsed().Seconds(), "lines/s")
}
