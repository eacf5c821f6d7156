package postgres_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/journaltest"
	"github.com/osallisuus/osallisuus/postgres"
)

// dsn is the PostgreSQL to test against, from OSALLISUUS_POSTGRES. CI
// starts one and sets it; elsewhere the tests say they were skipped.
func dsn(t testing.TB) string {
	d := os.Getenv("OSALLISUUS_POSTGRES")
	if d == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must set OSALLISUUS_POSTGRES to a PostgreSQL it started")
		}
		t.Skip("skipped: set OSALLISUUS_POSTGRES=postgres://user@127.0.0.1:5432/db to run the PostgreSQL journal's tests")
	}
	return d
}

func newPool(t testing.TB, app string) *pgxpool.Pool {
	cfg, err := pgxpool.ParseConfig(dsn(t))
	require.NoError(t, err)
	cfg.ConnConfig.RuntimeParams["application_name"] = app
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// table makes a fresh journal table for one test and drops it after.
func table(t testing.TB) string {
	name := fmt.Sprintf("j_%d_%d", time.Now().UnixNano()%1e9, rand.IntN(1e6))
	pool := newPool(t, "cleanup")
	t.Cleanup(func() {
		pool.Exec(context.Background(), "DROP TABLE IF EXISTS "+name+", "+name+"_keys, "+name+"_inbox")
	})
	return name
}

func openJournal(t testing.TB, pool *pgxpool.Pool, name string) *postgres.Journal {
	j, err := postgres.Open(context.Background(), pool, &postgres.Options{Table: name})
	require.NoError(t, err)
	t.Cleanup(func() { j.Close() })
	return j
}

func TestConformance(t *testing.T) {
	dsn(t)
	journaltest.Run(t, func(t *testing.T) (p.Journal, func(*testing.T) p.Journal) {
		name := table(t)
		pool := newPool(t, "conformance")
		return openJournal(t, pool, name), func(t *testing.T) p.Journal { return openJournal(t, pool, name) }
	})
}

var (
	coordinator = p.Actor{ID: p.MustParseID("0190ff00-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}
	client      = p.Actor{ID: p.MustParseID("0190ff00-0000-7000-8000-0000000000c3"), Role: p.RoleClient}
)

func instance(t testing.TB, name, app string) *p.Store {
	pool := newPool(t, app)
	j := openJournal(t, pool, name)
	// Instances that share a journal share the keys of what they seal.
	keys, err := postgres.OpenKeyStore(context.Background(), pool, &postgres.KeyOptions{Table: name + "_keys"})
	require.NoError(t, err)
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Modules: []p.Module{panel.Module()}})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func idea(i int) p.ContributionInput {
	return p.ContributionInput{Source: p.Source{Module: "test", Kind: "idea"}, Level: p.LevelDialogue, Origin: p.OriginClient, Title: fmt.Sprintf("Idea %d", i)}
}

func exportOf(t testing.TB, s *p.Store) string {
	var b bytes.Buffer
	require.NoError(t, s.Export(&b))
	return b.String()
}

// converge waits until every store has caught up with the journal.
func converge(t testing.TB, stores ...*p.Store) {
	for _, s := range stores {
		require.NoError(t, s.CatchUp(context.Background()))
	}
}

// TestTwoInstances: two stores on two connection pools accept commands
// at once for ten seconds; then both hold the same state and the same
// verified chain, and no command reported committed is missing.
func TestTwoInstances(t *testing.T) {
	name := table(t)
	a, b := instance(t, name, "instance-a"), instance(t, name, "instance-b")
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	var mu sync.Mutex
	var acked []p.ID
	var wg sync.WaitGroup
	for _, s := range []*p.Store{a, b} {
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; time.Now().Before(deadline); i++ {
					c, err := s.Submit(ctx, client, idea(i))
					if err != nil {
						t.Errorf("submit: %v", err)
						return
					}
					mu.Lock()
					acked = append(acked, c.ID)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	converge(t, a, b)
	assert.Equal(t, exportOf(t, a), exportOf(t, b), "both instances hold the same state")
	ha, err := a.Verify(ctx)
	require.NoError(t, err)
	hb, err := b.Verify(ctx)
	require.NoError(t, err)
	assert.Equal(t, ha, hb)
	for _, id := range acked {
		_, err := p.GetContribution(b.View(), id)
		require.NoError(t, err, "a command reported committed is missing")
	}
	assert.Equal(t, uint64(len(acked)), ha.Seq)
	t.Logf("10 s, 2 instances × 2 writers: %d commands, heads equal (%s)", len(acked), ha.Hash)
}

func members(t testing.TB, s *p.Store, x *panel.Panel, n int) []*panel.Member {
	var out []*panel.Member
	for i := 0; i < n; i++ {
		person, _ := p.NewIDGen(nil).New(time.Now())
		m, err := panel.New(s).AddMember(context.Background(), coordinator, panel.MemberInput{Panel: x.ID, Person: person, Type: panel.MemberClient,
			Service: []string{"a", "b"}[i%2], Name: "Jäsen"})
		require.NoError(t, err)
		out = append(out, m)
	}
	return out
}

// TestChairRace: both instances appoint a different chair to the same
// panel at the same moment; exactly one succeeds, the other gets a typed
// conflict (PANEL-2 across instances).
func TestChairRace(t *testing.T) {
	name := table(t)
	a, b := instance(t, name, "race-a"), instance(t, name, "race-b")
	ctx := context.Background()
	x, err := panel.New(a).Create(ctx, coordinator, panel.PanelInput{Name: "Raati", Kind: panel.KindClientPanel, Unit: "u", Coordinator: coordinator.ID, AnsweringParty: "johto"})
	require.NoError(t, err)
	ms := members(t, a, x, 10)
	converge(t, b)
	for round := 0; round < 20; round++ {
		errs := make(chan error, 2)
		start := make(chan struct{})
		for i, s := range []*p.Store{a, b} {
			go func() { <-start; errs <- panel.New(s).Appoint(ctx, coordinator, x.ID, panel.Chair, ms[i].ID) }()
		}
		close(start)
		e1, e2 := <-errs, <-errs
		assert.ElementsMatch(t, []string{"", p.ECONFLICT}, []string{p.ErrorCode(e1), p.ErrorCode(e2)}, "round %d: %v / %v", round, e1, e2)
		converge(t, a, b)
		st, err := panel.GetStatus(b.View(), x.ID, time.Now())
		require.NoError(t, err)
		assert.Len(t, st.Panel.Offices, 1, "one chair")
		require.NoError(t, panel.New(a).Vacate(ctx, coordinator, x.ID, panel.Chair, "next round"))
		converge(t, a, b)
	}
}

// TestReconnect: an instance whose connections are cut reconnects,
// catches up and converges.
func TestReconnect(t *testing.T) {
	name := table(t)
	a, b := instance(t, name, "cut-a"), instance(t, name, "cut-b")
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		_, err := a.Submit(ctx, client, idea(i))
		require.NoError(t, err)
	}
	admin := newPool(t, "admin")
	var cut int
	require.NoError(t, admin.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'cut-b'").Scan(&cut))
	require.Greater(t, cut, 0, "the test cut b's connections")
	for i := 20; i < 40; i++ {
		_, err := a.Submit(ctx, client, idea(i))
		require.NoError(t, err)
	}
	want, _ := a.Head()
	// b follows by itself: wait on its change feed for a's last event.
	// The time-out only keeps a broken follower from hanging the run.
	wait, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	sub := b.Subscribe(1)
	for {
		e, err := sub.Next(wait)
		require.NoError(t, err, "b did not catch up after its connections were cut")
		if e.Seq == want {
			break
		}
	}
	assert.Equal(t, exportOf(t, a), exportOf(t, b))
	_, err := b.Submit(ctx, client, idea(99))
	require.NoError(t, err, "b writes again after reconnecting")
	t.Logf("cut %d connections of b; it followed without being asked", cut)
}

const childEnv = "OSALLISUUS_PG_CHILD"

// TestChildProcess is the other process of TestTwoProcesses.
func TestChildProcess(t *testing.T) {
	name := os.Getenv(childEnv)
	if name == "" {
		return
	}
	s := instance(t, name, "child")
	ctx := context.Background()
	started := time.Now()
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		c, err := s.Submit(ctx, client, idea(i))
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		fmt.Fprintln(out, "ok", c.ID)
		out.Flush()
		if time.Since(started) > 10*time.Second {
			return
		}
	}
}

// TestTwoProcesses: a second process writes to the same journal while
// this one does, for ten seconds; every command of both is in the chain.
func TestTwoProcesses(t *testing.T) {
	name := table(t)
	s := instance(t, name, "parent")
	ctx := context.Background()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+name)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var theirs []p.ID
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "ok "); ok {
				theirs = append(theirs, p.MustParseID(id))
			}
		}
	}()
	var ours []p.ID
	started := time.Now()
	for i := 0; time.Since(started) < 10*time.Second; i++ {
		c, err := s.Submit(ctx, client, idea(i))
		require.NoError(t, err)
		ours = append(ours, c.ID)
	}
	<-done
	require.NoError(t, cmd.Wait())
	converge(t, s)
	for _, id := range append(ours, theirs...) {
		_, err := p.GetContribution(s.View(), id)
		require.NoError(t, err)
	}
	head, err := s.Verify(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(len(ours)+len(theirs)), head.Seq)
	t.Logf("two processes: %d + %d commands, one chain of %d events", len(ours), len(theirs), head.Seq)
}

// TestKeyStore: the first key stored for a subject wins and every store
// reads it; erasure deletes it for all.
func TestKeyStore(t *testing.T) {
	name := table(t)
	ctx := context.Background()
	a, err := postgres.OpenKeyStore(ctx, newPool(t, "keys-a"), &postgres.KeyOptions{Table: name + "_keys"})
	require.NoError(t, err)
	b, err := postgres.OpenKeyStore(ctx, newPool(t, "keys-b"), &postgres.KeyOptions{Table: name + "_keys"})
	require.NoError(t, err)
	subject := p.MustParseID("0190ff00-0000-7000-8000-0000000000aa")
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	require.NoError(t, a.Put(subject, k1))
	require.NoError(t, b.Put(subject, k2))
	for _, ks := range []*postgres.KeyStore{a, b} {
		got, ok, err := ks.Get(subject)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, k1, got, "the first key stored wins")
	}
	require.NoError(t, a.Delete(subject))
	require.NoError(t, b.Delete(subject)) // b catching up on the erasure
	for _, ks := range []*postgres.KeyStore{a, b} {
		_, ok, err := ks.Get(subject)
		require.NoError(t, err)
		assert.False(t, ok, "erased for every store")
	}
	_, err = postgres.OpenKeyStore(ctx, newPool(t, "keys-c"), &postgres.KeyOptions{Table: "bad name"})
	assert.Equal(t, p.EINVALID, p.ErrorCode(err))
}
