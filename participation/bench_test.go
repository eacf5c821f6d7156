package participation

import (
	"context"
	"path/filepath"
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
	db, err := memdb.NewMemDB(&memdb.DBSchema{Tables: map[string]*memdb.TableSchema{TableContributions: contributionsTable()}})
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
	s, err := Open(ctx, &Config{Journal: j})
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
		if _, err := Open(ctx, &Config{Journal: j}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "events/s")
}
