//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main explains itself when built for anything but the browser.
func main() {
	fmt.Fprintln(os.Stderr, "this is the browser demo's WebAssembly module: build it with GOOS=js GOARCH=wasm, or run go run ./examples/demo")
	os.Exit(2)
}
