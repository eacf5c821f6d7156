package participation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hashicorp/go-memdb"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// t0 is the start of every test's clock.
var t0 = time.Date(2026, 3, 2, 9, 15, 30, 0, time.UTC)

var (
	staff   = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-000000000001"), Role: p.RoleStaff}
	manager = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-000000000002"), Role: p.RoleManager}
	client  = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-000000000003"), Role: p.RoleClient}
	admin   = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-000000000004"), Role: p.RoleAdmin}
)

// person is a test module that seals a name, to exercise the vault.
type person struct {
	ID   p.ID     `json:"id"`
	Name p.Sealed `json:"name"`
}

type personRegistered struct {
	Person p.ID     `json:"person"`
	Name   p.Sealed `json:"name"`
}

func (personRegistered) EventType() string { return "person.registered" }

// anonNote is an anonymous event type, to test FB-1 support in the kernel.
type anonNote struct {
	Text string `json:"text"`
}

func (anonNote) EventType() string { return "person.anon_note" }

const actRegister p.Action = "person.register"
const actAnon p.Action = "person.anon"

func personModule() p.Module {
	return p.Module{
		Name: "person",
		Tables: []*memdb.TableSchema{{
			Name: "people",
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(x *person) p.ID { return x.ID })},
			},
		}},
		Events: []p.EventType{
			p.Handle(func(tx *p.Tx, m p.EventMeta, d personRegistered) error {
				return tx.Insert("people", &person{ID: d.Person, Name: d.Name})
			}),
			p.AnonymousEvent(p.Handle(func(tx *p.Tx, m p.EventMeta, d anonNote) error { return nil })),
		},
		Actions: []p.ActionRule{
			{Action: actRegister, Roles: []p.Role{p.RoleStaff}, Doc: "register a person"},
			{Action: actAnon, Roles: []p.Role{p.RoleAnonymous, p.RoleStaff}, Doc: "leave an anonymous note"},
		},
	}
}

func registerPerson(t testing.TB, s *p.Store, name string) p.ID {
	t.Helper()
	var id p.ID
	err := s.Exec(context.Background(), staff, actRegister, func(tx *p.Tx) error {
		var err error
		if id, err = tx.NewID(); err != nil {
			return err
		}
		sealed, err := tx.Seal(id, []byte(name))
		if err != nil {
			return err
		}
		return tx.Emit(personRegistered{Person: id, Name: sealed})
	})
	require.NoError(t, err)
	return id
}

// rng is a deterministic source of randomness for ids in tests.
type rng struct{ x uint64 }

func (r *rng) Read(b []byte) (int, error) {
	for i := range b {
		r.x ^= r.x << 13
		r.x ^= r.x >> 7
		r.x ^= r.x << 17
		b[i] = byte(r.x)
	}
	return len(b), nil
}

// MustOpen opens a store over j (a memory journal when nil) with the test
// module, a manual clock at t0 and deterministic ids.
func MustOpen(tb testing.TB, j p.Journal, keys p.KeyStore) (*p.Store, *p.ManualClock) {
	tb.Helper()
	clock := p.NewManualClock(t0)
	s, err := p.Open(context.Background(), &p.Config{
		Journal: j, Keys: keys, Clock: clock, Rand: &rng{x: 42},
		Modules: []p.Module{personModule()},
	})
	require.NoError(tb, err)
	tb.Cleanup(func() { s.Close() })
	return s, clock
}

func export(tb testing.TB, s *p.Store) string {
	tb.Helper()
	var b bytes.Buffer
	require.NoError(tb, s.Export(&b))
	return b.String()
}

func journalLines(tb testing.TB, j p.Journal) []p.Event {
	tb.Helper()
	var out []p.Event
	require.NoError(tb, j.Read(context.Background(), 1, func(e p.Event) error {
		out = append(out, e)
		return nil
	}))
	return out
}

func input(title string) p.ContributionInput {
	return p.ContributionInput{
		Source: p.Source{Module: "test", Kind: "idea"}, Level: p.LevelDialogue, Origin: p.OriginClient,
		Unit: "aikuissosiaalityo", Service: "sosiaalinen_kuntoutus", Title: title, Contributors: []p.ID{client.ID},
	}
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	require.NoError(tb, err)
	return string(b)
}

// endHour moves the clock to the start of the next hour and releases the
// anonymous commands held until then (PRIV-1).
func endHour(tb testing.TB, s *p.Store, clock *p.ManualClock) {
	tb.Helper()
	now := clock.Now()
	clock.Set(now.Truncate(time.Hour).Add(time.Hour))
	require.NoError(tb, s.Release(context.Background()))
}

// lastOfType returns the last journalled event of type typ.
func lastOfType(tb testing.TB, j p.Journal, typ string) p.Event {
	tb.Helper()
	evs := journalLines(tb, j)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == typ {
			return evs[i]
		}
	}
	tb.Fatalf("no %s event in the journal", typ)
	return p.Event{}
}
