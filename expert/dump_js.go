//go:build js

package expert

// dumpIndex is nil in the browser, which never exports a store: the
// module registers no Dump there, and its code is left out.
var dumpIndex func(any) any
