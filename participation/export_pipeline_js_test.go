//go:build js && wasm

package participation

// SettleInBackground does nothing in the browser's build, which keeps no
// indexes of its own (see contribs_js.go).
func SettleInBackground(*Store) {}
