//go:build js

package feedback

// freezes is false in the browser, which freezes no module state: no
// shard of cells is ever shared, and the code that copies one is left
// out.
const freezes = false
