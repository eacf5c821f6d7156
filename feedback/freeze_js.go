//go:build js

package feedback

// freezes is false in the browser, which freezes no module state: no
// shard of cells is ever shared, and the code that copies one is left
// out.
const freezes = false

// dumpLive is nil in the browser, which never exports a store: the
// module registers no Dump there, and its code is left out.
var dumpLive func(any) any
