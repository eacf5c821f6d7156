//go:build js && wasm

package feedback

// dumpLive is nil: the browser's module never exports the store's state,
// so it carries no dump of the module's (see dump.go).
var dumpLive func(any) any
