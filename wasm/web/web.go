// Package web holds the browser demo's static page: the HTML, the CSS,
// the hand-written JavaScript module and the TypeScript description of
// the API object. The demo server (examples/demo) serves them.
package web

import "embed"

// Files are index.html, app.js, style.css, osallisuus.d.ts, favicon.svg,
// and the receipt's verifier (verify.js) with the demo county that
// proves and signs for it (county.js).
//
//go:embed index.html app.js style.css osallisuus.d.ts favicon.svg verify.js county.js
var Files embed.FS
