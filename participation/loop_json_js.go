//go:build js && wasm

package participation

import "reflect"

// The browser's build writes and reads every payload with encoding/json,
// which writes the same bytes (see loop_json.go); it is kept small.

const canonicalReads = false

func readsCanonical(reflect.Type) bool { return false }

func readCanonical(reflect.Value, []byte) bool { return false }

func appendCanonical(b []byte, _ EventData) ([]byte, bool) { return b, false }
