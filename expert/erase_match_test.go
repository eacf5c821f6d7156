package expert_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestErasedExpertIsNotMatched: EraseSubject (not only a withdrawn
// consent) makes an expert's sealed profile unreadable, so the
// backgrounds and areas opened from it no longer match them, in the
// live store as after a replay (PRIV-2, EXP-3).
func TestErasedExpertIsNotMatched(t *testing.T) {
	e := newEnv(t, nil, nil)
	x := e.register(1, expert.Profile{Backgrounds: []expert.Background{expert.OwnCondition}, Areas: []string{"substance_use"}}, true)
	stay := e.register(2, expert.Profile{Areas: []string{"homelessness"}}, true)
	admin := p.Actor{ID: p.MustParseID("0190f000-0000-7000-8000-0000000000a1"), Role: p.RoleAdmin}
	require.NoError(t, e.s.EraseSubject(e.ctx, admin, x, "pyyntö"))

	need := expert.Need{Background: expert.OwnCondition, Area: "substance_use"}
	live, err := e.ex.Match(need, t0, 10)
	require.NoError(t, err)
	s2, err := p.Open(e.ctx, &p.Config{Journal: e.j, Keys: e.keys, Modules: []p.Module{expert.Module(nil)}})
	require.NoError(t, err)
	defer s2.Close()
	replayed, err := expert.New(s2).Match(need, t0, 10)
	require.NoError(t, err)
	for _, c := range live {
		assert.NotEqual(t, x, c.Expert, "PRIV-2: the erased expert is matched with reasons %+v read from their erased profile", c.Reasons)
	}
	assert.Equal(t, replayed, live, "a live store matches as a replayed one")
	require.Len(t, replayed, 1)
	assert.Equal(t, stay, replayed[0].Expert)
}
