//go:build !js

package participation_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/internal/vfs/faultfs"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestFileJournalOpenSyncs: what OpenFile reads, and what it cuts, is on
// stable storage before a store acts on it. A killed process leaves lines
// only the page cache holds; the store opening over them lets its inbox
// go of the commands they release and destroys the keys of whom they
// erase (TestHoldAcrossFailures covers the inbox).
func TestFileJournalOpenSyncs(t *testing.T) {
	open := func(t *testing.T, content string) (*faultfs.FS, *p.FileJournal) {
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
		fsys := faultfs.New(0, false, nil)
		fsys.Only = "sync"
		j, err := p.OpenFileFS(fsys, path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { j.Close() })
		return fsys, j
	}
	t.Run("whole_lines_are_synced", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		j0, err := p.OpenFile(path, &p.FileOptions{Sync: p.SyncNever})
		require.NoError(t, err)
		s, err := p.Open(t.Context(), &p.Config{Journal: j0})
		require.NoError(t, err)
		_, err = s.Submit(t.Context(), p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000a1"), Role: p.RoleStaff}, p.ContributionInput{Source: p.Source{Module: "kokeilu", Kind: "idea"},
			Level: p.LevelDialogue, Origin: p.OriginOrganisation, Title: "Aukioloajat"})
		require.NoError(t, err)
		require.NoError(t, s.Close())
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		fsys, j := open(t, string(b))
		assert.Zero(t, j.Recovered().TornBytes)
		assert.NotZero(t, fsys.Ops(), "the journal is synced as it opens")
	})
	t.Run("a_journal_of_a_torn_command_alone_is_cut_and_synced", func(t *testing.T) {
		fsys, j := open(t, `{"seq":1,"id":"0190a000-0000-7000-8000-0000`)
		require.NotZero(t, j.Recovered().TornBytes, "the torn tail was cut")
		assert.NotZero(t, fsys.Ops(), "the cut is synced")
	})
}
