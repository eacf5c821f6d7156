//go:build !(js && wasm)

package participation_test

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-memdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
	"golang.org/x/mod/sumdb/note"
)

// tally is a test module that keeps a count outside memdb, as feedback's
// item store does: its applier stages one, a commit hook merges it, and
// its command reads the count and what the groups in flight staged
// (Tx.Pending), and records the count it expects to reach.
type tallied struct {
	N int `json:"n"`
}

func (tallied) EventType() string { return "tally.added" }

const actTally p.Action = "tally.add"

type tallyState struct {
	mu sync.Mutex
	N  int `json:"n"`
}

type tallyKey struct{}

type tallyStage struct{ n int }

func tallyModule() p.Module {
	return p.Module{
		Name:     "tally",
		Tables:   []*memdb.TableSchema{},
		NewState: func() any { return &tallyState{} },
		Dump: func(st any) any {
			t := st.(*tallyState)
			t.mu.Lock()
			defer t.mu.Unlock()
			return t.N
		},
		Events: []p.EventType{
			p.Handle(func(tx *p.Tx, m p.EventMeta, d tallied) error {
				st := tx.State("tally").(*tallyState)
				stage := tx.Stage(tallyKey{}, func() any {
					v := &tallyStage{}
					tx.OnCommit(func() {
						st.mu.Lock()
						st.N += v.n
						st.mu.Unlock()
					})
					return v
				}).(*tallyStage)
				stage.n++
				return nil
			}),
		},
		Actions: []p.ActionRule{{Action: actTally, Roles: []p.Role{p.RoleStaff}, Doc: "count one"}},
	}
}

// addTally counts one: the count it records is the merged count plus
// what earlier commands in flight staged, plus one.
func addTally(ctx context.Context, s *p.Store) error {
	return s.Exec(ctx, staff, actTally, func(tx *p.Tx) error {
		st := tx.State("tally").(*tallyState)
		st.mu.Lock()
		n := st.N
		st.mu.Unlock()
		for _, v := range tx.Pending(tallyKey{}) {
			n += v.(*tallyStage).n
		}
		return tx.Emit(tallied{N: n + 1})
	})
}

// sealPerson registers a person of the test module under a chosen id.
// With after set, it first requires that person to be a row (on the
// write side, which holds the groups in flight).
func sealPerson(ctx context.Context, s *p.Store, id p.ID, name string, after *p.ID) error {
	return s.Exec(ctx, staff, actRegister, func(tx *p.Tx) error {
		if after != nil {
			obj, err := tx.First("people", "id", *after)
			if err != nil {
				return err
			}
			if obj == nil {
				return p.Errorf(p.ENOTFOUND, "person %s not found", *after)
			}
		}
		sealed, err := tx.Seal(id, []byte(name))
		if err != nil {
			return err
		}
		return tx.Emit(personRegistered{Person: id, Name: sealed})
	})
}

// readable is everything a reader can see of a store: the export (every
// table, every module's state outside memdb, the head), the head, the
// change feed, the verifiable history and whether a sealed name opens.
type readable struct {
	export  string
	head    uint64
	feed    []uint64
	history uint64
	opens   bool
}

func readAll(t *testing.T, s *p.Store, tree *merkle.Tree, sealedName p.Sealed) readable {
	t.Helper()
	var r readable
	r.export = export(t, s)
	r.head, _ = s.Head()
	sub := s.Subscribe(1)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for {
		e, err := sub.Next(done)
		if err != nil {
			require.ErrorIs(t, err, context.Canceled)
			break
		}
		r.feed = append(r.feed, e.Seq)
	}
	r.history = tree.Size()
	_, err := s.Vault().Open(sealedName)
	r.opens = err == nil
	return r
}

// waitFor yields until cond holds: the goroutines it waits for make it
// hold without anything from the test.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		runtime.Gosched()
	}
}

func testSigner(t *testing.T) note.Signer {
	t.Helper()
	private, _, err := merkle.GenerateKey(&rng{x: 3}, "county.example/osallisuus")
	require.NoError(t, err)
	signer, err := merkle.NewSigner(private)
	require.NoError(t, err)
	return signer
}

func sealedNameOf(t *testing.T, s *p.Store, id p.ID) p.Sealed {
	t.Helper()
	obj, err := s.View().First("people", "id", id)
	require.NoError(t, err)
	require.NotNil(t, obj)
	return obj.(*person).Name
}

// TestPipeline: while a group's append is in flight, later groups run on
// the write side against its effects — rows and what it staged outside
// memdb — and wait in the pipe; a reader sees none of them in any output
// until the append that covers them returns.
func TestPipeline(t *testing.T) {
	ctx := context.Background()
	signer := testSigner(t)
	tree := merkle.New(signer)
	j := &heldJournal{MemoryJournal: p.NewMemoryJournal(), entered: make(chan int, 16)}
	keys := p.NewMemoryKeyStore()
	clock := p.NewManualClock(t0)
	modules := []p.Module{personModule(), tallyModule(), feedback.Module(nil)}
	s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Clock: clock, Rand: &rng{x: 5}, Modules: modules, History: tree})
	require.NoError(t, err)
	defer s.Close()
	ids := p.NewIDGen(&rng{x: 77})
	newID := func() p.ID { id, err := ids.New(t0); require.NoError(t, err); return id }

	// Durable before the pipe fills: a person whose erasure goes in
	// flight, a contribution and one count.
	p0 := newID()
	require.NoError(t, sealPerson(ctx, s, p0, "Maija", nil))
	_, err = s.Submit(ctx, client, input("Pohja"))
	require.NoError(t, err)
	require.NoError(t, addTally(ctx, s))
	p0Name := sealedNameOf(t, s, p0)
	before := readAll(t, s, tree, p0Name)
	require.True(t, before.opens)
	require.Equal(t, before.head, before.history)

	// The first group's append is held at the door: it registers a.
	a := newID()
	first := j.holdNext()
	firstDone := make(chan error, 1)
	go func() { firstDone <- sealPerson(ctx, s, a, "Aino", nil) }()
	require.Equal(t, 1, <-j.entered)

	// Later commands run on top of it: one needs a's row, tallies need
	// each other's staged counts, an erasure of p0, a contribution.
	type call struct {
		name string
		fn   func() error
	}
	b := newID()
	calls := []call{
		{"needs_the_row_in_flight", func() error { return sealPerson(ctx, s, b, "Bertta", &a) }},
		{"tally_1", func() error { return addTally(ctx, s) }},
		{"tally_2", func() error { return addTally(ctx, s) }},
		{"erase_p0", func() error { return s.EraseSubject(ctx, admin, p0, "pyyntö") }},
		{"submit", func() error { _, err := s.Submit(ctx, client, input("Lennossa")); return err }},
		{"tally_3", func() error { return addTally(ctx, s) }},
	}
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, c := range calls {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = c.fn() }()
	}
	// Every one of them has run on the write side and waits in the pipe.
	waitFor(t, func() bool { return p.InFlight(s) == len(calls) })

	t.Run("nothing_in_flight_is_visible", func(t *testing.T) {
		during := readAll(t, s, tree, p0Name)
		assert.Equal(t, before.export, during.export, "every table and module state is as before the held append")
		assert.Equal(t, before.head, during.head)
		assert.Equal(t, before.feed, during.feed, "the change feed holds nothing in flight")
		assert.Equal(t, before.history, during.history, "the history holds nothing in flight")
		assert.True(t, during.opens, "an erasure in flight has not destroyed the key")
		for i := range calls {
			select {
			case <-firstDone:
				t.Fatal("the held command was answered before its append returned")
			default:
			}
			assert.NoError(t, errs[i], "%s not answered yet", calls[i].name)
		}
	})

	second := j.holdNext()
	j.release(first)
	require.NoError(t, <-firstDone)
	require.Equal(t, len(calls), <-j.entered, "the groups in the pipe go to the journal in one append")
	t.Run("the_first_group_alone_is_visible", func(t *testing.T) {
		mid := readAll(t, s, tree, p0Name)
		_, ok, err := p.Lookup[*person](s.View(), "people", "id", a)
		require.NoError(t, err)
		assert.True(t, ok, "a is a row once its append returned")
		rows, err := p.Collect[*person](s.View(), "people", "id", nil)
		require.NoError(t, err)
		assert.Len(t, rows, 2, "p0 and a, not b")
		assert.Equal(t, before.head+1, mid.head)
		assert.Equal(t, mid.head, mid.history)
		assert.Equal(t, mid.head, mid.feed[len(mid.feed)-1])
		assert.True(t, mid.opens)
	})
	j.release(second)
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, calls[i].name)
	}

	t.Run("later_commands_saw_the_groups_in_flight", func(t *testing.T) {
		var ns []int
		for _, e := range journalLines(t, j.MemoryJournal) {
			if e.Type == (tallied{}).EventType() {
				var d tallied
				require.NoError(t, json.Unmarshal(e.Data, &d))
				ns = append(ns, d.N)
			}
		}
		assert.Equal(t, []int{1, 2, 3, 4}, ns, "each count saw every count before it, merged or in flight")
		after := readAll(t, s, tree, p0Name)
		assert.False(t, after.opens, "the key is destroyed once the erasure is journalled")
		assert.Equal(t, after.head, after.history)
		assert.Equal(t, after.head, after.feed[len(after.feed)-1])
		s2, err := p.Open(ctx, &p.Config{Journal: j.MemoryJournal, Keys: keys, Clock: clock, Modules: []p.Module{personModule(), tallyModule(), feedback.Module(nil)}})
		require.NoError(t, err)
		defer s2.Close()
		assert.Equal(t, after.export, export(t, s2), "the state readers see is what the journal replays to")
	})
}

// refusingJournal is a held memory journal that refuses, as a journal
// refuses an event over its size limit, every append holding an event
// that names a chosen id.
type refusingJournal struct {
	*heldJournal
	bad string
}

func (j *refusingJournal) Append(ctx context.Context, evs []p.Event) error {
	for _, e := range evs {
		if strings.Contains(string(e.Data), j.bad) {
			return p.Invalid("event", "event %d is over the journal's limit", e.Seq)
		}
	}
	return j.heldJournal.Append(ctx, evs)
}

// TestPipelineRefusedCommand: an append of several groups is refused for
// one command's event. Each command runs again alone, so only that one
// fails; a command that found that command's row on the write side runs
// again too and is answered by the state that became durable.
func TestPipelineRefusedCommand(t *testing.T) {
	ctx := context.Background()
	ids := p.NewIDGen(&rng{x: 78})
	bad, err := ids.New(t0)
	require.NoError(t, err)
	j := &refusingJournal{heldJournal: &heldJournal{MemoryJournal: p.NewMemoryJournal(), entered: make(chan int, 16)}, bad: bad.String()}
	keys := p.NewMemoryKeyStore()
	modules := func() []p.Module { return []p.Module{personModule(), tallyModule()} }
	s, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Rand: &rng{x: 6}, Modules: modules()})
	require.NoError(t, err)
	defer s.Close()

	first := j.holdNext()
	firstDone := make(chan error, 1)
	go func() { firstDone <- addTally(ctx, s) }()
	require.Equal(t, 1, <-j.entered)
	before := export(t, s)

	// One after another, each in a group of its own on top of the last.
	names := []string{"tally", "refused", "tally_after", "reads_the_refused_row"}
	calls := []func() error{
		func() error { return addTally(ctx, s) },
		func() error { return sealPerson(ctx, s, bad, "Liian pitkä", nil) },
		func() error { return addTally(ctx, s) },
		func() error {
			return s.Exec(ctx, staff, actRegister, func(tx *p.Tx) error {
				obj, err := tx.First("people", "id", bad)
				if err != nil {
					return err
				}
				if obj == nil {
					return p.Errorf(p.ENOTFOUND, "person %s not found", bad)
				}
				return nil // found: nothing to record
			})
		},
	}
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = call() }()
		waitFor(t, func() bool { return p.InFlight(s) == i+1 })
	}
	assert.Equal(t, before, export(t, s), "nothing in flight is visible")
	j.release(first)
	require.NoError(t, <-firstDone)
	wg.Wait()

	assert.NoError(t, errs[0], names[0])
	assert.Equal(t, p.EINVALID, p.ErrorCode(errs[1]), "%s: %v", names[1], errs[1])
	assert.NoError(t, errs[2], names[2])
	assert.Equal(t, p.ENOTFOUND, p.ErrorCode(errs[3]), "%s ran again once the row it found was refused: %v", names[3], errs[3])
	var ns []int
	for _, e := range journalLines(t, j.MemoryJournal) {
		assert.NotContains(t, string(e.Data), bad.String(), "the refused command is not journalled")
		if e.Type == (tallied{}).EventType() {
			var d tallied
			require.NoError(t, json.Unmarshal(e.Data, &d))
			ns = append(ns, d.N)
		}
	}
	assert.Equal(t, []int{1, 2, 3}, ns)
	s2, err := p.Open(ctx, &p.Config{Journal: j.MemoryJournal, Keys: keys, Modules: modules()})
	require.NoError(t, err)
	defer s2.Close()
	assert.Equal(t, export(t, s), export(t, s2), "the state readers see is what the journal replays to")
}
