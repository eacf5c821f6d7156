// Command server runs the osallisuus HTTP service on 127.0.0.1: the
// library's JSON methods under /api/, the OpenAPI document at
// /openapi.json, device routes under /devices/ and the event feed at
// /events. It keeps its journal and keys in files under -data by
// default, or in PostgreSQL with -postgres URL (the shared journal of
// several instances), and prints the address it listens on.
//
//	go run ./cmd/server -data ./data
//	go run ./cmd/server -postgres postgres://localhost/osallisuus
//
// People sign in with OpenID Connect: -issuer names the provider, whose
// discovery document and keys verify the tokens, -audience the client id
// tokens must be for, and -claims a JSON file mapping claims to roles
// (see httpapi.OIDCConfig). Without -issuer no one signs in, and only the
// open methods and devices answer.
//
// Keys, which an erasure destroys, belong outside the journal's backups:
// -keys DIR keeps them in a directory of their own instead of under
// -data, and -keys-postgres URL in another database than the journal's.
// With -person-key FILE the ids of people whose person claim is not a
// UUID are derived under the secret in FILE (httpapi.KeyedPersonID),
// made if missing: use it when the claim is a value one can guess, such
// as a personal identity code, and keep the file, as another secret
// gives everyone new ids.
//
// With -key FILE the service keeps a verifiable history of its journal
// and signs its checkpoints (LOOP-2) with the county's key in FILE: the
// private key on the first line, the public key on the second. A missing
// FILE is made with a new key named -origin. The public key is printed:
// publish it, for anyone to verify receipts and checkpoints with.
package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/mod/sumdb/note"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
	"github.com/osallisuus/osallisuus/postgres"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// clock is the store's clock: nil, the wall clock. The tests set one
// they move, to see the anonymous commands of an hour released when it is
// over (PRIV-1).
var clock p.Clock

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (loopback by default)")
	data := fs.String("data", "osallisuus-data", "directory of the file journal and keys")
	keysDir := fs.String("keys", "", "directory of the keys, kept out of the journal's backups; empty: <data>/keys")
	pg := fs.String("postgres", "", "PostgreSQL URL of the shared journal and keys, instead of -data")
	table := fs.String("table", "osallisuus_journal", "with -postgres: the journal's table; the keys are in <table>_keys")
	keysPG := fs.String("keys-postgres", "", "with -postgres: PostgreSQL URL of the keys' database, kept out of the journal's backups; empty: the journal's")
	personKey := fs.String("person-key", "", "file of the secret that person ids are derived under (made if missing); empty: a plain hash of the claim")
	issuer := fs.String("issuer", "", "OpenID Connect issuer URL; empty: no one signs in")
	audience := fs.String("audience", "", "the client id tokens must be issued for")
	claims := fs.String("claims", "", "JSON file of httpapi.OIDCConfig's claim mapping (roleClaim, roles, personClaim)")
	key := fs.String("key", "", "file of the county's signing key (private, then public, one a line); made if missing; empty: nothing is signed")
	origin := fs.String("origin", "osallisuus.example/county", "with -key: the name a new key signs checkpoints as")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var history p.History
	public := ""
	if *key != "" {
		signer, pub, err := countyKey(*key, *origin)
		if err != nil {
			return err
		}
		history, public = merkle.New(signer), pub
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))

	switch {
	case *keysPG != "" && *pg == "":
		return errors.New("-keys-postgres is for a journal in PostgreSQL (-postgres); with -data, keep the keys apart with -keys")
	case *keysDir != "" && *pg != "":
		return errors.New("-keys is for a file journal (-data); with -postgres, keep the keys apart with -keys-postgres")
	}
	var personSecret []byte
	if *personKey != "" {
		var err error
		if personSecret, err = secretFile(*personKey); err != nil {
			return err
		}
	}
	var app *api.App
	var err error
	switch {
	case *pg != "":
		app, err = openPostgres(ctx, *pg, cmp.Or(*keysPG, *pg), *table, history)
	case *keysDir != "":
		var keys *p.DirKeyStore
		if keys, err = p.OpenDirKeyStore(*keysDir); err != nil {
			return err
		}
		if app, err = httpapi.OpenFiles(*data, &api.Config{Keys: keys, Clock: clock, History: history}); err != nil {
			keys.Close()
		}
	default:
		app, err = httpapi.OpenFiles(*data, &api.Config{Clock: clock, History: history})
	}
	if err != nil {
		return err
	}
	defer app.Close()

	cfg := &httpapi.Config{App: app, Logger: logger}
	if *issuer != "" {
		oc := httpapi.OIDCConfig{Issuer: *issuer, Audience: *audience, PersonKey: personSecret}
		if *claims != "" {
			b, err := os.ReadFile(*claims)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(b, &oc); err != nil {
				return fmt.Errorf("reading %s: %w", *claims, err)
			}
		}
		auth, err := httpapi.NewOIDC(ctx, oc)
		if err != nil {
			return err
		}
		cfg.Authenticator = auth
	}
	h, err := httpapi.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := httpapi.NewServer(h, ln.Addr().String(), logger)
	fmt.Fprintf(stdout, "osallisuus service: http://%s/  (contract at /openapi.json)\n", ln.Addr())
	if public != "" {
		fmt.Fprintf(stdout, "checkpoints signed with the county's public key %s\n", public)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// countyKey reads the county's signing key from path, or makes one named
// origin and writes it there (readable by its owner only).
func countyKey(path, origin string) (signer note.Signer, public string, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		private, pub, err := merkle.GenerateKey(rand.Reader, origin)
		if err != nil {
			return nil, "", err
		}
		if err := os.WriteFile(path, []byte(private+"\n"+pub+"\n"), 0o600); err != nil {
			return nil, "", err
		}
		b = []byte(private + "\n" + pub + "\n")
	} else if err != nil {
		return nil, "", err
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		return nil, "", fmt.Errorf("%s holds %d lines; it holds the private key, then the public key", path, len(lines))
	}
	signer, err = merkle.NewSigner(lines[0])
	return signer, strings.TrimSpace(lines[1]), err
}

// secretFile reads a secret of 32 random bytes, written in hex, from
// path, or makes one there (readable by its owner only). A new secret is
// written to a file of its own, synced, and linked into place only if no
// file is there yet, then the directory synced: two first starts at once
// agree on one secret, and a crash leaves either no file or the whole
// one, never an empty file nor one that a later start would replace.
func secretFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := makeSecret(linkTarget(path)); err != nil {
			return nil, err
		}
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("%s does not hold a secret of at least 32 bytes in hex", path)
	}
	return key, nil
}

// writeExclusive writes a new secret file at path, synced, unless one
// is there.
func writeExclusive(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	} else if err != nil {
		return err
	}
	return writeSecret(f, key)
}

// writeSecret writes key to f in hex, syncs and closes it.
func writeSecret(f *os.File, key []byte) error {
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// linkTarget is where path, a symbolic link to a file not yet made,
// points; path itself if it is no link.
func linkTarget(path string) string {
	t, err := os.Readlink(path)
	switch {
	case err != nil:
		return path
	case filepath.IsAbs(t):
		return t
	}
	return filepath.Join(filepath.Dir(path), t)
}

func makeSecret(path string) error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".secret-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := writeSecret(f, key); err != nil {
		return err
	}
	// CreateTemp makes the file readable by its owner only.
	if err := os.Link(f.Name(), path); errors.Is(err, os.ErrExist) {
		return nil // another start made it first
	} else if err != nil {
		// A file system without hard links: the file made in place, only
		// if none is there; a crash may leave it short, which is refused
		// when read, never replaced.
		if err := writeExclusive(path, key); err != nil {
			return err
		}
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func openPostgres(ctx context.Context, url, keysURL, table string, history p.History) (*api.App, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, err
	}
	journal, err := postgres.Open(ctx, pool, &postgres.Options{Table: table})
	if err != nil {
		pool.Close()
		return nil, err
	}
	keyPool := pool
	if keysURL != url {
		if keyPool, err = pgxpool.New(ctx, keysURL); err != nil {
			pool.Close()
			return nil, err
		}
	}
	keys, err := postgres.OpenKeyStore(ctx, keyPool, &postgres.KeyOptions{Table: table + "_keys"})
	if err != nil {
		pool.Close()
		if keyPool != pool {
			keyPool.Close()
		}
		return nil, err
	}
	return api.New(&api.Config{Journal: journal, Keys: keys, Modules: []p.Module{httpapi.Module()}, Clock: clock, History: history})
}
