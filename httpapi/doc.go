// Package httpapi serves the library's JSON method layer (package api)
// over HTTP: one route per method, POST /api/{method}, with the caller's
// identity coming from the request (an OpenID Connect bearer token, a
// feedback device's token, or no sign-in for the open methods).
//
// Every answer is JSON; every failure is an RFC 9457 problem
// (application/problem+json) carrying the library's error code. The
// contract is an OpenAPI 3.1 document made from the method table and
// served at /openapi.json, so it cannot drift from the methods. Logs
// (log/slog) name the method, the status, the library's code and the
// time taken, and never a client address, user agent, cookie or name.
//
// The package is its own module, because it brings dependencies the
// library does not want (an OpenID Connect verifier, a rate limiter):
// importing osallisuus never pulls them in.
package httpapi
