package participation_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/internal/policydoc"
	p "github.com/osallisuus/osallisuus/participation"
)

// populate runs a little of everything: contributions through every step,
// sealed people, an erasure and an anonymous note.
func populate(t *testing.T, s *p.Store, clock *p.ManualClock) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < 12; i++ {
		c, err := s.Submit(ctx, client, input("Ehdotus"))
		require.NoError(t, err)
		clock.Advance(time.Hour)
		switch i % 4 {
		case 0:
			_, err = s.Acknowledge(ctx, staff, c.ID, "kiitos")
		case 1:
			_, err = s.Decide(ctx, manager, c.ID, p.NotAdopted, "ei resursseja tänä vuonna")
		case 2:
			_, err = s.Decide(ctx, manager, c.ID, p.Adopted, "")
			require.NoError(t, err)
			_, err = s.Implement(ctx, staff, c.ID, "otettu käyttöön")
			require.NoError(t, err)
			_, err = s.ReportBack(ctx, staff, c.ID, "Ehdotuksenne toteutui")
		}
		require.NoError(t, err)
	}
	registerPerson(t, s, "Maija Meikäläinen")
	gone := registerPerson(t, s, "Kalle Esimerkki")
	require.NoError(t, s.EraseSubject(ctx, admin, gone, "suostumus peruttu"))
	require.NoError(t, s.Exec(ctx, p.Anonymous, actAnon, func(tx *p.Tx) error { return tx.Emit(anonNote{Text: "hyvä"}) }))
	endHour(t, s, clock) // the anonymous command takes effect (PRIV-1)
}

// TestReplay checks that a store rebuilt from its journal equals the
// original, table by table, for the memory and the file journal.
func TestReplay(t *testing.T) {
	ctx := context.Background()
	t.Run("MemoryJournal", func(t *testing.T) {
		j := p.NewMemoryJournal()
		keys := p.NewMemoryKeyStore()
		s, clock := MustOpen(t, j, keys)
		populate(t, s, clock)
		want := export(t, s)
		s2, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Modules: []p.Module{personModule()}})
		require.NoError(t, err)
		assert.Equal(t, want, export(t, s2))
	})
	t.Run("FileJournal", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "journal.jsonl")
		j, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		keys, err := p.OpenDirKeyStore(filepath.Join(dir, "keys"))
		require.NoError(t, err)
		s, clock := MustOpen(t, j, keys)
		populate(t, s, clock)
		want := export(t, s)
		require.NoError(t, s.Close())

		j2, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		keys2, err := p.OpenDirKeyStore(filepath.Join(dir, "keys"))
		require.NoError(t, err)
		s2, err := p.Open(ctx, &p.Config{Journal: j2, Keys: keys2, Modules: []p.Module{personModule()}})
		require.NoError(t, err)
		defer s2.Close()
		assert.Equal(t, want, export(t, s2))
		_, err = s2.Verify(ctx)
		assert.NoError(t, err)
	})
	t.Run("UnknownEventTypeRefused", func(t *testing.T) {
		j := p.NewMemoryJournal()
		s, clock := MustOpen(t, j, nil)
		populate(t, s, clock)
		_, err := p.Open(ctx, &p.Config{Journal: j}) // without the person module
		assert.Equal(t, p.EINTERNAL, p.ErrorCode(err))
		assert.Contains(t, p.ErrorMessage(err), "person.registered")
	})
}

// TestWritePath checks the one write path: a failed command leaves state
// and journal exactly as they were.
func TestWritePath(t *testing.T) {
	ctx := context.Background()
	t.Run("FailedCommandLeavesNothing", func(t *testing.T) {
		j := p.NewMemoryJournal()
		s, _ := MustOpen(t, j, nil)
		_, err := s.Submit(ctx, client, input("Ensimmäinen"))
		require.NoError(t, err)
		before, n := export(t, s), j.Len()
		boom := errors.New("validation failed late")
		err = s.Exec(ctx, client, p.ActionSubmit, func(tx *p.Tx) error {
			if _, err := p.SubmitContribution(tx, input("Toinen")); err != nil {
				return err
			}
			return boom // after an event was emitted and applied
		})
		assert.ErrorIs(t, err, boom)
		assert.Equal(t, before, export(t, s))
		assert.Equal(t, n, j.Len())
	})
	t.Run("PanicBecomesInternalError", func(t *testing.T) {
		j := p.NewMemoryJournal()
		s, _ := MustOpen(t, j, nil)
		before := export(t, s)
		err := s.Exec(ctx, client, p.ActionSubmit, func(tx *p.Tx) error {
			if _, err := p.SubmitContribution(tx, input("Kolmas")); err != nil {
				return err
			}
			var m map[string]int
			m["x"] = 1 // a bug in a command must not take the process down
			return nil
		})
		assert.Equal(t, p.EINTERNAL, p.ErrorCode(err))
		assert.Equal(t, before, export(t, s))
		assert.Equal(t, 0, j.Len())
	})
	t.Run("JournalFailureLeavesNothing", func(t *testing.T) {
		j := &failingJournal{MemoryJournal: p.NewMemoryJournal()}
		s, _ := MustOpen(t, j, nil)
		_, err := s.Submit(ctx, client, input("Ensimmäinen"))
		require.NoError(t, err)
		before := export(t, s)
		j.fail = true
		_, err = s.Submit(ctx, client, input("Toinen"))
		assert.Equal(t, p.EINTERNAL, p.ErrorCode(err))
		assert.Equal(t, before, export(t, s))
		j.fail = false
		_, err = s.Submit(ctx, client, input("Kolmas"))
		require.NoError(t, err, "the store carries on after a journal failure")
		_, err = s.Verify(ctx)
		assert.NoError(t, err)
	})
	t.Run("TablesChangeOnlyInAppliers", func(t *testing.T) {
		s, _ := MustOpen(t, nil, nil)
		err := s.Exec(ctx, staff, actRegister, func(tx *p.Tx) error {
			return tx.Insert("people", &person{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000aa")})
		})
		assert.Equal(t, p.EINTERNAL, p.ErrorCode(err))
	})
	t.Run("CommandSeesItsOwnEvents", func(t *testing.T) {
		s, _ := MustOpen(t, nil, nil)
		err := s.Exec(ctx, client, p.ActionSubmit, func(tx *p.Tx) error {
			c, err := p.SubmitContribution(tx, input("Näkyy heti"))
			if err != nil {
				return err
			}
			got, err := p.GetContribution(tx, c.ID)
			if err != nil {
				return err
			}
			assert.Equal(t, "Näkyy heti", got.Title)
			return nil
		})
		require.NoError(t, err)
	})
	t.Run("ReadersSeeWholeCommands", func(t *testing.T) {
		s, _ := MustOpen(t, nil, nil)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				v := s.View()
				cs, _, err := p.FindContributions(v, p.ContributionFilter{})
				if err != nil {
					t.Error(err)
					return
				}
				for _, c := range cs {
					// Each command here submits and decides in one go: a
					// reader must never see one without the other.
					if c.State != p.StateDecided {
						t.Errorf("reader saw a half-applied command: %s", c.State)
						return
					}
				}
			}
		}()
		for i := 0; i < 200; i++ {
			err := s.Exec(ctx, manager, p.ActionDecide, func(tx *p.Tx) error {
				c, err := p.SubmitContribution(tx, input("Kerralla"))
				if err != nil {
					return err
				}
				_, err = p.AdvanceContribution(tx, c.ID, p.StateDecided, p.Adopted, "")
				return err
			})
			require.NoError(t, err)
		}
		close(stop)
		wg.Wait()
	})
}

type failingJournal struct {
	*p.MemoryJournal
	fail bool
}

func (f *failingJournal) Append(ctx context.Context, evs []p.Event) error {
	if f.fail {
		return errors.New("disk full")
	}
	return f.MemoryJournal.Append(ctx, evs)
}

// TestAuthorization is PART-7: every mutating call names an actor, and the
// role policy decides.
func TestAuthorization(t *testing.T) {
	ctx := context.Background()
	t.Run("PART-7_NoActorRefused", func(t *testing.T) {
		s, _ := MustOpen(t, nil, nil)
		_, err := s.Submit(ctx, p.Actor{}, input("x"))
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
		_, err = s.Submit(ctx, p.Actor{Role: p.RoleClient}, input("x"))
		assert.Equal(t, p.EINVALID, p.ErrorCode(err), "a named role needs an id")
	})
	t.Run("PART-7_RoleRefusedIsForbidden", func(t *testing.T) {
		j := p.NewMemoryJournal()
		s, _ := MustOpen(t, j, nil)
		c, err := s.Submit(ctx, client, input("x"))
		require.NoError(t, err)
		before, n := export(t, s), j.Len()
		_, err = s.Decide(ctx, client, c.ID, p.Adopted, "")
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err))
		assert.Contains(t, p.ErrorMessage(err), "contribution.decide")
		err = s.EraseSubject(ctx, staff, client.ID, "x")
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err))
		assert.Equal(t, before, export(t, s))
		assert.Equal(t, n, j.Len())
	})
	t.Run("PART-7_PolicyOverride", func(t *testing.T) {
		s, err := p.Open(ctx, &p.Config{Roles: map[p.Action][]p.Role{p.ActionDecide: {p.RoleStaff}}})
		require.NoError(t, err)
		c, err := s.Submit(ctx, client, input("x"))
		require.NoError(t, err)
		_, err = s.Decide(ctx, staff, c.ID, p.Adopted, "")
		assert.NoError(t, err)
		_, err = p.Open(ctx, &p.Config{Roles: map[p.Action][]p.Role{"contribution.decid": {p.RoleStaff}}})
		assert.Equal(t, p.EINVALID, p.ErrorCode(err), "a misspelt action is refused")
	})
	t.Run("PART-7_EveryActionHasRoles", func(t *testing.T) {
		s, _ := MustOpen(t, nil, nil)
		for _, a := range s.Policy().Actions() {
			assert.NotEmpty(t, s.Policy().Roles(a), "action %s", a)
			assert.NotEmpty(t, s.Policy().Doc(a), "action %s", a)
		}
	})
}

// TestChangeFeed checks that subscribers get every committed event in
// order, from any point, live or from the journal.
func TestChangeFeed(t *testing.T) {
	ctx := context.Background()
	clock := p.NewManualClock(t0)
	s, err := p.Open(ctx, &p.Config{Clock: clock, FeedTail: 8})
	require.NoError(t, err)
	for i := 0; i < 50; i++ {
		_, err := s.Submit(ctx, client, input("x"))
		require.NoError(t, err)
	}
	sub := s.Subscribe(1) // older than the tail: read back from the journal
	for want := uint64(1); want <= 50; want++ {
		e, err := sub.Next(ctx)
		require.NoError(t, err)
		require.Equal(t, want, e.Seq)
	}
	got := make(chan p.Event)
	go func() {
		for {
			e, err := sub.Next(ctx)
			if err != nil {
				close(got)
				return
			}
			got <- e
		}
	}()
	c, err := s.Submit(ctx, client, input("live"))
	require.NoError(t, err)
	_, err = s.Decide(ctx, manager, c.ID, p.Adopted, "")
	require.NoError(t, err)
	var types []string
	for i := 0; i < 4; i++ {
		select {
		case e := <-got:
			assert.Equal(t, uint64(51+i), e.Seq)
			types = append(types, e.Type)
		case <-time.After(2 * time.Minute): // only against a hang
			t.Fatal("the feed did not deliver a committed event")
		}
	}
	assert.Equal(t, []string{"contribution.received", "contribution.acknowledged", "contribution.considered", "contribution.decided"}, types)
	failed := errors.New("x")
	_ = s.Exec(ctx, client, p.ActionSubmit, func(tx *p.Tx) error { return failed })
	require.NoError(t, s.Close())
	_, open := <-got
	assert.False(t, open, "no event from a failed command, and Next ends when the store closes")

	ctx2, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	s2, _ := MustOpen(t, nil, nil)
	_, err = s2.Subscribe(1).Next(ctx2)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// TestErasure: after erasure the plaintext of a sealed field is nowhere in
// the journal file or the replayed state, and the chain still verifies.
func TestErasure(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.jsonl")
	j, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	keys, err := p.OpenDirKeyStore(filepath.Join(dir, "keys"))
	require.NoError(t, err)
	s, _ := MustOpen(t, j, keys)
	const name = "Aino Salainen-Henkilö"
	id := registerPerson(t, s, name)
	other := registerPerson(t, s, "Pekka Pysyvä")

	row, ok, err := p.Lookup[*person](s.View(), "people", "id", id)
	require.NoError(t, err)
	require.True(t, ok)
	plain, err := s.Vault().Open(row.Name)
	require.NoError(t, err)
	assert.Equal(t, name, string(plain))

	require.NoError(t, s.EraseSubject(ctx, admin, id, "suostumus peruttu"))
	_, err = s.Vault().Open(row.Name)
	assert.ErrorIs(t, err, p.ErrErased)
	assert.Equal(t, p.EERASED, p.ErrorCode(err))
	err = s.Exec(ctx, staff, actRegister, func(tx *p.Tx) error {
		_, err := tx.Seal(id, []byte(name))
		return err
	})
	assert.Equal(t, p.ECONFLICT, p.ErrorCode(err), "an erased subject cannot be sealed for again")
	assert.Equal(t, p.ECONFLICT, p.ErrorCode(s.EraseSubject(ctx, admin, id, "again")))
	require.NoError(t, s.Close())

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(raw, []byte(name)), "plaintext in the journal file")
	assert.False(t, bytes.Contains(raw, []byte("Aino")), "plaintext in the journal file")

	j2, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	keys2, err := p.OpenDirKeyStore(filepath.Join(dir, "keys"))
	require.NoError(t, err)
	s2, err := p.Open(ctx, &p.Config{Journal: j2, Keys: keys2, Modules: []p.Module{personModule()}})
	require.NoError(t, err)
	defer s2.Close()
	state := export(t, s2)
	assert.NotContains(t, state, "Aino")
	row2, _, _ := p.Lookup[*person](s2.View(), "people", "id", id)
	_, err = s2.Vault().Open(row2.Name)
	assert.ErrorIs(t, err, p.ErrErased, "erased after replay")
	kept, _, _ := p.Lookup[*person](s2.View(), "people", "id", other)
	plain, err = s2.Vault().Open(kept.Name)
	require.NoError(t, err)
	assert.Equal(t, "Pekka Pysyvä", string(plain), "others' data is untouched")
	_, err = s2.Verify(ctx)
	assert.NoError(t, err, "the chain verifies after erasure")

	t.Run("KeyLeftBehindByACrashIsErasedOnOpen", func(t *testing.T) {
		keys := p.NewMemoryKeyStore()
		j := p.NewMemoryJournal()
		s, _ := MustOpen(t, j, keys)
		id := registerPerson(t, s, "Väliaikainen")
		k, _, _ := keys.Get(id)
		saved := append([]byte(nil), k...)
		require.NoError(t, s.EraseSubject(ctx, admin, id, "x"))
		require.NoError(t, keys.Put(id, saved)) // as if the process died before deleting
		_, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys, Modules: []p.Module{personModule()}})
		require.NoError(t, err)
		_, ok, _ := keys.Get(id)
		assert.False(t, ok)
	})
}

// TestAnonymousEvents: events of anonymous types keep time to the hour and
// their ids carry no finer time (FB-1 support in the kernel).
func TestAnonymousEvents(t *testing.T) {
	j := p.NewMemoryJournal()
	keys := p.NewMemoryKeyStore()
	s, clock := MustOpen(t, j, keys)
	hourOf := func(id p.ID) int64 {
		return int64(id[0])<<40 | int64(id[1])<<32 | int64(id[2])<<24 | int64(id[3])<<16 | int64(id[4])<<8 | int64(id[5])
	}
	_, err := s.Submit(context.Background(), client, input("named, at the exact time"))
	require.NoError(t, err)
	require.NoError(t, s.Exec(context.Background(), p.Anonymous, actAnon, func(tx *p.Tx) error { return tx.Emit(anonNote{Text: "x"}) }))
	assert.Len(t, journalLines(t, j), 1, "an anonymous command waits for the end of its hour")
	endHour(t, s, clock)
	e := journalLines(t, j)[1]
	assert.Equal(t, "person.anon_note", e.Type)
	assert.Equal(t, t0.Truncate(time.Hour), e.Time)
	assert.Equal(t, t0.Truncate(time.Hour).UnixMilli(), hourOf(e.ID))
	assert.Equal(t, p.Anonymous, e.Actor)

	// A worker typing in feedback given in person is not linked to it,
	// not even by role (PRIV-1).
	require.NoError(t, s.Exec(context.Background(), staff, actAnon, func(tx *p.Tx) error { return tx.Emit(anonNote{Text: "y"}) }))
	endHour(t, s, clock)
	e = lastOfType(t, j, "person.anon_note")
	assert.Equal(t, p.Anonymous, e.Actor)

	// Everything an anonymous actor's command causes is anonymous, a
	// contribution and its deadlines included, and its ids count nothing
	// (PRIV-1).
	hour := clock.Now().Truncate(time.Hour)
	clock.Advance(37*time.Minute + 12345*time.Millisecond)
	var c *p.Contribution
	require.NoError(t, s.Exec(context.Background(), p.Anonymous, actAnon, func(tx *p.Tx) (err error) {
		assert.True(t, tx.Anonymous())
		c, err = p.SubmitContribution(tx, p.ContributionInput{Source: p.Source{Module: "test", Kind: "note"}, Level: p.LevelFeedback, Origin: p.OriginClient, Title: "x"})
		return err
	}))
	endHour(t, s, clock)
	e = lastOfType(t, j, "contribution.received")
	assert.Equal(t, p.Anonymous, e.Actor)
	assert.Equal(t, hour, e.Time)
	assert.Equal(t, hour, c.ReceivedAt)
	assert.Equal(t, hour.Add(14*24*time.Hour), c.AcknowledgeBy)
	for _, id := range []p.ID{e.ID, c.ID} {
		assert.Equal(t, hour.UnixMilli(), hourOf(id))
	}
	_, err = s.Verify(context.Background())
	assert.NoError(t, err)
	_, err = p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Modules: []p.Module{personModule()}})
	assert.NoError(t, err, "an event whose actor has only a role replays")
}

func TestPolicyTableInREADME(t *testing.T) {
	s, _ := MustOpen(t, nil, nil)
	policydoc.Check(t, s.Policy(), "contribution.", "subject.", "family.", "codev.", "goal.", "contact.", "outbox.")
}

// TestAnonymousDeadlines: a contribution an anonymous command starts is
// received at the start of its hour, and its deadlines and days count
// from there (PRIV-1): its acknowledgement deadline passes up to an hour
// before a named one's of the same minute, and days to acknowledgement
// stay whole days, one more when the step comes within the hour before a
// whole day from the true minute.
func TestAnonymousDeadlines(t *testing.T) {
	ctx := context.Background()
	s, clock := MustOpen(t, nil, nil)
	named, err := s.Submit(ctx, client, input("named"))
	require.NoError(t, err)
	var anon *p.Contribution
	require.NoError(t, s.Exec(ctx, p.Anonymous, actAnon, func(tx *p.Tx) (err error) {
		in := input("anonymous")
		in.Unit, in.Contributors = "nimeton", nil
		anon, err = p.SubmitContribution(tx, in)
		return err
	}))
	t.Run("PRIV-1_deadlines_count_from_the_hour", func(t *testing.T) {
		assert.Equal(t, t0, named.ReceivedAt)
		assert.Equal(t, t0.Truncate(time.Hour), anon.ReceivedAt)
		assert.Equal(t, t0.Truncate(time.Hour).Add(14*24*time.Hour), anon.AcknowledgeBy)
		assert.Equal(t, t0.Truncate(time.Hour).Add(90*24*time.Hour), anon.RespondBy)
	})
	// 10 minutes before 14 days from the true minute: 13 days 23 h 50 min
	// after it, but 14 days 5 min 30 s after the start of its hour.
	clock.Set(t0.Add(14*24*time.Hour - 10*time.Minute))
	require.NoError(t, s.Release(ctx), "the hour of the anonymous command is long over")
	t.Run("PRIV-1_the_anonymous_deadline_passes_first", func(t *testing.T) {
		late, err := p.FindOverdue(s.View(), clock.Now())
		require.NoError(t, err)
		require.Len(t, late, 1)
		assert.Equal(t, anon.ID, late[0].Contribution.ID)
	})
	_, err = s.Acknowledge(ctx, staff, named.ID, "")
	require.NoError(t, err)
	_, err = s.Acknowledge(ctx, staff, anon.ID, "")
	require.NoError(t, err)
	t.Run("PRIV-1_days_to_acknowledgement_stay_whole_days", func(t *testing.T) {
		for unit, want := range map[string]float64{"aikuissosiaalityo": 13, "nimeton": 14} {
			u := unit
			ind, err := p.LoopIndicators(s.View(), p.IndicatorFilter{Unit: &u})
			require.NoError(t, err)
			found := false
			for _, i := range ind {
				if i.Key == p.IndicatorMedianAck {
					found = true
					require.NotNil(t, i.Value, unit)
					assert.Equal(t, want, *i.Value, unit)
				}
			}
			assert.True(t, found, "the indicators hold %s", p.IndicatorMedianAck)
		}
	})
}

// TestNewHourID: an hour id is a UUIDv7 (version and variant bits set)
// whose timestamp is the start of the hour and whose other bits are
// random, so two ids of the same instant share only the hour (PRIV-1).
func TestNewHourID(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 37, 12, 345678901, time.UTC)
	seen := map[p.ID]bool{}
	counters := map[int]bool{}
	for range 64 {
		id, err := p.NewHourID(nil, at)
		require.NoError(t, err)
		ms := int64(id[0])<<40 | int64(id[1])<<32 | int64(id[2])<<24 | int64(id[3])<<16 | int64(id[4])<<8 | int64(id[5])
		assert.Equal(t, at.Truncate(time.Hour).UnixMilli(), ms)
		assert.Equal(t, byte(7), id[6]>>4, "version 7")
		assert.Equal(t, byte(2), id[8]>>6, "RFC 9562 variant")
		assert.False(t, seen[id])
		seen[id] = true
		counters[int(id[6]&0x0f)<<8|int(id[7])] = true
	}
	assert.Greater(t, len(counters), 32, "the 12 bits after the timestamp are random, not a counter")
	_, err := p.NewHourID(bytes.NewReader(nil), at)
	assert.Equal(t, p.EINTERNAL, p.ErrorCode(err), "no randomness, no id")
}
