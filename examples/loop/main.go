// Command loop runs the contribution loop against a durable file journal
// and copies the change feed into a file of its own, as an integrator
// would copy it into their database.
//
//	go run ./examples/loop                # a fresh data directory each run
//	go run ./examples/loop -data ./county # keep the state between runs
//
// Each run adds a month of simulated activity: a panel statement, feedback
// and an experience expert's input arrive and move through the loop. The
// program prints JSON: the contributions, what is overdue, the integrity
// indicators, what the change feed copied and the verified head of the
// hash chain. Run it twice with the same -data and the second run replays
// the first run's journal and resumes the feed where it stopped.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loop:", p.ErrorMessage(err))
		os.Exit(1)
	}
}

// Report is what the program prints.
type Report struct {
	DataDir       string            `json:"dataDir"`
	Replayed      uint64            `json:"replayedEvents"`
	Contributions []*p.Contribution `json:"contributions"`
	Overdue       []p.Overdue       `json:"overdue"`
	Indicators    []p.Indicator     `json:"indicators"`
	FeedCopied    int               `json:"feedCopied"`
	FeedLastSeq   uint64            `json:"feedLastSeq"`
	Head          p.Head            `json:"verifiedHead"`
}

var (
	coordinator = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}
	manager     = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000c2"), Role: p.RoleManager}
	member      = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000c3"), Role: p.RoleClient}
	expert      = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000c4"), Role: p.RoleExpert}
)

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loop", flag.ContinueOnError)
	dataDir := fs.String("data", "", "data directory for the journal, the keys and the feed copy (default: a new temporary one)")
	start := fs.String("start", "2026-01-05", "simulated date of the first run")
	if err := fs.Parse(args); err != nil {
		return p.Invalid("flags", "%v", err)
	}
	if *dataDir == "" {
		dir, err := os.MkdirTemp("", "osallisuus-loop-")
		if err != nil {
			return p.Internal(err, "making a data directory")
		}
		*dataDir = dir
	}
	begin, err := time.Parse(time.DateOnly, *start)
	if err != nil {
		return p.Invalid("start", "must be a date as 2026-01-05")
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return p.Internal(err, "making the data directory")
	}

	journal, err := p.OpenFile(filepath.Join(*dataDir, "journal.jsonl"), &p.FileOptions{Sync: p.SyncEveryCommit})
	if err != nil {
		return err
	}
	keys, err := p.OpenDirKeyStore(filepath.Join(*dataDir, "keys"))
	if err != nil {
		return err
	}
	clock := p.NewManualClock(begin)
	store, err := p.Open(ctx, &p.Config{Journal: journal, Keys: keys, Clock: clock})
	if err != nil {
		return err
	}
	defer store.Close()
	replayed, _ := store.Head()

	// Resume the simulated calendar a month after the last run.
	if last, err := lastEventTime(ctx, store); err != nil {
		return err
	} else if !last.IsZero() {
		clock.Set(last.AddDate(0, 1, 0))
	}
	if err := simulateMonth(ctx, store, clock); err != nil {
		return err
	}

	copied, lastSeq, err := copyFeed(ctx, store, filepath.Join(*dataDir, "feed.csv"))
	if err != nil {
		return err
	}
	head, err := store.Verify(ctx)
	if err != nil {
		return err
	}
	v := store.View()
	all, _, err := p.FindContributions(v, p.ContributionFilter{})
	if err != nil {
		return err
	}
	overdue, err := p.FindOverdue(v, clock.Now())
	if err != nil {
		return err
	}
	indicators, err := p.LoopIndicators(v, p.IndicatorFilter{At: clock.Now()})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(Report{
		DataDir: *dataDir, Replayed: replayed, Contributions: all, Overdue: overdue, Indicators: indicators,
		FeedCopied: copied, FeedLastSeq: lastSeq, Head: head,
	})
}

func lastEventTime(ctx context.Context, s *p.Store) (time.Time, error) {
	seq, _ := s.Head()
	if seq == 0 {
		return time.Time{}, nil
	}
	sub := s.Subscribe(seq)
	e, err := sub.Next(ctx)
	return e.Time, err
}

// simulateMonth is one month of a county's participation work.
func simulateMonth(ctx context.Context, s *p.Store, clock *p.ManualClock) error {
	statement, err := s.Submit(ctx, coordinator, p.ContributionInput{
		Source: p.Source{Module: "panel", Kind: "statement"}, Level: p.LevelDialogue, Origin: p.OriginClient,
		Unit: "aikuissosiaalityo", Service: "sosiaalinen_kuntoutus",
		Title: "The panel asks for a peer group on Friday afternoons", Contributors: []p.ID{member.ID},
	})
	if err != nil {
		return err
	}
	// A member's own idea; panel topics enter only through the panel
	// module's commands.
	topic, err := s.Submit(ctx, member, p.ContributionInput{
		Source: p.Source{Module: "member", Kind: "idea"}, Level: p.LevelDialogue, Origin: p.OriginClient,
		Unit: "aikuissosiaalityo", Title: "Waiting times for a first appointment", Contributors: []p.ID{member.ID},
	})
	if err != nil {
		return err
	}
	// Nobody takes up the expert's input this month: it goes overdue.
	_, err = s.Submit(ctx, expert, p.ContributionInput{
		Source: p.Source{Module: "expert", Kind: "input"}, Level: p.LevelDevelopment, Scope: p.ScopeServices,
		Origin: p.OriginClient, Unit: "aikuissosiaalityo", Service: "paihdepalvelut",
		Title: "Plain-language letters for decisions", Contributors: []p.ID{expert.ID},
	})
	if err != nil {
		return err
	}
	clock.Advance(3 * 24 * time.Hour)
	if _, err := s.Acknowledge(ctx, coordinator, topic.ID, "On the agenda of the next meeting"); err != nil {
		return err
	}
	clock.Advance(9 * 24 * time.Hour)
	if _, err := s.Decide(ctx, manager, statement.ID, p.PartlyAdopted, "A group starts in the spring, every other Friday"); err != nil {
		return err
	}
	if _, err := s.ReportBack(ctx, coordinator, statement.ID, "The peer group meets every other Friday from March; the panel hears how it went in June."); err != nil {
		return err
	}
	clock.Advance(18 * 24 * time.Hour)
	return nil
}

// copyFeed copies committed events into a CSV file, as an integrator's
// own database, resuming after the last sequence number it holds.
func copyFeed(ctx context.Context, s *p.Store, path string) (int, uint64, error) {
	last, err := lastCopied(path)
	if err != nil {
		return 0, 0, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return 0, 0, p.Internal(err, "opening the feed copy")
	}
	defer f.Close()
	head, _ := s.Head()
	sub := s.Subscribe(last + 1)
	w := bufio.NewWriter(f)
	cw := p.NewCSVWriter(w)
	n := 0
	for last < head {
		e, err := sub.Next(ctx)
		if err != nil {
			return n, last, err
		}
		if err := cw.Write([]string{strconv.FormatUint(e.Seq, 10), e.Time.Format(time.RFC3339), e.Type, string(e.Actor.Role), e.Hash.String()}); err != nil {
			return n, last, err
		}
		last = e.Seq
		n++
	}
	if err := cw.Flush(); err != nil {
		return n, last, err
	}
	if err := w.Flush(); err != nil {
		return n, last, p.Internal(err, "writing the feed copy")
	}
	return n, last, nil
}

func lastCopied(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, p.Internal(err, "reading the feed copy")
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	seq, err := strconv.ParseUint(strings.SplitN(lines[len(lines)-1], ",", 2)[0], 10, 64)
	if err != nil {
		return 0, p.Errorf(p.ECORRUPT, "the feed copy's last line has no sequence number")
	}
	return seq, nil
}
