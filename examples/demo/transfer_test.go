//go:build !js

package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/stretchr/testify/require"
)

// TestTransfer serves the module brotli-compressed to a browser that
// accepts br, gzip-compressed to one that accepts only gzip (or refuses
// br with q=0), and plain otherwise; each decodes to the built module.
func TestTransfer(t *testing.T) {
	mod := module(t)
	br := mod.Brotli() // the handler serves it once made
	t.Logf("module: %d bytes; brotli %d, gzip %d (brotli %.0f %% smaller)", len(mod.Wasm), len(br), len(mod.Gzip), 100*(1-float64(len(br))/float64(len(mod.Gzip))))
	require.Less(t, len(br), len(mod.Gzip))
	require.LessOrEqual(t, len(mod.Gzip), 1_700_000, "the module stays within 1.7 MB gzip-compressed")
	srv := httptest.NewServer(Handler(mod))
	defer srv.Close()
	for _, c := range []struct{ accept, enc string }{
		{"gzip, deflate, br, zstd", "br"}, {"br", "br"}, {"gzip, deflate", "gzip"}, {"gzip, br;q=0", "gzip"}, {"", ""}, {"identity", ""},
	} {
		req, _ := http.NewRequest("GET", srv.URL+"/osallisuus.wasm", nil)
		req.Header.Set("Accept-Encoding", c.accept) // set, so the client neither adds gzip nor decodes
		res, err := http.DefaultTransport.RoundTrip(req)
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, c.enc, res.Header.Get("Content-Encoding"), "Accept-Encoding %q", c.accept)
		require.Equal(t, "Accept-Encoding", res.Header.Get("Vary"))
		require.Equal(t, "application/wasm", res.Header.Get("Content-Type"))
		var r io.Reader = bytes.NewReader(body)
		switch c.enc {
		case "br":
			r = brotli.NewReader(r)
		case "gzip":
			r, err = gzip.NewReader(r)
			require.NoError(t, err)
		}
		plain, err := io.ReadAll(r)
		require.NoError(t, err)
		require.True(t, bytes.Equal(plain, mod.Wasm), "Accept-Encoding %q decodes to the module", c.accept)
	}
}
