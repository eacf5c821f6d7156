package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/postgres"
)

// TestKeyStoreErasure: what a key store gives beside the erasure of the
// key it gives.
func TestKeyStoreErasure(t *testing.T) {
	t.Run("PRIV-2_a_reader_while_the_DELETE_waits_does_not_bring_the_key_back", eraseBesideReader)
	t.Run("PRIV-2_a_Get_beside_a_Delete_gives_the_whole_key_or_none", getBesideDelete)
}

// eraseBesideReader: a reader that asks for a key while its erasure
// waits to delete the row does not put the key back in the store's
// memory: once the erasure returns, the data is erased in this process
// too, not only in the table.
func eraseBesideReader(t *testing.T) {
	ctx := context.Background()
	name := table(t)
	pool := newPool(t, "keys-erase")
	ks, err := postgres.OpenKeyStore(ctx, pool, &postgres.KeyOptions{Table: name + "_keys"})
	require.NoError(t, err)
	v := p.NewVault(ks, nil)
	subject := p.MustParseID("0190a000-0000-7000-8000-0000000000cc")
	sealed, err := v.Seal(subject, []byte("Asun Hervannassa"))
	require.NoError(t, err)

	// Another session holds the row, so the erasure's DELETE waits.
	blocker, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer blocker.Rollback(ctx)
	_, err = blocker.Exec(ctx, "SELECT 1 FROM "+name+"_keys WHERE subject = $1 FOR UPDATE", subject.String())
	require.NoError(t, err)
	erased := make(chan error, 1)
	go func() { erased <- v.Erase(subject) }()
	for waiting := 0; waiting == 0; { // until the DELETE waits for the row
		require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM "+name+"_keys%'").Scan(&waiting))
	}
	got, err := v.Open(sealed) // the key is still in the table
	require.NoError(t, err, "a reader before the erasure is done")
	require.Equal(t, "Asun Hervannassa", string(got))
	require.NoError(t, blocker.Commit(ctx))
	require.NoError(t, <-erased)

	got, err = v.Open(sealed)
	if !errors.Is(err, p.ErrErased) {
		t.Errorf("after the erasure returned the data still opens in this process: %q, %v", got, err)
	}
	require.True(t, v.Erased(subject))
}

// getBesideDelete: a Get beside the Delete of the same key gives the
// whole key or none, never the cached key as the Delete wipes it.
func getBesideDelete(t *testing.T) {
	ctx := context.Background()
	name := table(t)
	ks, err := postgres.OpenKeyStore(ctx, newPool(t, "keys-beside"), &postgres.KeyOptions{Table: name + "_keys"})
	require.NoError(t, err)
	key := bytes.Repeat([]byte{0xab}, 32)
	for i := range 300 {
		subject := p.ID{0x01, 0x90, byte(i), byte(i >> 8), 0, 0, 0x70}
		require.NoError(t, ks.Put(subject, key))
		_, ok, err := ks.Get(subject) // now cached
		require.NoError(t, err)
		require.True(t, ok)
		deleted := make(chan error, 1)
		go func() { deleted <- ks.Delete(subject) }()
		for ok {
			var got []byte
			got, ok, err = ks.Get(subject)
			require.NoError(t, err)
			if ok && !bytes.Equal(got, key) {
				t.Fatalf("a Get beside the Delete gave %x as the key", got)
			}
		}
		require.NoError(t, <-deleted)
	}
}
