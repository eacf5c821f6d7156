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
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/internal/vfs"
	"github.com/osallisuus/osallisuus/internal/vfs/faultfs"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// openSnapStore opens the journal at path with every module, as
// openCrashStore does, keeping snapshots as snaps says (nil: none).
func openSnapStore(path string, snaps *p.SnapshotConfig, fb *feedback.Config) (*p.Store, error) {
	j, err := p.OpenFile(path, nil)
	if err != nil {
		return nil, err
	}
	keys, err := p.OpenDirKeyStore(path + ".keys")
	if err != nil {
		j.Close()
		return nil, err
	}
	if fb == nil {
		fb = &feedback.Config{ThemeThreshold: -1}
	}
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Snapshots: snaps,
		Modules: []p.Module{panel.Module(), feedback.Module(fb), expert.Module(nil)}})
	if err != nil {
		j.Close()
		keys.Close()
	}
	return s, err
}

// replayedExport is the export of a store that replays the whole journal
// at path, with no snapshot: what every snapshot must reproduce.
func replayedExport(t *testing.T, path string) string {
	t.Helper()
	s, err := openSnapStore(path, nil, nil)
	require.NoError(t, err)
	defer s.Close()
	assert.Zero(t, s.Opened().Snapshot.Seq)
	return export(t, s)
}

// snapEnv is wholeEnv over a store that keeps snapshots in dir, with
// feedback given besides: every module holds state.
func snapEnv(t *testing.T, dir string) *wholeEnv {
	e := newWholeEnv(t)
	require.NoError(t, e.s.Close())
	e.reopen(p.SnapshotsIn(dir))
	fb := feedback.New(e.s)
	for i := range 12 {
		_, err := fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "palvelu",
			Rating: feedback.Rating(1 + i%4), Text: fmt.Sprintf("Jonotin %d tuntia", i)})
		require.NoError(t, err)
	}
	return e
}

func (e *wholeEnv) reopen(snaps *p.SnapshotConfig) {
	e.t.Helper()
	s, err := openSnapStore(e.path, snaps, nil)
	require.NoError(e.t, err)
	e.s, e.panels, e.experts = s, panel.New(s), expert.New(s)
}

// doEverything runs every command a client-side role may run (the list
// comes from the role policy, as in TestErasureOfSomeoneWhoDidEverything),
// except the withdrawal of consent, which erases.
func (e *wholeEnv) doEverything() {
	t := e.t
	ds := deeds()
	order := []p.Action{p.ActionGoalWrite, p.ActionGoalReplan, p.ActionGoalProgress, p.ActionGoalReach, p.ActionSubmit,
		p.ActionProcessLog, p.ActionProcessIdea, p.ActionFamilyGrant, p.ActionFamilyWithdraw, p.ActionFamilyTakePart,
		panel.ActionRaiseTopic, panel.ActionHoldMeeting, panel.ActionWriteMinutes, panel.ActionAdoptStatement,
		panel.ActionApproveMinutes, panel.ActionEndMembership, p.ActionContactSet, p.ActionContactClear}
	for _, a := range e.s.Policy().Actions() {
		if _, ok := ds[a]; ok && !slices.Contains(order, a) {
			order = append(order, a)
		}
	}
	for _, a := range order {
		if do := ds[a]; do != nil {
			require.NoError(t, do(e), "%s", a)
		}
	}
}

// TestSnapshotReopen: a store reopened from a snapshot and the journal
// after it holds exactly what a replay of the whole journal holds — every
// table and every module's state (feedback's item store and aggregates,
// the experts' match index, the kernel's aggregates), compared through
// the export — with the snapshot taken in the middle of the history and
// at its head.
func TestSnapshotReopen(t *testing.T) {
	dir := t.TempDir()
	e := snapEnv(t, filepath.Join(dir, "snapshots"))
	mid, err := e.s.SaveSnapshot(e.ctx)
	require.NoError(t, err)
	e.doEverything()
	head, _ := e.s.Head()
	require.Greater(t, head, mid.Seq+20)
	live := export(t, e.s)
	require.NoError(t, e.s.Close())

	e.reopen(p.SnapshotsIn(filepath.Join(dir, "snapshots")))
	info := e.s.Opened()
	assert.Equal(t, mid, info.Snapshot, "the snapshot is loaded")
	assert.Equal(t, head-mid.Seq, info.Replayed, "only the events after it are replayed")
	assert.Empty(t, info.Notes)
	assert.Equal(t, live, export(t, e.s), "snapshot and tail rebuild the state the store had")
	// Commands go on from the loaded state.
	_, err = e.s.Submit(e.ctx, staff, input("Iltavastaanotto"))
	require.NoError(t, err)
	top, err := e.s.SaveSnapshot(e.ctx)
	require.NoError(t, err)
	live = export(t, e.s)
	require.NoError(t, e.s.Close())
	assert.Equal(t, live, replayedExport(t, e.path), "a replay of the whole journal agrees")

	e.reopen(p.SnapshotsIn(filepath.Join(dir, "snapshots")))
	defer e.s.Close()
	assert.Equal(t, top, e.s.Opened().Snapshot)
	assert.Zero(t, e.s.Opened().Replayed, "a snapshot at the head replays nothing")
	assert.Equal(t, live, export(t, e.s))
}

// TestSnapshotPassedOver: a snapshot that is damaged, cut short, stale
// (of a longer history), of another history, written under another
// module configuration or not a snapshot at all is passed over with a
// note, and the store is the replay of the whole journal; deleting the
// snapshots is always safe.
func TestSnapshotPassedOver(t *testing.T) {
	dir := t.TempDir()
	e := snapEnv(t, filepath.Join(dir, "snapshots"))
	snap, err := e.s.SaveSnapshot(e.ctx)
	require.NoError(t, err)
	require.NoError(t, e.s.Close())
	want := replayedExport(t, e.path)
	good, err := os.ReadFile(filepath.Join(dir, "snapshots", fmt.Sprintf("snapshot-%020d.bin", snap.Seq)))
	require.NoError(t, err)

	// Another history of the same length: the same commands at other
	// times, with other ids.
	other := snapEnv(t, filepath.Join(dir, "other"))
	for h, _ := other.s.Head(); h < snap.Seq; h, _ = other.s.Head() {
		_, err := other.s.Submit(other.ctx, staff, input("Täyte"))
		require.NoError(t, err)
	}
	oh, _ := other.s.Head()
	require.Equal(t, snap.Seq, oh, "the other history has the same length")
	var theirs bytes.Buffer
	_, err = other.s.Snapshot(other.ctx, &theirs)
	require.NoError(t, err)
	require.NoError(t, other.s.Close())

	flip := bytes.Clone(good)
	flip[len(flip)/2] ^= 0x20
	cases := []struct {
		name, file, why string
		data            []byte
		fb              *feedback.Config
	}{
		{"damaged", "", "checksum", flip, nil},
		{"cut_short", "", "checksum", good[:len(good)*2/3], nil},
		{"empty", "", "not a snapshot", nil, nil},
		{"stale", fmt.Sprintf("snapshot-%020d.bin", snap.Seq+1000), "ends before", good, nil},
		{"misnamed", fmt.Sprintf("snapshot-%020d.bin", snap.Seq-1), "position", good, nil},
		{"of_another_history", "", "another hash", theirs.Bytes(), nil},
		{"other_time_zone", "", "another version of the program or under another module configuration", good,
			&feedback.Config{ThemeThreshold: -1, Location: time.FixedZone("elsewhere", 3600)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sd := filepath.Join(t.TempDir(), "snapshots")
			require.NoError(t, os.MkdirAll(sd, 0o700))
			name := c.file
			if name == "" {
				name = fmt.Sprintf("snapshot-%020d.bin", snap.Seq)
			}
			require.NoError(t, os.WriteFile(filepath.Join(sd, name), c.data, 0o600))
			s, err := openSnapStore(e.path, p.SnapshotsIn(sd), c.fb)
			require.NoError(t, err, "a bad snapshot never keeps the store from opening")
			defer s.Close()
			info := s.Opened()
			assert.Zero(t, info.Snapshot.Seq, "not loaded")
			assert.Equal(t, snap.Seq, info.Replayed, "the whole journal is replayed")
			require.Len(t, info.Notes, 1)
			assert.Contains(t, info.Notes[0], name)
			assert.Contains(t, info.Notes[0], c.why)
			if c.fb == nil {
				assert.Equal(t, want, export(t, s))
			}
		})
	}
	t.Run("deleted", func(t *testing.T) {
		s, err := openSnapStore(e.path, p.SnapshotsIn(filepath.Join(t.TempDir(), "none")), nil)
		require.NoError(t, err)
		defer s.Close()
		assert.Zero(t, s.Opened().Snapshot.Seq)
		assert.Empty(t, s.Opened().Notes)
		assert.Equal(t, want, export(t, s))
	})
}

// TestSnapshotErasure: a snapshot holds texts that appliers opened from
// sealed data. Erasing their subject removes every snapshot taken before
// (in the same command's commit), and a snapshot from before the erasure
// that comes back — restored from a backup, say — is loaded only with the
// journal after it, whose erasure the tail replays: nothing of the
// subject returns, the erasure's snapshot is removed again, and the state
// is that of a replay of the whole journal.
func TestSnapshotErasure(t *testing.T) {
	for _, erasure := range []string{"EraseSubject", "withdrawn_expert_consent"} {
		t.Run("PRIV-2_erased_by_"+erasure+"_nothing_comes_back_from_a_snapshot", func(t *testing.T) {
			sd := filepath.Join(t.TempDir(), "snapshots")
			e := snapEnv(t, sd)
			e.doEverything()
			before, err := e.s.SaveSnapshot(e.ctx)
			require.NoError(t, err)
			file := filepath.Join(sd, fmt.Sprintf("snapshot-%020d.bin", before.Seq))
			old, err := os.ReadFile(file)
			require.NoError(t, err)
			require.True(t, slices.ContainsFunc(e.secrets, func(s string) bool { return bytes.Contains(old, []byte(s)) }),
				"the snapshot holds the subject's opened texts: this is what erasure must reach")

			switch erasure {
			case "EraseSubject":
				require.NoError(t, e.s.EraseSubject(e.ctx, admin, e.me, "asked to be forgotten"))
			default:
				require.NoError(t, e.experts.WithdrawConsent(e.ctx, e.as(p.RoleExpert), e.me))
			}
			_, err = os.Stat(file)
			assert.ErrorIs(t, err, os.ErrNotExist, "the erasure removed the snapshot taken before it")
			live := export(t, e.s)
			noneOf(t, e.secrets, map[string]string{"the export": live})
			require.NoError(t, e.s.Close())

			// The old snapshot comes back.
			require.NoError(t, os.WriteFile(file, old, 0o600))
			e.reopen(p.SnapshotsIn(sd))
			defer e.s.Close()
			assert.Equal(t, before, e.s.Opened().Snapshot, "the old snapshot is valid against the chain, so it is loaded")
			got := export(t, e.s)
			noneOf(t, e.secrets, map[string]string{"the state loaded from the old snapshot": got})
			assert.Equal(t, live, got, "the tail's erasure is applied over the snapshot")
			_, err = os.Stat(file)
			assert.ErrorIs(t, err, os.ErrNotExist, "replaying the erasure removed the old snapshot again")
		})
	}
}

// TestSnapshotWriteFailsAtEveryStep: a snapshot being written when a
// file operation fails — a crash at that point leaves the same files —
// leaves the snapshot before it usable. Every operation of writing the
// second snapshot fails in turn (a failed write writes half its bytes, a
// failed sync drops what it would have synced); reopening then loads one
// of the two, never anything else, and ends with the state of a replay.
func TestSnapshotWriteFailsAtEveryStep(t *testing.T) {
	setup := func(t *testing.T, fsys vfs.FS) (*wholeEnv, string, p.Head) {
		sd := filepath.Join(t.TempDir(), "snapshots")
		e := snapEnv(t, sd)
		require.NoError(t, e.s.Close())
		e.reopen(p.SnapshotsOverFS(p.SnapshotsIn(sd), fsys))
		first, err := e.s.SaveSnapshot(e.ctx)
		require.NoError(t, err)
		e.doEverything()
		return e, sd, first
	}
	count := &faultfs.FS{Base: vfs.OS}
	e, _, _ := setup(t, count)
	n0 := count.Ops()
	_, err := e.s.SaveSnapshot(e.ctx)
	require.NoError(t, err)
	ops := count.Ops() - n0
	require.NoError(t, e.s.Close())
	require.GreaterOrEqual(t, ops, 6, "create, write, sync, close, rename, sync the directory")

	for i := 1; i <= ops; i++ {
		t.Run(fmt.Sprintf("op_%d", i), func(t *testing.T) {
			fsys := &faultfs.FS{Base: vfs.OS}
			e, sd, first := setup(t, fsys)
			head, _ := e.s.Head()
			fsys.Arm(i, false, errors.New("injected"))
			second, err := e.s.SaveSnapshot(e.ctx)
			failed := fsys.Failed()
			require.NoError(t, e.s.Close())
			want := replayedExport(t, e.path)

			e.reopen(p.SnapshotsIn(sd))
			defer e.s.Close()
			got := e.s.Opened().Snapshot
			if err == nil {
				assert.Equal(t, second, got, "a snapshot reported written is loaded (%v failed)", failed)
			} else {
				assert.Contains(t, []p.Head{first, {Seq: head, Hash: got.Hash}}, got, "the first snapshot, or the second if it was in place before the failure (%v)", failed)
			}
			assert.Equal(t, want, export(t, e.s))
			entries, err := os.ReadDir(sd)
			require.NoError(t, err)
			for _, de := range entries {
				assert.False(t, strings.HasSuffix(de.Name(), ".tmp"), "opening removes temporary files: %s", de.Name())
			}
		})
	}
}

// TestSnapshotInTheBackground: with Every set, the store writes a
// snapshot each time that many events have been committed, while
// commands go on from several writers, keeps Keep of them, and writes one
// after an erasure at once (the older ones having been removed). Every
// snapshot it leaves reopens to the state of a replay.
func TestSnapshotInTheBackground(t *testing.T) {
	sd := filepath.Join(t.TempDir(), "snapshots")
	e := snapEnv(t, sd)
	require.NoError(t, e.s.Close())
	e.reopen(snapsEvery(sd, 10, 3))
	errs := make(chan error, 4)
	for w := range 4 {
		go func() {
			for i := range 15 {
				if _, err := e.s.Submit(e.ctx, staff, input(fmt.Sprintf("Ehdotus %d/%d", w, i))); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		require.NoError(t, <-errs)
	}
	// The snapshotter takes the head as it is when it starts, so while
	// writers outrun it, it may write fewer snapshots than Keep. Then one
	// command at a time, each seen by the snapshotter before the next:
	// three times Every events write at least Keep more, whatever the
	// machine's speed.
	for i := range 3 * 10 {
		_, err := e.s.Submit(e.ctx, staff, input(fmt.Sprintf("Ehdotus %d", i)))
		require.NoError(t, err)
		head, _ := e.s.Head()
		p.WaitSnapshotter(e.s, head)
	}
	head, _ := e.s.Head()
	files := func() []string {
		entries, err := os.ReadDir(sd)
		require.NoError(t, err)
		var out []string
		for _, de := range entries {
			out = append(out, de.Name())
		}
		return out
	}
	written := files()
	assert.Len(t, written, 3, "Keep snapshots are kept: %v", written)
	assert.GreaterOrEqual(t, written[len(written)-1], fmt.Sprintf("snapshot-%020d.bin", head-10), "the newest is less than Every events old")

	require.NoError(t, e.s.EraseSubject(e.ctx, admin, e.me, "asked to be forgotten"))
	head, _ = e.s.Head()
	p.WaitSnapshotter(e.s, head)
	assert.Equal(t, []string{fmt.Sprintf("snapshot-%020d.bin", head)}, files(), "only a snapshot after the erasure is left")
	live := export(t, e.s)
	require.NoError(t, e.s.Close())
	assert.Equal(t, live, replayedExport(t, e.path))

	e.reopen(p.SnapshotsIn(sd))
	defer e.s.Close()
	assert.Equal(t, head, e.s.Opened().Snapshot.Seq)
	assert.Equal(t, live, export(t, e.s))
}

func snapsEvery(dir string, every uint64, keep int) *p.SnapshotConfig {
	c := p.SnapshotsIn(dir)
	c.Every, c.Keep = every, keep
	return c
}
