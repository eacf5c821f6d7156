//go:build !(js && wasm)

package participation

// keepDumps: [Store.Export] writes the state every module keeps outside
// memdb beside the tables ([Module.Dump]). The browser's module never
// exports, so it carries no dumps (dump_js.go), to stay small.
const keepDumps = true

// dumpAggregates is the kernel module's Dump.
var dumpAggregates = func(s any) any { return s.(*aggregates).dump() }
