package postgres_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/postgres"
)

// snapInstance is instance with snapshots kept in a local directory.
func snapInstance(t *testing.T, name, app, dir string) *p.Store {
	pool := newPool(t, app)
	j, err := postgres.Open(context.Background(), pool, &postgres.Options{Table: name})
	require.NoError(t, err)
	keys, err := postgres.OpenKeyStore(context.Background(), pool, &postgres.KeyOptions{Table: name + "_keys"})
	require.NoError(t, err)
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Modules: []p.Module{panel.Module()},
		Snapshots: p.SnapshotsIn(dir)})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// TestSnapshotOverPostgres: snapshot files are local to an instance while
// the journal is shared. Instance A writes a snapshot; B goes on, erasing
// a client whose title A's snapshot holds; A catches up, which removes
// its snapshot from before the erasure; a restored copy of it is checked
// against the shared chain, loaded, and the tail — B's commands and the
// erasure — replayed, to the state B has (PRIV-2).
func TestSnapshotOverPostgres(t *testing.T) {
	name := table(t)
	dir := t.TempDir()
	ctx := context.Background()
	a := snapInstance(t, name, "instance-a", dir)
	b := instance(t, name, "instance-b")
	me := p.Actor{ID: p.MustParseID("0190ff00-0000-7000-8000-0000000000c7"), Role: p.RoleClient}
	for i := range 10 {
		in := idea(i)
		if i == 3 {
			in.Title, in.Contributors = "Salainen toive 3", []p.ID{me.ID}
			_, err := a.Submit(ctx, me, in)
			require.NoError(t, err)
			continue
		}
		_, err := a.Submit(ctx, client, in)
		require.NoError(t, err)
	}
	snap, err := a.SaveSnapshot(ctx)
	require.NoError(t, err)
	file := filepath.Join(dir, fmt.Sprintf("snapshot-%020d.bin", snap.Seq))
	old, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Contains(t, string(old), "Salainen toive 3", "the snapshot holds the opened title")

	converge(t, b)
	for i := 10; i < 15; i++ {
		_, err := b.Submit(ctx, client, idea(i))
		require.NoError(t, err)
	}
	require.NoError(t, b.EraseSubject(ctx, p.Actor{ID: coordinator.ID, Role: p.RoleAdmin}, me.ID, "asked to be forgotten"))
	converge(t, a, b)
	_, err = os.Stat(file)
	assert.ErrorIs(t, err, os.ErrNotExist, "catching up on the erasure removed the snapshot from before it")
	want := exportOf(t, b)
	assert.Equal(t, want, exportOf(t, a))
	require.NoError(t, a.Close())

	require.NoError(t, os.WriteFile(file, old, 0o600))
	c := snapInstance(t, name, "instance-c", dir)
	assert.Equal(t, snap, c.Opened().Snapshot, "checked against the shared chain and loaded")
	head, _ := b.Head()
	assert.Equal(t, head-snap.Seq, c.Opened().Replayed)
	got := exportOf(t, c)
	assert.Equal(t, want, got)
	assert.NotContains(t, got, "Salainen toive 3")
}
