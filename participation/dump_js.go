//go:build js && wasm

package participation

// keepDumps: the browser's module exports no state ([Store.Export]
// refuses), so it carries no dumps of module state (see dump.go).
const keepDumps = false

// dumpAggregates is nil: no dump in the browser's module.
var dumpAggregates func(any) any
