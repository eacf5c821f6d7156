package postgres_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/journaltest"
	"github.com/osallisuus/osallisuus/postgres"
)

// storedSeqs reads the journal table's sequence numbers, in order.
func storedSeqs(t *testing.T, pool *pgxpool.Pool, name string) []int64 {
	t.Helper()
	rows, err := pool.Query(context.Background(), "SELECT seq FROM "+name+" ORDER BY seq")
	require.NoError(t, err)
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var s int64
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

// TestAppendInnerGap: an append whose events do not follow one another
// (1 then 3) is a conflict and stores nothing — the journal never holds
// a gap, whatever its caller sends.
func TestAppendInnerGap(t *testing.T) {
	name := table(t)
	pool := newPool(t, "gap")
	j := openJournal(t, pool, name)
	evs := journaltest.Chain(4, 1)
	err := j.Append(context.Background(), []p.Event{evs[0], evs[2]})
	assert.Equal(t, p.ECONFLICT, p.ErrorCode(err), "append of 1 and 3: %v", err)
	assert.Empty(t, storedSeqs(t, pool, name), "nothing stored")
	require.NoError(t, j.Append(context.Background(), evs[:2]))
	err = j.Append(context.Background(), []p.Event{evs[2], evs[2]})
	assert.Equal(t, p.ECONFLICT, p.ErrorCode(err), "append of 3 and 3: %v", err)
	assert.Equal(t, []int64{1, 2}, storedSeqs(t, pool, name), "nothing more stored")
}

// TestAppendOuterGap: an append whose first event does not follow the
// journal's last (its predecessor is not stored) is a conflict and stores
// nothing, for one event and for several, whether the append takes the
// advisory lock or its journal holds it; so is a first event once the
// journal has one.
func TestAppendOuterGap(t *testing.T) {
	ctx := context.Background()
	for _, held := range []bool{false, true} {
		t.Run(fmt.Sprintf("lock held=%v", held), func(t *testing.T) {
			name := table(t)
			pool := newPool(t, "outer-gap")
			j := openJournal(t, pool, name)
			if held {
				unlock, err := j.LockAppends(ctx)
				require.NoError(t, err)
				defer unlock()
			}
			evs := journaltest.Chain(6, 1)
			require.NoError(t, j.Append(ctx, evs[:2]))
			for _, bad := range [][]p.Event{evs[3:4], evs[3:5], evs[0:1], evs[0:2]} {
				err := j.Append(ctx, bad)
				assert.Equal(t, p.ECONFLICT, p.ErrorCode(err), "append of %d..%d after 2: %v", bad[0].Seq, bad[len(bad)-1].Seq, err)
				assert.Equal(t, []int64{1, 2}, storedSeqs(t, pool, name), "nothing stored")
			}
			require.NoError(t, j.Append(ctx, evs[2:3]), "one event that follows")
			require.NoError(t, j.Append(ctx, evs[3:6]), "three that follow")
			assert.Equal(t, []int64{1, 2, 3, 4, 5, 6}, storedSeqs(t, pool, name))
		})
	}
}

// TestAppendRace: journals on pools of their own append at the same head
// at once, round after round, with commands of one to three events.
// Exactly one append of each round is stored, every other gets a
// conflict and stores nothing, and the table holds 1, 2, … without a gap
// — whether the appends meet at the advisory lock or, with one journal
// holding the append lock, at the primary key.
func TestAppendRace(t *testing.T) {
	name := table(t)
	ctx := context.Background()
	const racers, rounds = 4, 30
	pools := make([]*pgxpool.Pool, racers)
	js := make([]*postgres.Journal, racers)
	for i := range js {
		pools[i] = newPool(t, fmt.Sprintf("race-%d", i))
		js[i] = openJournal(t, pools[i], name)
	}
	head := uint64(0)
	for round := 0; round < rounds; round++ {
		var unlock func()
		if round%3 == 2 {
			// One journal holds the lock: the others are refused by the
			// continuity check or the key once it lets go.
			var err error
			unlock, err = js[round%racers].LockAppends(ctx)
			require.NoError(t, err)
		}
		errs := make([]error, racers)
		lens := make([]int, racers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		holderDone := make(chan struct{})
		for i := range js {
			n := 1 + (i+round)%3
			lens[i] = n
			evs := journaltest.Chain(int(head)+n, n)[head:]
			for k := range evs {
				evs[k].Data = []byte(fmt.Sprintf(`{"racer":%d}`, i))
			}
			journaltest.Rehash(evs)
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = js[i].Append(ctx, evs)
				if unlock != nil && i == round%racers {
					close(holderDone)
				}
			}()
		}
		close(start)
		if unlock != nil {
			// The holder appends while its rivals wait for the lock.
			<-holderDone
			unlock()
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, won, "round %d: two appends at one head were stored", round)
				won = i
				continue
			}
			require.Equal(t, p.ECONFLICT, p.ErrorCode(err), "round %d, journal %d: %v", round, i, err)
		}
		require.NotEqual(t, -1, won, "round %d: no append was stored: %v", round, errs)
		if unlock != nil {
			require.Equal(t, round%racers, won, "round %d: the journal holding the lock appends", round)
		}
		head += uint64(lens[won])
		seqs := storedSeqs(t, pools[0], name)
		require.Len(t, seqs, int(head), "round %d", round)
		for k, s := range seqs {
			require.Equal(t, int64(k+1), s, "round %d: a gap", round)
		}
	}
	var got []p.Event
	require.NoError(t, js[0].Read(ctx, 1, func(e p.Event) error { got = append(got, e); return nil }))
	assert.Len(t, got, int(head))
}

// turns counts a connection's round trips: each write that follows a
// read (or is the first) starts one.
type turns struct {
	net.Conn
	n        *atomic.Int64
	mu       sync.Mutex
	readLast bool
}

func (c *turns) Write(b []byte) (int, error) {
	c.mu.Lock()
	if c.readLast {
		c.n.Add(1)
	}
	c.readLast = false
	c.mu.Unlock()
	return c.Conn.Write(b)
}

func (c *turns) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.mu.Lock()
	c.readLast = true
	c.mu.Unlock()
	return n, err
}

// TestAppendOneRoundTrip: once its statements are prepared, an append is
// one round trip to PostgreSQL — with the advisory lock taken per append
// and on the connection of LockAppends — however many events it holds.
func TestAppendOneRoundTrip(t *testing.T) {
	name := table(t)
	cfg, err := pgxpool.ParseConfig(dsn(t))
	require.NoError(t, err)
	var n atomic.Int64
	dialer := &net.Dialer{KeepAlive: 5 * time.Minute}
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &turns{Conn: c, n: &n, readLast: true}, nil
	}
	cfg.MaxConns = 2 // the listener's and the appends'
	cfg.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return false }
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	j := openJournal(t, pool, name)
	ctx := context.Background()
	<-j.Changes() // the listener listens and has said so: it writes no more
	evs := journaltest.Chain(200, 1)
	for i := 0; i < 3; i++ { // the statements are prepared once per connection
		require.NoError(t, j.Append(ctx, evs[i:i+1]))
	}
	warm := journaltest.Chain(5, 2)[3:] // and the one for several events
	journaltest.Rehash(warm)
	require.NoError(t, j.Append(ctx, warm))
	at := 5
	for _, size := range []int{1, 1, 8, 1, 40} {
		batch := journaltest.Chain(at+size, size)[at:]
		journaltest.Rehash(batch)
		before := n.Load()
		require.NoError(t, j.Append(ctx, batch))
		assert.Equal(t, int64(1), n.Load()-before, "an append of %d events", size)
		at += size
	}
	unlock, err := j.LockAppends(ctx)
	require.NoError(t, err)
	for i := 0; i < 3; i++ { // warm the lock's connection
		batch := journaltest.Chain(at+1, 1)[at:]
		require.NoError(t, j.Append(ctx, batch))
		at++
	}
	before := n.Load()
	batch := journaltest.Chain(at+1, 1)[at:]
	require.NoError(t, j.Append(ctx, batch))
	assert.Equal(t, int64(1), n.Load()-before, "an append under LockAppends")
	unlock()
}

// TestAppendNotifies: once another instance has said that it listens,
// an append wakes it.
func TestAppendNotifies(t *testing.T) {
	name := table(t)
	a := openJournal(t, newPool(t, "notify-a"), name)
	b := openJournal(t, newPool(t, "notify-b"), name)
	// The time-out only keeps a broken listener from hanging the run.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	select {
	case <-b.Changes(): // b listens
	case <-ctx.Done():
		t.Fatal("b never listened")
	}
	awaitNotifies(ctx, t, a, true)
	require.NoError(t, a.Append(ctx, journaltest.Chain(1, 1)))
	select {
	case <-b.Changes():
	case <-ctx.Done():
		t.Fatal("b was not notified of a's append")
	}
}

// awaitNotifies waits until j's appends notify the others (or, with
// want false, do not).
func awaitNotifies(ctx context.Context, t *testing.T, j *postgres.Journal, want bool) {
	t.Helper()
	for postgres.Notifies(j, time.Now()) != want {
		select {
		case <-postgres.Heard(j):
		case <-ctx.Done():
			t.Fatalf("the journal never came to notify=%v", want)
		}
	}
}

// TestNotifiesOnlyWhileOthersListen: an instance alone notifies nobody;
// it notifies from when another says it listens until that one says
// goodbye, and would stop after PresenceFor without word from it. A bare
// listener on the channel, which says nothing, reads every notification
// sent.
func TestNotifiesOnlyWhileOthersListen(t *testing.T) {
	name := table(t)
	pool := newPool(t, "presence")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bare, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer bare.Release()
	_, err = bare.Exec(ctx, "LISTEN "+name)
	require.NoError(t, err)

	a := openJournal(t, pool, name)
	select {
	case <-a.Changes(): // a listens
	case <-ctx.Done():
		t.Fatal("a never listened")
	}
	evs := journaltest.Chain(15, 1)
	appendSome := func(from, to int) {
		for i := from; i < to; i++ {
			require.NoError(t, a.Append(ctx, evs[i:i+1]))
		}
	}
	appendSome(0, 5)
	assert.False(t, postgres.Notifies(a, time.Now()), "a alone")

	b := openJournal(t, newPool(t, "presence-b"), name)
	awaitNotifies(ctx, t, a, true)
	assert.False(t, postgres.Notifies(a, time.Now().Add(postgres.PresenceFor)), "after PresenceFor without word from b")
	appendSome(5, 10)
	require.NoError(t, b.Close())
	awaitNotifies(ctx, t, a, false)
	appendSome(10, 15)

	_, err = pool.Exec(ctx, "SELECT pg_notify($1, 'end')", name)
	require.NoError(t, err)
	var notified []int
	words := map[string]bool{}
	for {
		n, err := bare.Conn().WaitForNotification(ctx)
		require.NoError(t, err)
		if n.Payload == "end" {
			break
		}
		_, word, _ := strings.Cut(n.Payload, " ")
		if seq, err := strconv.Atoi(word); err == nil {
			notified = append(notified, seq)
		} else {
			words[word] = true
		}
	}
	assert.Equal(t, []int{6, 7, 8, 9, 10}, notified, "the appends that notified")
	assert.Equal(t, map[string]bool{"hello": true, "here": true, "bye": true}, words, "what the listeners said")
}

// TestOwnAppendsDoNotSignal: a journal's own appends do not wake its
// store — it has applied them — while another instance's append does.
// PostgreSQL delivers notifications in commit order, so once the signal
// of a notification sent after ten own appends has come, every own
// notification has been seen and passed over.
func TestOwnAppendsDoNotSignal(t *testing.T) {
	name := table(t)
	pool := newPool(t, "own")
	a := openJournal(t, pool, name)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	select {
	case <-a.Changes(): // a listens
	case <-ctx.Done():
		t.Fatal("a never listened")
	}
	before := postgres.Signals(a)
	evs := journaltest.Chain(10, 1)
	for i := range evs {
		require.NoError(t, a.Append(ctx, evs[i:i+1]))
	}
	_, err := pool.Exec(ctx, "SELECT pg_notify($1, 'another instance')", name)
	require.NoError(t, err)
	select {
	case <-a.Changes():
	case <-ctx.Done():
		t.Fatal("a was not signalled by another's notification")
	}
	assert.Equal(t, before+1, postgres.Signals(a), "signals after 10 own appends and one other notification")
}
