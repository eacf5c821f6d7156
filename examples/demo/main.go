// Command demo builds the browser demo's WebAssembly module and serves
// the page on 127.0.0.1:
//
//	go run ./examples/demo             # http://127.0.0.1:8080/
//	go run ./examples/demo -port 9000
//
// The module is built with the same Go that runs this command, and served
// pre-compressed: brotli to browsers that accept it, gzip otherwise.
// wasm_exec.js comes from that Go's lib/wasm. The page needs nothing
// beyond its own origin.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/osallisuus/osallisuus/wasm/web"
)

func main() {
	port := flag.Int("port", 8080, "port to serve on, on 127.0.0.1")
	flag.Parse()
	mod, err := Build()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	fmt.Printf("osallisuus demo: http://%s/  (module %d KB, %d KB gzip)\n", ln.Addr(), len(mod.Wasm)/1024, len(mod.Gzip)/1024)
	go func() {
		if b := mod.Brotli(); b != nil {
			fmt.Printf("osallisuus demo: the module now goes brotli-compressed too (%d KB)\n", len(b)/1024)
		}
	}()
	srv := &http.Server{Handler: Handler(mod), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// Module is the built WebAssembly module, plain, gzip- and
// brotli-compressed, with the wasm_exec.js of the Go that built it. The
// brotli form takes the pure-Go encoder half a minute the first time, so
// it is made in the background: until it is there, browsers get gzip.
type Module struct {
	Wasm, Gzip, Exec []byte

	brotliDone chan struct{}
	brotli     []byte
}

// compressInBackground starts making the brotli form.
func (m *Module) compressInBackground() {
	m.brotliDone = make(chan struct{})
	go func() {
		defer close(m.brotliDone)
		if b, err := compressBrotli(m.Wasm); err == nil {
			m.brotli = b
		}
	}()
}

// Brotli waits for the brotli form and returns it (nil if it failed).
func (m *Module) Brotli() []byte {
	if m.brotliDone == nil {
		return nil
	}
	<-m.brotliDone
	return m.brotli
}

// brotliReady returns the brotli form if it is made, without waiting.
func (m *Module) brotliReady() []byte {
	if m.brotliDone == nil {
		return nil
	}
	select {
	case <-m.brotliDone:
		return m.brotli
	default:
		return nil
	}
}

// Build compiles ./wasm/module for GOOS=js GOARCH=wasm with the go
// command on the PATH, from the root of this module.
func Build() (*Module, error) {
	root, err := goOutput("", "list", "-m", "-f", "{{.Dir}}")
	if err != nil {
		return nil, fmt.Errorf("finding the module root: %w", err)
	}
	goroot, err := goOutput(root, "env", "GOROOT")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "osallisuus-wasm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "osallisuus.wasm")
	// Without inlining the module is 6 % smaller compressed (and a little
	// slower): it keeps the transfer within its 1.7 MB budget. The
	// sign-extension and saturating float-to-int instructions, which every
	// browser of the last five years runs, replace longer sequences:
	// brotli's transfer is about 3 KB smaller.
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-gcflags=all=-l", "-o", out, "./wasm/module")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOWASM=satconv,signext")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the module: %v\n%s", err, b)
	}
	m := &Module{}
	if m.Wasm, err = os.ReadFile(out); err != nil {
		return nil, err
	}
	if m.Exec, err = os.ReadFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js")); err != nil {
		return nil, fmt.Errorf("reading wasm_exec.js of this Go: %w", err)
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(m.Wasm)
	zw.Close()
	m.Gzip = z.Bytes()
	m.compressInBackground()
	return m, nil
}

// brotliQuality is brotli's highest quality, for the smallest transfer;
// the tests lower it, since under the race detector it takes minutes.
var brotliQuality = brotli.BestCompression

// compressBrotli compresses the module at brotli's highest quality, which
// takes the pure-Go encoder about half a minute; the result is kept in the
// user's cache directory under the module's SHA-256, so the same module
// is compressed once.
func compressBrotli(wasm []byte) ([]byte, error) {
	sum := sha256.Sum256(wasm)
	var cache string
	if dir, err := os.UserCacheDir(); err == nil {
		cache = filepath.Join(dir, "osallisuus-demo", fmt.Sprintf("%s-q%d.wasm.br", hex.EncodeToString(sum[:]), brotliQuality))
		if b, err := os.ReadFile(cache); err == nil && brotliOf(b, wasm) {
			return b, nil
		}
	}
	var z bytes.Buffer
	w := brotli.NewWriterOptions(&z, brotli.WriterOptions{Quality: brotliQuality, LGWin: 24})
	if _, err := w.Write(wasm); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if cache != "" && os.MkdirAll(filepath.Dir(cache), 0o755) == nil {
		// Written aside and renamed, so a reader never sees half a file;
		// a cache that cannot be written only costs the next start time.
		if f, err := os.CreateTemp(filepath.Dir(cache), "br-"); err == nil {
			_, werr := f.Write(z.Bytes())
			if cerr := f.Close(); werr == nil && cerr == nil {
				os.Rename(f.Name(), cache)
			}
			os.Remove(f.Name())
		}
	}
	return z.Bytes(), nil
}

// brotliOf reports whether b decompresses to wasm: a cached file is used
// only if it is whole.
func brotliOf(b, wasm []byte) bool {
	out, err := io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	return err == nil && bytes.Equal(out, wasm)
}

// accepts reports whether an Accept-Encoding header accepts enc: listed,
// and not with q=0.
func accepts(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

func goOutput(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	b, err := cmd.Output()
	return strings.TrimSpace(string(b)), err
}

// Handler serves the page, wasm_exec.js and the module.
func Handler(m *Module) http.Handler {
	mux := http.NewServeMux()
	static := http.FileServer(http.FS(web.Files))
	mux.HandleFunc("/wasm_exec.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(m.Exec)
	})
	mux.HandleFunc("/osallisuus.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Vary", "Accept-Encoding")
		ae := r.Header.Get("Accept-Encoding")
		body := m.Wasm
		br := m.brotliReady()
		switch {
		case len(br) > 0 && accepts(ae, "br"):
			w.Header().Set("Content-Encoding", "br")
			body = br
		case accepts(ae, "gzip"):
			w.Header().Set("Content-Encoding", "gzip")
			body = m.Gzip
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
	})
	// Browsers ask for /favicon.ico whatever the page links; it is the
	// page's SVG icon.
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		b, _ := fs.ReadFile(web.Files, "favicon.svg")
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write(b)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:")
		if r.URL.Path == "/" {
			b, _ := fs.ReadFile(web.Files, "index.html")
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(b)
			return
		}
		static.ServeHTTP(w, r)
	})
	return mux
}
