//go:build js && wasm

package participation

import "reflect"

// The browser's build writes and reads every payload with encoding/json,
// which writes the same bytes (see loop_json.go); it is kept small.

const canonicalReads = false

func readsCanonical(reflect.Type) bool { return false }

func readCanonical(reflect.Value, []byte) bool { return false }

func encodeCanonical(EventData) ([]byte, bool) { return nil, false }
