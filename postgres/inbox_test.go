package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/postgres"
)

// feedbackInstance is a store with the feedback module on a shared
// journal, at a clock of its own.
func feedbackInstance(t *testing.T, name, app string, clock p.Clock) *p.Store {
	t.Helper()
	pool := newPool(t, app)
	j := openJournal(t, pool, name)
	keys, err := postgres.OpenKeyStore(context.Background(), pool, &postgres.KeyOptions{Table: name + "_keys"})
	require.NoError(t, err)
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Clock: clock, Modules: []p.Module{feedback.Module(nil)}})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// countType counts the journal's events of one type, read from the table.
func countType(t *testing.T, name, typ string) int {
	t.Helper()
	var n int
	require.NoError(t, newPool(t, "count").QueryRow(context.Background(),
		"SELECT count(*) FROM "+name+" WHERE line LIKE '%\"type\":\""+typ+"\"%'").Scan(&n))
	return n
}

// TestSharedInbox: over a shared journal anonymous commands wait in the
// journal's inbox table until their hour is over (PRIV-1); a store that
// opens meanwhile holds them too, yet they are journalled once; one held
// by a store that stopped is released by the next to open.
func TestSharedInbox(t *testing.T) {
	name := table(t)
	ctx := context.Background()
	clock := p.NewManualClock(time.Date(2026, 3, 2, 10, 7, 12, 0, time.UTC))
	a := feedbackInstance(t, name, "inbox-a", clock)
	res, err := feedback.New(a).Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "s", Text: "Palautetta", WantReceipt: true})
	require.NoError(t, err)
	t.Run("PRIV-1_held_in_the_inbox_table_not_the_journal", func(t *testing.T) {
		assert.Zero(t, countType(t, name, "feedback.submitted"))
		var rows int
		require.NoError(t, newPool(t, "rows").QueryRow(ctx, "SELECT count(*) FROM "+name+"_inbox").Scan(&rows))
		assert.Equal(t, 1, rows)
	})
	b := feedbackInstance(t, name, "inbox-b", clock)
	assert.Equal(t, 1, b.Held(), "a store that opens holds what the inbox holds")

	clock.Advance(time.Hour)
	require.NoError(t, a.Release(ctx))
	require.NoError(t, b.CatchUp(ctx))
	require.NoError(t, b.Release(ctx))
	t.Run("PRIV-1_released_once_by_two_stores", func(t *testing.T) {
		assert.Equal(t, 0, b.Held())
		assert.Equal(t, 1, countType(t, name, "feedback.submitted"))
		_, err := feedback.LookupReceipt(b.View(), res.Receipt)
		assert.NoError(t, err)
		var rows int
		require.NoError(t, newPool(t, "rows").QueryRow(ctx, "SELECT count(*) FROM "+name+"_inbox").Scan(&rows))
		assert.Zero(t, rows, "the inbox let go of what the journal took")
	})

	t.Run("PRIV-1_a_stopped_store's_command_is_released_by_the_next", func(t *testing.T) {
		_, err := feedback.New(b).Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "s", Rating: feedback.Happy})
		require.NoError(t, err)
		require.NoError(t, b.Close())
		clock.Advance(time.Hour)
		c := feedbackInstance(t, name, "inbox-c", clock)
		assert.Zero(t, c.Held())
		assert.Equal(t, 2, countType(t, name, "feedback.submitted"))
		require.NoError(t, a.CatchUp(ctx))
		require.NoError(t, a.Release(ctx))
		assert.Equal(t, 2, countType(t, name, "feedback.submitted"), "once, whichever store releases")
	})
}
