// Package postgres is a participation.Journal on PostgreSQL, so that
// several instances of a service that embeds osallisuus share one
// ordered, durable, hash-chained history. It is a module of its own: the
// library does not depend on pgx.
//
// PostgreSQL is the log. Each event is a row keyed by its sequence
// number; an append that finds its number taken — another instance was
// first — fails with ECONFLICT and stores nothing, and the store catches
// up on the other instance's events and runs its command again, so two
// instances can never both accept commands that together break a rule.
// Appends NOTIFY the others, who LISTEN and catch up; they also read back
// every second and after every reconnection, so nothing is missed across
// a dropped connection. An instance notifies only while another one
// listens: listeners say so on the same channel when they start, answer
// each other and repeat it every ten seconds, so an instance alone pays
// neither the notification nor its own listener's waking.
//
//	pool, _ := pgxpool.New(ctx, "postgres://…")
//	j, _ := postgres.Open(ctx, pool, nil)      // creates the table if needed
//	store, _ := participation.Open(ctx, &participation.Config{Journal: j, …})
package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	p "github.com/osallisuus/osallisuus/participation"
)

// Options configures a journal. A nil *Options means the defaults.
type Options struct {
	// Table is the journal's table; empty means "osallisuus_journal".
	// Its notification channel has the same name.
	Table string
}

// Journal is a participation.Journal, Notifier, Locker and Sender on
// PostgreSQL.
type Journal struct {
	pool  *pgxpool.Pool
	table string
	key   int64 // the advisory lock that serialises appends

	// The statements of an append, by stmt.
	stmts [stmtAll + 1]string
	// token starts the payload of this journal's notifications, which
	// its own listener passes over: its store has applied those events.
	token   string
	signals atomic.Int64 // how many times Changes was signalled

	// The other instances that said they listen (see heed), and until
	// when, in Unix nanoseconds, one of them is taken to listen.
	others      map[string]int64 // the listener's alone
	notifyUntil atomic.Int64
	heard       chan struct{} // signalled when others changes, for the tests

	lockMu  sync.Mutex
	locked  *pgxpool.Conn // held by LockAppends
	changes chan struct{}
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

var tableName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Migration returns the SQL that creates the journal's table: one row per
// event, the sequence number as primary key, the event as the canonical
// line of JSON that the file journal writes too.
func Migration(table string) string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
	seq  BIGINT PRIMARY KEY CHECK (seq > 0),
	line TEXT NOT NULL,
	at   TIMESTAMPTZ NOT NULL DEFAULT now()
)`, table)
}

// stmt says which statement an append takes.
type stmt uint8

const (
	stmtLock   stmt = 1 << iota // take the advisory lock (unless held)
	stmtNotify                  // notify the other instances
	stmtRows                    // more than one event
	stmtFirst                   // the journal's first event: nothing before it
	stmtAll    = stmtLock | stmtNotify | stmtRows | stmtFirst
)

// appendSQL is the statement of an append: $1 the sequence number, $2
// the line (arrays of them with stmtRows), $3 the sequence number before
// the first (0 with stmtFirst); then, with stmtLock, the key of the
// advisory lock that serialises appends, and with stmtNotify the
// notification channel and its payload. It inserts all the events or
// none, and only when the event before them is stored.
//
// One event reads its predecessor's row by the primary key and inserts
// as that row passes; the lock is taken, and the notification queued, as
// it passes, before anything is inserted. That is a little cheaper for
// PostgreSQL than a condition with EXISTS, which several events (from
// unnest) and the journal's first event use; PostgreSQL sends a
// notification when the transaction commits, once however many rows
// queued it.
func appendSQL(table string, s stmt) string {
	var from string
	var conds []string
	n := 3
	switch {
	case s&stmtRows != 0:
		from = "SELECT * FROM unnest($1::bigint[], $2::text[])"
		conds = append(conds, fmt.Sprintf("($3::bigint = 0 OR EXISTS (SELECT 1 FROM %s WHERE seq = $3::bigint))", table))
	case s&stmtFirst != 0:
		from = "SELECT $1::bigint, $2::text"
		conds = append(conds, "$3::bigint = 0")
	default:
		from = "SELECT $1::bigint, $2::text FROM " + table
		conds = append(conds, "seq = $3::bigint")
	}
	if s&stmtLock != 0 {
		n++
		conds = append(conds, fmt.Sprintf("pg_advisory_xact_lock($%d::bigint) IS NOT NULL", n))
	}
	if s&stmtNotify != 0 {
		conds = append(conds, fmt.Sprintf("pg_notify($%d, $%d) IS NOT NULL", n+1, n+2))
	}
	return fmt.Sprintf("INSERT INTO %s (seq, line)\n\t%s\n\tWHERE %s", table, from, strings.Join(conds, " AND "))
}

// Open creates the journal's table if it is missing and starts listening
// for the other instances' appends.
func Open(ctx context.Context, pool *pgxpool.Pool, opts *Options) (*Journal, error) {
	table := "osallisuus_journal"
	if opts != nil && opts.Table != "" {
		table = opts.Table
	}
	if !tableName.MatchString(table) {
		return nil, p.Invalid("table", "%q is not a plain lower-case table name", table)
	}
	if _, err := pool.Exec(ctx, Migration(table)); err != nil {
		return nil, p.Internal(err, "creating the journal table")
	}
	h := fnv.New64a()
	h.Write([]byte("osallisuus journal " + table))
	j := &Journal{
		pool: pool, table: table, key: int64(h.Sum64()), token: rand.Text() + " ",
		changes: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		others: map[string]int64{}, heard: make(chan struct{}, 1),
	}
	for s := range j.stmts {
		j.stmts[s] = appendSQL(table, stmt(s))
	}
	go j.listen()
	return j, nil
}

// Append implements participation.Journal: the events go in one
// transaction, with a notification to the other instances. A taken
// sequence number is ECONFLICT, and nothing is stored.
func (j *Journal) Append(ctx context.Context, events []p.Event) error {
	return j.Send(ctx, events)()
}

// Send implements participation.Sender: it sends the append's statement
// and returns wait, which waits for PostgreSQL's answer and returns what
// Append would. Meanwhile the connection is the append's own.
func (j *Journal) Send(ctx context.Context, events []p.Event) (wait func() error) {
	failed := func(err error) func() error { return func() error { return err } }
	if len(events) == 0 {
		return failed(p.Errorf(p.EINVALID, "append needs at least one event"))
	}
	if !events[len(events)-1].End {
		return failed(p.Errorf(p.EINVALID, "the last event of an append must end the command"))
	}
	for i := range events {
		if events[i].Seq != events[0].Seq+uint64(i) {
			return failed(p.Errorf(p.ECONFLICT, "event sequence %d does not continue the append, which ends at %d", events[i].Seq, events[0].Seq+uint64(i)-1))
		}
	}
	// One statement, so one round trip and one transaction: it takes
	// the advisory lock that serialises appends (unless this journal
	// holds it already), inserts every event and notifies the other
	// instances (if one listens) — all of it or, on any error, nothing.
	// It inserts when the event before the first is stored (or the first
	// is the journal's first). The primary key refuses a sequence number
	// taken by another instance, and an instance whose append is in
	// flight makes the other wait on the key and then fail (or go on, if
	// it rolled back); so the stored events always run 1, 2, … without a
	// gap, whether or not the appends meet at the lock.
	var s stmt
	args := make([]any, 3, 6)
	last := int64(events[len(events)-1].Seq)
	args[2] = int64(events[0].Seq) - 1
	if events[0].Seq == 1 {
		s |= stmtFirst
	}
	if len(events) == 1 {
		args[0], args[1] = last, events[0].AppendJSON(make([]byte, 0, 384+len(events[0].Data)))
	} else {
		s |= stmtRows
		seqs := make([]int64, len(events))
		lines := make([]string, len(events))
		var buf []byte
		for i := range events {
			seqs[i] = int64(events[i].Seq)
			buf = events[i].AppendJSON(buf[:0])
			lines[i] = string(buf)
		}
		args[0], args[1] = seqs, lines
	}
	j.lockMu.Lock()
	held := j.locked
	j.lockMu.Unlock()
	if held == nil {
		s |= stmtLock
		args = append(args, j.key)
	}
	if j.notifies(time.Now()) {
		s |= stmtNotify
		args = append(args, j.table, j.token+strconv.FormatInt(last, 10))
	}
	conn := held
	if conn == nil {
		var err error
		if conn, err = j.pool.Acquire(ctx); err != nil {
			return failed(p.Internal(err, "taking a connection to append"))
		}
	}
	// A batch of one statement is sent at once, and its answer read
	// when wait asks for it.
	batch := &pgx.Batch{}
	batch.Queue(j.stmts[s], args...)
	results := conn.SendBatch(ctx, batch)
	return func() error {
		tag, err := results.Exec()
		if cerr := results.Close(); err == nil {
			err = cerr
		}
		if held == nil {
			conn.Release()
		}
		return j.appended(events, tag, err)
	}
}

// appended turns the answer to an append into Append's error.
func (j *Journal) appended(events []p.Event, tag pgconn.CommandTag, err error) error {
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return p.Errorf(p.ECONFLICT, "event sequence %d is taken: another instance appended first", events[0].Seq)
		}
		// The append may have been stored all the same (the connection
		// broke after the commit went out): the store is to read back.
		j.signal()
		return p.Internal(err, "appending to the journal")
	}
	if n := tag.RowsAffected(); n != int64(len(events)) {
		return p.Errorf(p.ECONFLICT, "event sequence %d does not continue the journal: its predecessor is not stored", events[0].Seq)
	}
	return nil
}

// LockAppends implements participation.Locker: it holds the journal's
// advisory lock on a connection of its own until unlock is called;
// meanwhile only this journal's Append, on that connection, can append.
func (j *Journal) LockAppends(ctx context.Context) (func(), error) {
	conn, err := j.pool.Acquire(ctx)
	if err != nil {
		return nil, p.Internal(err, "taking a connection for the append lock")
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", j.key); err != nil {
		conn.Release()
		return nil, p.Internal(err, "taking the append lock")
	}
	j.lockMu.Lock()
	j.locked = conn
	j.lockMu.Unlock()
	return func() {
		j.lockMu.Lock()
		j.locked = nil
		j.lockMu.Unlock()
		if _, err := conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", j.key); err != nil {
			conn.Hijack().Close(context.Background()) // closing the session frees the lock
			return
		}
		conn.Release()
	}, nil
}

// Read implements participation.Journal.
func (j *Journal) Read(ctx context.Context, from uint64, fn func(p.Event) error) error {
	if from == 0 {
		from = 1
	}
	const page = 2000
	for {
		rows, err := j.pool.Query(ctx, "SELECT seq, line FROM "+j.table+" WHERE seq >= $1 ORDER BY seq LIMIT $2", int64(from), page)
		if err != nil {
			return p.Internal(err, "reading the journal")
		}
		var events []p.Event
		for rows.Next() {
			var seq int64
			var line string
			if err := rows.Scan(&seq, &line); err != nil {
				rows.Close()
				return p.Internal(err, "reading the journal")
			}
			want := from + uint64(len(events))
			if uint64(seq) != want {
				rows.Close()
				return &p.CorruptError{Seq: want, Reason: fmt.Sprintf("found sequence %d where %d belongs", seq, want)}
			}
			e, err := p.ParseEvent([]byte(line))
			if err != nil {
				rows.Close()
				return &p.CorruptError{Seq: want, Reason: err.Error()}
			}
			if e.Seq != want {
				rows.Close()
				return &p.CorruptError{Seq: want, Reason: "the line's sequence number differs from its row's"}
			}
			events = append(events, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return p.Internal(err, "reading the journal")
		}
		// Hand out whole commands only: a page may end inside one.
		n := len(events)
		if n == page {
			for n > 0 && !events[n-1].End {
				n--
			}
			if n == 0 {
				n = len(events) // a command longer than a page
			}
		}
		for _, e := range events[:n] {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(events) < page {
			return nil
		}
		from += uint64(n)
	}
}

// Changes implements participation.Notifier: it signals when another
// instance appended, after every reconnection of the listener, and after
// an append of this journal whose outcome is unknown; not after this
// journal's own appends, which its store has applied. A journal serves
// one store.
func (j *Journal) Changes() <-chan struct{} { return j.changes }

func (j *Journal) signal() {
	j.signals.Add(1)
	select {
	case j.changes <- struct{}{}:
	default:
	}
}

// The listeners' messages on the journal's channel, after the sender's
// token; any other payload of another instance is an append.
const (
	sayHello = "hello" // I listen now; who else does?
	sayHere  = "here"  // I listen (an answer, and every presenceEvery)
	sayBye   = "bye"   // I stop listening
)

// An instance that listens says so every presenceEvery; one that has
// not for presenceFor is taken to have gone, and is no longer notified
// (it still reads back every second).
const (
	presenceEvery = 10 * time.Second
	presenceFor   = 35 * time.Second
)

// listen holds one connection that LISTENs to the journal's channel,
// reconnecting after any failure; each (re)connection signals, so the
// store reads back whatever it missed meanwhile, and says hello, so the
// others notify it from then on and answer, and it notifies them.
func (j *Journal) listen() {
	defer close(j.done)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-j.stop; cancel() }()
	said := make(chan struct{})
	go func() { defer close(said); j.sayHere(ctx) }()
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		conn, err := j.pool.Acquire(ctx)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+j.table)
			if err == nil {
				err = j.say(ctx, conn, sayHello)
			}
			if err == nil {
				backoff = 50 * time.Millisecond
				j.signal()
				for err == nil {
					var n *pgconn.Notification
					n, err = conn.Conn().WaitForNotification(ctx)
					if err == nil {
						err = j.heed(ctx, conn, n.Payload)
					}
				}
			}
			// The connection may be broken: do not hand it back.
			conn.Hijack().Close(context.Background())
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
			backoff = min(2*backoff, 2*time.Second)
		}
	}
	// Those who heard this journal need not notify it any more (said
	// after the last here).
	<-said
	bye, cancelBye := context.WithTimeout(context.Background(), time.Second)
	defer cancelBye()
	_ = j.say(bye, j.pool, sayBye)
}

// heed acts on a notification: another instance's append signals the
// store, another listener's word updates who listens.
func (j *Journal) heed(ctx context.Context, conn *pgxpool.Conn, payload string) error {
	if strings.HasPrefix(payload, j.token) {
		return nil
	}
	token, word, _ := strings.Cut(payload, " ")
	switch word {
	case sayHello, sayHere, sayBye:
	default:
		j.signal()
		return nil
	}
	now := time.Now().UnixNano()
	if word == sayBye {
		delete(j.others, token)
	} else {
		j.others[token] = now + int64(presenceFor)
	}
	until := int64(0)
	for t, u := range j.others {
		if u <= now {
			delete(j.others, t)
			continue
		}
		until = max(until, u)
	}
	j.notifyUntil.Store(until)
	select {
	case j.heard <- struct{}{}:
	default:
	}
	if word == sayHello {
		return j.say(ctx, conn, sayHere)
	}
	return nil
}

// notifies says whether an append at that time notifies: whether
// another instance has said, not long enough before, that it listens.
func (j *Journal) notifies(at time.Time) bool { return at.UnixNano() < j.notifyUntil.Load() }

// sayHere tells the others every presenceEvery that this journal
// listens, until ctx ends.
func (j *Journal) sayHere(ctx context.Context) {
	t := time.NewTicker(presenceEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = j.say(ctx, j.pool, sayHere) // the next one will do
		}
	}
}

// say sends word to the journal's channel.
func (j *Journal) say(ctx context.Context, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, word string) error {
	_, err := db.Exec(ctx, "SELECT pg_notify($1, $2)", j.table, j.token+word)
	return err
}

// Close stops listening and tells the other instances, which stop
// notifying this one. The pool is the caller's to close.
func (j *Journal) Close() error {
	j.once.Do(func() { close(j.stop); <-j.done })
	return nil
}

var (
	_ p.Journal  = (*Journal)(nil)
	_ p.Notifier = (*Journal)(nil)
	_ p.Locker   = (*Journal)(nil)
	_ p.Sender   = (*Journal)(nil)
)
