//go:build !(js && wasm)

package feedback

// dumpLive is the module's Dump, for participation.Store.Export. The
// browser's module never exports, so it carries none (dump_js.go), to
// stay small.
var dumpLive = func(s any) any { return s.(*live).dump() }
