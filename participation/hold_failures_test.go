//go:build !js

package participation_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/internal/vfs"
	"github.com/osallisuus/osallisuus/internal/vfs/faultfs"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestHoldAcrossFailures: anonymous commands held for their hour
// (PRIV-1) are journalled exactly once, whatever fails around their
// release, and are never lost beyond what the sync policy allows.
func TestHoldAcrossFailures(t *testing.T) {
	// A release is one append: the held commands' events, then the
	// inbox.released event that names their keys. When the disk fills
	// up while it is written, part of it stays in the file. The open
	// cuts a torn tail back to the last event that ends a command; were
	// each held command's last event to end one, the cut would keep the
	// held commands before the tear without their release, and the
	// inbox, still holding them, would release them again.
	t.Run("PRIV-1_a_release_torn_by_a_full_disk_is_journalled_once", func(t *testing.T) {
		ctx := context.Background()
		dir := t.TempDir()
		path := filepath.Join(dir, "journal.jsonl")
		clock := p.NewManualClock(time.Date(2026, 3, 2, 10, 7, 12, 0, time.UTC))
		mods := func() []p.Module { return []p.Module{feedback.Module(&feedback.Config{ThemeThreshold: -1})} }

		fsys := faultfs.New(0, false, nil)
		j, err := p.OpenFileFS(fsys, path, nil) // SyncEveryCommit
		require.NoError(t, err)
		s, err := p.Open(ctx, &p.Config{Journal: j, Clock: clock, Rand: &rng{x: 11}, Modules: mods()})
		require.NoError(t, err)
		fb := feedback.New(s)
		const n = 4
		for i := 0; i < n; i++ {
			clock.Advance(time.Minute)
			_, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "palvelu", Rating: feedback.Happy, Text: "Palautetta tunnin sisällä"})
			require.NoError(t, err, "acknowledged: held durably in the inbox")
		}
		require.Equal(t, n, s.Held())

		// The hour ends; the disk fills up as the release is written: the
		// write writes half, and cutting it off fails too.
		clock.Set(clock.Now().Truncate(time.Hour).Add(time.Hour))
		fsys.Arm(1, true, syscall.ENOSPC)
		require.Error(t, s.Release(ctx), "the release fails")
		_ = s.Close()

		// The disk is mended; the store opens again after the hour.
		j2, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		t.Logf("recovered on open: %+v", j2.Recovered())
		s2, err := p.Open(ctx, &p.Config{Journal: j2, Clock: clock, Rand: &rng{x: 12}, Modules: mods()})
		require.NoError(t, err)
		defer s2.Close()
		require.NoError(t, s2.Release(ctx))

		assert.Zero(t, s2.Held())
		assert.Equal(t, n, countLines(t, path, "feedback.submitted"), "each acknowledged anonymous command is journalled exactly once")
		assert.Equal(t, n, feedback.New(s2).Count(), "each acknowledged anonymous command counts once")
	})

	// Under SyncInterval a process killed between a flush's write and its
	// fsync leaves a release in the page cache only, while the inbox
	// still holds what it releases. The next open finds the commands
	// released and lets the inbox go of them; had it not synced the
	// journal first, a machine crash would then take the release away,
	// and the commands would be in neither the journal nor the inbox.
	t.Run("PRIV-1_an_open_over_unsynced_lines_syncs_them_before_the_inbox_lets_go", func(t *testing.T) {
		ctx := context.Background()
		dir := t.TempDir()
		path := filepath.Join(dir, "journal.jsonl")
		clock := p.NewManualClock(time.Date(2026, 3, 2, 10, 7, 12, 0, time.UTC))
		var durable int64 // the journal's size at its last fsync
		open := func(seed uint64) (*p.Store, *p.FileJournal) {
			t.Helper()
			j, err := p.OpenFileFS(syncWatch{vfs.OS, path, &durable}, path, &p.FileOptions{Sync: p.SyncInterval, Interval: 1 << 40})
			require.NoError(t, err)
			s, err := p.Open(ctx, &p.Config{Journal: j, Clock: clock, Rand: &rng{x: seed},
				Modules: []p.Module{feedback.Module(&feedback.Config{ThemeThreshold: -1})}})
			require.NoError(t, err)
			return s, j
		}

		// First process: an anonymous command in hour 10, acknowledged and
		// synced into the inbox.
		s, j := open(1)
		_, err := feedback.New(s).Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "palvelu", Rating: feedback.Happy, Text: "Kymmenen"})
		require.NoError(t, err)
		require.NoError(t, j.Sync())
		inbox, err := os.ReadFile(path + ".inbox")
		require.NoError(t, err)
		require.NotEmpty(t, inbox)
		st, err := os.Stat(path)
		require.NoError(t, err)
		syncedLen := st.Size() // the journal as last synced: before the release
		clock.Set(time.Date(2026, 3, 2, 11, 5, 0, 0, time.UTC))
		require.NoError(t, s.Release(ctx)) // hour 10 released into the gathered journal
		require.NoError(t, s.Close())      // the flush writes the release (and, here, syncs it) ...
		// ... but the process was killed between the flush's write and its
		// fsync: the file holds the release, the inbox still the command.
		require.NoError(t, os.WriteFile(path+".inbox", inbox, 0o600))
		durable = syncedLen

		// Second process, within hour 11: one more anonymous command, and the
		// interval's flush (nothing new in the journal, so no fsync of it;
		// the inbox is written and synced).
		s2, j2 := open(2)
		assert.Equal(t, 0, s2.Held(), "hour 10 found released on open")
		_, err = feedback.New(s2).Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "palvelu", Rating: feedback.Happy, Text: "Yksitoista"})
		require.NoError(t, err)
		require.NoError(t, j2.Sync())
		require.NoError(t, s2.Close())
		// Machine crash: what the journal never synced is gone; the inbox
		// was synced.
		t.Logf("journal: %d bytes, %d of them synced", fileSize(t, path), durable)
		require.NoError(t, os.Truncate(path, durable))

		// Third process, after hour 11: every acknowledged anonymous command
		// must be there, held or journalled.
		clock.Set(time.Date(2026, 3, 2, 12, 5, 0, 0, time.UTC))
		s3, _ := open(3)
		defer s3.Close()
		require.NoError(t, s3.Release(ctx))
		assert.Equal(t, 2, feedback.New(s3).Count(), "both acknowledged anonymous commands survive")
	})

	// The inbox holds a group's anonymous commands in one write. A write
	// the disk cuts short (half of it written, here the first command's
	// whole line) is refused, and every command of it answered
	// unavailable; what it wrote must not come back on the next open to
	// be released as if it had been taken.
	t.Run("PRIV-1_a_hold_the_disk_cuts_short_leaves_no_held_command", func(t *testing.T) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		fsys := faultfs.New(0, false, nil)
		fsys.Only = "write"
		j, err := p.OpenFileFS(fsys, path, nil) // SyncEveryCommit: held at once
		require.NoError(t, err)
		in, err := j.Inbox()
		require.NoError(t, err)
		rec := func(key string) []byte {
			return []byte(`{"key":"` + key + `","hour":"2026-03-02T10:00:00Z","events":[]}`)
		}
		fsys.Arm(1, false, syscall.ENOSPC)
		err = in.Hold(ctx, [][]byte{rec("01900000-0000-7000-8000-000000000001"), rec("01900000-0000-7000-8000-000000000002")})
		require.Error(t, err, "the hold is refused")
		_ = in.Close() // reports the failure again
		_ = j.Close()

		j2, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		defer j2.Close()
		in2, err := j2.Inbox()
		require.NoError(t, err)
		defer in2.Close()
		held, err := in2.Load(ctx)
		require.NoError(t, err)
		assert.Empty(t, held, "no command of the refused hold is held")
	})
}

// syncWatch is the operating system's file system, noting the size of
// one file at its last fsync: what a machine crash leaves of it.
type syncWatch struct {
	vfs.FS
	path    string
	durable *int64
}

func (w syncWatch) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	f, err := w.FS.OpenFile(name, flag, perm)
	if err != nil || name != w.path {
		return f, err
	}
	return syncWatchFile{f, w.durable}, nil
}

type syncWatchFile struct {
	vfs.File
	durable *int64
}

func (f syncWatchFile) Sync() error {
	if err := f.File.Sync(); err != nil {
		return err
	}
	if st, err := f.File.Stat(); err == nil {
		*f.durable = st.Size()
	}
	return nil
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	require.NoError(t, err)
	return st.Size()
}
