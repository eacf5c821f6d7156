package merkle_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// t0 is the start of every test's clock.
var t0 = time.Date(2026, 3, 2, 9, 15, 30, 0, time.UTC)

var (
	staff   = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-000000000001"), Role: p.RoleStaff}
	manager = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-000000000002"), Role: p.RoleManager}
	client  = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-000000000003"), Role: p.RoleClient}
)

// rng is a deterministic source of randomness for ids and keys in tests.
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

func input(title string) p.ContributionInput {
	return p.ContributionInput{
		Source: p.Source{Module: "test", Kind: "idea"}, Level: p.LevelDialogue, Origin: p.OriginClient,
		Unit: "aikuissosiaalityo", Service: "sosiaalinen_kuntoutus", Title: title, Contributors: []p.ID{client.ID},
	}
}

// journalLines reads the whole journal.
func journalLines(tb testing.TB, j p.Journal) []p.Event {
	tb.Helper()
	var out []p.Event
	require.NoError(tb, j.Read(context.Background(), 1, func(e p.Event) error {
		out = append(out, e)
		return nil
	}))
	return out
}
