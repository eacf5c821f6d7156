//go:build js && wasm

package participation

// keepReleased: the browser keeps no snapshots, so it needs no table of
// released keys (see hold_released.go).
const keepReleased = false
