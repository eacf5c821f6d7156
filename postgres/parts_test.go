package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/osallisuus/osallisuus/postgres"
)

// BenchmarkAppendParts: where an append's time goes. Each variant has a
// table and a connection of its own and runs in turn with the others,
// one append each, so that the machine's load falls on all alike; each
// is reported in appends/s and as a ratio to a plain INSERT of the same
// lines (one statement per line, in one batch). The variants:
//
//   - insert: the baseline, INSERT … VALUES per line;
//   - unnest: one INSERT … SELECT FROM unnest of every line;
//   - old: the former append — advisory lock, max(seq) check, an INSERT
//     per line, pg_notify, four or more statements in one batch;
//   - old-lock, old-max, old-notify: the former append without that part;
//   - append: this journal's append, one INSERT … SELECT (FROM unnest,
//     for more than one line) that takes the lock, checks the
//     predecessor, inserts every line and notifies;
//   - append-alone: that statement without the notification (no other
//     instance listens);
//   - append-nolock: that statement without the lock (a journal holding
//     it).
//
// Lines of 900 bytes; synchronous_commit on (PostgreSQL's fsync per
// commit) and off (the same without waiting for it: what the statements
// cost).
//
//	OSALLISUUS_POSTGRES=… go test -run '^$' -bench AppendParts -benchtime 2000x -count 3 .
func BenchmarkAppendParts(b *testing.B) {
	type variant struct {
		name string
		fn   func(bt *pgx.Batch, t string, seq int64, lines []string)
	}
	inserts := func(bt *pgx.Batch, t string, seq int64, lines []string) {
		for i := range lines {
			bt.Queue("INSERT INTO "+t+" (seq, line) VALUES ($1, $2)", seq+int64(i), lines[i])
		}
	}
	old := func(lock, check, notify bool) func(bt *pgx.Batch, t string, seq int64, lines []string) {
		return func(bt *pgx.Batch, t string, seq int64, lines []string) {
			if lock {
				bt.Queue("SELECT pg_advisory_xact_lock($1)", int64(len(t)))
			}
			if check {
				bt.Queue("SELECT 1 / (CASE WHEN coalesce(max(seq), 0) = $1 THEN 1 ELSE 0 END) FROM "+t, seq-1)
			}
			inserts(bt, t, seq, lines)
			if notify {
				bt.Queue("SELECT pg_notify($1, $2)", t, fmt.Sprint(seq))
			}
		}
	}
	seqsOf := func(seq int64, n int) []int64 {
		s := make([]int64, n)
		for i := range s {
			s[i] = seq + int64(i)
		}
		return s
	}
	appendVariant := func(lock, notify bool) func(bt *pgx.Batch, t string, seq int64, lines []string) {
		return func(bt *pgx.Batch, t string, seq int64, lines []string) {
			args := []any{seq, lines[0], seq - 1}
			if len(lines) > 1 {
				args[0], args[1] = seqsOf(seq, len(lines)), lines
			}
			if lock {
				args = append(args, int64(len(t)))
			}
			if notify {
				args = append(args, t, fmt.Sprint(seq))
			}
			bt.Queue(postgres.AppendSQL(t, len(lines) > 1, seq == 1, lock, notify), args...)
		}
	}
	variants := []variant{
		{"insert", inserts},
		{"unnest", func(bt *pgx.Batch, t string, seq int64, lines []string) {
			bt.Queue("INSERT INTO "+t+" (seq, line) SELECT * FROM unnest($1::bigint[], $2::text[])", seqsOf(seq, len(lines)), lines)
		}},
		{"old", old(true, true, true)},
		{"old-lock", old(false, true, true)},
		{"old-max", old(true, false, true)},
		{"old-notify", old(true, true, false)},
		{"append", appendVariant(true, true)},
		{"append-alone", appendVariant(true, false)},
		{"append-nolock", appendVariant(false, true)},
	}
	for _, sync := range []string{"on", "off"} {
		for _, n := range []int{1, 8} {
			b.Run(fmt.Sprintf("sync=%s/events=%d", sync, n), func(b *testing.B) {
				ctx := context.Background()
				cfg, err := pgxpool.ParseConfig(dsn(b))
				if err != nil {
					b.Fatal(err)
				}
				cfg.MaxConns = int32(len(variants)) // a connection each
				pool, err := pgxpool.NewWithConfig(ctx, cfg)
				if err != nil {
					b.Fatal(err)
				}
				defer pool.Close()
				conns := make([]*pgxpool.Conn, len(variants))
				names := make([]string, len(variants))
				for k := range variants {
					names[k] = table(b)
					if _, err := pool.Exec(ctx, postgres.Migration(names[k])); err != nil {
						b.Fatal(err)
					}
					c, err := pool.Acquire(ctx)
					if err != nil {
						b.Fatal(err)
					}
					defer c.Release()
					if _, err := c.Exec(ctx, "SET synchronous_commit = "+sync); err != nil {
						b.Fatal(err)
					}
					conns[k] = c
				}
				lines := make([]string, n)
				for i := range lines {
					lines[i] = fmt.Sprintf("%0900d", i)
				}
				elapsed := make([]time.Duration, len(variants))
				seq := int64(1)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for k, v := range variants {
						bt := &pgx.Batch{}
						v.fn(bt, names[k], seq, lines)
						start := time.Now()
						br := conns[k].SendBatch(ctx, bt)
						var stored int64
						for range bt.Len() {
							tag, err := br.Exec()
							if err != nil {
								b.Fatalf("%s: %v", v.name, err)
							}
							if tag.Insert() {
								stored += tag.RowsAffected()
							}
						}
						if err := br.Close(); err != nil {
							b.Fatalf("%s: %v", v.name, err)
						}
						elapsed[k] += time.Since(start)
						if stored != int64(n) {
							b.Fatalf("%s stored %d of %d lines", v.name, stored, n)
						}
					}
					seq += int64(n)
				}
				b.StopTimer()
				for k, v := range variants {
					rate := float64(b.N) / elapsed[k].Seconds()
					b.ReportMetric(rate, v.name+"/s")
					if k > 0 {
						b.ReportMetric(elapsed[0].Seconds()/elapsed[k].Seconds(), v.name+"/insert")
					}
				}
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}
