//go:build !(js && wasm)

package participation

// keepReleased: the store keeps the keys of the last two days' releases
// (tableReleased), for a state restored from a snapshot. The browser's
// module keeps no snapshots, and so no such table.
const keepReleased = true
