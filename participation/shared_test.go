package participation_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// Two stores over one journal, as two instances of a service over a
// shared PostgreSQL journal: a store that loses the race for the next
// sequence number catches up and runs its command again, so the stores
// converge and a rule holds across them.
func TestSharedJournal(t *testing.T) {
	ctx := context.Background()
	// Instances that share a journal share the vault's keys too, or
	// neither could open what the other sealed.
	j, keys := p.NewMemoryJournal(), p.NewMemoryKeyStore()
	a, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys})
	require.NoError(t, err)
	b, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys})
	require.NoError(t, err)

	var wg sync.WaitGroup
	for _, s := range []*p.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if _, err := s.Submit(ctx, client, input("Yhteinen")); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	require.NoError(t, a.CatchUp(ctx))
	require.NoError(t, b.CatchUp(ctx))
	var ea, eb bytes.Buffer
	require.NoError(t, a.Export(&ea))
	require.NoError(t, b.Export(&eb))
	assert.Equal(t, ea.String(), eb.String(), "both instances converge")
	head, err := a.Verify(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(400), head.Seq, "no command reported as committed is lost")

	t.Run("RuleHoldsAcrossInstances", func(t *testing.T) {
		c, err := a.Submit(ctx, client, input("Vain kerran"))
		require.NoError(t, err)
		require.NoError(t, b.CatchUp(ctx))
		// Both decide the same contribution: the second, whichever it is,
		// catches up, sees it decided and is refused.
		errs := make(chan error, 2)
		for _, s := range []*p.Store{a, b} {
			go func() { _, err := s.Decide(ctx, manager, c.ID, p.Adopted, ""); errs <- err }()
		}
		e1, e2 := <-errs, <-errs
		codes := []string{p.ErrorCode(e1), p.ErrorCode(e2)}
		assert.ElementsMatch(t, []string{"", p.ECONFLICT}, codes, "exactly one decision wins")
	})
}
