package postgres

import (
	"context"
	"fmt"

	p "github.com/osallisuus/osallisuus/participation"
)

// Inbox is the participation.Inbox of a PostgreSQL journal: anonymous
// commands wait in a table beside the journal's, named after it with
// "_inbox" added, until the end of their hour (PRIV-1). Each row is one
// command, keyed by its random key; a row is written, and committed,
// before the command is answered, and deleted once the journal has taken
// the command.
//
// Stores that share the journal share the inbox: a store that opens reads
// every row, so a command held by a store that stopped is released by the
// next store to open. Two stores holding the same row release it once:
// the second catches up on the first's release, which names the row's
// key, and lets the row go.
type Inbox struct {
	j     *Journal
	table string
}

// InboxMigration returns the SQL that creates the inbox table.
func InboxMigration(table string) string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
	key  UUID PRIMARY KEY,
	body BYTEA NOT NULL
)`, table)
}

// Inbox implements participation.InboxJournal: it creates the inbox table
// if it is missing.
func (j *Journal) Inbox() (p.Inbox, error) {
	table := j.table + "_inbox"
	if !tableName.MatchString(table) {
		return nil, p.Invalid("table", "%q is too long a table name for its inbox (%q)", j.table, table)
	}
	if _, err := j.pool.Exec(context.Background(), InboxMigration(table)); err != nil {
		return nil, p.Unavailable(err, "creating the inbox table")
	}
	return &Inbox{j: j, table: table}, nil
}

// Hold implements participation.Inbox: the rows go in one statement.
func (in *Inbox) Hold(ctx context.Context, records [][]byte) error {
	keys := make([]string, len(records))
	for i, r := range records {
		k, err := p.HeldKey(r)
		if err != nil {
			return p.Internal(err, "reading a held command's key")
		}
		keys[i] = k.String()
	}
	_, err := in.j.pool.Exec(ctx, "INSERT INTO "+in.table+" (key, body) SELECT * FROM unnest($1::uuid[], $2::bytea[]) ON CONFLICT (key) DO NOTHING", keys, records)
	if err != nil {
		return p.Unavailable(err, "writing the inbox")
	}
	return nil
}

// Load implements participation.Inbox.
func (in *Inbox) Load(ctx context.Context) ([][]byte, error) {
	rows, err := in.j.pool.Query(ctx, "SELECT body FROM "+in.table+" ORDER BY key")
	if err != nil {
		return nil, p.Unavailable(err, "reading the inbox")
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, p.Unavailable(err, "reading the inbox")
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, p.Unavailable(err, "reading the inbox")
	}
	return out, nil
}

// Drop implements participation.Inbox.
func (in *Inbox) Drop(ctx context.Context, keys []p.ID) error {
	if len(keys) == 0 {
		return nil
	}
	ks := make([]string, len(keys))
	for i, k := range keys {
		ks[i] = k.String()
	}
	if _, err := in.j.pool.Exec(ctx, "DELETE FROM "+in.table+" WHERE key = ANY($1::uuid[])", ks); err != nil {
		return p.Unavailable(err, "deleting from the inbox")
	}
	return nil
}

// Close implements participation.Inbox; the pool is the caller's.
func (in *Inbox) Close() error { return nil }
