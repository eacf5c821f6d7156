//go:build !js

package participation_test

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// everywhere reads the journal file, the export of the live store, the
// change feed from the start and the export of a store reopened from the
// file, after the store was closed: every place a text could remain.
func everywhere(t *testing.T, s *p.Store, path string) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	var state bytes.Buffer
	require.NoError(t, s.Export(&state))
	out["the export"] = state.String()
	var feed strings.Builder
	sub := s.Subscribe(1)
	head, _ := s.Head()
	for i := uint64(0); i < head; i++ {
		e, err := sub.Next(ctx)
		require.NoError(t, err)
		feed.Write(e.AppendJSON(nil))
		feed.WriteByte('\n')
	}
	out["the change feed"] = feed.String()
	require.NoError(t, s.Close())
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	out["the journal file"] = string(raw)
	s2, err := openCrashStore(path)
	require.NoError(t, err)
	defer s2.Close()
	var again bytes.Buffer
	require.NoError(t, s2.Export(&again))
	out["the state replayed from the file"] = again.String()
	_, err = s2.Verify(ctx)
	require.NoError(t, err, "the chain verifies after erasure")
	return out
}

// noneOf fails for every secret found in any of the places.
func noneOf(t *testing.T, secrets []string, places map[string]string) {
	t.Helper()
	for _, where := range slices.Sorted(maps.Keys(places)) {
		for _, secret := range secrets {
			assert.False(t, strings.Contains(places[where], secret), "%q is still in %s", secret, where)
		}
	}
}

// TestErasureReachesFreeText is the reproduction of the finding that
// erasure did not reach free text: a client writes a goal, their own
// role, a progress note and a contribution; after EraseSubject none of
// it may be found anywhere.
func TestErasureReachesFreeText(t *testing.T) {
	t.Run("PRIV-2_goal_role_note_and_title_are_gone_after_erasure", func(t *testing.T) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		s, err := openCrashStore(path)
		require.NoError(t, err)
		me := p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-00000000e001"), Role: p.RoleClient}
		texts := []string{"stop drinking and get my kids back", "I go to the AA group every Tuesday",
			"Three weeks sober now", "Evening hours for working parents"}
		g, err := s.WriteGoal(ctx, me, "I want to "+texts[0], texts[1])
		require.NoError(t, err)
		require.NoError(t, s.NoteProgress(ctx, me, g.ID, texts[2]))
		in := input(texts[3])
		in.Contributors = []p.ID{me.ID}
		c, err := s.Submit(ctx, me, in)
		require.NoError(t, err)
		_, err = s.Acknowledge(ctx, staff, c.ID, "")
		require.NoError(t, err)

		require.NoError(t, s.EraseSubject(ctx, admin, me.ID, "asked to be forgotten"))
		noneOf(t, texts, everywhere(t, s, path))
	})
}

// TestSealedText covers the edges of sealed free text: it is scrubbed
// before it is sealed, and text about a person already erased is not
// kept at all.
func TestSealedText(t *testing.T) {
	ctx := context.Background()
	t.Run("PRIV-2_sealed_text_is_scrubbed_first", func(t *testing.T) {
		s, _ := MustOpen(t, nil, nil)
		g, err := s.WriteGoal(ctx, client, "Soittakaa 040 1234567 tai maija@example.fi", "Vastaan puhelimeen")
		require.NoError(t, err)
		assert.Equal(t, "Soittakaa [puhelin] tai [sähköposti]", g.Text)
	})
	t.Run("PRIV-2_text_about_an_erased_person_is_not_kept", func(t *testing.T) {
		j := p.NewMemoryJournal()
		s, _ := MustOpen(t, j, nil)
		g, err := s.WriteGoal(ctx, client, "Löydän asunnon", "Haen kolmea")
		require.NoError(t, err)
		require.NoError(t, s.EraseSubject(ctx, admin, client.ID, "pyyntö"))
		require.NoError(t, s.NoteProgress(ctx, staff, g.ID, "Asiakas muutti Tampereelle"), "the work goes on")
		goals, err := p.GoalsOf(s.View(), client.ID)
		require.NoError(t, err)
		require.Len(t, goals[0].Notes, 1)
		assert.Equal(t, p.ErasedText, goals[0].Notes[0].Note)
		assert.Equal(t, p.ErasedText, goals[0].Text)
		for _, e := range journalLines(t, j) {
			assert.NotContains(t, string(e.Data), "Tampere", "event %d", e.Seq)
		}
	})
}
