package participation_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/journaltest"
)

func TestMemoryJournalConformance(t *testing.T) {
	journaltest.Run(t, func(t *testing.T) (p.Journal, func(*testing.T) p.Journal) {
		return p.NewMemoryJournal(), nil
	})
}

func TestFileJournalConformance(t *testing.T) {
	for name, opts := range map[string]*p.FileOptions{
		"SyncEveryCommit": nil,
		"SyncInterval":    {Sync: p.SyncInterval},
		"SyncNever":       {Sync: p.SyncNever},
	} {
		t.Run(name, func(t *testing.T) {
			journaltest.Run(t, func(t *testing.T) (p.Journal, func(*testing.T) p.Journal) {
				path := filepath.Join(t.TempDir(), "journal.jsonl")
				j, err := p.OpenFile(path, opts)
				require.NoError(t, err)
				return j, func(t *testing.T) p.Journal {
					j, err := p.OpenFile(path, opts)
					require.NoError(t, err)
					return j
				}
			})
		})
	}
}

// writeJournal writes events as a file journal would and returns the path.
func writeJournal(t *testing.T, evs []p.Event) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	var b []byte
	for i := range evs {
		b = evs[i].AppendJSON(b)
		b = append(b, '\n')
	}
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

func TestFileJournalTornTail(t *testing.T) {
	evs := journaltest.Chain(9, 3)
	path := writeJournal(t, evs)
	full, err := os.ReadFile(path)
	require.NoError(t, err)
	lineEnds := []int{}
	for i, c := range full {
		if c == '\n' {
			lineEnds = append(lineEnds, i+1)
		}
	}

	t.Run("PartialLineDropped", func(t *testing.T) {
		cut := lineEnds[7] + 25 // inside the ninth event
		require.NoError(t, os.WriteFile(path, full[:cut], 0o600))
		j, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		defer j.Close()
		assert.Equal(t, p.Recovery{TornBytes: int64(cut - lineEnds[5]), DroppedEvents: 2}, j.Recovered())
		got := journalLines(t, j)
		assert.Len(t, got, 6, "the whole commands before the torn one stay")
		st, _ := os.Stat(path)
		assert.Equal(t, int64(lineEnds[5]), st.Size(), "the torn tail is cut off the file")
	})

	t.Run("WholeLinesOfUnfinishedCommandDropped", func(t *testing.T) {
		require.NoError(t, os.WriteFile(path, full[:lineEnds[4]], 0o600))
		j, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		defer j.Close()
		assert.Equal(t, 2, j.Recovered().DroppedEvents)
		assert.Len(t, journalLines(t, j), 3)
		_, err = p.Verify(context.Background(), j)
		assert.NoError(t, err)
	})

	t.Run("CleanFileReportsNothing", func(t *testing.T) {
		require.NoError(t, os.WriteFile(path, full, 0o600))
		j, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		defer j.Close()
		assert.Equal(t, p.Recovery{}, j.Recovered())
		assert.Len(t, journalLines(t, j), 9)
	})
}

// TestTamper flips one byte in the middle of a journal file, at every
// position of one event's line, and checks that Verify and Open name that
// event's sequence number and never skip it.
func TestTamper(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := p.OpenFile(path, &p.FileOptions{Sync: p.SyncNever})
	require.NoError(t, err)
	s, _ := MustOpen(t, j, nil)
	for i := 0; i < 30; i++ {
		_, err := s.Submit(ctx, client, input("Aukioloajat iltaisin"))
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	orig, err := os.ReadFile(path)
	require.NoError(t, err)

	// The 15th line is event 15; flip every byte of it in turn.
	start, line := 0, 1
	for line < 15 {
		if orig[start] == '\n' {
			line++
		}
		start++
	}
	end := start
	for orig[end] != '\n' {
		end++
	}
	for pos := start; pos < end; pos++ {
		for _, flip := range []byte{0x01, 0x20} {
			bad := append([]byte(nil), orig...)
			bad[pos] ^= flip
			require.NoError(t, os.WriteFile(path, bad, 0o600))

			j, err := p.OpenFile(path, nil)
			require.NoError(t, err, "a flipped byte in the middle is no torn tail (byte %d)", pos-start)
			_, err = p.Verify(ctx, j)
			var ce *p.CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("flip %#x at byte %d of event 15: Verify said %v", flip, pos-start, err)
			}
			assert.Equal(t, uint64(15), ce.Seq, "flip %#x at byte %d: %v", flip, pos-start, err)
			assert.Equal(t, p.ECORRUPT, p.ErrorCode(err))

			_, err = p.Open(ctx, &p.Config{Journal: j, Modules: []p.Module{personModule()}})
			require.True(t, errors.As(err, &ce), "open must refuse a damaged journal")
			assert.Equal(t, uint64(15), ce.Seq)
			j.Close()
		}
	}
}
