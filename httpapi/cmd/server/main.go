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
package main

import (
	"context"
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
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
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
	pg := fs.String("postgres", "", "PostgreSQL URL of the shared journal and keys, instead of -data")
	table := fs.String("table", "osallisuus_journal", "with -postgres: the journal's table; the keys are in <table>_keys")
	issuer := fs.String("issuer", "", "OpenID Connect issuer URL; empty: no one signs in")
	audience := fs.String("audience", "", "the client id tokens must be issued for")
	claims := fs.String("claims", "", "JSON file of httpapi.OIDCConfig's claim mapping (roleClaim, roles, personClaim)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))

	var app *api.App
	var err error
	if *pg != "" {
		app, err = openPostgres(ctx, *pg, *table)
	} else {
		app, err = httpapi.OpenFiles(*data, &api.Config{Clock: clock})
	}
	if err != nil {
		return err
	}
	defer app.Close()

	cfg := &httpapi.Config{App: app, Logger: logger}
	if *issuer != "" {
		oc := httpapi.OIDCConfig{Issuer: *issuer, Audience: *audience}
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

func openPostgres(ctx context.Context, url, table string) (*api.App, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, err
	}
	journal, err := postgres.Open(ctx, pool, &postgres.Options{Table: table})
	if err != nil {
		pool.Close()
		return nil, err
	}
	keys, err := postgres.OpenKeyStore(ctx, pool, &postgres.KeyOptions{Table: table + "_keys"})
	if err != nil {
		pool.Close()
		return nil, err
	}
	return api.New(&api.Config{Journal: journal, Keys: keys, Modules: []p.Module{httpapi.Module()}, Clock: clock})
}
