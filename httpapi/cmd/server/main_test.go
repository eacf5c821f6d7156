package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
)

// serve runs the server with args and returns its printed address and a
// function that stops it and returns run's error.
func serve(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), w); w.Close() }()
	line, err := bufio.NewReader(r).ReadString('\n')
	require.NoError(t, err)
	m := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`).FindString(line)
	require.NotEmpty(t, m, "the server prints its address: %q", line)
	go io.Copy(io.Discard, r)
	return m, func() error { cancel(); return <-done }
}

func submit(t *testing.T, addr string) {
	t.Helper()
	res, err := http.Post(addr+"/api/feedback.submit", "application/json",
		strings.NewReader(`{"service":"aikuissosiaalityo","rating":4,"text":"Hyvä."}`))
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
}

// TestServer runs the server on a file journal, three times: it prints
// its address on loopback, serves the contract and the methods, stops on
// cancel, and keeps what it was sent. Anonymous feedback is kept in the
// inbox beside the journal until its hour is over (PRIV-1), across
// restarts; the server that starts after the hour journals it.
func TestServer(t *testing.T) {
	manual := p.NewManualClock(time.Now())
	clock = manual
	t.Cleanup(func() { clock = nil })
	dir := t.TempDir()
	addr, stop := serve(t, "-data", dir)
	res, err := http.Get(addr + "/openapi.json")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&doc))
	res.Body.Close()
	assert.Equal(t, "3.1.0", doc["openapi"])
	submit(t, addr)
	require.NoError(t, stop())

	addr, stop = serve(t, "-data", dir)
	submit(t, addr)
	require.NoError(t, stop())
	journal, err := os.ReadFile(dir + "/journal")
	require.NoError(t, err)
	inbox, err := os.ReadFile(dir + "/journal.inbox")
	require.NoError(t, err)
	assert.Zero(t, strings.Count(string(journal), `"type":"feedback.submitted"`), "PRIV-1: held until the end of the hour")
	assert.Equal(t, 2, strings.Count(string(inbox), `"type":"feedback.submitted"`), "the inbox outlives the process")

	manual.Set(manual.Now().Truncate(time.Hour).Add(time.Hour))
	_, stop = serve(t, "-data", dir)
	require.NoError(t, stop())
	journal, err = os.ReadFile(dir + "/journal")
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(journal), `"type":"feedback.submitted"`), "the journal outlives the process")
}

// TestServerKeysApart: with -keys the keys, which an erasure destroys,
// live in a directory of their own, out of the data directory and so of
// the journal's backups: the store holds that directory (a second
// server cannot take it), and makes none under -data. -person-key makes
// its secret once and reads the same one on every start after.
func TestServerKeysApart(t *testing.T) {
	data, keys := t.TempDir(), t.TempDir()
	secret := keys + "-person.key"
	var made []byte
	for i := range 2 {
		addr, stop := serve(t, "-data", data, "-keys", keys, "-person-key", secret)
		submit(t, addr)
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-keys", keys}, io.Discard)
		assert.Equal(t, p.EUNAVAILABLE, p.ErrorCode(err), "the key directory is the running store's: %v", err)
		require.NoError(t, stop())
		b, err := os.ReadFile(secret)
		require.NoError(t, err)
		if i == 0 {
			made = b
			assert.Len(t, strings.TrimSpace(string(b)), 64, "a secret of 32 bytes in hex")
		}
		assert.Equal(t, made, b, "made once, then read")
	}
	_, err := os.Stat(data + "/keys")
	assert.ErrorIs(t, err, os.ErrNotExist, "no key directory under -data")
	st, err := os.Stat(secret)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the secret is its owner's alone")

	// A flag for the other kind of journal is refused, not ignored.
	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-keys-postgres", "postgres://127.0.0.1:1/keys"}, io.Discard)
	assert.ErrorContains(t, err, "-keys-postgres is for a journal in PostgreSQL")
	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-postgres", "postgres://127.0.0.1:1/j", "-keys", t.TempDir()}, io.Discard)
	assert.ErrorContains(t, err, "-keys is for a file journal")
	// A secret file that holds no secret is refused, never replaced.
	bad := filepath.Join(t.TempDir(), "person.key")
	require.NoError(t, os.WriteFile(bad, nil, 0o600))
	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-person-key", bad}, io.Discard)
	assert.ErrorContains(t, err, "does not hold a secret")
}

// TestServerPostgres runs the server on the shared journal in PostgreSQL
// when OSALLISUUS_POSTGRES names a database (CI starts one).
func TestServerPostgres(t *testing.T) {
	url := os.Getenv("OSALLISUUS_POSTGRES")
	if url == "" {
		t.Skip("OSALLISUUS_POSTGRES is not set")
	}
	table := fmt.Sprintf("server_test_%d", time.Now().UnixNano())
	addr, stop := serve(t, "-postgres", url, "-table", table)
	submit(t, addr)
	require.NoError(t, stop())
	addr, stop = serve(t, "-postgres", url, "-table", table)
	res, err := http.Post(addr+"/api/labels", "application/json", nil)
	require.NoError(t, err)
	res.Body.Close()
	require.NoError(t, stop())
	// The keys through a pool of their own (here to the same database,
	// under another application name).
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	addr, stop = serve(t, "-postgres", url, "-table", table, "-keys-postgres", url+sep+"application_name=osallisuus_keys")
	submit(t, addr)
	require.NoError(t, stop())
}

// TestServerSigns: with -key the service keeps a verifiable history and
// signs it (LOOP-2). A new key is made and written on the first start and
// read again on the next; a checkpoint verifies with the public key alone,
// and a consistency proof shows that the journal at the second checkpoint
// extends the one at the first, also across the restart.
func TestServerSigns(t *testing.T) {
	manual := p.NewManualClock(time.Now())
	clock = manual
	t.Cleanup(func() { clock = nil })
	nextHour := func() { manual.Set(manual.Now().Truncate(time.Hour).Add(time.Hour)) }
	dir := t.TempDir()
	keyFile := dir + "/county.key"
	checkpoint := func(addr string) p.Checkpoint {
		t.Helper()
		b, err := os.ReadFile(keyFile)
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		require.Len(t, lines, 2, "the key file holds the private and the public key")
		res, err := http.Post(addr+"/api/checkpoint", "application/json", nil)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		var out struct{ Checkpoint string }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		cp, err := merkle.OpenCheckpoint(out.Checkpoint, lines[1])
		require.NoError(t, err, "LOOP-2: the checkpoint verifies with the county's public key")
		return cp
	}
	// Anonymous feedback is journalled once its hour is over (PRIV-1): the
	// store releases the hour before the next command after it.
	addr, stop := serve(t, "-data", dir+"/data", "-key", keyFile, "-origin", "county.example/test")
	submit(t, addr)
	nextHour()
	submit(t, addr)
	first := checkpoint(addr)
	require.NoError(t, stop())

	nextHour()
	addr, stop = serve(t, "-data", dir+"/data", "-key", keyFile)
	defer stop()
	second := checkpoint(addr)
	assert.Equal(t, first.Origin, second.Origin, "the same key after the restart")
	assert.Greater(t, first.Size, uint64(0), "the first hour's feedback was journalled")
	assert.Greater(t, second.Size, first.Size, "the journal grew between the checkpoints")
	body := fmt.Sprintf(`{"from":%d,"to":%d}`, first.Size, second.Size)
	res, err := http.Post(addr+"/api/consistency", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var proof p.ConsistencyProof
	require.NoError(t, json.NewDecoder(res.Body).Decode(&proof))
	t.Run("LOOP-2_checkpoints_and_a_consistency_proof_verify_with_the_public_key_alone", func(t *testing.T) {
		assert.NoError(t, merkle.VerifyConsistency(proof, first, second), "nothing before the first checkpoint was removed or rewritten")
	})
}

// TestPersonSecretThroughALink: a -person-key path that is a symbolic
// link to a file not yet made (a secrets volume mounted elsewhere) gets
// its secret where the link points, and nothing temporary is left.
func TestPersonSecretThroughALink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "store", "person.key")
	require.NoError(t, os.MkdirAll(filepath.Dir(target), 0o700))
	link := filepath.Join(dir, "person.key")
	require.NoError(t, os.Symlink(target, link))
	key, err := secretFile(link)
	require.NoError(t, err, "the secret is made where the link points")
	assert.Len(t, key, 32)
	again, err := secretFile(target)
	require.NoError(t, err)
	assert.Equal(t, key, again, "and read there")
	left, _ := filepath.Glob(filepath.Join(dir, "store", ".secret-*"))
	assert.Empty(t, left, "no temporary file is left")
}
