//go:build !js

package participation_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/internal/vfs/faultfs"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestSnapshotErasureLeftBehind: an erasure that cannot remove a snapshot
// taken before it — an I/O error, a directory made read-only — says so,
// as one that cannot destroy the subject's key does; no newer snapshot
// is written until the old one is removed (it would be the one the next
// open loads, and that open would not replay the erasure to try again);
// the store does not open again over the old one until it can remove
// it; and a failure met while catching up with another instance's
// erasure is given to none of this instance's commands.
func TestSnapshotErasureLeftBehind(t *testing.T) {
	t.Run("PRIV-2_an_erasure_that_cannot_remove_an_older_snapshot_says_so_and_the_next_open_removes_it", func(t *testing.T) {
		e, fsys, sd, file := leftScene(t, p.SnapshotsIn)
		old, err := os.ReadFile(file)
		require.NoError(t, err)
		require.True(t, slices.ContainsFunc(e.secrets, func(s string) bool { return bytes.Contains(old, []byte(s)) }),
			"the snapshot holds the subject's opened texts")

		fsys.Arm(1, true, syscall.EIO) // every removal from now on fails
		err = e.s.EraseSubject(e.ctx, admin, e.me, "asked to be forgotten")
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "the erasure says the snapshot is left: %v", err)
		assert.NotEmpty(t, fsys.Failed(), "a removal was tried and failed")
		noneOf(t, e.secrets, map[string]string{"the state after the erasure": export(t, e.s)})
		require.NoError(t, e.s.Close())
		_, err = os.Stat(file)
		require.NoError(t, err, "the snapshot is still there")

		_, err = openSnapStore(e.path, p.SnapshotsOverFS(p.SnapshotsIn(sd), fsys), nil)
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "the store does not open over the snapshot while it cannot remove it: %v", err)

		e.reopen(p.SnapshotsIn(sd)) // the directory mended
		defer e.s.Close()
		_, err = os.Stat(file)
		assert.ErrorIs(t, err, os.ErrNotExist, "the open replayed the erasure and removed the snapshot")
		noneOf(t, e.secrets, map[string]string{"the state opened again": export(t, e.s)})
	})

	t.Run("PRIV-2_no_newer_snapshot_is_written_until_the_older_one_is_removed", func(t *testing.T) {
		e, fsys, sd, file := leftScene(t, p.SnapshotsIn)

		fsys.Arm(1, true, syscall.EIO) // every removal from now on fails
		err := e.s.EraseSubject(e.ctx, admin, e.me, "asked to be forgotten")
		require.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(e.s.SnapshotsLeft()), "a health check sees the snapshot left behind")
		_, err = e.s.SaveSnapshot(e.ctx)
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "no snapshot over one left behind: %v", err)
		files, _ := filepath.Glob(filepath.Join(sd, "snapshot-*.bin"))
		assert.Equal(t, []string{file}, files, "only the snapshot left behind")

		fsys.Arm(0, false, nil) // the directory mended
		after, err := e.s.SaveSnapshot(e.ctx)
		require.NoError(t, err, "the snapshot left behind is removed first")
		assert.NoError(t, e.s.SnapshotsLeft(), "and the health check is clear")
		_, err = os.Stat(file)
		assert.ErrorIs(t, err, os.ErrNotExist, "the snapshot taken before the erasure is gone")
		require.NoError(t, e.s.Close())
		e.reopen(p.SnapshotsIn(sd))
		defer e.s.Close()
		assert.Equal(t, after, e.s.Opened().Snapshot, "the new snapshot is loaded")
		noneOf(t, e.secrets, map[string]string{"the state opened again": export(t, e.s)})
	})

	t.Run("PRIV-2_the_snapshotter_writes_none_over_a_snapshot_left_behind", func(t *testing.T) {
		e, fsys, sd, file := leftScene(t, func(dir string) *p.SnapshotConfig { return snapsEvery(dir, 1<<40, 0) })

		fsys.Arm(1, true, syscall.EIO)
		err := e.s.EraseSubject(e.ctx, admin, e.me, "asked to be forgotten")
		require.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)
		h, _ := e.s.Head()
		p.WaitSnapshotter(e.s, h)
		require.NoError(t, e.s.Close())

		e.reopen(p.SnapshotsIn(sd))
		defer e.s.Close()
		t.Logf("opened: %+v", e.s.Opened())
		_, err = os.Stat(file)
		assert.ErrorIs(t, err, os.ErrNotExist, "the open replayed the erasure and removed the snapshot before it")
	})

	t.Run("PRIV-2_a_catch-up_with_another_instance's_erasure_fails_no_command_of_this_one", func(t *testing.T) {
		ctx := context.Background()
		j, keys := p.NewMemoryJournal(), p.NewMemoryKeyStore()
		a, err := p.Open(ctx, &p.Config{Journal: j, Keys: keys})
		require.NoError(t, err)
		defer a.Close()
		fsys := removalsFailable()
		b, _ := snapshotsOver(t, j, keys, fsys)

		_, err = a.Submit(ctx, client, input("Ennen"))
		require.NoError(t, err)
		require.NoError(t, b.CatchUp(ctx))
		_, err = b.SaveSnapshot(ctx)
		require.NoError(t, err)

		require.NoError(t, a.EraseSubject(ctx, admin, client.ID, "asked to be forgotten"))
		fsys.Arm(1, true, syscall.EIO)

		_, err = b.Submit(ctx, otherClient, otherInput())
		assert.NoError(t, err, "a command unrelated to the erasure, whose append caught up with it, commits")
		assert.NotEmpty(t, fsys.Failed(), "the removal was tried and failed")
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(b.SnapshotsLeft()), "no command was told; a health check is")
		_, err = b.SaveSnapshot(ctx)
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "but no snapshot is written over the one left behind: %v", err)
	})

	t.Run("PRIV-2_a_catch-up's_failure_is_not_given_to_a_later_erasure", func(t *testing.T) {
		ctx := context.Background()
		mj, keys := p.NewMemoryJournal(), p.NewMemoryKeyStore()
		a, err := p.Open(ctx, &p.Config{Journal: mj, Keys: keys})
		require.NoError(t, err)
		defer a.Close()
		fsys, fail := removalsFailable(), &atomic.Bool{}
		b, sd := snapshotsOver(t, tailFailJournal{mj, fail}, keys, fsys)

		_, err = b.Submit(ctx, otherClient, otherInput())
		require.NoError(t, err)
		require.NoError(t, a.CatchUp(ctx))
		_, err = a.Submit(ctx, client, input("Ennen"))
		require.NoError(t, err)
		require.NoError(t, b.CatchUp(ctx))
		_, err = b.SaveSnapshot(ctx)
		require.NoError(t, err)

		require.NoError(t, a.EraseSubject(ctx, admin, client.ID, "asked to be forgotten"))
		fsys.Arm(1, false, syscall.EIO) // the next removal fails, later ones work
		fail.Store(true)                // and the catch-up fails after it applied the erasure
		err = b.CatchUp(ctx)
		t.Logf("catch-up: %v", err)
		require.Len(t, fsys.Failed(), 1, "b's removal of its snapshot for a's erasure failed")

		// b erases a subject of its own; its removal of the older snapshot
		// works.
		err = b.EraseSubject(ctx, admin, otherClient.ID, "asked to be forgotten")
		assert.NoError(t, err, "b's own erasure, whose snapshot removal succeeded, is not answered with the failure a catch-up met")
		assert.Len(t, fsys.Failed(), 1, "no removal of b's erasure failed")
		left, _ := filepath.Glob(filepath.Join(sd, "snapshot-*.bin"))
		t.Logf("snapshots left: %v", left)
		assert.Empty(t, left, "the erasure removed every snapshot before it, the one left behind too")
		_, err = b.SaveSnapshot(ctx)
		assert.NoError(t, err, "nothing is left behind to keep a snapshot from being written")
	})

	// A snapshot being written when an erasure commits removes itself;
	// when it cannot, the next snapshot removes it first, so that it never
	// stands under a newer one the next open would load instead of
	// replaying the erasure.
	t.Run("PRIV-2_a_snapshot_an_erasure_overtook_and_that_cannot_remove_itself_is_removed_by_the_next", func(t *testing.T) {
		ctx := context.Background()
		mj, keys := p.NewMemoryJournal(), p.NewMemoryKeyStore()
		fsys := removalsFailable()
		s, sd := snapshotsOver(t, mj, keys, fsys)
		_, err := s.Submit(ctx, client, input("Ennen"))
		require.NoError(t, err)
		h0, _ := s.Head()

		p.OnSnapshotEncode(s, func() {
			p.OnSnapshotEncode(s, nil)
			require.NoError(t, s.EraseSubject(ctx, admin, client.ID, "asked to be forgotten"))
			fsys.Arm(1, false, syscall.EIO) // the snapshot's removal of itself fails
		})
		_, err = s.SaveSnapshot(ctx)
		require.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "%v", err)
		old := filepath.Join(sd, fmt.Sprintf("snapshot-%020d.bin", h0))
		_, err = os.Stat(old)
		require.NoError(t, err, "the snapshot taken before the erasure is left")

		_, err = s.SaveSnapshot(ctx) // the directory mended
		require.NoError(t, err)
		_, err = os.Stat(old)
		assert.ErrorIs(t, err, os.ErrNotExist, "the next snapshot removes the one left first")

		b, err := p.Open(ctx, &p.Config{Journal: mj, Keys: keys, Snapshots: p.SnapshotsIn(sd)})
		require.NoError(t, err)
		defer b.Close()
		t.Logf("second store opened: %+v", b.Opened())
		_, err = os.Stat(old)
		assert.ErrorIs(t, err, os.ErrNotExist, "the snapshot taken before the erasure is gone once a store opens again")
	})
}

// removalsFailable is the operating system's file system, whose removals
// a test can make fail (Arm).
func removalsFailable() *faultfs.FS {
	fsys := faultfs.New(0, false, nil)
	fsys.Only = "remove"
	return fsys
}

// leftScene is a store that did everything a client can, over snapshots
// in a directory of its own (made by snaps) whose removals the returned
// file system can make fail, with one snapshot saved: the file returned.
func leftScene(t *testing.T, snaps func(dir string) *p.SnapshotConfig) (e *wholeEnv, fsys *faultfs.FS, dir, file string) {
	t.Helper()
	dir, fsys = filepath.Join(t.TempDir(), "snapshots"), removalsFailable()
	e = newWholeEnv(t)
	require.NoError(t, e.s.Close())
	e.reopen(p.SnapshotsOverFS(snaps(dir), fsys))
	e.doEverything()
	before, err := e.s.SaveSnapshot(e.ctx)
	require.NoError(t, err)
	return e, fsys, dir, filepath.Join(dir, fmt.Sprintf("snapshot-%020d.bin", before.Seq))
}

// snapshotsOver opens a store over journal j and keys, its snapshots in
// a directory of its own going through fsys.
func snapshotsOver(t *testing.T, j p.Journal, keys p.KeyStore, fsys *faultfs.FS) (*p.Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snapshots")
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Snapshots: p.SnapshotsOverFS(p.SnapshotsIn(dir), fsys)})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// otherClient is a client with nothing to do with the erased one.
var otherClient = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000aa"), Role: p.RoleClient}

func otherInput() p.ContributionInput {
	in := input("Toisen asia")
	in.Contributors = []p.ID{otherClient.ID}
	return in
}

// tailFailJournal is a shared memory journal whose next Read, once armed,
// fails after handing out every event (as a reader whose connection
// drops when it asks for the page after the last).
type tailFailJournal struct {
	*p.MemoryJournal
	fail *atomic.Bool
}

func (j tailFailJournal) Read(ctx context.Context, from uint64, fn func(p.Event) error) error {
	err := j.MemoryJournal.Read(ctx, from, fn)
	if err == nil && j.fail.Swap(false) {
		return errors.New("connection reset after the last row")
	}
	return err
}
