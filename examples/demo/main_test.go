package main

import (
	"os"
	"sync"
	"testing"
)

// TestMain compresses the module at a middle brotli quality: the highest
// takes the pure-Go encoder half a minute, and minutes under the race
// detector. What the tests check — brotli to browsers that accept it,
// smaller than gzip, decoding to the module — holds at any quality; the
// README's figure for the highest comes from `go run ./examples/demo`.
func TestMain(m *testing.M) {
	brotliQuality = 5
	os.Exit(m.Run())
}

var (
	builtOnce sync.Once
	built     *Module
	buildErr  error
)

// module builds the demo's module once for all the tests of a run, with
// its brotli form made.
func module(t testing.TB) *Module {
	t.Helper()
	builtOnce.Do(func() {
		built, buildErr = Build()
		if buildErr == nil {
			built.Brotli()
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}
