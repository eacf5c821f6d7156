// Package web holds the browser demo's static page: the HTML, the CSS,
// the hand-written JavaScript module and the TypeScript description of
// the API object. The demo server (examples/demo) serves them.
package web

import "embed"

// Files are index.html, app.js, style.css and osallisuus.d.ts.
//
//go:embed index.html app.js style.css osallisuus.d.ts
var Files embed.FS
