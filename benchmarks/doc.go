// Package benchmarks compares osallisuus with SQLite (modernc.org/sqlite,
// in memory) on the same workloads. It is a module of its own, so that
// the library never depends on SQLite. Run from this directory:
//
//	go test -run '^$' -bench . -benchmem -benchtime 1x -count 5 .
//
// The figures are in the README's "Performance" section.
package benchmarks
