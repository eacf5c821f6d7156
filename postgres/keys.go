package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	p "github.com/osallisuus/osallisuus/participation"
)

// KeyStore is a participation.KeyStore in a PostgreSQL table, for stores
// that share a journal: each must open what the others sealed, so they
// share the keys too. The first store to make a subject's key wins; the
// others read it back (the vault does). Erasure deletes the row, and
// every store deletes it again when it catches up on the erasure.
//
// Keep the table out of the journal's backups and grants — in a schema or
// database of its own — so that the journal alone cannot open sealed data.
type KeyStore struct {
	pool  *pgxpool.Pool
	table string

	mu    sync.RWMutex
	cache map[p.ID][]byte
	// deletes counts the Deletes begun and ended, and deleting those
	// under way: a Get that read a key from the table while one ran does
	// not cache it, for the row it read may be the one being deleted.
	deletes  uint64
	deleting int
}

// KeyOptions configures a key store. A nil *KeyOptions means the
// defaults.
type KeyOptions struct {
	// Table is the keys' table; empty means "osallisuus_keys".
	Table string
}

// KeyMigration returns the SQL that creates the key table: one row per
// subject, with its 32-byte key.
func KeyMigration(table string) string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
	subject UUID PRIMARY KEY,
	key     BYTEA NOT NULL CHECK (length(key) = 32)
)`, table)
}

// OpenKeyStore creates the key table if it is missing.
func OpenKeyStore(ctx context.Context, pool *pgxpool.Pool, opts *KeyOptions) (*KeyStore, error) {
	table := "osallisuus_keys"
	if opts != nil && opts.Table != "" {
		table = opts.Table
	}
	if !tableName.MatchString(table) {
		return nil, p.Invalid("table", "%q is not a plain lower-case table name", table)
	}
	if _, err := pool.Exec(ctx, KeyMigration(table)); err != nil {
		return nil, p.Unavailable(err, "creating the key table")
	}
	return &KeyStore{pool: pool, table: table, cache: map[p.ID][]byte{}}, nil
}

// Get implements participation.KeyStore. The key is a copy of the
// caller's own: a Delete wipes only the store's.
func (k *KeyStore) Get(subject p.ID) ([]byte, bool, error) {
	k.mu.RLock()
	key, ok := k.cache[subject]
	key = bytes.Clone(key) // under the lock: a Delete wipes the cached one
	deletes, calm := k.deletes, k.deleting == 0
	k.mu.RUnlock()
	if ok {
		return key, true, nil
	}
	err := k.pool.QueryRow(context.Background(), "SELECT key FROM "+k.table+" WHERE subject = $1", subject.String()).Scan(&key)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, p.Unavailable(err, "reading the key of %s", subject)
	}
	if calm {
		cached := bytes.Clone(key)
		k.mu.Lock()
		if k.deletes == deletes {
			k.cache[subject] = cached
		}
		k.mu.Unlock()
	}
	return key, true, nil
}

// Put implements participation.KeyStore: a key already stored for the
// subject (by another store) stays, and Get returns it.
func (k *KeyStore) Put(subject p.ID, key []byte) error {
	if _, err := k.pool.Exec(context.Background(), "INSERT INTO "+k.table+" (subject, key) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING", subject.String(), key); err != nil {
		return p.Unavailable(err, "storing the key of %s", subject)
	}
	return nil
}

// Delete implements participation.KeyStore: the key leaves the cache
// first, then its row.
func (k *KeyStore) Delete(subject p.ID) error {
	k.mu.Lock()
	if key, ok := k.cache[subject]; ok {
		clear(key)
		delete(k.cache, subject)
	}
	k.deletes++
	k.deleting++
	k.mu.Unlock()
	_, err := k.pool.Exec(context.Background(), "DELETE FROM "+k.table+" WHERE subject = $1", subject.String())
	k.mu.Lock()
	k.deletes++ // a Get that read the row meanwhile does not cache it
	k.deleting--
	k.mu.Unlock()
	if err != nil {
		return p.Unavailable(err, "deleting the key of %s", subject)
	}
	return nil
}
